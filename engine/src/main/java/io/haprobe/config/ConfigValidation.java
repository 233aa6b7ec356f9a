package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * What {@link HaproxyConfig#validate} found in a file: every error HAProxy 2.6.12 would report (in file order),
 * the warnings, and the configuration when there is no error. It mirrors {@code haproxy -c}: the file is
 * accepted (HAProxy would start) exactly when {@link #errors()} is empty. Immutable and thread-safe.
 *
 * @param file     the file name used in messages; never null
 * @param errors   the errors, each with its {@code file:line:column}; never null, empty when accepted
 * @param warnings the warnings, in file order; never null
 * @param config   the configuration; null exactly when there are errors
 */
public record ConfigValidation(String file, List<ConfigException> errors, List<ConfigWarning> warnings,
                               HaproxyConfig config) {

    /**
     * Copies the lists.
     *
     * @throws NullPointerException     if {@code file}, {@code errors} or {@code warnings} is null
     * @throws IllegalArgumentException if {@code config} is null without errors, or given with errors
     */
    public ConfigValidation {
        Objects.requireNonNull(file, "file");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if (errors.isEmpty() == (config == null)) {
            throw new IllegalArgumentException("config: " + (config == null ? "null" : "present") + " with "
                    + errors.size() + " errors (expected: a config exactly when there is no error)");
        }
    }

    /** Returns whether HAProxy 2.6.12 would accept the file ({@code haproxy -c} exit status 0 or 2). */
    public boolean accepted() {
        return errors.isEmpty();
    }

    /**
     * Returns the configuration, or throws the first error.
     *
     * @return the configuration; never null
     * @throws ConfigException the first error, if there is one
     */
    public HaproxyConfig orThrow() {
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        return config;
    }
}
