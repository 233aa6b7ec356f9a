package io.haprobe.sim;

import io.haprobe.time.Scheduler;

/**
 * The server's end of one check connection, as a {@link BehaviourPlayer} drives it: write, FIN, RST, on the clock
 * and timers of the world it runs in. The simulated transport implements it over an in-memory channel on virtual
 * time, the loopback backends of {@code io.haprobe:haprobe-testkit} over a real socket on their event loop, so that
 * both play a script with the same bytes at the same moments.
 *
 * <p>Not thread-safe: every method is called on the scheduler's thread, and an implementation calls the player on
 * that thread only.
 */
public interface PeerWire {

    /**
     * Returns the clock and timers of this side: virtual time in a simulation, the player's event loop live.
     *
     * @return the scheduler; never null
     */
    Scheduler scheduler();

    /**
     * Runs {@code task} on the scheduler's thread at {@code atNanos}, after every task this wire was given for an
     * earlier or the same time, so that TLS records and the close that follows them leave in order.
     *
     * @param atNanos the time on {@link #scheduler()}'s clock, nanoseconds; now or earlier runs it as soon as
     *                possible
     * @param task    what to run; never null
     */
    void runAt(long atNanos, Runnable task);

    /**
     * Sends bytes to the check now, after the ones sent before. Does nothing once the connection is closed.
     *
     * @param bytes the bytes; never null, not empty; not modified, and not to be modified by the caller afterwards
     */
    void write(byte[] bytes);

    /**
     * Ends the server's side of the connection with a FIN, after every byte written, and keeps reading (a FIN
     * with unread bytes would turn into an RST on a real socket). Does nothing once the connection is closed.
     */
    void fin();

    /** Ends the connection with an RST ({@code SO_LINGER 0}). Does nothing once the connection is closed. */
    void reset();
}
