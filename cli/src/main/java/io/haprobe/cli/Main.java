package io.haprobe.cli;

import io.haprobe.config.ConfigException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code haprobe} command line: {@code haprobe check -f haproxy.cfg}, {@code haprobe simulate
 * scenario.yaml} and {@code haprobe demo}.
 *
 * <p>Exit codes: 0 every checked server ended UP; 2 at least one ended DOWN; 1 usage or configuration
 * error (the message names the file, line and column; no stack trace).
 *
 * <p>Threading: {@link #run} builds a fresh command line on each call, so calls from different threads are
 * independent; each writes only to the streams it is given.
 */
public final class Main {

    private Main() {
    }

    /**
     * Runs the command and exits the JVM with its exit code.
     *
     * @param args the command line arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /**
     * Runs the command in this JVM, writing to the given streams.
     *
     * @param out  standard output: log lines and summaries; never null
     * @param err  standard error: warnings and errors; never null
     * @param args the command line arguments; never null
     * @return the exit code: 0, 1 or 2
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new HaprobeCommand())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((ex, arguments) -> {
                    CommandLine cmd = ex.getCommandLine();
                    cmd.getErr().println("haprobe: " + ex.getMessage());
                    cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more.");
                    cmd.getErr().flush();
                    return ServerSummary.EXIT_USAGE;
                })
                .setExecutionExceptionHandler((ex, cmd, parseResult) -> {
                    cmd.getErr().println("haprobe: " + describe(ex));
                    cmd.getErr().flush();
                    return ServerSummary.EXIT_USAGE;
                });
        return commandLine.execute(args);
    }

    private static String describe(Exception ex) {
        if (ex instanceof ConfigException) {
            return ex.getMessage();
        }
        if (ex instanceof IllegalArgumentException && ex.getMessage() != null) {
            return ex.getMessage();
        }
        return "internal error: " + ex + " (please report it with the command and config that caused it)";
    }
}
