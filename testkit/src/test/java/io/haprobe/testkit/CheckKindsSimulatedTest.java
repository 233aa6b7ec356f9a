package io.haprobe.testkit;

import io.haprobe.CheckOutcome;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cases of {@link CheckKinds} on virtual time: each scripted backend, played by the simulated transport, gives
 * the status, code, info and log line HAProxy 2.6.12 reports for the same exchange.
 */
class CheckKindsSimulatedTest {

    static Stream<CheckKinds.Case> cases() {
        return CheckKinds.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsWhatHaproxyReports(CheckKinds.Case c) {
        Simulation sim = Simulation.builder(HaproxyConfig.parse("test.cfg", CheckKinds.config(c, "10.0.0.1:6379", "1s")))
                .script("app_backend/web01", ServerScript.of(c.backend())).build();

        sim.runFor(Duration.ofMillis(1500));

        CheckOutcome first = sim.timeline().checks("app_backend/web01").get(0).outcome();
        CheckKinds.assertOutcome(c, first);
        if (c.reason() != null) {
            assertThat(sim.timeline().logLines().get(0)).isEqualTo("t=" + first.durationMillis() + "ms "
                    + CheckKinds.downLine(c, first.durationMillis()));
        } else {
            assertThat(sim.timeline().logLines()).isEmpty();
        }
    }

}
