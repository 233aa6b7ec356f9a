package io.haprobe.config;

import java.util.Objects;

/**
 * Something in the configuration that haprobe accepted but does not act on, such as a keyword outside
 * its scope ({@code balance}, {@code bind}) or a deprecated form HAProxy itself warns about.
 *
 * <p>Immutable and thread-safe.
 *
 * @param location where it is; never null
 * @param message  what it is, without the location; never null
 */
public record ConfigWarning(SourceLocation location, String message) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if an argument is null
     */
    public ConfigWarning {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    /** Returns {@code file:line:column: message}. */
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
