package io.haprobe.cli;

import io.haprobe.config.ConfigException;
import io.haprobe.config.ConfigValidation;
import io.haprobe.config.ConfigWarning;
import io.haprobe.config.HaproxyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code haprobe validate -f haproxy.cfg}: reads a file as {@code haproxy -c} 2.6.12 does and prints every
 * error and warning, each at its {@code file:line:column}. Exit status 0 when HAProxy would start with the file
 * (also when it has no listener, where {@code haproxy -c} exits 2), 1 otherwise.
 */
@Command(name = "validate",
        description = {"Reads a haproxy.cfg as 'haproxy -c' (HAProxy 2.6.12) does, without running a check.",
                "Prints every error ([ALERT]) and warning ([WARNING]) with its file:line:column.",
                "Exit status: 0 HAProxy would start with the file (a file without listeners included);",
                "1 it would not, or usage error."},
        mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the haproxy.cfg to read")
    private Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConfigValidation validation = validate(file, spec.commandLine().getErr());
        if (!validation.accepted()) {
            return ServerSummary.EXIT_USAGE;
        }
        HaproxyConfig config = validation.config();
        int servers = config.proxies().stream().mapToInt(p -> p.servers().size()).sum();
        out.println(config.file() + ": valid for HAProxy 2.6.12 (" + config.proxies().size() + " backend"
                + (config.proxies().size() == 1 ? "" : "s") + " with " + servers + " server" + (servers == 1 ? "" : "s")
                + ", " + validation.warnings().size() + " warning" + (validation.warnings().size() == 1 ? "" : "s")
                + ")");
        out.flush();
        return ServerSummary.EXIT_ALL_UP;
    }

    /**
     * Validates a file with the process environment and prints its warnings and errors, as {@code check} and
     * {@code validate} do before anything else.
     *
     * @param file the haproxy.cfg; never null
     * @param err  where {@code [WARNING] file:line:column: ...} and {@code [ALERT] file:line:column: ...} lines
     *             go; never null
     * @return the validation; its config is null when it has errors
     * @throws ConfigException if the file cannot be read
     */
    static ConfigValidation validate(Path file, PrintWriter err) {
        ConfigValidation validation = HaproxyConfig.validate(file, System.getenv());
        for (ConfigWarning warning : validation.warnings()) {
            err.println("[WARNING] " + warning);
        }
        for (ConfigException error : validation.errors()) {
            err.println("[ALERT] " + error.getMessage());
        }
        if (!validation.accepted()) {
            int count = validation.errors().size();
            err.println("haprobe: " + validation.file() + ": " + count + " error" + (count == 1 ? "" : "s")
                    + ", HAProxy 2.6.12 would not start with this file");
        }
        err.flush();
        return validation;
    }
}
