package io.haprobe.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * {@code --until-stable}'s progress line on standard error, rewritten in place with {@code \r}; shown only on a
 * terminal, so that redirected output and pipes stay free of it.
 *
 * <p>Not thread-safe: driven by the command's thread.
 */
final class ProgressLine {

    private final PrintWriter err;
    private int shownLength;

    private ProgressLine(PrintWriter err) {
        this.err = err;
    }

    /**
     * Returns a progress line on {@code err} when standard output is a terminal, else null (nothing to show).
     *
     * @param err standard error
     * @return the line, or null when not on a terminal
     */
    static ProgressLine onTerminal(PrintWriter err) {
        return onTerminal() ? new ProgressLine(err) : null;
    }

    /** Returns a progress line on {@code err} whatever the output is, for tests. */
    static ProgressLine on(PrintWriter err) {
        return new ProgressLine(err);
    }

    /** Tells whether the JVM runs on a terminal: a console and picocli's ANSI detection agree. */
    static boolean onTerminal() {
        return System.console() != null && CommandLine.Help.Ansi.AUTO.enabled();
    }

    /** Rewrites the line with {@code text}. */
    void show(String text) {
        StringBuilder line = new StringBuilder("\r").append(text);
        if (text.length() < shownLength) {
            line.append(" ".repeat(shownLength - text.length()));
        }
        shownLength = text.length();
        err.print(line);
        err.flush();
    }

    /** Erases the line. */
    void clear() {
        if (shownLength > 0) {
            err.print("\r" + " ".repeat(shownLength) + "\r");
            err.flush();
            shownLength = 0;
        }
    }
}
