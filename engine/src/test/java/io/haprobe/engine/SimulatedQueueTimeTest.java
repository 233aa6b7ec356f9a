package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A request's queue time ({@code %Tw}) in a simulation, as HAProxy 2.6.12 logs it. */
class SimulatedQueueTimeTest {

    @Test
    void aRequestThatNeverReachesAServerHasNoQueueTimeAndOneServedAtOnceHasZero() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                backend down
                    server web01 127.0.0.1:8081 check inter 1s fall 1
                backend up
                    server web02 127.0.0.1:8082 check inter 1s
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("down/web01", ServerScript.of(Behaviour.refuse()))
                .script("up/web02", ServerScript.of(Behaviour.http(200)))
                .traffic(Traffic.to(Traffic.Target.backend("down"), Duration.ofSeconds(1), new Traffic.Burst(1)))
                .traffic(Traffic.to(Traffic.Target.backend("up"), Duration.ofSeconds(1), new Traffic.Burst(1)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(2));

            // HAProxy 2.6.12: '0/-1/-1/-1/0 503 217 - - SC--' when no server is available, '0/0/0/1/1 200' served
            assertThat(sim.timeline().events().stream()
                    .filter(HealthEvent.RequestCompleted.class::isInstance)
                    .map(HealthEvent.RequestCompleted.class::cast)
                    .map(e -> e.backend() + " " + e.status() + " Tw=" + e.queueNanos()))
                    .containsExactlyInAnyOrder("down 503 Tw=-1", "up 200 Tw=0");
        }
    }

    @Test
    void aRequestThatTimesOutInTheQueueHasItsWholeWait() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                    timeout queue 700ms
                backend app
                    server web01 127.0.0.1:8081 maxconn 1
                """);
        Behaviour slow = new Behaviour.Http(200, null, java.util.Map.of(), "",
                io.haprobe.sim.Delay.of(Duration.ofMillis(800)));
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(slow))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ofSeconds(1), new Traffic.Burst(2)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(3));

            // HAProxy 2.6.12 (conformance 107): '0/702/-1/-1/702 503 217 - - sQ--'
            assertThat(sim.timeline().requests().stream()
                    .map(e -> e.status() + " " + e.terminationState() + " Tw=" + e.queueNanos() / 1_000_000))
                    .containsExactlyInAnyOrder("200 -- Tw=0", "503 sQ Tw=700");
        }
    }
}
