package io.haprobe.cli;

import io.haprobe.config.ConfigException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code haprobe} command line: {@code haprobe check -f haproxy.cfg}, {@code haprobe simulate
 * scenario.yaml}, {@code haprobe validate -f haproxy.cfg}, {@code haprobe replay trace.jsonl} and
 * {@code haprobe demo}.
 *
 * <p>Exit codes: 0 every checked server ended UP; 2 at least one ended DOWN; 3 none ended DOWN but at least one
 * never completed a check ({@code not checked}: the run was too short); 1 usage or configuration error (the
 * message names the file, line and column), nothing to check, or an internal error ({@code haprobe: internal
 * error: ...}). Never a stack trace.
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
     * @return the exit code: 0, 1, 2 or 3
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(new HaprobeCommand(), out, err, args);
    }

    /** {@link #run(PrintWriter, PrintWriter, String...)} with another top-level command, for tests. */
    static int run(Object command, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(command);
        if (command instanceof HaprobeCommand) {
            HaprobeCommand.addSubcommands(commandLine, args);
        }
        commandLine.setOut(out)
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
        try {
            return commandLine.execute(args);
        } catch (RuntimeException | Error e) {
            // picocli hands only a command's exceptions to the handler above; an Error (out of memory, a broken
            // class path) or a failure of picocli itself would otherwise reach the user as a stack trace
            err.println("haprobe: " + internalError(e));
            err.flush();
            return ServerSummary.EXIT_USAGE;
        }
    }

    /**
     * Returns the one line {@code haprobe: internal error: ...} says about an unexpected failure.
     *
     * @param t the failure; never null
     * @return the text after {@code haprobe: }
     */
    static String internalError(Throwable t) {
        return "internal error: " + t + " (please report it with the command and config that caused it)";
    }

    private static String describe(Exception ex) {
        if (ex instanceof ConfigException) {
            return ex.getMessage();
        }
        if (ex instanceof IllegalArgumentException && ex.getMessage() != null) {
            return ex.getMessage();
        }
        return internalError(ex);
    }
}
