package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code recordChecks}, what a simulation keeps grows with servers and transitions, not with checks: the
 * timeline's events and the diagnoses' histories count the same after ten times as many checks. Counts of
 * retained records, not heap or wall-clock measurements.
 */
class SimulationRetentionTest {

    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 1s
                timeout check 1s
            backend be
                option httpchk GET /health
                default-server inter 2s fall 2 rise 2
            %s
            """;

    private static HaproxyConfig config(int servers) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < servers; i++) {
            lines.append("    server s").append(i).append(" 10.0.0.").append(i + 1).append(":80 check\n");
        }
        return HaproxyConfig.parse("haproxy.cfg", CONFIG.formatted(lines));
    }

    private static Simulation.Builder healthy(int servers, boolean recordChecks, AtomicLong checks) {
        Simulation.Builder builder = Simulation.builder(config(servers)).recordChecks(recordChecks)
                .listener(event -> {
                    if (event instanceof HealthEvent.CheckCompleted) {
                        checks.incrementAndGet();
                    }
                });
        for (int i = 0; i < servers; i++) {
            builder.script("be/s" + i, ServerScript.of(Behaviour.http(200)));
        }
        return builder;
    }

    @Test
    void withoutRecordedChecksTheTimelineAndHistoriesDoNotGrowWithChecks() {
        AtomicLong checks = new AtomicLong();
        try (Simulation simulation = healthy(20, false, checks).build()) {
            simulation.runFor(Duration.ofMinutes(1));
            long checksAfterOneMinute = checks.get();
            int eventsAfterOneMinute = simulation.timeline().events().size();

            simulation.runFor(Duration.ofMinutes(9));

            assertThat(checksAfterOneMinute).isGreaterThan(500);
            assertThat(checks.get()).isGreaterThan(9 * checksAfterOneMinute);
            assertThat(simulation.timeline().events()).hasSize(eventsAfterOneMinute);
            assertThat(simulation.histories().downs()).isEmpty();
            long counted = 0;
            for (int i = 0; i < 20; i++) {
                counted += simulation.histories().history("be", "s" + i).checks();
            }
            assertThat(counted).isEqualTo(checks.get());
        }
    }

    @Test
    void recordedChecksDoGrowWithChecks() {
        AtomicLong checks = new AtomicLong();
        try (Simulation simulation = healthy(20, true, checks).build()) {
            simulation.runFor(Duration.ofMinutes(10));

            assertThat(simulation.timeline().events().size()).isGreaterThanOrEqualTo((int) checks.get());
        }
    }

    @Test
    void aFlappingServerKeepsItsTransitionsAndTheirLinesOnly() {
        AtomicLong checks = new AtomicLong();
        Simulation.Builder builder = healthy(10, false, checks);
        // fails two checks in four: fall 2 then rise 2, DOWN and UP every 8 s
        builder.script("be/s0", ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(503),
                Behaviour.http(503), Behaviour.http(200), Behaviour.http(200)))));
        try (Simulation simulation = builder.build()) {
            simulation.runFor(Duration.ofMinutes(10));

            Timeline timeline = simulation.timeline();
            int transitions = timeline.transitions().size();
            assertThat(transitions).isGreaterThan(100);
            assertThat(timeline.events()).allMatch(e -> e instanceof HealthEvent.StateChanged
                    || e.logMessage() != null);
            assertThat(timeline.events().size()).isLessThanOrEqualTo(2 * transitions);
            assertThat(simulation.histories().downs()).hasSize(transitions / 2 + transitions % 2);
            assertThat(checks.get()).isGreaterThan(10L * transitions);
        }
    }

    @Test
    void theTimelineIsOneSnapshotUntilAnEventIsAdded() {
        try (Simulation simulation = healthy(2, false, new AtomicLong())
                .command(Duration.ofSeconds(20), "disable server be/s0").build()) {
            simulation.runFor(Duration.ofSeconds(10));
            Timeline first = simulation.timeline();
            int size = first.events().size();

            assertThat(simulation.timeline()).isSameAs(first);
            simulation.runFor(Duration.ofSeconds(20));

            assertThat(simulation.timeline()).isNotSameAs(first);
            assertThat(simulation.timeline().events()).hasSizeGreaterThan(size);
            assertThat(first.events()).hasSize(size);
        }
    }
}
