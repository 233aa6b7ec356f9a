package io.haprobe.health;

import io.haprobe.CheckOutcome;

import java.util.Objects;

/**
 * What one completed check did to a server: its state before and after.
 *
 * <p>Immutable and thread-safe.
 *
 * @param before the state before the check; never null
 * @param after  the state after the check, whose {@link ServerHealth#lastOutcome()} is the check's outcome;
 *               never null
 */
public record HealthStep(ServerHealth before, ServerHealth after) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if an argument is null
     */
    public HealthStep {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    /**
     * Returns the outcome of the check.
     *
     * @return the outcome, never null
     */
    public CheckOutcome outcome() {
        return after.lastOutcome();
    }

    /**
     * Tells whether the health counter moved.
     *
     * @return true if the counter differs
     */
    public boolean healthChanged() {
        return before.counter().health() != after.counter().health();
    }

    /**
     * Tells whether the check status (the enum, not the code or info) differs from the previous check's.
     *
     * @return true if the status changed
     */
    public boolean statusChanged() {
        return before.lastStatus() != after.lastStatus();
    }

    /**
     * Tells whether {@code option log-health-checks} logs this check: when the status or the health changed
     * (spec §8.2).
     *
     * @return true if HAProxy would log a per-check line
     */
    public boolean reported() {
        return healthChanged() || statusChanged();
    }

    /**
     * Tells whether the operational state changed (a transition line is logged).
     *
     * @return true if the state differs
     */
    public boolean stateChanged() {
        return before.state() != after.state();
    }
}
