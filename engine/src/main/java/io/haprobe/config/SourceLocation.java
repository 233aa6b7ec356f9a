package io.haprobe.config;

import java.util.Objects;

/**
 * A place in a configuration file: the file name as given to the parser, a 1-based line and a 1-based
 * column. Printed as {@code file:line:column}, the prefix of every {@link ConfigException} and
 * {@link ConfigWarning}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param file   the file name as the user gave it (a path, or a label such as {@code <inline>}); never null
 * @param line   the line, 1-based
 * @param column the column of the token, 1-based; 1 when the place is a whole line
 */
public record SourceLocation(String file, int line, int column) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code file} is null
     * @throws IllegalArgumentException if {@code line} or {@code column} is below 1
     */
    public SourceLocation {
        Objects.requireNonNull(file, "file");
        if (line < 1) {
            throw new IllegalArgumentException("line: " + line + " (expected: >= 1)");
        }
        if (column < 1) {
            throw new IllegalArgumentException("column: " + column + " (expected: >= 1)");
        }
    }

    /** Returns {@code file:line:column}. */
    @Override
    public String toString() {
        return file + ':' + line + ':' + column;
    }
}
