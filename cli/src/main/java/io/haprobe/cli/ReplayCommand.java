package io.haprobe.cli;

import io.haprobe.config.HaproxyTime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code haprobe replay TRACE [--set fall=5] [--set inter=1s] ...}: a what-if. Replays the outcomes a
 * {@code haprobe check --record} run recorded, on virtual time, with other {@code rise}, {@code fall},
 * {@code inter}, {@code fastinter} or {@code downinter}, and prints the lines HAProxy would have logged
 * ({@link Replay}).
 */
@Command(name = "replay",
        description = {"Replays a trace recorded by 'haprobe check --record' with other settings (a what-if).",
                "Prints the lines HAProxy 2.6 would have logged, each prefixed with t=<ms>ms, then how many",
                "outcomes were taken from the nearest recorded check because the new settings scheduled a check",
                "between recorded ones. Exit status: 0 every replayed server ends UP; 2 some end DOWN; 1 usage",
                "or trace error."},
        mixinStandardHelpOptions = true)
final class ReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE", description = "the trace file (JSON lines)")
    private Path file;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = {"a setting for every server of the trace (repeatable): rise=N, fall=N, inter=TIME,",
                    "fastinter=TIME, downinter=TIME (HAProxy time units: us, ms, s, m, h, d; bare = ms)"})
    private Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Replay.Overrides overrides = overrides(settings);
        Trace trace = Trace.read(file);
        Replay.Result result = Replay.run(trace, overrides);
        result.lines().forEach(out::println);
        out.println();
        out.println("replayed " + result.checks() + " health checks of " + trace.config()
                + (settings.isEmpty() ? "" : " with " + describe(settings)) + "; " + result.transitions().size()
                + " transitions");
        if (result.nearest() > 0) {
            out.println(result.nearest() + " of " + result.checks() + " outcomes taken from the nearest recorded"
                    + " check (the settings scheduled checks between recorded ones)");
        } else {
            out.println("every outcome as recorded");
        }
        if (result.unused() > 0) {
            out.println(result.unused() + " recorded checks not replayed (the settings check less often)");
        }
        if (result.agentChecks() > 0) {
            out.println(result.agentChecks() + " agent checks recorded, not replayed");
        }
        out.flush();
        boolean anyDown = result.endStates().values().stream().anyMatch(s -> s == io.haprobe.ServerState.DOWN);
        return anyDown ? ServerSummary.EXIT_SOME_DOWN : ServerSummary.EXIT_ALL_UP;
    }

    static Replay.Overrides overrides(Map<String, String> settings) {
        Integer rise = null;
        Integer fall = null;
        Long inter = null;
        Long fastInter = null;
        Long downInter = null;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            String value = e.getValue();
            switch (name) {
                case "rise" -> rise = count(name, value);
                case "fall" -> fall = count(name, value);
                case "inter" -> inter = time(name, value);
                case "fastinter" -> fastInter = time(name, value);
                case "downinter" -> downInter = time(name, value);
                default -> throw new IllegalArgumentException("--set " + e.getKey() + ": unknown setting (expected:"
                        + " rise, fall, inter, fastinter or downinter)");
            }
        }
        return new Replay.Overrides(rise, fall, inter, fastInter, downInter);
    }

    private static int count(String name, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--set " + name + "=" + value + ": not a count (expected: an integer >= 1)");
    }

    private static long time(String name, String value) {
        long millis;
        try {
            millis = HaproxyTime.parseMillis(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--set " + name + "=" + value + ": " + e.getMessage(), e);
        }
        if (millis <= 0) {
            throw new IllegalArgumentException("--set " + name + "=" + value + ": (expected: > 0)");
        }
        return millis;
    }

    private static String describe(Map<String, String> settings) {
        StringBuilder s = new StringBuilder();
        settings.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return s.toString();
    }
}
