package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A scenario's {@code epoch:}, the date of t=0 in the traffic's httplog lines. */
class ScenarioEpochTest {

    private static final String SCENARIO = """
            haproxy: |
              backend app
                  server web01 10.0.0.1:8080 check
            duration: 10s
            servers:
              app/web01:
                - at: 0s
                  http: { status: 200 }
            """;

    @Test
    void epochIsAUtcDateAndDefaultsToTheUnixEpoch() {
        assertThat(Scenario.parse("s.yaml", SCENARIO, Path.of(".")).epoch()).isEqualTo(Instant.EPOCH);
        assertThat(Scenario.parse("s.yaml", "epoch: 2026-12-06T08:00:00Z\n" + SCENARIO, Path.of(".")).epoch())
                .isEqualTo(Instant.parse("2026-12-06T08:00:00Z"));
        assertThat(Scenario.parse("s.yaml", "epoch: 2026-12-06T08:00:00Z\n" + SCENARIO, Path.of("."))
                .withSeed(3).epoch()).isEqualTo(Instant.parse("2026-12-06T08:00:00Z"));
    }

    @Test
    void anEpochThatIsNotADateIsALocatedError() {
        assertThatThrownBy(() -> Scenario.parse("s.yaml", "epoch: yesterday\n" + SCENARIO, Path.of(".")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("s.yaml:1:8: epoch: 'yesterday' (expected: a UTC date such as 2026-12-06T08:00:00Z)");
    }
}
