package io.haprobe.time;

/**
 * A task scheduled on a {@link Scheduler} that can still be cancelled.
 *
 * <p>Thread-safe.
 */
@FunctionalInterface
public interface Cancellable {

    /** A handle for "nothing scheduled"; cancelling it does nothing. */
    Cancellable NONE = () -> false;

    /**
     * Cancels the task if it has not started yet. Calling it again, or after the task ran, does nothing.
     *
     * @return true if this call prevented the task from running
     */
    boolean cancel();
}
