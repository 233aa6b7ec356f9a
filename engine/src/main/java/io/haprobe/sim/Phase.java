package io.haprobe.sim;

import java.util.Objects;

/**
 * One phase of a scripted backend: from {@code atNanos} on (virtual time since the simulation started) until
 * the next phase, every new check connection meets {@code behaviour}, unless {@code firewall} drops or rejects
 * it first by its source address; proxied requests (the traffic model) meet {@code serve}, or
 * {@code behaviour} when the phase does not say.
 *
 * <p>Immutable and thread-safe.
 *
 * @param atNanos   when the phase starts, in virtual nanoseconds since the start, {@code >= 0}
 * @param behaviour what the backend does with check connections (and requests without {@code serve}); never
 *                  null
 * @param firewall  which source addresses reach the backend; never null, {@link Firewall#OPEN} for all
 * @param serve     how the backend answers proxied requests (scenario key {@code serve:}), or null for
 *                  {@code behaviour}
 * @param capacity  how many proxied requests the backend serves at once and what new connections (checks too)
 *                  meet when it is full (scenario key {@code capacity:}), or null for no limit
 */
public record Phase(long atNanos, Behaviour behaviour, Firewall firewall, Behaviour serve, Capacity capacity) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code behaviour} or {@code firewall} is null
     * @throws IllegalArgumentException if {@code atNanos} is negative
     */
    public Phase {
        if (atNanos < 0) {
            throw new IllegalArgumentException("atNanos: " + atNanos + " (expected: >= 0)");
        }
        Objects.requireNonNull(behaviour, "behaviour");
        Objects.requireNonNull(firewall, "firewall");
    }

    /**
     * Creates a phase whose requests meet the check behaviour.
     *
     * @param atNanos   when the phase starts, {@code >= 0}
     * @param behaviour what the backend does; never null
     * @param firewall  which source addresses reach the backend; never null
     * @throws NullPointerException     if {@code behaviour} or {@code firewall} is null
     * @throws IllegalArgumentException if {@code atNanos} is negative
     */
    public Phase(long atNanos, Behaviour behaviour, Firewall firewall) {
        this(atNanos, behaviour, firewall, null, null);
    }

    /**
     * Creates a phase without a capacity limit.
     *
     * @param atNanos   when the phase starts, {@code >= 0}
     * @param behaviour what check connections meet; never null
     * @param firewall  which source addresses reach the backend; never null
     * @param serve     what proxied requests meet, or null for {@code behaviour}
     * @throws NullPointerException     if {@code behaviour} or {@code firewall} is null
     * @throws IllegalArgumentException if {@code atNanos} is negative
     */
    public Phase(long atNanos, Behaviour behaviour, Firewall firewall, Behaviour serve) {
        this(atNanos, behaviour, firewall, serve, null);
    }

    /**
     * Returns what proxied requests meet in this phase: {@code serve}, or the check behaviour when it is null.
     *
     * @return the behaviour requests meet; never null
     */
    public Behaviour requestBehaviour() {
        return serve != null ? serve : behaviour;
    }

    /**
     * Creates a phase without a firewall.
     *
     * @param atNanos   when the phase starts, {@code >= 0}
     * @param behaviour what the backend does; never null
     * @throws NullPointerException     if {@code behaviour} is null
     * @throws IllegalArgumentException if {@code atNanos} is negative
     */
    public Phase(long atNanos, Behaviour behaviour) {
        this(atNanos, behaviour, Firewall.OPEN);
    }
}
