package io.haprobe.health;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;

import java.util.List;
import java.util.Objects;

/**
 * What one completed check did to a server: its state before and after, and the changes HAProxy logs, in
 * order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param before the state before the check; never null
 * @param after       the state after the check; never null
 * @param transitions the changes in the order HAProxy logs them, a {@link Transition.Kind#CHECK} among them;
 *                    never null
 */
public record HealthStep(ServerHealth before, ServerHealth after, List<Transition> transitions) {

    /**
     * Validates the components and copies the list.
     *
     * @throws NullPointerException if an argument is null
     */
    public HealthStep {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        transitions = List.copyOf(transitions);
    }

    /**
     * Creates the step of a health check that changed at most the operational state.
     *
     * @param before the state before; never null
     * @param after  the state after; never null
     * @throws NullPointerException if an argument is null
     */
    public HealthStep(ServerHealth before, ServerHealth after) {
        this(before, after, before.state() == after.state()
                ? List.of(new Transition(Transition.Kind.CHECK, before, after))
                : List.of(new Transition(Transition.Kind.CHECK, before, after),
                        new Transition(Transition.Kind.STATE, before, after)));
    }

    /**
     * Returns the outcome of the health check (not of an agent check: see {@link #agentReported()}).
     *
     * @return the outcome, null for an agent step on a server not checked yet
     */
    public CheckOutcome outcome() {
        return after.lastOutcome();
    }

    /**
     * Tells whether {@code option log-health-checks} logs this agent check: when the agent's status changed,
     * a neutral ({@code CHECKED}) reply excepted (spec §8.2). Agent replies never move health through the
     * logged path.
     *
     * @return true if HAProxy would log an {@code Agent check for server ...} line
     */
    public boolean agentReported() {
        if (before.agent() == null || after.agent() == null) {
            return false;
        }
        CheckStatus status = after.agent().lastStatus();
        return status != CheckStatus.CHECKED && status != before.agent().lastStatus();
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
