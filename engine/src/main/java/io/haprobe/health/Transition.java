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
 */
public record Transition(Kind kind, ServerHealth before, ServerHealth after) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public Transition {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
    }

    /** The kinds of changes, each with its line of spec §8. */
    public enum Kind {
        /** The check completed: the place of the {@code option log-health-checks} line (spec §8.2). */
        CHECK,
        /** The operational state changed: {@code is DOWN}, {@code is UP} or {@code is stopping}. */
        STATE,
        /** Agent {@code maint}: {@code is going DOWN for maintenance} or {@code was DOWN and now enters maintenance}. */
        MAINT_ON,
        /** Agent {@code ready} in maintenance: {@code is UP|DOWN/READY (leaving forced maintenance)}. */
        MAINT_OFF,
        /** Agent {@code drain}: {@code enters drain state}. */
        DRAIN_ON,
        /** Agent {@code ready} while drained: {@code is UP|DOWN (leaving forced drain)}. */
        DRAIN_OFF,
        /** An update of a drained server: {@code remains in forced drain mode}. */
        DRAIN_REMAINS,
        /** The weight changed (agent {@code 50%}); no line, but it may empty the backend. */
        WEIGHT
    }
}
