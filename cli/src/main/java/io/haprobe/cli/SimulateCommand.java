package io.haprobe.cli;

import io.haprobe.config.ConfigWarning;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.Simulation;
import io.haprobe.testkit.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code haprobe simulate SCENARIO [--seed N] [--duration D]}: replays a scenario file's haproxy.cfg against its
 * scripted backends on virtual time, prints every line HAProxy would log as {@code t=<virtual ms>ms <message>},
 * then the per-server summary of {@code haprobe check} and the diagnosis of each server not UP (follow-up probes
 * against the scripted backends, on virtual time); {@code --stats-csv OUT} also writes the final
 * {@code show stat} CSV, {@code --html OUT} the timeline as one HTML page ({@link TimelineHtml}). The same
 * scenario and seed print the same bytes on any machine.
 */
@Command(name = "simulate",
        description = {"Replays a scenario: a haproxy.cfg's checks against scripted backends, on virtual time.",
                "Prints the lines HAProxy 2.6 would log, each prefixed with t=<virtual ms>ms, then a per-server",
                "summary and the diagnosis of each server not UP (root cause, evidence, fix). The same scenario",
                "and seed always print the same bytes; an hour runs in milliseconds.",
                "Exit status: 0 all checked servers UP; 2 some DOWN; 3 none DOWN but some not checked (no check",
                "completed before the end); 1 usage, scenario or config error, or nothing to check."},
        mixinStandardHelpOptions = true)
final class SimulateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "the scenario file (YAML)")
    private Path file;

    @Option(names = "--seed", paramLabel = "N", description = "the seed of every random draw; default: the file's")
    private Long seed;

    @Option(names = "--duration", paramLabel = "TIME", converter = HaproxyTimeConverter.class,
            description = "how long to run, in HAProxy time units (us, ms, s, m, h, d; bare = ms); "
                    + "default: the file's")
    private Long durationMillis;

    @Option(names = "--stats-csv", paramLabel = "OUT",
            description = "also write the final 'show stat' CSV (HAProxy 2.6.12's format) to this file")
    private Path statsCsv;

    @Option(names = "--html", paramLabel = "OUT",
            description = "also write the timeline as one self-contained HTML page (a lane per server) to this file")
    private Path html;

    @Mixin
    private RunOutputOptions output = new RunOutputOptions();

    @Override
    public Integer call() {
        // the output is written at the end, all at once: buffered here, as the command line's own stream flushes
        // (a write to the file or pipe) at each line, and the summary alone has a line per server. Flushed before
        // anything goes to err after it, and on a failure, so the two streams interleave as before
        PrintWriter out = new PrintWriter(new BufferedWriter(spec.commandLine().getOut(), 1 << 16));
        PrintWriter err = spec.commandLine().getErr();
        Scenario scenario = Scenario.parse(file);
        if (seed != null) {
            scenario = scenario.withSeed(seed);
        }
        if (durationMillis != null) {
            if (durationMillis <= 0) {
                throw new IllegalArgumentException("--duration: " + durationMillis + "ms (expected: > 0)");
            }
            scenario = scenario.withDurationNanos(TimeUnit.MILLISECONDS.toNanos(durationMillis));
        }
        for (ConfigWarning warning : scenario.config().warnings()) {
            err.println("[WARNING] " + warning);
        }
        for (ConfigWarning warning : scenario.warnings()) {
            err.println("[WARNING] " + warning);
        }
        err.flush();
        // only the HTML page draws every check: without it the timeline keeps transitions and log lines, and the
        // run's memory grows with servers, not checks (the diagnoses keep counts either way). No output reads a
        // request but its httplog line (kept either way) and the counts of the traffic table, so the requests are
        // not recorded: memory grows with servers, not requests
        try (Simulation simulation = scenario.simulation().recordChecks(html != null).recordRequests(false)
                .build()) {
            ServerSummary.requireServersToCheck(simulation.engine().servers(), scenario.config().file(), List.of());
            simulation.runUntil(SimulatedRunExtras.end(scenario, output));
            List<ServerSnapshot> servers = simulation.engine().servers();
            // the reports are of the scenario's end: the diagnosis' follow-up probes advance virtual time
            io.haprobe.engine.Timeline timeline = simulation.timeline();
            // after the timeline: it is a command of its own. Built only when an output reads it: the CSV, or the
            // text's traffic table, which prints nothing without traffic (no request ever ends). For 10,000 servers
            // it is a quarter of a second, most of a run's end
            String showStat = statsCsv != null || !output.json() && !scenario.traffic().isEmpty()
                    ? simulation.engine().showStat() : null;
            long elapsedMillis = simulation.elapsed().toMillis();
            // the transitions first: the probes of the servers' diagnoses advance virtual time
            List<io.haprobe.diagnosis.TransitionDiagnosis> transitions = simulation.transitionDiagnoses();
            RunDiagnoses diagnoses = new RunDiagnoses(simulation.diagnoses(true), transitions);
            try {
                if (output.json()) {
                    SimulatedRunExtras.printJson(scenario, output, simulation.seed(), elapsedMillis, servers,
                            timeline, diagnoses, out);
                } else {
                    timeline.logLines().forEach(out::println);
                    ServerSummary.print(servers, out);
                    if (showStat != null) {
                        TrafficSummary.print(showStat, simulation.requestsEnded(), simulation.replies503(), out);
                    }
                    diagnoses.print(out);
                }
            } finally {
                out.flush();
            }
            if (statsCsv != null) {
                writeStatsCsv(showStat, statsCsv);
            }
            if (html != null) {
                int checks = TimelineHtml.write(html, scenario.file(), scenario.seed(), scenario.duration().toMillis(),
                        servers, timeline);
                err.println("haprobe: wrote " + html + " (" + servers.size()
                        + (servers.size() == 1 ? " server, " : " servers, ") + checks
                        + (checks == 1 ? " check)" : " checks)"));
                err.flush();
            }
            ServerSummary.hintNotChecked(servers, scenario.duration().toMillis(),
                    simulation.engine().lastFirstCheckDelay(), err);
            return ServerSummary.exitCode(servers);
        }
    }

    /** Writes the CSV as {@code show stat} prints it. */
    static void writeStatsCsv(String showStat, Path target) {
        try {
            Files.writeString(target, showStat, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalArgumentException("--stats-csv: cannot write " + target + ": " + reason, e);
        }
    }
}
