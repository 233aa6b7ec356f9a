package io.haprobe.conformance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The conformance report, in two forms.
 *
 * <ul>
 *   <li>{@link #committed}: what the committed {@code conformance/REPORT.md} holds, only what a run decides and
 *       nothing it measures: the method, one row per scenario (what it covers, pass or fail per side), the spec
 *       sections covered and the deliberate divergences. It reads the same on every machine where the suite
 *       passes, so every run checks that the committed file is current ({@link #differences}).</li>
 *   <li>{@link #ofRun}: the run's own {@code target/conformance/REPORT.md}, the above followed by what this run
 *       measured: the scenarios played a second time and why, each failure's differences, how HAProxy differed
 *       in the divergences, and how close each scenario came to a timing allowance.</li>
 * </ul>
 */
final class Report {

    /** How the line naming HAProxy's version starts: the one line of the committed report not compared. */
    static final String ORACLE = "Oracle: ";
    /** The command that rewrites the committed report, from the repository's root. */
    static final String REWRITE = "mvn -B -pl conformance -am verify -Dtest='Conformance*'"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dconformance.report=write";

    private static final int MAX_LISTED = 12;

    private Report() {
    }

    /** The committed report of {@code results}: verdicts, never timings. */
    static List<String> committed(String haproxyVersion, List<ScenarioRun.Result> results) {
        List<String> out = new ArrayList<>();
        long live = results.stream().filter(ScenarioRun.Result::livePasses).count();
        long simulated = results.stream().filter(ScenarioRun.Result::simPasses).count();
        long divergent = results.stream().filter(ScenarioRun.Result::divergent).count();
        out.add("# Conformance report: haprobe against real HAProxy 2.6");
        out.add("");
        out.add("Written by the `conformance` module's `ConformanceTest` when asked (`-Dconformance.report=write`);"
                + " every run compares it with its own verdicts and fails when they differ; do not edit it by hand."
                + " It holds verdicts only: what each run measured is in its own report,"
                + " `conformance/target/conformance/REPORT.md`.");
        out.add("");
        out.add(ORACLE + "`" + haproxyVersion.strip() + "`.");
        out.add("");
        out.add("Each scenario of `conformance/scenarios/` is played three ways: real HAProxy (one thread, a stats"
                + " socket, `log stdout format raw`, traced with strace for the microsecond of each check connection,"
                + " each log line and each poller wait) and haprobe live, each against its own `LoopbackBackends`"
                + " player of the scenario's scripts on 127.0.0.1 at the same time, and haprobe simulated on virtual"
                + " time. After t=0 is aligned on each side's first check, both haprobe sides must give, per server:"
                + " the same log lines in the same order (transitions, `no server available`, `log-health-checks`"
                + " lines; text equal with `check duration` masked and player ports named as in the scenario), each"
                + " line's time and check duration within ±(10 ms + 1% of `inter`), each check's start and interval"
                + " within the same tolerance, and the same final `show stat`"
                + " columns " + String.join(", ", Observation.COLUMNS.stream().map(c -> "`" + c + "`").toList())
                + ". Artifacts of each run: `conformance/target/conformance/<scenario>/`. Scenarios with a `traffic:`"
                + " list are played by `TrafficConformanceTest` instead: see the traffic section at the end.");
        out.add("");
        out.add("Real-time effects are taken out only where they are measured or bounded: HAProxy's first check"
                + " (boot offset 0) runs when its event loop first turns, some ms after the boot instant the other"
                + " offsets count from (up to 50 ms is taken as such a start-up lag); a timer that fired late, as"
                + " measured on its own side, makes what it did that much late (HAProxy: a poller wait that ended"
                + " after its timeout, and the waits HAProxy 2.6 takes for clock jumps, more than 100 ms late, which"
                + " delay all its later timers; haprobe live: a scheduler task that ran after it was due); and real"
                + " checks take time where simulated ones take none, which adds up over a run: a log line's time is"
                + " also allowed k × (1 ms + 0.1% of `inter`) after k checks, or the measured distance between the"
                + " two sides' starts of the check before it, whichever is larger. Each interval from a check's end"
                + " to the next start is compared on its own. While a check runs HAProxy shows `* <status>` and has"
                + " cleared the info, so `last_chk` is then not compared. A scenario whose deciding comparisons"
                + " differ only in timings is played once more, alone, and the second attempt decides; one that"
                + " differs in anything it concluded is never played again. The run's report lists every second"
                + " attempt.");
        out.add("");
        out.add("**" + results.size() + " scenarios: haprobe live passes " + live + ", haprobe simulated passes "
                + simulated + "; " + divergent + " with a deliberate divergence.**");
        out.add("");
        out.add("| scenario | covers | what it shows | haprobe live | haprobe simulated |");
        out.add("|---|---|---|---|---|");
        Map<String, List<String>> bySection = new TreeMap<>();
        for (ScenarioRun.Result result : results) {
            ConformanceScenario scenario = result.scenario();
            out.add("| " + scenario.name() + " | " + String.join(", ", scenario.covers()) + " | "
                    + cell(scenario.about()) + " | " + verdict(result, result.livePasses()) + " | "
                    + verdict(result, result.simPasses()) + " |");
            scenario.covers().forEach(section -> bySection.computeIfAbsent(section, s -> new ArrayList<>())
                    .add(scenario.name().substring(0, Math.min(3, scenario.name().length()))));
        }
        out.add("");
        out.add("## Spec sections covered");
        out.add("");
        bySection.forEach((section, names) -> out.add("- " + section + ": " + String.join(", ", names)));
        out.add("");
        out.add("## Deliberate divergences");
        out.add("");
        if (divergent == 0) {
            out.add("None.");
            out.add("");
        }
        for (ScenarioRun.Result result : results) {
            if (!result.divergent()) {
                continue;
            }
            out.add("### " + result.scenario().name());
            out.add("");
            out.addAll(result.scenario().divergences());
            out.add("");
            out.add("How HAProxy differed from haprobe in a run is in that run's report.");
            out.add("");
        }
        return out;
    }

    /**
     * The run's own report: {@link #committed}, then what this run measured.
     *
     * @param parallelism how many scenarios ran at once
     */
    static List<String> ofRun(String haproxyVersion, List<ScenarioRun.Result> results, int parallelism) {
        List<String> out = new ArrayList<>(committed(haproxyVersion, results));
        out.add("## This run");
        out.add("");
        out.add(String.format(Locale.ROOT, "%d scenarios, %d at a time on %d available processors; %d played a"
                        + " second time.", results.size(), parallelism, Runtime.getRuntime().availableProcessors(),
                results.stream().filter(ScenarioRun.Result::retried).count()));
        out.add("");
        List<ScenarioRun.Result> retried = results.stream().filter(ScenarioRun.Result::retried).toList();
        if (!retried.isEmpty()) {
            out.add("## Played a second time");
            out.add("");
            out.add("The first attempt differed only in these timings (artifacts: `<scenario>/`; the second"
                    + " attempt's, which decides: `<scenario>/retry/`).");
            out.add("");
            for (ScenarioRun.Result result : retried) {
                out.add("### " + result.scenario().name() + ": second attempt "
                        + (result.livePasses() && result.simPasses() ? "passes" : "fails"));
                out.add("");
                listed(out, result.first().deciding().stream().flatMap(outcome -> outcome.timings().stream())
                        .toList());
            }
        }
        List<ScenarioRun.Result> failed = results.stream()
                .filter(result -> !result.livePasses() || !result.simPasses()).toList();
        if (!failed.isEmpty()) {
            out.add("## Failures");
            out.add("");
            for (ScenarioRun.Result result : failed) {
                out.add("### " + result.scenario().name());
                out.add("");
                if (result.error() != null) {
                    out.add("- the run failed: " + cell(result.error()));
                }
                listed(out, result.divergent() ? result.ownDiffs()
                        : Stream.concat(result.liveDiffs().stream(), result.simDiffs().stream()).toList());
            }
        }
        for (ScenarioRun.Result result : results) {
            if (result.divergent() && result.error() == null) {
                out.add("## How HAProxy differed in " + result.scenario().name());
                out.add("");
                out.add(result.liveDiffs().isEmpty() ? "In this run HAProxy happened to agree with haprobe."
                        : "HAProxy differed from haprobe live as follows (haprobe live and simulated agree with each"
                        + " other):");
                out.add("");
                listed(out, result.liveDiffs());
            }
        }
        out.add("## Timing margins");
        out.add("");
        out.add("Per scenario, the deciding timing comparison that used the largest share of its allowance, and the"
                + " largest timer lateness measured on either side and allowed (every comparison: "
                + "`<scenario>/margins.txt`).");
        out.add("");
        out.add("| scenario | closest timing | used | largest measured stall |");
        out.add("|---|---|---|---|");
        results.stream().filter(result -> result.error() == null)
                .sorted(Comparator.comparingDouble(Report::used).reversed())
                .forEach(result -> {
                    Comparison.Margin closest = closest(result);
                    double stall = result.deciding().stream().flatMap(outcome -> outcome.margins().stream())
                            .mapToDouble(Comparison.Margin::stallMillis).max().orElse(0);
                    out.add(String.format(Locale.ROOT, "| %s | %s | %s | %.1f ms |", result.scenario().name(),
                            closest == null ? "-" : cell(closest.what()) + String.format(Locale.ROOT,
                                    ": %.1f ms of %.0f ms", closest.offMillis(), closest.allowedMillis()),
                            closest == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * closest.used()),
                            stall));
                });
        return out;
    }

    /**
     * How the committed report differs from this run's, line by line, the {@link #ORACLE} line left out; empty
     * when it is current.
     */
    static List<String> differences(List<String> committed, List<String> fresh) {
        List<String> was = committed.stream().filter(line -> !line.startsWith(ORACLE)).toList();
        List<String> now = fresh.stream().filter(line -> !line.startsWith(ORACLE)).toList();
        List<String> differences = new ArrayList<>();
        was.stream().filter(line -> !now.contains(line)).forEach(line -> differences.add("committed: " + line));
        now.stream().filter(line -> !was.contains(line)).forEach(line -> differences.add("this run:  " + line));
        if (differences.isEmpty() && !was.equals(now)) {
            differences.add("the same lines in another order");
        }
        return differences;
    }

    private static Comparison.Margin closest(ScenarioRun.Result result) {
        return result.deciding().stream().map(Comparison.Outcome::closest).filter(margin -> margin != null)
                .max(Comparator.comparingDouble(Comparison.Margin::used)).orElse(null);
    }

    private static double used(ScenarioRun.Result result) {
        Comparison.Margin closest = closest(result);
        return closest == null ? 0 : closest.used();
    }

    private static String verdict(ScenarioRun.Result result, boolean passes) {
        if (result.error() != null) {
            return "error";
        }
        if (result.divergent()) {
            return passes ? "pass (divergence)" : "FAIL (vs live)";
        }
        return passes ? "pass" : "FAIL";
    }

    private static void listed(List<String> out, List<String> lines) {
        lines.stream().limit(MAX_LISTED).forEach(line -> out.add("- " + cell(line)));
        if (lines.size() > MAX_LISTED) {
            out.add("- … and " + (lines.size() - MAX_LISTED) + " more");
        }
        out.add("");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
