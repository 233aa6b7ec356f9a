package io.haprobe.sim;

import io.haprobe.time.Scheduler;

/**
 * The server's end of one check connection, as the logic shared by the simulated and the loopback backends
 * ({@link TlsPeer}) drives it: write, FIN, RST, on the clock and timers of the side it runs on. The simulated
 * transport implements it over an in-memory channel on virtual time, the loopback player over a real socket on
 * its event loop, so that both play a script with the same bytes at the same moments.
 *
 * <p>Not thread-safe: every method is called on the scheduler's thread.
 */
interface PeerWire {

    /**
     * Returns the clock and timers of this side: virtual time in a simulation, the player's event loop live.
     *
     * @return the scheduler; never null
     */
    Scheduler scheduler();

    /**
     * Runs {@code task} on the scheduler's thread at {@code atNanos}, after every task this wire was given for an
     * earlier or the same time, so that records and the close that follows them leave in order.
     *
     * @param atNanos the time on {@link #scheduler()}'s clock, nanoseconds; now or earlier runs it as soon as
     *                possible
     * @param task    what to run; never null
     */
    void runAt(long atNanos, Runnable task);

    /**
     * Sends bytes to the check now, after the ones sent before.
     *
     * @param bytes the bytes; never null, not empty
     */
    void write(byte[] bytes);

    /** Ends the server's side of the connection with a FIN, after every byte written. */
    void fin();

    /** Ends the connection with an RST. */
    void reset();
}
