package io.haprobe.junit;

import io.haprobe.config.HaproxyTime;

import java.time.Duration;
import java.util.Objects;

/** Reads the times tests write, in haproxy.cfg's format ({@code 5s}, {@code 300ms}, {@code 1500}). */
final class Times {

    private Times() {
    }

    /**
     * Parses {@code text} as {@link HaproxyTime} does.
     *
     * @param name the argument's name, for the message
     * @throws NullPointerException     if {@code text} is null
     * @throws IllegalArgumentException if {@code text} is not a time, e.g. {@code time: 'soon' (expected: a time
     *                                  such as 2s or 500ms)}
     */
    static Duration parse(String name, String text) {
        Objects.requireNonNull(text, name);
        try {
            return Duration.ofMillis(HaproxyTime.parseMillis(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }
}
