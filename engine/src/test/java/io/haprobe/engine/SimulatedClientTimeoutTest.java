package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that gives up before its answer, in a simulation (HAProxy 2.6 without {@code option abortonclose}). */
class SimulatedClientTimeoutTest {

    private static final long MS = 1_000_000L;

    @Test
    void aClientGivingUpLeavesItsStreamToGoOnAndSendsItsNextRequestAtOnce() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                backend app
                    server web01 127.0.0.1:8081
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofMillis(1500)))))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Sequential(2))
                        .withTimeout(Duration.ofMillis(500)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(3));

            long start = sim.engine().startNanos();
            // observed on HAProxy 2.6.12: the server's answer is logged '200 ... ----' after the client closed, and
            // the second request, sent when the first one's client gave up, overlaps it (smax 2)
            assertThat(sim.timeline().events().stream()
                    .filter(HealthEvent.RequestCompleted.class::isInstance)
                    .map(HealthEvent.RequestCompleted.class::cast)
                    .map(e -> "t=" + (e.timeNanos() - start) / MS + " sent=" + (e.sentNanos() - start) / MS + " "
                            + e.server() + " " + e.status() + " " + e.terminationState()))
                    .containsExactly("t=1500 sent=0 web01 -1 --", "t=2000 sent=500 web01 -1 --");
            assertThat(sim.engine().showStat()).contains("app,web01,0,0,0,2,");
        }
    }
}
