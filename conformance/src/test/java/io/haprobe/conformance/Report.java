package io.haprobe.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes {@code REPORT.md}: one row per scenario, what it covers, pass or fail per side, and the divergences. */
final class Report {

    private static final int MAX_LISTED = 12;

    private Report() {
    }

    static void write(Path file, String haproxyVersion, List<ScenarioRun.Result> results) throws IOException {
        List<String> out = new ArrayList<>();
        long live = results.stream().filter(ScenarioRun.Result::livePasses).count();
        long simulated = results.stream().filter(ScenarioRun.Result::simPasses).count();
        long divergent = results.stream().filter(ScenarioRun.Result::divergent).count();
        out.add("# Conformance report: haprobe against real HAProxy 2.6");
        out.add("");
        out.add("Written by the `conformance` module's `ConformanceTest` on every `mvn -B verify`; do not edit it by"
                + " hand. Oracle: `" + haproxyVersion.strip() + "`.");
        out.add("");
        out.add("Each scenario of `conformance/scenarios/` is played three ways: real HAProxy (one thread, a stats"
                + " socket, `log stdout format raw`, traced with strace for the microsecond of each check connection"
                + " and each log line) and haprobe live, each against its own `LoopbackBackends` player of the"
                + " scenario's scripts on 127.0.0.1 at the same time, and haprobe simulated on virtual time. After"
                + " t=0 is aligned on each side's first check, both haprobe sides must give, per server: the same log"
                + " lines in the same order (transitions, `no server available`, `log-health-checks` lines; text"
                + " equal with `check duration` masked and player ports named as in the scenario), each line's time"
                + " and check duration within ±(10 ms + 1% of `inter`), each check's start and interval within the"
                + " same tolerance, and the same final `show stat`"
                + " columns " + String.join(", ", Observation.COLUMNS.stream().map(c -> "`" + c + "`").toList())
                + ". Artifacts of each run: `conformance/target/conformance/<scenario>/`.");
        out.add("");
        out.add("Two real-time effects are taken out, and nothing else: HAProxy's first check (boot offset 0) runs when"
                + " its event loop first turns, some ms after the boot instant the other offsets count from (up to 50"
                + " ms is taken as such a start-up lag); and real timers run late by up to 1 ms plus 0.1% of the"
                + " interval per check, and real checks take time where simulated ones take none, which adds up over a"
                + " run. A log line's time is therefore also allowed k × (1 ms + 0.1% of `inter`) after k checks, or"
                + " the measured distance between the two sides' starts of the check before it, whichever is larger;"
                + " each interval from a check's end to the next start is compared on its own, without allowance."
                + " While a check runs HAProxy shows `* <status>` and has cleared the info, so `last_chk` is then not"
                + " compared.");
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
                    + cell(scenario.about()) + " | " + verdict(result, result.liveDiffs(), result.livePasses())
                    + " | " + verdict(result, result.simDiffs(), result.simPasses()) + " |");
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
        }
        for (ScenarioRun.Result result : results) {
            if (!result.divergent()) {
                continue;
            }
            out.add("### " + result.scenario().name());
            out.add("");
            result.scenario().divergences().forEach(reason -> out.add(reason));
            out.add("");
            out.add(result.liveDiffs().isEmpty() ? "In this run HAProxy happened to agree with haprobe."
                    : "In this run HAProxy differed from haprobe live as follows (haprobe live and simulated agree"
                    + " with each other):");
            out.add("");
            listed(out, result.liveDiffs());
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
                listed(out, result.divergent() ? result.ownDiffs() : concat(result.liveDiffs(), result.simDiffs()));
            }
        }
        out.addAll(CorpusReport.keptSection(file));
        Files.write(file, out, StandardCharsets.UTF_8);
    }

    private static String verdict(ScenarioRun.Result result, List<String> diffs, boolean passes) {
        if (result.error() != null) {
            return "error";
        }
        if (result.divergent()) {
            return passes ? "pass (divergence)" : "FAIL (" + result.ownDiffs().size() + " vs live)";
        }
        return passes ? "pass" : "FAIL (" + diffs.size() + ")";
    }

    private static void listed(List<String> out, List<String> lines) {
        lines.stream().limit(MAX_LISTED).forEach(line -> out.add("- " + cell(line)));
        if (lines.size() > MAX_LISTED) {
            out.add("- … and " + (lines.size() - MAX_LISTED) + " more");
        }
        out.add("");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
