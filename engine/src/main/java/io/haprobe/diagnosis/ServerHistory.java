package io.haprobe.diagnosis;

import java.util.List;

/**
 * What a run saw of one server: its completed checks in order and when it was last UP.
 *
 * <p>Immutable and thread-safe.
 *
 * @param checks       the completed checks, oldest first; never null
 * @param lastUpMillis milliseconds since the run's start when the server last left UP (its DOWN transition), or
 *                     -1 when it was never UP after a completed check (it went DOWN from its boot state)
 */
public record ServerHistory(List<CheckRecord> checks, long lastUpMillis) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if {@code checks} is null
     */
    public ServerHistory {
        checks = List.copyOf(checks);
    }

    /**
     * Tells whether a completed check passed before the server went down: the server was UP during the run.
     *
     * @return true when {@link #lastUpMillis()} is 0 or more
     */
    public boolean wasUp() {
        return lastUpMillis >= 0;
    }
}
