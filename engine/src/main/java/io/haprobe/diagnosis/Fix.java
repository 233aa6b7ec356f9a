package io.haprobe.diagnosis;

import java.util.Objects;

/**
 * How to fix a {@link Cause}: a config change as the lines before and after (e.g. {@code http-check expect status
 * 200} to {@code http-check expect status 204}), or an action on the backend side.
 *
 * <p>Immutable and thread-safe.
 *
 * @param summary what to do, one sentence; never null
 * @param before  the config line(s) to change, as written in the file (several joined by {@code \n}), or null
 *                when the fix is on the backend's side
 * @param after   the line(s) replacing them, or null when the fix is on the backend's side
 */
public record Fix(String summary, String before, String after) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code summary} is null
     * @throws IllegalArgumentException if only one of {@code before} and {@code after} is given
     */
    public Fix {
        Objects.requireNonNull(summary, "summary");
        if ((before == null) != (after == null)) {
            throw new IllegalArgumentException("before and after go together (before: " + before + ", after: "
                    + after + ")");
        }
    }

    /**
     * Creates a fix on the backend's side (no config change).
     *
     * @param summary what to do; never null
     * @return the fix
     * @throws NullPointerException if {@code summary} is null
     */
    public static Fix backendSide(String summary) {
        return new Fix(summary, null, null);
    }

    /**
     * Tells whether the fix is a config change.
     *
     * @return true when {@link #before()} and {@link #after()} are given
     */
    public boolean changesConfig() {
        return before != null;
    }
}
