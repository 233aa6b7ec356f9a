package io.haprobe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;

/**
 * The top-level {@code haprobe} command; it only dispatches to its subcommands ({@link #SUBCOMMANDS}), which
 * {@link #addSubcommands} adds: only the one named, when the command line starts with a subcommand's name, else
 * all of them, in the order {@code haprobe --help} lists them.
 */
@Command(name = "haprobe",
        mixinStandardHelpOptions = true,
        version = "haprobe 0.1.0 (HAProxy 2.6 health checks)",
        description = "Replays HAProxy 2.6 server health checks from a real haproxy.cfg.")
final class HaprobeCommand implements Runnable {

    /** The subcommands' names, each its class's {@code @Command} name, in the order of {@code haprobe --help}. */
    static final List<String> SUBCOMMANDS = List.of("check", "simulate", "validate", "replay", "demo");

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Adds the subcommands to {@code haprobe}'s command line, before any of its settings (picocli copies them to
     * the subcommands present when they are set). When {@code args} starts with a subcommand's exact name, picocli
     * can only run that one: the others are left out, as picocli's model of a command (its annotations read by
     * reflection) is most of the command line's start (a tenth of a second each). Otherwise (no argument, an
     * option, a misspelt name that picocli answers with suggestions) all are added, so what picocli prints is
     * the same.
     *
     * @param commandLine the command line of a {@code HaprobeCommand}; never null
     * @param args        the command line arguments; never null
     * @return {@code commandLine}
     */
    static CommandLine addSubcommands(CommandLine commandLine, String... args) {
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            commandLine.addSubcommand(subcommand(args[0]));
        } else {
            for (String name : SUBCOMMANDS) {
                commandLine.addSubcommand(subcommand(name));
            }
        }
        return commandLine;
    }

    /** Returns a new instance of the subcommand named {@code name}, one of {@link #SUBCOMMANDS}. */
    static Object subcommand(String name) {
        return switch (name) {
            case "check" -> new CheckCommand();
            case "simulate" -> new SimulateCommand();
            case "validate" -> new ValidateCommand();
            case "replay" -> new ReplayCommand();
            case "demo" -> new DemoCommand();
            default -> throw new IllegalArgumentException("subcommand: " + name);
        };
    }
}
