package io.haprobe.sim;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Simulated timelines against the timing rules of spec §1–§2, with the times HAProxy 2.6 was observed to use.
 * Every expected time is derived in the test's comment.
 */
class SimulationTimingTest {

    private static final Duration OK_FOREVER = Duration.ZERO;

    @Test
    void intervalsFollowInterFastinterDowninterCountedFromTheEndOfEachCheck() {
        // spec §2.1 [verified] sequence, inter 1s fastinter 300ms downinter 2s rise 2 fall 3, 0 ms checks:
        // starts 0 OK, 1000 OK, 2000 OK, 3000 FAIL (2/3 UP, fastinter), 3300 FAIL (1/3), 3600 FAIL -> DOWN,
        // +downinter 5600 FAIL, 7600 OK (1/2 DOWN, fastinter), 7900 OK -> UP, then inter: 8900, 9900
        Simulation sim = simulation("""
                backend be
                    option httpchk GET /health
                    server s1 10.0.0.1:80 check inter 1s fastinter 300ms downinter 2s rise 2 fall 3
                """, "be/s1", ServerScript.builder()
                .at(OK_FOREVER, Behaviour.http(200))
                .at(Duration.ofMillis(2500), Behaviour.refuse())
                .at(Duration.ofMillis(6000), Behaviour.http(200))
                .build());

        sim.runFor(Duration.ofMillis(10_000));

        assertThat(checkStarts(sim, "be/s1")).containsExactly(0L, 1000L, 2000L, 3000L, 3300L, 3600L, 5600L, 7600L,
                7900L, 8900L, 9900L);
        assertThat(sim.timeline().transitions()).extracting(Object::toString).containsExactly(
                "t=3600ms be/s1 UP->DOWN L4CON \"Connection refused\"",
                "t=7900ms be/s1 DOWN->UP L7OK 200");
    }

    @Test
    void goingUpAFailureResetsHealthAndDowninterApplies() {
        // spec §2.1 [verified] rise 3 fall 2, inter 2s fastinter 500ms downinter 3s:
        // 0 FAIL -> DOWN (boot health = rise), +3000 OK (1/3), +500 FAIL (0/3), +3000 OK, +500 OK, +500 OK -> UP,
        // then +2000, +2000: starts 0, 3000, 3500, 6500, 7000, 7500, 9500, 11500
        Simulation sim = simulation("""
                backend be
                    option httpchk
                    server s1 10.0.0.1:80 check inter 2s fastinter 500ms downinter 3s rise 3 fall 2
                """, "be/s1", ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.refuse(), Behaviour.http(200),
                Behaviour.refuse(), Behaviour.http(200), Behaviour.http(200), Behaviour.http(200),
                Behaviour.http(200), Behaviour.http(200)))));

        sim.runFor(Duration.ofMillis(12_000));

        assertThat(checkStarts(sim, "be/s1")).containsExactly(0L, 3000L, 3500L, 6500L, 7000L, 7500L, 9500L, 11500L);
        assertThat(sim.timeline().transitions()).extracting(Object::toString).containsExactly(
                "t=0ms be/s1 UP->DOWN L4CON \"Connection refused\"",
                "t=7500ms be/s1 DOWN->UP L7OK 200");
    }

    @Test
    void aSlowAnswerAddsItsDurationToTheSpacing() {
        // spec §2.2 [verified]: a server taking 400 ms to answer, inter 1s, is checked every 1.4 s
        Simulation sim = simulation("""
                backend be
                    option httpchk
                    server s1 10.0.0.1:80 check inter 1s
                """, "be/s1", ServerScript.of(new Behaviour.Http(200, null, java.util.Map.of(), "",
                Delay.of(Duration.ofMillis(400)))));

        sim.runFor(Duration.ofMillis(5000));

        assertThat(checkStarts(sim, "be/s1")).containsExactly(0L, 1400L, 2800L, 4200L);
        assertThat(sim.timeline().checks("be/s1")).allSatisfy(
                check -> assertThat(check.outcome().durationMillis()).isEqualTo(400));
    }

    @Test
    void bootSpreadingUsesTheSmallestIntervalAtOrAboveOneSecond() {
        // spec §2.3 [verified] quirk: three servers at inter 10s, then one at 500ms: the fast one starts at
        // 10000 * 3 / 4 = 7500 ms; the others at 0, 2500, 5000
        Simulation sim = simulation("""
                backend be
                    server a 10.0.0.1:80 check inter 10s fall 1
                    server b 10.0.0.2:80 check inter 10s fall 1
                    server c 10.0.0.3:80 check inter 10s fall 1
                    server fast 10.0.0.4:80 check inter 500ms fall 1
                """, "be/a", ServerScript.of(Behaviour.hang()));

        sim.runFor(Duration.ofMillis(7600));

        assertThat(firstCheckStart(sim, "be/a")).isEqualTo(0);
        assertThat(firstCheckStart(sim, "be/b")).isEqualTo(2500);
        assertThat(firstCheckStart(sim, "be/c")).isEqualTo(5000);
        assertThat(firstCheckStart(sim, "be/fast")).isEqualTo(7500);
        assertThat(sim.server("be/fast").orElseThrow().statusText()).isEqualTo("DOWN");
    }

    @Test
    void maxSpreadChecksCapsTheBootSpreading() {
        // spec §2.3 [verified]: max-spread-checks 300 with six checks: 300 * pos / 6
        Simulation sim = simulation("""
                global
                    max-spread-checks 300
                backend be
                    server s0 10.0.0.1:80 check inter 2s
                    server s1 10.0.0.2:80 check inter 2s
                    server s2 10.0.0.3:80 check inter 1s
                    server s3 10.0.0.4:80 check inter 1s
                    server s4 10.0.0.5:80 check inter 2s
                    server s5 10.0.0.6:80 check inter 2s
                """, "be/s0", ServerScript.of(Behaviour.hang()));

        sim.runFor(Duration.ofMillis(400));

        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            starts.add(firstCheckStart(sim, "be/s" + i));
        }
        assertThat(starts).containsExactly(0L, 50L, 100L, 150L, 200L, 250L);
    }

    @Test
    void spreadChecksJitterIsSeededAndStaysWithinItsBounds() {
        // spec §2.2: spread-checks 50 with inter 2s gives gaps uniform in [1000, 3000] ms, a fresh draw each time
        String cfg = """
                global
                    spread-checks 50
                backend be
                    server s1 10.0.0.1:80 check inter 2s
                    server s2 10.0.0.2:80 check inter 2s
                """;
        ServerScript hang = ServerScript.of(Behaviour.hang());
        List<Long> first = checkStarts(simulation(cfg, "be/s1", hang, 7).runFor(Duration.ofMinutes(2)), "be/s1");
        List<Long> again = checkStarts(simulation(cfg, "be/s1", hang, 7).runFor(Duration.ofMinutes(2)), "be/s1");
        List<Long> other = checkStarts(simulation(cfg, "be/s1", hang, 8).runFor(Duration.ofMinutes(2)), "be/s1");

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < first.size(); i++) {
            gaps.add(first.get(i) - first.get(i - 1));
        }
        assertThat(gaps).allSatisfy(gap -> assertThat(gap).isBetween(1000L, 3000L));
        assertThat(gaps.stream().distinct().count()).isGreaterThan(gaps.size() * 3L / 4);
    }

    @Test
    void theSameScenarioAndSeedGiveTheSameLogLines() {
        String cfg = """
                global
                    spread-checks 20
                backend be
                    option httpchk
                    option log-health-checks
                    server s1 10.0.0.1:80 check inter 1s fastinter 200ms rise 2 fall 2
                    server s2 10.0.0.2:80 check inter 1s backup
                """;
        ServerScript flapping = ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(503),
                Behaviour.http(503), new Behaviour.Http(200, null, java.util.Map.of(), "",
                        Delay.between(Duration.ofMillis(10), Duration.ofMillis(90))))));

        List<String> first = simulation(cfg, "be/s1", flapping, 3).runFor(Duration.ofMinutes(1)).timeline().logLines();
        List<String> second = simulation(cfg, "be/s1", flapping, 3).runFor(Duration.ofMinutes(1)).timeline().logLines();

        assertThat(first).hasSizeGreaterThan(50).isEqualTo(second);
    }

    @Test
    void aCrashResetsTheConnectionsOpenToTheServer() {
        // a hung backend holds the check open; it dies at 500 ms: the kernel resets the connection
        Simulation sim = simulation("""
                backend be
                    option httpchk
                    server s1 10.0.0.1:80 check inter 2s fall 1
                """, "be/s1", ServerScript.builder()
                .at(OK_FOREVER, Behaviour.hang())
                .at(Duration.ofMillis(500), Behaviour.refuse())
                .build());

        sim.runFor(Duration.ofMillis(3000));

        assertThat(sim.timeline().transitions()).extracting(Object::toString).containsExactly(
                "t=500ms be/s1 UP->DOWN SOCKERR \"Connection reset by peer\"");
        assertThat(checkStarts(sim, "be/s1")).containsExactly(0L, 2500L);
    }

    private static Simulation simulation(String cfg, String server, ServerScript script) {
        return simulation(cfg, server, script, 0);
    }

    private static Simulation simulation(String cfg, String server, ServerScript script, long seed) {
        return Simulation.builder(HaproxyConfig.parse("test.cfg", cfg)).seed(seed).script(server, script).build();
    }

    private static List<Long> checkStarts(Simulation sim, String server) {
        List<Long> starts = new ArrayList<>();
        for (HealthEvent.CheckCompleted check : sim.timeline().checks(server)) {
            starts.add(TimeUnit.NANOSECONDS.toMillis(check.timeNanos() - check.outcome().durationNanos()
                    - sim.engine().startNanos()));
        }
        return starts;
    }

    private static long firstCheckStart(Simulation sim, String server) {
        return checkStarts(sim, server).get(0);
    }
}
