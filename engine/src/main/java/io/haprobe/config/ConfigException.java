package io.haprobe.config;

import java.util.Objects;

/**
 * A malformed configuration: a keyword haprobe supports used wrongly, a bad value, a missing argument, a
 * file that cannot be read. The message is {@code file:line:column: what is wrong (expected: ...)}, ready
 * to be shown to a user as it is.
 *
 * <pre>{@code
 * haproxy.cfg:14:27: unknown keyword 'fal' in server line (did you mean 'fall'?)
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SourceLocation location;
    private final String detail;

    /**
     * Creates an exception.
     *
     * @param location where the problem is; never null
     * @param detail   what is wrong, without the location, e.g. {@code rise: 0 (expected: >= 1)}; never null
     * @throws NullPointerException if an argument is null
     */
    public ConfigException(SourceLocation location, String detail) {
        super(Objects.requireNonNull(location, "location") + ": " + Objects.requireNonNull(detail, "detail"));
        this.location = location;
        this.detail = detail;
    }

    /**
     * Returns where the problem is.
     *
     * @return the location, never null
     */
    public SourceLocation location() {
        return location;
    }

    /**
     * Returns what is wrong, without the location prefix.
     *
     * @return the detail, never null
     */
    public String detail() {
        return detail;
    }
}
