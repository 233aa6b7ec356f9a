package io.haprobe.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link Main} prints when a command fails in a way nobody planned for: one line, exit 1, no trace. */
class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void anUnexpectedExceptionIsOneInternalErrorLineAndExit1() {
        int exit = Main.run(new Failing(new IllegalStateException("boom")), new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: internal error: java.lang.IllegalStateException: boom "
                + "(please report it with the command and config that caused it)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anErrorSuchAsOutOfMemoryIsOneInternalErrorLineAndExit1NotAStackTrace() {
        int exit = Main.run(new Failing(new OutOfMemoryError("Java heap space")), new PrintWriter(out, true),
                new PrintWriter(err, true));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: internal error: java.lang.OutOfMemoryError: Java heap space "
                + "(please report it with the command and config that caused it)\n");
    }

    @Test
    void eachSubcommandIsAddedUnderItsOwnNameAllInHelpOrderOrOnlyTheOneNamed() {
        for (String name : HaprobeCommand.SUBCOMMANDS) {
            assertThat(new picocli.CommandLine(HaprobeCommand.subcommand(name)).getCommandName()).isEqualTo(name);
            assertThat(HaprobeCommand.addSubcommands(new picocli.CommandLine(new HaprobeCommand()), name, "x")
                    .getSubcommands()).containsOnlyKeys(name);
        }
        assertThat(HaprobeCommand.addSubcommands(new picocli.CommandLine(new HaprobeCommand()), "simulat")
                .getSubcommands().keySet()).containsExactlyElementsOf(HaprobeCommand.SUBCOMMANDS);
        assertThat(HaprobeCommand.addSubcommands(new picocli.CommandLine(new HaprobeCommand()))
                .getSubcommands().keySet()).containsExactlyElementsOf(HaprobeCommand.SUBCOMMANDS);
    }

    @Command(name = "failing")
    private static final class Failing implements Callable<Integer> {

        private final Throwable failure;

        Failing(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            if (failure instanceof Error error) {
                throw error;
            }
            throw (Exception) failure;
        }
    }
}
