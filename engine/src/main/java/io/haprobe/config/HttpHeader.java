package io.haprobe.config;

import java.util.Objects;

/**
 * One header of an HTTP check request ({@code http-check send hdr <name> <value>}, or a header hidden in
 * the version string of {@code option httpchk}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name  the header name as written (HAProxy sends it lowercased); never null or empty
 * @param value the value as written, case kept; never null
 */
public record HttpHeader(String name, String value) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public HttpHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name: (empty) (expected: a header name)");
        }
    }
}
