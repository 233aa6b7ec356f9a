package io.haprobe.config;

/**
 * One item of an {@code http-check expect status} list: a single code ({@code 200}) or an inclusive
 * range ({@code 200-399}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param low  the lowest code matched, inclusive
 * @param high the highest code matched, inclusive, {@code >= low}
 */
public record StatusRange(int low, int high) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code high < low} or either is negative
     */
    public StatusRange {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("range: " + low + "-" + high + " (expected: 0 <= low <= high)");
        }
    }

    /**
     * Tells whether {@code code} is within the range.
     *
     * @param code an HTTP status code
     * @return true if {@code low <= code <= high}
     */
    public boolean contains(int code) {
        return code >= low && code <= high;
    }

    /** Returns {@code low} or {@code low-high}, as written in a configuration. */
    @Override
    public String toString() {
        return low == high ? Integer.toString(low) : low + "-" + high;
    }
}
