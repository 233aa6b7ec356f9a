package io.haprobe.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real HAProxy's side of the differential corpus: {@code haproxy -c -f FILE}, run in the file's directory with a
 * fixed environment. Exit 0 is acceptance; any other exit (1 for errors, 2 for a valid file without a listener,
 * 128+n for a crash) is rejection. The error line is that of the first {@code [ALERT]} naming
 * {@code [FILE:N]} (as {@code parsing [FILE:N]} or alone); alerts about other files (an SPOE or OpenTracing
 * configuration) and alerts without a line do not count for the line, but the first alert is kept as the message
 * when none has one.
 *
 * <p>Each process has a timeout; one that hangs is stopped by PID with its descendants ({@code destroyForcibly}).
 * Its whole output is kept in {@code <out>/<file>.txt}. Thread-safe: each call runs its own process.
 */
final class HaproxyConfigJudge implements ConfigJudge {

    /** The environment both sides start with: no variable of the machine that runs the test leaks in. */
    static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/sbin:/usr/bin:/bin");

    private static final Pattern ALERT = Pattern.compile("^\\[ALERT\\]\\s+\\(\\d+\\) : (?:config : )?(.*)$");
    private static final List<String> SUMMARY_ALERTS = List.of("Error(s) found in configuration file",
            "Fatal errors found in configuration");

    private final Path haproxy;
    private final Path outputs;
    private final Duration timeout;

    /**
     * Everything one run told: the verdict, the exit code and the whole output.
     *
     * @param verdict the verdict; never null
     * @param exit    the exit code, or -1 when the process timed out or could not start
     * @param output  stdout and stderr together; never null
     */
    record Run(Verdict verdict, int exit, String output) {
    }

    /**
     * Creates the judge.
     *
     * @param haproxy the haproxy executable; never null
     * @param outputs the directory for each run's output; never null, created if missing
     * @param timeout how long one {@code haproxy -c} may take; never null, positive
     */
    HaproxyConfigJudge(Path haproxy, Path outputs, Duration timeout) {
        this.haproxy = Objects.requireNonNull(haproxy, "haproxy");
        this.outputs = Objects.requireNonNull(outputs, "outputs");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
    }

    /**
     * Finds the haproxy executable on the {@code PATH} or in {@code /usr/sbin} and {@code /usr/local/sbin}.
     *
     * @return its path, or empty if there is none
     */
    static Optional<Path> locate() {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "") + File.pathSeparator + "/usr/sbin"
                + File.pathSeparator + "/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "haproxy");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public Verdict judge(Path file) {
        return run(file).verdict();
    }

    /**
     * Runs {@code haproxy -c} on one file.
     *
     * @param file the configuration; never null
     * @return the run; a process that cannot start or times out is a rejection whose message says so
     */
    Run run(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        Path out = outputs.resolve(name + ".txt");
        ProcessBuilder builder = new ProcessBuilder(haproxy.toString(), "-c", "-f", name)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().clear();
        builder.environment().putAll(ENVIRONMENT);
        Process process;
        try {
            Files.createDirectories(outputs);
            process = builder.start();
        } catch (IOException e) {
            return new Run(Verdict.reject(0, "haproxy did not start: " + e.getMessage()), -1, "");
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                stop(process);
                return new Run(Verdict.reject(0, "haproxy -c timed out after " + timeout.toMillis() + " ms"), -1,
                        read(out));
            }
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            return new Run(Verdict.reject(0, "interrupted"), -1, "");
        }
        String output = read(out);
        int exit = process.exitValue();
        return new Run(verdict(name, exit, output), exit, output);
    }

    /**
     * Reads a verdict from an exit code and the output of {@code haproxy -c}.
     *
     * @param name   the file name as given to {@code -f}
     * @param exit   the exit code
     * @param output the output
     * @return the verdict
     */
    static Verdict verdict(String name, int exit, String output) {
        if (exit == 0 || exit == 2) {
            // 2: no error but no listener; haprobe accepts such a file on purpose (it can still check its servers)
            return Verdict.accept();
        }
        Pattern place = Pattern.compile("\\[" + Pattern.quote(name) + ":(\\d+)\\]");
        String first = null;
        for (String line : output.split("\n")) {
            Matcher alert = ALERT.matcher(line);
            if (!alert.matches()) {
                continue;
            }
            String text = alert.group(1).strip();
            Matcher at = place.matcher(text);
            if (at.find()) {
                return Verdict.reject(Integer.parseInt(at.group(1)), text + crash(exit));
            }
            if (first == null && SUMMARY_ALERTS.stream().noneMatch(text::startsWith)) {
                first = text;
            }
        }
        if (first != null) {
            return Verdict.reject(0, first + crash(exit));
        }
        if (exit > 128) {
            return Verdict.reject(0, "haproxy crashed (signal " + (exit - 128) + ")");
        }
        return Verdict.reject(0, "exit " + exit + " without an alert (global 'quiet' hides them)");
    }

    /** A note for a process that died of a signal after its alerts (2.6.12 aborts on some invalid rules). */
    private static String crash(int exit) {
        return exit > 128 ? " [then haproxy crashed: signal " + (exit - 128) + "]" : "";
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
