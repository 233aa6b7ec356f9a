package io.haprobe.health;

import java.util.Objects;

/**
 * One thing a check did to a server that HAProxy may log, in the order HAProxy does it (spec §1.4, §1.5, §7,
 * §8): an admin change from an agent reply, the per-check line, an operational change.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind   what happened; never null
 * @param before the server just before this change; never null
 * @param after  the server right after this change (later changes of the same step build on it); never null
 * @param reason the text reason HAProxy appends to a {@link Kind#STATE} line instead of the check's
 *               ({@code changed from CLI}, spec §8.1 {@code <STATUS>}), or null when a check caused it
 */
public record Transition(Kind kind, ServerHealth before, ServerHealth after, String reason) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component other than {@code reason} is null
     */
    public Transition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    /**
     * Creates a change caused by a check or an agent reply (no text reason).
     *
     * @param kind   what happened; never null
     * @param before the server just before; never null
     * @param after  the server right after; never null
     * @throws NullPointerException if an argument is null
     */
    public Transition(Kind kind, ServerHealth before, ServerHealth after) {
        this(kind, before, after, null);
    }

    /** The kinds of changes, each with its line of spec §8. */
    public enum Kind {
        /** The check completed: the place of the {@code option log-health-checks} line (spec §8.2). */
        CHECK,
        /** The operational state changed: {@code is DOWN}, {@code is UP} or {@code is stopping}. */
        STATE,
        /** Agent {@code maint}, runtime API {@code state maint}: {@code is going DOWN for maintenance} or {@code was DOWN and now enters maintenance}. */
        MAINT_ON,
        /** Agent {@code ready} or runtime API {@code state ready|drain} in maintenance: {@code is UP|DOWN/READY (leaving forced maintenance)}. */
        MAINT_OFF,
        /** Agent {@code drain}, runtime API {@code state drain}: {@code enters drain state}. */
        DRAIN_ON,
        /** Agent {@code ready}, runtime API {@code state ready}, while drained: {@code is UP|DOWN (leaving forced drain)}. */
        DRAIN_OFF,
        /** An update of a drained server: {@code remains in forced drain mode}. */
        DRAIN_REMAINS,
        /** The weight changed (agent {@code 50%}, runtime API {@code set weight}); no line, but it may empty the backend. */
        WEIGHT,
        /**
         * A change HAProxy does not log by itself: the runtime API set the health counter
         * ({@code set server B/S health|agent}) without a state change, or enabled or disabled a check.
         */
        QUIET
    }
}
