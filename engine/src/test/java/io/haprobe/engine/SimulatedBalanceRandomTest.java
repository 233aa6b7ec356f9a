package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code balance random}, whose {@code show stat} name is {@code unknown} in HAProxy 2.6, in a simulation. */
class SimulatedBalanceRandomTest {

    @Test
    void balanceRandomSpreadsSimulatedTrafficOverItsServers() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                backend app
                    balance random
                    server web01 127.0.0.1:8081 check
                    server web02 127.0.0.1:8082 check
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(Behaviour.http(200)))
                .script("app/web02", ServerScript.of(Behaviour.http(200)))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ofSeconds(1), new Traffic.Burst(40)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(2));

            Map<String, Long> perServer = sim.timeline().events().stream()
                    .filter(HealthEvent.RequestCompleted.class::isInstance)
                    .map(HealthEvent.RequestCompleted.class::cast)
                    .collect(Collectors.groupingBy(e -> e.server() + " " + e.status(), Collectors.counting()));
            assertThat(perServer).containsOnlyKeys("web01 200", "web02 200");
            assertThat(perServer.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
        }
    }
}
