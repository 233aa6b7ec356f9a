package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A server that answers a proxied request with no response or a bad one, in a simulation (HAProxy 2.6.12). */
class SimulatedBadResponseTest {

    @Test
    void aResetCountsTwoResponseErrorsAFinOneAndBytesThatAreNotHttpEndInPH() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                backend reset
                    server s 127.0.0.1:8081
                backend fin
                    server s 127.0.0.1:8082
                backend junk
                    server s 127.0.0.1:8083
                """);
        Delay delay = Delay.of(Duration.ofMillis(100));
        try (Simulation sim = Simulation.builder(config)
                .script("reset/s", ServerScript.of(new Behaviour.Reset(delay)))
                .script("fin/s", ServerScript.of(new Behaviour.Close(delay)))
                .script("junk/s", ServerScript.of(new Behaviour.Tcp("hello\n".getBytes(StandardCharsets.US_ASCII),
                        delay, false, false)))
                .traffic(Traffic.to(Traffic.Target.backend("reset"), Duration.ZERO, new Traffic.Sequential(2)))
                .traffic(Traffic.to(Traffic.Target.backend("fin"), Duration.ZERO, new Traffic.Sequential(2)))
                .traffic(Traffic.to(Traffic.Target.backend("junk"), Duration.ZERO, new Traffic.Sequential(2)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(1));

            assertThat(sim.timeline().events().stream()
                    .filter(HealthEvent.RequestCompleted.class::isInstance)
                    .map(HealthEvent.RequestCompleted.class::cast)
                    .map(e -> e.backend() + " " + e.status() + " " + e.terminationState()).distinct())
                    .containsExactlyInAnyOrder("reset 502 SH", "fin 502 SH", "junk 502 PH");
            // eresp (column 15 of show stat): observed on 2.6.12, two resets 4, two FINs 2, two bad answers 2
            assertThat(sim.engine().showStat().lines().filter(line -> line.contains(",s,"))
                    .map(line -> line.split(",")[0] + " eresp " + line.split(",")[14]))
                    .containsExactly("reset eresp 4", "fin eresp 2", "junk eresp 2");
        }
    }
}
