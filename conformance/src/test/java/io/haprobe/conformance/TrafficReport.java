package io.haprobe.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The traffic section of the conformance report, between {@link #BEGIN} and {@link #END}: the method, one row per
 * traffic scenario with its verdict, and the stated divergences and tolerances. Like the rest of the committed
 * report it holds verdicts only; what a run measured (each item's requests on both sides, the differences) goes to
 * the run's own {@code target/conformance/REPORT.md} and each scenario's artifacts.
 */
final class TrafficReport {

    /** The first line of the traffic section. */
    static final String BEGIN = "<!-- traffic:begin -->";
    /** The last line of the traffic section. */
    static final String END = "<!-- traffic:end -->";

    private TrafficReport() {
    }

    /** The committed traffic section of {@code results}, markers included. */
    static List<String> section(List<TrafficRun.Result> results) {
        List<String> out = new ArrayList<>();
        out.add(BEGIN);
        out.add("## Traffic scenarios: haprobe simulated against real HAProxy 2.6");
        out.add("");
        out.add("Written by `TrafficConformanceTest` (same `-Dconformance.report=write`). Each scenario with a"
                + " `traffic:` list is played by real HAProxy, a Java load client (`LoadClient`) sending its requests"
                + " to the frontends (a `backend:` target through a frontend the harness adds, `haprobe_fe_<backend>`)"
                + " on 127.0.0.1, 127.0.0.x as a client's `source`, and a `LoopbackBackends` player: each checked"
                + " server's address plays the phases' request behaviour (`serve:`, else the phase's own) and a second"
                + " port, given to HAProxy as `port N`, plays the check behaviour; and by haprobe simulated on virtual"
                + " time (haprobe live has no traffic mode). t=0 is the players' origin (HAProxy's boot) for the"
                + " requests, and each side's first check for the log lines, as in the check scenarios.");
        out.add("");
        out.add("Compared strictly: the check side as above (log lines in order with their text, so the transition"
                + " lines' `N sessions active, N requeued, N remaining in queue` counts, their times, check starts,"
                + " final check columns); per server and backend the final `show stat` columns "
                + String.join(", ", TrafficRun.COLUMNS.stream().map(c -> "`" + c + "`").toList())
                + "; per `sequential` item each request's server, status, termination state and connect retries in order (HAProxy's"
                + " from its httplog line, matched to the client's request by the client's address and port), and each one's"
                + " queue time `%Tw` and total time `%Ta` within 25 ms + 1% (a timing: a second attempt may decide); per `burst` and"
                + " `rate` item how many requests had each server, status, termination state and retries. A scenario headed"
                + " `# tolerance: N (why)` allows its burst and rate items' counts and those `show stat` counters to differ by"
                + " N (`# tolerance: COLUMN N (why)`: that column alone): with an open-loop rate real time decides on which side of a time-dependent step (a slowstart"
                + " weight step, a check) a request falls, a client timer that fired late sends two requests together, or HAProxy draws at"
                + " random where the simulation draws from its seed. A scenario whose checks alone differ in timing is played"
                + " once more, alone.");
        out.add("");
        out.add("httplog lines: every frontend (the harness's included) gets `option httplog` and `log <UDP syslog"
                + " listener of the test on 127.0.0.1> format raw local0` on HAProxy, and the simulation plays the same"
                + " sections with `option httplog` and a log target, so each request has its line on both sides."
                + " Per `sequential` request, strictly: `%ft`, `%b/%s`, `%ST`, `%B`, the four characters of `%tsc`"
                + " (with the persistence cookie's), `%ac/%fc/%bc/%sc/%rc` (with the `+` of a redispatch),"
                + " `%sq/%bq` and the request line; `%TR/%Tw/%Tc/%Tr/%Ta` within 25 ms + 1% (a timing). Per `burst` and"
                + " `rate` item, counts of `%ft %b/%s %ST %B %tsc %rc` and the request line. Not compared: `%ci:%cp`"
                + " and `%tr` (the kernel's ephemeral port and the wall-clock date, against the simulation's 32768"
                + " upwards and its `epoch:`); in burst and rate items the connection counts and queue positions"
                + " (which of simultaneous requests HAProxy accepts, queues and logs first is the kernel's and the"
                + " scheduler's choice, so these fields differ from run to run on HAProxy itself); the captured"
                + " cookie and header fields (`%CC %CS`, always `-`: no `capture` in any scenario).");
        out.add("");
        long passing = results.stream().filter(TrafficRun.Result::passes).count();
        long divergent = results.stream().filter(TrafficRun.Result::divergent).count();
        out.add("**" + results.size() + " traffic scenarios: haprobe simulated passes " + passing + "; " + divergent
                + " with a stated divergence.**");
        out.add("");
        out.add("| scenario | covers | what it shows | tolerance | haprobe simulated |");
        out.add("|---|---|---|---|---|");
        for (TrafficRun.Result result : results) {
            ConformanceScenario scenario = result.scenario();
            java.util.Map<String, Integer> tolerances = TrafficRun.tolerances(scenario);
            String tolerance = tolerances.isEmpty() ? "exact" : String.join(", ", tolerances.entrySet().stream()
                    .map(t -> (t.getKey().isEmpty() ? "" : "`" + t.getKey() + "` ") + "±" + t.getValue()).toList());
            out.add("| " + scenario.name() + " | " + String.join(", ", scenario.covers()) + " | "
                    + scenario.about().replace("|", "\\|") + " | " + tolerance
                    + " | " + verdict(result) + " |");
        }
        out.add("");
        out.add("### Stated divergences and tolerances of the traffic scenarios");
        out.add("");
        boolean any = false;
        for (TrafficRun.Result result : results) {
            List<String> notes = new ArrayList<>(result.scenario().divergences());
            notes.addAll(tolerance(result.scenario()).stream().map(t -> "tolerance " + t).toList());
            if (!notes.isEmpty()) {
                any = true;
                out.add("- " + result.scenario().name() + ": " + String.join("; ", notes));
            }
        }
        if (!any) {
            out.add("None.");
        }
        out.add(END);
        return out;
    }

    /** The measured part for the run's own report: second attempts, each scenario's differences and requests. */
    static List<String> ofRun(List<TrafficRun.Result> results) {
        List<String> out = new ArrayList<>();
        out.add("## Traffic scenarios: this run");
        out.add("");
        for (TrafficRun.Result result : results) {
            out.add("### " + result.scenario().name() + ": " + verdict(result)
                    + (result.retried() ? " (second attempt; the first differed in: "
                    + String.join("; ", result.first().differences()) + ")" : ""));
            out.add("");
            if (result.error() != null) {
                out.add("- error: " + result.error());
            }
            result.differences().forEach(difference -> out.add("- differs: " + difference));
            result.summary().forEach(line -> out.add("- " + line));
            out.add("");
        }
        return out;
    }

    private static List<String> tolerance(ConformanceScenario scenario) {
        try {
            return Files.readAllLines(scenario.file(), StandardCharsets.UTF_8).stream()
                    .filter(line -> line.startsWith("# tolerance:"))
                    .map(line -> line.substring("# tolerance:".length()).strip()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String verdict(TrafficRun.Result result) {
        if (result.error() != null) {
            return "error";
        }
        if (result.divergent()) {
            return "pass (divergence)";
        }
        return result.passes() ? "pass" : "FAIL";
    }

    /** The traffic section of a report file (markers included), or empty if it has none. */
    static List<String> sectionOf(Path report) throws IOException {
        if (!Files.exists(report)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        int begin = lines.indexOf(BEGIN);
        int end = lines.indexOf(END);
        return begin < 0 || end < begin ? List.of() : List.copyOf(lines.subList(begin, end + 1));
    }

    /** The lines without the traffic section and the blank lines before it. */
    static List<String> without(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        int begin = out.indexOf(BEGIN);
        int end = out.indexOf(END);
        if (begin >= 0 && end >= begin) {
            out.subList(begin, end + 1).clear();
            while (begin > 0 && out.get(begin - 1).isEmpty()) {
                out.remove(--begin);
            }
        }
        return out;
    }

    /** Replaces (or appends) the traffic section of a report file. */
    static void write(Path report, List<String> section) throws IOException {
        List<String> lines = Files.exists(report) ? without(Files.readAllLines(report, StandardCharsets.UTF_8))
                : new ArrayList<>();
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        lines.add("");
        lines.addAll(section);
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.write(report, lines, StandardCharsets.UTF_8);
    }
}
