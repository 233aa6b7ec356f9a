package io.haprobe.health;

import io.haprobe.ServerState;

/**
 * Chooses the delay before a server's next check, as HAProxy 2.6's {@code srv_getinter} (spec §2.1), and
 * adds the {@code spread-checks} jitter (spec §2.2).
 *
 * <ol>
 *   <li>full health: {@code inter};</li>
 *   <li>DOWN ({@link ServerState#DOWN}) with health 0: {@code downinter}, or {@code inter} if unset;</li>
 *   <li>otherwise (going up, going down, not checked yet): {@code fastinter}, or {@code inter} if unset.</li>
 * </ol>
 *
 * <p>The delay is counted from the END of the previous check. Immutable and thread-safe.
 *
 * @param interNanos     {@code inter} in nanoseconds, {@code > 0}
 * @param fastInterNanos {@code fastinter} in nanoseconds; 0 means "use inter"
 * @param downInterNanos {@code downinter} in nanoseconds; 0 means "use inter"
 */
public record IntervalPolicy(long interNanos, long fastInterNanos, long downInterNanos) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code interNanos <= 0} or another interval is negative
     */
    public IntervalPolicy {
        if (interNanos <= 0) {
            throw new IllegalArgumentException("interNanos: " + interNanos + " (expected: > 0)");
        }
        if (fastInterNanos < 0 || downInterNanos < 0) {
            throw new IllegalArgumentException("fastInterNanos, downInterNanos: " + fastInterNanos + ", "
                    + downInterNanos + " (expected: >= 0)");
        }
    }

    /**
     * Returns the interval HAProxy's {@code srv_getinter} chooses for the given health and state.
     *
     * @param counter the check's health counter after the last check (or at boot); never null
     * @param state   the server's operational state after the last check; never null
     * @return the interval in nanoseconds, {@code > 0}
     */
    public long intervalNanos(HealthCounter counter, ServerState state) {
        if (counter.isFull()) {
            return interNanos;
        }
        if (state == ServerState.DOWN && counter.health() == 0) {
            return downInterNanos != 0 ? downInterNanos : interNanos;
        }
        return fastInterNanos != 0 ? fastInterNanos : interNanos;
    }

    /**
     * Returns an interval with the {@code spread-checks} jitter applied: with {@code rv0 =
     * interval*percent/100} (in whole ms), the result is {@code interval + rv0 - (int)(2*rv0*u)}, uniform in
     * {@code [interval-rv0, interval+rv0]}.
     *
     * @param intervalNanos the interval from {@link #intervalNanos}, in nanoseconds
     * @param spreadChecks  the global {@code spread-checks} percent, 0..50; 0 returns the interval unchanged
     * @param uniform       a uniform random number in {@code [0, 1)}, from the seeded source
     * @return the jittered interval in nanoseconds (whole milliseconds when jittered)
     */
    public static long withSpread(long intervalNanos, int spreadChecks, double uniform) {
        if (spreadChecks == 0) {
            return intervalNanos;
        }
        long intervalMillis = intervalNanos / 1_000_000L;
        long rv0 = intervalMillis * spreadChecks / 100;
        long rv = rv0 - (long) (2 * rv0 * uniform);
        return (intervalMillis + rv) * 1_000_000L;
    }
}
