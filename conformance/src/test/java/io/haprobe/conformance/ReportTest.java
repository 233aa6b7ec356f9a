package io.haprobe.conformance;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed report holds verdicts and never a measurement; the run's report adds what the run measured; only
 * a run whose timings alone differ is played again.
 */
class ReportTest {

    private static final String VERSION = "HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/";
    private static final ConformanceScenario PLAIN = ConformanceScenario.load(
            Path.of("scenarios", "001-boot-first-failure-down.yaml"));
    private static final ConformanceScenario DIVERGENT = ConformanceScenario.load(
            Path.of("scenarios", "014-timeout-check-late-bug.yaml"));
    private static final Comparison.Outcome AGREES = new Comparison.Outcome(List.of(), List.of(),
            List.of(new Comparison.Margin("be/s1 first check", 3.5, 20, 0)));
    private static final Comparison.Outcome LATE = new Comparison.Outcome(List.of(),
            List.of("be/s1 log line 1: logged at 3.5ms by haproxy, at 55.9ms by haprobe-live (allowed: 22ms)"),
            List.of(new Comparison.Margin("be/s1 log line 1: time", 52.4, 22, 0)));
    private static final Comparison.Outcome DOWN = new Comparison.Outcome(
            List.of("be/s1 show stat status: haproxy 'UP 2/3', haprobe-live 'DOWN' at 500.9ms"), List.of(),
            List.of());

    @Test
    void theCommittedReportHoldsVerdictsAndNoMeasurement() {
        ScenarioRun.Result retried = new ScenarioRun.Result(PLAIN, null, AGREES, AGREES, AGREES, null,
                new ScenarioRun.Result(PLAIN, null, LATE, AGREES, AGREES, null, null));
        ScenarioRun.Result divergence = new ScenarioRun.Result(DIVERGENT, null, DOWN, DOWN, AGREES, null, null);

        List<String> committed = Report.committed(VERSION, List.of(retried, divergence));

        assertThat(committed).contains("| 001-boot-first-failure-down | §1.3, §1.2, §8.1, §8.2 | " + PLAIN.about()
                + " | pass | pass |");
        assertThat(committed).anyMatch(line -> line.startsWith("| 014-timeout-check-late-bug |")
                && line.endsWith("| pass (divergence) | pass (divergence) |"));
        assertThat(String.join("\n", committed)).doesNotContain("55.9ms", "500.9ms", "3.5 ms", "second attempt passes");
        assertThat(Report.ofRun(VERSION, List.of(retried, divergence), 4)).contains(
                "### 001-boot-first-failure-down: second attempt passes",
                "- be/s1 log line 1: logged at 3.5ms by haproxy, at 55.9ms by haprobe-live (allowed: 22ms)",
                "- be/s1 show stat status: haproxy 'UP 2/3', haprobe-live 'DOWN' at 500.9ms");
    }

    @Test
    void aFailureShowsAsAVerdictWithoutItsCount() {
        ScenarioRun.Result failed = new ScenarioRun.Result(PLAIN, null, DOWN, LATE, AGREES, null, null);

        assertThat(Report.committed(VERSION, List.of(failed))).anyMatch(line -> line.endsWith("| FAIL | FAIL |"))
                .contains("**1 scenarios: haprobe live passes 0, haprobe simulated passes 0; 0 with a deliberate"
                        + " divergence.**");
    }

    @Test
    void theCommittedReportIsCurrentWhenOnlyTheOracleBuildDiffers() {
        ScenarioRun.Result passed = new ScenarioRun.Result(PLAIN, null, AGREES, AGREES, AGREES, null, null);
        ScenarioRun.Result failed = new ScenarioRun.Result(PLAIN, null, DOWN, AGREES, AGREES, null, null);
        List<String> committed = Report.committed(VERSION, List.of(passed));

        assertThat(Report.differences(committed, Report.committed("HAProxy version 2.6.9-1", List.of(passed))))
                .isEmpty();
        assertThat(Report.differences(committed, Report.committed(VERSION, List.of(failed)))).containsExactly(
                "committed: **1 scenarios: haprobe live passes 1, haprobe simulated passes 1; 0 with a deliberate"
                        + " divergence.**",
                "committed: | 001-boot-first-failure-down | §1.3, §1.2, §8.1, §8.2 | " + PLAIN.about()
                        + " | pass | pass |",
                "this run:  **1 scenarios: haprobe live passes 0, haprobe simulated passes 1; 0 with a deliberate"
                        + " divergence.**",
                "this run:  | 001-boot-first-failure-down | §1.3, §1.2, §8.1, §8.2 | " + PLAIN.about()
                        + " | FAIL | pass |");
    }

    @Test
    void onlyARunWhoseTimingsAloneDifferIsPlayedAgain() {
        assertThat(new ScenarioRun.Result(PLAIN, null, LATE, LATE, AGREES, null, null).onlyTimingsDiffer()).isTrue();
        assertThat(new ScenarioRun.Result(PLAIN, null, DOWN, LATE, AGREES, null, null).onlyTimingsDiffer())
                .isFalse();
        assertThat(new ScenarioRun.Result(PLAIN, null, AGREES, AGREES, AGREES, null, null).onlyTimingsDiffer())
                .isFalse();
        assertThat(new ScenarioRun.Result(PLAIN, null, AGREES, AGREES, AGREES, "IllegalStateException: haproxy"
                + " exited", null).onlyTimingsDiffer()).isFalse();
        // for a deliberate divergence only haprobe live against simulated decides
        assertThat(new ScenarioRun.Result(DIVERGENT, null, DOWN, DOWN, LATE, null, null).onlyTimingsDiffer())
                .isTrue();
        assertThat(new ScenarioRun.Result(DIVERGENT, null, AGREES, AGREES, DOWN, null, null).onlyTimingsDiffer())
                .isFalse();
    }
}
