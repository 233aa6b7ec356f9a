package io.haprobe.junit;

import org.opentest4j.AssertionFailedError;

import java.util.List;

/** Builds the assertion failures of this package: expected and actual as line lists, so IDEs show a diff. */
final class Failures {

    private Failures() {
    }

    /**
     * Returns a failure whose expected and actual values are the lines joined by {@code \n}, and whose message
     * holds both and then every log line of the run, so a failing test explains itself in a plain console too.
     */
    static AssertionFailedError linesDiffer(String what, List<String> expected, List<String> actual,
                                            List<String> logLines) {
        StringBuilder message = new StringBuilder(256).append(what).append(" differ\nexpected:");
        appendLines(message, expected);
        message.append("\nactual:");
        appendLines(message, actual);
        message.append("\nwhole timeline (log lines):");
        appendLines(message, logLines);
        return new AssertionFailedError(message.toString(), String.join("\n", expected), String.join("\n", actual));
    }

    /** Returns a failure about one value, e.g. a server's state, with the log lines of the run. */
    static AssertionFailedError valueDiffers(String what, Object expected, Object actual, List<String> logLines) {
        StringBuilder message = new StringBuilder(256).append(what).append(": expected <").append(expected)
                .append("> but was <").append(actual).append(">\nwhole timeline (log lines):");
        appendLines(message, logLines);
        return new AssertionFailedError(message.toString(), expected, actual);
    }

    private static void appendLines(StringBuilder message, List<String> lines) {
        if (lines.isEmpty()) {
            message.append(" (none)");
            return;
        }
        for (String line : lines) {
            message.append("\n  ").append(line);
        }
    }
}
