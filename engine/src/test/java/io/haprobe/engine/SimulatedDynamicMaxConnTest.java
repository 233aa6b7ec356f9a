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

/** {@code minconn}/{@code maxconn} with {@code fullconn}: the server's dynamic limit, in a simulation. */
class SimulatedDynamicMaxConnTest {

    private static final long MS = 1_000_000L;

    @Test
    void aStreamStillCountsInItsBackendWhenItsEndDequeuesTheNextOnes() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                    timeout queue 5s
                backend app
                    fullconn 8
                    server web01 127.0.0.1:8081 minconn 1 maxconn 4
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofMillis(400)))))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Burst(8)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(3));

            long start = sim.engine().startNanos();
            // HAProxy 2.6.12's httplog (Ta 405, 809 x4, 1211 x2, 1614): the first request is served alone (at its
            // arrival beconn 1 allows max(1, 4*1/8) = 1); its end, still counted in beconn (8), lets four in
            // (4*8/8); the ends of those four, each still counted (7, 6, 5, 4), let in two, then one
            assertThat(sim.timeline().events().stream()
                    .filter(HealthEvent.RequestCompleted.class::isInstance)
                    .map(e -> (e.timeNanos() - start) / MS))
                    .containsExactly(400L, 800L, 800L, 800L, 800L, 1200L, 1200L, 1600L);
        }
    }
}
