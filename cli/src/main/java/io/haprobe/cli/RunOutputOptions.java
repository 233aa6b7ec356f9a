package io.haprobe.cli;

import picocli.CommandLine.Option;

/**
 * The options {@code haprobe check} and {@code haprobe simulate} share for what a run prints and when it stops:
 * {@code --format text|json} and {@code --until-stable}.
 */
final class RunOutputOptions {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (log lines, then the summary) or json (one JSON document, nothing else on "
                    + "standard output); default: ${DEFAULT-VALUE}")
    OutputFormat format = OutputFormat.TEXT;

    @Option(names = "--until-stable",
            description = {"stop as soon as every checked server has had max(rise, fall) checks since its last",
                    "transition (or since the start); --duration stays the upper bound"})
    boolean untilStable;

    boolean json() {
        return format == OutputFormat.JSON;
    }
}
