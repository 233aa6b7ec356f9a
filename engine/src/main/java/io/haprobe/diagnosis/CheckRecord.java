package io.haprobe.diagnosis;

import io.haprobe.CheckOutcome;

import java.util.Objects;

/**
 * One completed health check of a server, as the diagnosis reads its history.
 *
 * <p>Immutable and thread-safe.
 *
 * @param atMillis milliseconds since the run's start (wall or virtual time), 0 or more
 * @param outcome  what the check reported; never null
 */
public record CheckRecord(long atMillis, CheckOutcome outcome) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code outcome} is null
     */
    public CheckRecord {
        Objects.requireNonNull(outcome, "outcome");
    }
}
