package io.haprobe.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code haprobe} command; it only dispatches to its subcommands. */
@Command(name = "haprobe",
        mixinStandardHelpOptions = true,
        version = "haprobe 0.1.0 (HAProxy 2.6 health checks)",
        description = "Replays HAProxy 2.6 server health checks from a real haproxy.cfg.",
        subcommands = {CheckCommand.class, SimulateCommand.class, ValidateCommand.class, ReplayCommand.class,
                DemoCommand.class})
final class HaprobeCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
