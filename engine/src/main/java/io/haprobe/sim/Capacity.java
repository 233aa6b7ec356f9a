package io.haprobe.sim;

import java.util.Objects;

/**
 * How many proxied requests a scripted server serves at once (scenario key {@code capacity:} in a phase), and
 * what a new connection meets when it is full: the runbooks' saturated server, whose health checks fail because
 * the traffic took every slot (accept queue full: refused; or never accepted: the check times out). Check
 * connections and proxied requests both meet the full server; only proxied requests count as sessions.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxSessions the proxied requests the server serves at once, {@code >= 1}
 * @param whenFull    what a new connection meets while {@code maxSessions} requests are being served; never null
 */
public record Capacity(int maxSessions, WhenFull whenFull) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code whenFull} is null
     * @throws IllegalArgumentException if {@code maxSessions} is below 1
     */
    public Capacity {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
        }
        Objects.requireNonNull(whenFull, "whenFull");
    }

    /**
     * Tells whether a server serving {@code sessions} requests is full.
     *
     * @param sessions the proxied requests it serves now
     * @return true if a new connection meets {@link #whenFull()}
     */
    public boolean full(int sessions) {
        return sessions >= maxSessions;
    }

    /** What a new connection meets at a full server. */
    public enum WhenFull {
        /** The connection is refused at once (a reset: the accept queue overflowed). */
        REFUSE,
        /** The SYN is never answered: connects last until their timeout. */
        BLACKHOLE
    }
}
