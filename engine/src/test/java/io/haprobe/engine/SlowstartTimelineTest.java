package io.haprobe.engine;

import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code slowstart} on the health side (spec §9.3, §8.1): a server coming back enters STARTING, and the end of
 * its warm-up, {@code slowstart} rounded up to whole seconds later, logs a second "is UP" line without a reason.
 * Observed on HAProxy 2.6.12: with {@code slowstart 3500ms} the second line came 4,008 ms after the first.
 */
class SlowstartTimelineTest {

    private static final String UP_COUNTS = " 1 active and 0 backup servers online. 0 sessions requeued, 0 total in "
            + "queue.";

    @Test
    void aServerComingBackWarmsUpForSlowstartRoundedUpToSeconds() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                backend app
                    server web01 127.0.0.1:8080 check inter 1s rise 1 fall 1 slowstart 3500ms
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.builder()
                        .at(Duration.ZERO, Behaviour.refuse())
                        .at(Duration.ofMillis(2500), Behaviour.http(200))
                        .build())
                .build()) {
            sim.runUntil(Duration.ofMillis(5000));
            assertThat(sim.server("app/web01").orElseThrow().state()).isEqualTo(ServerState.STARTING);
            sim.runUntil(Duration.ofSeconds(10));

            assertThat(sim.timeline().logLines()).containsExactly(
                    "t=0ms Server app/web01 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
                            + "check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 "
                            + "requeued, 0 remaining in queue.",
                    "t=0ms backend app has no server available!",
                    "t=3000ms Server app/web01 is UP, reason: Layer4 check passed, check duration: 0ms." + UP_COUNTS,
                    "t=7000ms Server app/web01 is UP." + UP_COUNTS);
            assertThat(sim.server("app/web01").orElseThrow().state()).isEqualTo(ServerState.UP);
        }
    }

    @Test
    void slowstartNeverAppliesAtBootNorToAServerThatFallsBackBeforeTheEnd() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                backend app
                    server web01 127.0.0.1:8080 check inter 1s rise 1 fall 1 slowstart 10s
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.builder()
                        .at(Duration.ZERO, Behaviour.http(200))
                        .at(Duration.ofMillis(1500), Behaviour.refuse())
                        .at(Duration.ofMillis(2500), Behaviour.http(200))
                        .at(Duration.ofMillis(4500), Behaviour.refuse())
                        .build())
                .build()) {
            assertThat(sim.server("app/web01").orElseThrow().state()).isEqualTo(ServerState.UP);
            sim.runUntil(Duration.ofSeconds(20));

            assertThat(sim.timeline().logLines()).extracting(line -> line.substring(0, line.indexOf(',') < 0
                    ? line.length() : line.indexOf(','))).containsExactly(
                    "t=2000ms Server app/web01 is DOWN",
                    "t=2000ms backend app has no server available!",
                    "t=3000ms Server app/web01 is UP",
                    "t=5000ms Server app/web01 is DOWN",
                    "t=5000ms backend app has no server available!");
        }
    }
}
