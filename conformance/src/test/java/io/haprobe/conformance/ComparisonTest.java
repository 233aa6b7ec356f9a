package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison finds every kind of difference, allows exactly the real-time effects it documents, and no more. */
class ComparisonTest {

    private static final String DOWN = "Server be/s1 is DOWN, reason: Layer4 connection problem, info: \"Connection"
            + " refused\", check duration: %dms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0"
            + " remaining in queue.";
    private static final Map<String, String> STAT = Map.of("status", "DOWN", "check_status", "L4CON");
    private static final Comparison COMPARISON = new Comparison(HaproxyConfig.parse("t.cfg", """
            backend be
                server s1 10.0.0.1:80 check inter 1s
                server s2 10.0.0.2:80 check inter 1s
            """));
    private static final Set<String> SERIES = Set.of("be/s1", "be/s2");

    @Test
    void sameObservationsHaveNoDifference() {
        assertThat(COMPARISON.differences(haproxy(0, 480, 500.4, 0), haprobe(0, 500, 500, 0), SERIES)).isEmpty();
    }

    @Test
    void aDifferentTextIsADifference() {
        Observation.Builder other = builder("haprobe-live", 0, 500);
        other.logged(500, DOWN.formatted(0).replace("refused", "reset"));
        other.stats.put("be/s1", STAT);

        assertThat(COMPARISON.differences(haproxy(0, 480, 500.4, 0), other.build(), SERIES))
                .singleElement().asString().contains("be/s1 log line 1:", "\"Connection refused\"", "\"Connection reset\"");
    }

    @Test
    void aLineLaterThanTheToleranceIsADifference() {
        // 10 ms + 1% of 1 s, plus 1 ms + 0.1% of 1 s for the one check of s1 started before: 22 ms
        assertThat(COMPARISON.differences(haproxy(0, 500, 500.4, 0), haprobe(0, 500, 540, 0), SERIES))
                .singleElement().asString().contains("logged at 500.4ms by haproxy", "at 540.0ms by haprobe-sim",
                        "allowed: 22ms");
        assertThat(COMPARISON.differences(haproxy(0, 500, 500.4, 0), haprobe(0, 500, 520, 0), SERIES)).isEmpty();
    }

    @Test
    void aDifferentDurationIsADifference() {
        assertThat(COMPARISON.differences(haproxy(0, 480, 500.4, 0), haprobe(0, 500, 500, 35), SERIES))
                .singleElement().asString().contains("check duration 0ms on haproxy, 35ms on haprobe");
    }

    @Test
    void haproxysStartUpLagIsTakenOutButAWrongSpreadIsNot() {
        // HAProxy's first check ran 20 ms after its boot: its s2 offset reads 480 instead of 500
        assertThat(COMPARISON.differences(haproxy(0, 480, 500.4, 0), haprobe(0, 500, 500, 0), SERIES)).isEmpty();
        // a spread offset wrong by 100 ms is more than a start-up lag
        assertThat(COMPARISON.differences(haproxy(0, 400, 420, 0), haprobe(0, 500, 500, 0), SERIES))
                .anyMatch(difference -> difference.contains("be/s2 first check at 400.0ms on haproxy"));
    }

    @Test
    void aWrongIntervalIsADifference() {
        Observation.Builder haproxy = builder("haproxy", 0, 480);
        haproxy.checked("be/s1", 1001, 1001.2);
        haproxy.stats.put("be/s1", STAT);
        Observation.Builder haprobe = builder("haprobe-sim", 0, 500);
        haprobe.checked("be/s1", 1300, 1300);
        haprobe.stats.put("be/s1", STAT);

        assertThat(COMPARISON.differences(haproxy.build(), haprobe.build(), SERIES)).singleElement().asString()
                .contains("be/s1 check 2 started 1001.0ms after the one before ended on haproxy, 1300.0ms");
    }

    @Test
    void aCheckStartedLateAsMeasuredOnItsSideIsAllowedThatMuchAndNoMore() {
        // HAProxy's second check of s1 came 60 ms after its interval: measured so in its trace, it is allowed
        assertThat(COMPARISON.differences(lateSecondCheck(60), onTime(), SERIES)).isEmpty();
        // the same 60 ms with only 30 of them measured, or none, is a difference
        assertThat(COMPARISON.differences(lateSecondCheck(30), onTime(), SERIES)).singleElement().asString()
                .contains("be/s1 check 2 started 1060.0ms after the one before ended on haproxy, 1000.0ms on"
                        + " haprobe-sim (allowed: 50ms;");
        assertThat(COMPARISON.differences(lateSecondCheck(0), onTime(), SERIES)).singleElement().asString()
                .contains("(allowed: 20ms;");
    }

    @Test
    void aLineATimerLedToIsAllowedTheLatenessOfThatTimer() {
        Observation.Builder late = builder("haproxy", 0, 500);
        late.logged(560.4, DOWN.formatted(60), 60);
        late.stats.put("be/s1", STAT);

        assertThat(COMPARISON.differences(late.build(), haprobe(0, 500, 500, 0), SERIES)).isEmpty();
        assertThat(COMPARISON.differences(haproxy(0, 500, 560.4, 60), haprobe(0, 500, 500, 0), SERIES))
                .anyMatch(difference -> difference.contains("be/s1 log line 1: logged at 560.4ms by haproxy"));
    }

    @Test
    void aShowStatColumnIsComparedUnlessHaproxyClearedIt() {
        Observation.Builder other = builder("haprobe-live", 0, 500);
        other.logged(500, DOWN.formatted(0));
        other.stats.put("be/s1", Map.of("status", "DOWN 1/2", "check_status", "L4CON"));
        assertThat(COMPARISON.differences(haproxy(0, 480, 500.4, 0), other.build(), SERIES))
                .containsExactly("be/s1 show stat status: haproxy 'DOWN', haprobe-live 'DOWN 1/2'");

        Map<String, Map<String, String>> running = Observation.parseShowStat("""
                # pxname,svname,status,check_status,last_chk,
                be,s1,UP,* L7OK,,
                be,BACKEND,UP,,,
                """);
        assertThat(running.get("be/s1")).containsEntry("check_status", "L7OK").containsEntry("last_chk", null);
    }

    @Test
    void whatWasConcludedIsToldApartFromWhenAndEveryTimingIsMeasured() {
        Observation.Builder other = builder("haprobe-live", 0, 500);
        other.logged(540, DOWN.formatted(0));
        other.stats.put("be/s1", Map.of("status", "DOWN 1/2", "check_status", "L4CON"));

        Comparison.Outcome outcome = COMPARISON.compare(haproxy(0, 500, 500.4, 0), other.build(), SERIES);

        assertThat(outcome.conclusions()).containsExactly("be/s1 show stat status: haproxy 'DOWN', haprobe-live"
                + " 'DOWN 1/2'");
        assertThat(outcome.timings()).singleElement().asString().contains("be/s1 log line 1: logged at 500.4ms");
        assertThat(outcome.margins()).extracting(Comparison.Margin::what).containsExactlyInAnyOrder("be/s1 log line 1: time",
                "be/s1 first check", "be/s2 first check");
        assertThat(outcome.closest().what()).isEqualTo("be/s1 log line 1: time");
        assertThat(outcome.closest().used()).isGreaterThan(1);
    }

    @Test
    void commandsAreComparedByReplyAndByTheStateRightAfterThem() {
        String stat = """
                # pxname,svname,status,weight,check_status,
                be,s1,UP,%d,L4OK,
                """;
        String state = """
                1
                # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight
                2 be 1 s1 127.0.0.1 2 0 %d 1
                """;
        Observation.Builder haproxy = builder("haproxy", 0, 500);
        haproxy.stats.put("be/s1", STAT);
        haproxy.commanded(1500, "set weight be/s1 20", "\n", stat.formatted(20), state.formatted(20));
        haproxy.commanded(1600, "get weight be/s1", "20 (initial 1)\n\n", stat.formatted(20), state.formatted(20));
        haproxy.commanded(1700, "show stat", stat.formatted(20) + "\n", stat.formatted(20), state.formatted(20));
        Observation.Builder sim = builder("haprobe-sim", 0, 500);
        sim.stats.put("be/s1", STAT);
        sim.commanded(1500, "set weight be/s1 20", "\n", stat.formatted(2), state.formatted(2));
        sim.commanded(1600, "get weight be/s1", "2 (initial 1)\n", stat.formatted(2), state.formatted(2));

        assertThat(COMPARISON.differences(haproxy.build(), sim.build(), SERIES)).containsExactly(
                "(commands) log line 1: haprobe-sim did not log haproxy at 1700.0ms \"> show stat\"",
                "be/s1 log line 3: haproxy at 1600.0ms \"20 (initial 1)\" but haprobe-sim at 1600.0ms "
                        + "\"2 (initial 1)\"",
                "command 1: 'set weight be/s1 20' then show stat be/s1 weight: haproxy '20', haprobe-sim '2'",
                "command 1: 'set weight be/s1 20' then show servers state be/s1 srv_uweight: haproxy '20', "
                        + "haprobe-sim '2'",
                "command 2: 'get weight be/s1' replied \"20 (initial 1)\\n\\n\" on haproxy, \"2 (initial 1)\\n\" on "
                        + "haprobe-sim",
                "command 2: 'get weight be/s1' then show stat be/s1 weight: haproxy '20', haprobe-sim '2'",
                "command 2: 'get weight be/s1' then show servers state be/s1 srv_uweight: haproxy '20', "
                        + "haprobe-sim '2'",
                "command 3: haprobe-sim did not run 'show stat'");
    }

    @Test
    void aRunThatSawNothingDoesNotPass() {
        Observation nothing = new Observation.Builder("haproxy", UnaryOperator.identity()).build();

        assertThat(COMPARISON.differences(nothing, nothing, SERIES)).singleElement().asString()
                .contains("haproxy observed nothing");
    }

    private static Observation lateSecondCheck(double measuredLateMillis) {
        Observation.Builder haproxy = builder("haproxy", 0, 500);
        haproxy.checked("be/s1", 1060, 1060, measuredLateMillis);
        haproxy.stats.put("be/s1", STAT);
        return haproxy.build();
    }

    private static Observation onTime() {
        Observation.Builder haprobe = builder("haprobe-sim", 0, 500);
        haprobe.checked("be/s1", 1000, 1000);
        haprobe.stats.put("be/s1", STAT);
        return haprobe.build();
    }

    private static Observation haproxy(double s1, double s2, double downAt, int duration) {
        Observation.Builder builder = builder("haproxy", s1, s2);
        builder.logged(downAt, DOWN.formatted(duration));
        builder.stats.put("be/s1", STAT);
        return builder.build();
    }

    private static Observation haprobe(double s1, double s2, double downAt, int duration) {
        Observation.Builder builder = builder("haprobe-sim", s1, s2);
        builder.logged(downAt, DOWN.formatted(duration));
        builder.stats.put("be/s1", STAT);
        return builder.build();
    }

    private static Observation.Builder builder(String side, double s1, double s2) {
        Observation.Builder builder = new Observation.Builder(side, UnaryOperator.identity());
        builder.checked("be/s1", s1, s1);
        builder.checked("be/s2", s2, s2);
        return builder;
    }

}
