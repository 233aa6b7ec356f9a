package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.Firewall;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code recordRequests}, what a simulation keeps of its traffic grows with servers, not with requests: the
 * timeline holds no request but the httplog-ed ones, and the driver's pooled clients and timers stop growing once
 * the flow is steady. Counts of retained records and objects made, not heap or wall-clock measurements.
 */
class TrafficRetentionTest {

    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 1s
                timeout server 5s
                timeout check 1s
            frontend fe
                bind 127.0.0.1:8080
            %s
                default_backend app
            backend app
                option httpchk GET /health
                server s0 10.0.0.1:80 check inter 2s
                server s1 10.0.0.2:80 check inter 2s
                server s2 10.0.0.3:80 check inter 2s
            """;

    private static Simulation.Builder steady(boolean recordRequests, String logging) {
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse("haproxy.cfg", CONFIG.formatted(logging)))
                .recordChecks(false)
                .recordRequests(recordRequests)
                .traffic(Traffic.to(Traffic.Target.frontend("fe"), Duration.ZERO,
                                new Traffic.Rate(200, Duration.ofMinutes(10).toNanos()))
                        .withTimeout(Duration.ofSeconds(2)));
        for (int i = 0; i < 3; i++) {
            builder.script("app/s" + i, ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                    Delay.of(Duration.ofMillis(5)))));
        }
        return builder;
    }

    @Test
    void withoutRecordedRequestsNeitherTheTimelineNorTheDriverGrowsWithRequests() {
        try (Simulation simulation = steady(false, "").build()) {
            simulation.runFor(Duration.ofSeconds(10));
            long endedAfterTenSeconds = simulation.requestsEnded();
            int eventsAfterTenSeconds = simulation.timeline().events().size();
            int clients = simulation.trafficDriver().clientsMade();
            int timers = simulation.trafficDriver().timersMade();

            simulation.runFor(Duration.ofSeconds(90));

            assertThat(endedAfterTenSeconds).isGreaterThan(1_900);
            assertThat(simulation.requestsEnded()).isGreaterThan(9 * endedAfterTenSeconds);
            assertThat(simulation.timeline().requests()).isEmpty();
            assertThat(simulation.timeline().events()).hasSize(eventsAfterTenSeconds);
            // a request lasts 5 ms and one leaves every 5 ms: a few clients, and a timer or two per request in flight
            // plus the clients' 2 s timeouts (400 armed at once)
            assertThat(simulation.trafficDriver().clientsMade()).isEqualTo(clients).isLessThan(10);
            assertThat(simulation.trafficDriver().timersMade()).isEqualTo(timers).isLessThan(420);
            assertThat(simulation.replies503()).isEmpty();
        }
    }

    @Test
    void recordedRequestsDoGrowWithRequests() {
        try (Simulation simulation = steady(true, "").build()) {
            simulation.runFor(Duration.ofSeconds(10));

            assertThat(simulation.timeline().requests()).hasSize((int) simulation.requestsEnded());
            assertThat(simulation.requestsEnded()).isGreaterThan(1_900);
        }
    }

    @Test
    void theHttplogLinesAreKeptAndTheSameEitherWay() {
        String logging = "    log stdout format raw local0\n    option httplog";
        try (Simulation recorded = steady(true, logging).build();
             Simulation counted = steady(false, logging).build()) {
            recorded.runFor(Duration.ofSeconds(5));
            counted.runFor(Duration.ofSeconds(5));

            List<String> lines = recorded.timeline().logLines();
            assertThat(lines).hasSizeGreaterThan(900);
            assertThat(counted.timeline().logLines()).isEqualTo(lines);
            assertThat(counted.requestsEnded()).isEqualTo(recorded.requestsEnded());
        }
    }

    @Test
    void the503CountsAreTheRecordedRequestsCountsEitherWay() {
        // s0 and s1 fail their checks from t=0 (DOWN at 6 s, fall 3 of inter 2s) and refuse requests; s2 sends 503
        // itself: HAProxy's own 503s count on the backend, the server's on the server and the backend
        Map<Boolean, Simulation> runs = new HashMap<>();
        try (Simulation recorded = failing(true); Simulation counted = failing(false)) {
            runs.put(true, recorded);
            runs.put(false, counted);
            for (Simulation simulation : runs.values()) {
                simulation.runFor(Duration.ofSeconds(20));
            }

            Map<String, Long> expected = new HashMap<>();
            for (HealthEvent.RequestCompleted request : recorded.timeline().requests()) {
                if (request.status() == 503) {
                    if (request.server() != null) {
                        expected.merge("app/" + request.server(), 1L, Long::sum);
                    }
                    expected.merge("app/BACKEND", 1L, Long::sum);
                }
            }
            assertThat(expected).containsKeys("app/s2", "app/BACKEND");
            assertThat(expected.get("app/BACKEND")).isGreaterThan(expected.get("app/s2"));
            assertThat(recorded.replies503()).isEqualTo(expected);
            assertThat(counted.replies503()).isEqualTo(expected);
            assertThat(counted.requestsEnded()).isEqualTo(recorded.timeline().requests().size());
            assertThat(counted.timeline().requests()).isEmpty();
        }
    }

    private static Simulation failing(boolean recordRequests) {
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse("haproxy.cfg", CONFIG.formatted("")))
                .recordRequests(recordRequests)
                .traffic(Traffic.to(Traffic.Target.frontend("fe"), Duration.ZERO,
                        new Traffic.Rate(50, Duration.ofSeconds(20).toNanos())));
        builder.script("app/s0", ServerScript.of(Behaviour.refuse()));
        builder.script("app/s1", ServerScript.of(Behaviour.refuse()));
        builder.script("app/s2", new ServerScript(List.of(new Phase(0, Behaviour.http(200), Firewall.OPEN,
                Behaviour.http(503)))));
        return builder.build();
    }
}
