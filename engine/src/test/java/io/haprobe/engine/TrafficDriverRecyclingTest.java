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

/**
 * The driver hands each ended stream back to the model, which reuses the object for a later request: a timer set
 * for the earlier request must not act on the later one.
 */
class TrafficDriverRecyclingTest {

    @Test
    void aClientTimeoutOfAnEndedRequestDoesNotTouchTheNextOneOnTheSameStreamObject() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                backend app
                    server web01 127.0.0.1:8081
                """);
        // each request takes 100 ms and its client waits 250 ms: request 1's timer fires while request 3 runs
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofMillis(100)))))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Sequential(10))
                        .withTimeout(Duration.ofMillis(250)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(2));

            assertThat(sim.timeline().requests()).hasSize(10)
                    .allSatisfy(request -> assertThat(request.status()).isEqualTo(200))
                    .extracting(HealthEvent.RequestCompleted::requestId)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        }
    }

    @Test
    void aResponseTimerOfAnEndedRequestDoesNotEndTheNextOne() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 300ms
                backend app
                    server web01 127.0.0.1:8081
                """);
        // a server that answers in 200 ms; each request's timeout server timer (300 ms) is not armed, but the
        // response timer of one request must not end the request that reuses its stream
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofMillis(200)))))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Rate(10,
                        Duration.ofSeconds(1).toNanos())))
                .build()) {
            sim.runUntil(Duration.ofSeconds(3));

            assertThat(sim.timeline().requests()).hasSize(10).allSatisfy(request -> {
                assertThat(request.status()).isEqualTo(200);
                assertThat(request.totalNanos()).isEqualTo(Duration.ofMillis(200).toNanos());
            });
        }
    }
}
