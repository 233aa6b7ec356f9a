package io.haprobe.sim;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a scripted backend waits before it acts: a fixed time, or a time drawn uniformly between two
 * bounds from the simulation's seeded random source (the same seed gives the same draws).
 *
 * <p>Immutable and thread-safe.
 *
 * @param minNanos the shortest delay in nanoseconds, {@code >= 0}
 * @param maxNanos the longest delay in nanoseconds, {@code >= minNanos}; equal to {@code minNanos} for a fixed
 *                 delay
 */
public record Delay(long minNanos, long maxNanos) {

    /** No delay: the backend acts at the same virtual instant. */
    public static final Delay NONE = new Delay(0, 0);

    /**
     * Validates the bounds.
     *
     * @throws IllegalArgumentException if {@code minNanos < 0} or {@code maxNanos < minNanos}
     */
    public Delay {
        if (minNanos < 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("minNanos, maxNanos: " + minNanos + ", " + maxNanos
                    + " (expected: 0 <= minNanos <= maxNanos)");
        }
    }

    /**
     * Returns a fixed delay.
     *
     * @param delay the delay; never null, not negative
     * @return the delay, {@link #NONE} for zero
     * @throws NullPointerException     if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Delay of(Duration delay) {
        long nanos = delay.toNanos();
        return nanos == 0 ? NONE : new Delay(nanos, nanos);
    }

    /**
     * Returns a delay drawn uniformly in {@code [min, max]} for each use.
     *
     * @param min the shortest delay; never null, not negative
     * @param max the longest delay; never null, not shorter than {@code min}
     * @return the delay
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the bounds are negative or reversed
     */
    public static Delay between(Duration min, Duration max) {
        return new Delay(min.toNanos(), max.toNanos());
    }

    /**
     * Tells whether every use gives the same delay.
     *
     * @return true when {@code minNanos == maxNanos}
     */
    public boolean isFixed() {
        return minNanos == maxNanos;
    }

    /**
     * Draws one delay. A fixed delay draws nothing from {@code random}.
     *
     * @param random the simulation's random source; never null
     * @return the delay in nanoseconds
     */
    public long sampleNanos(RandomGenerator random) {
        return isFixed() ? minNanos : random.nextLong(minNanos, maxNanos + 1);
    }

    @Override
    public String toString() {
        return isFixed() ? minNanos / 1_000_000 + "ms" : minNanos / 1_000_000 + "ms.." + maxNanos / 1_000_000 + "ms";
    }
}
