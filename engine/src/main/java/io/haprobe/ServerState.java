package io.haprobe;

/**
 * A server's operational state, HAProxy's {@code enum srv_state} ({@code SRV_ST_*}), in HAProxy's order so
 * that {@link #ordinal()} is the {@code srv_op_state} column of {@code show servers state}.
 *
 * <p>Immutable and thread-safe.
 */
public enum ServerState {
    /** DOWN: not used for traffic. Number 0. */
    STOPPED("DOWN"),
    /** UP and warming up during {@code slowstart}. Number 1. */
    STARTING("UP"),
    /** UP. Number 2. */
    RUNNING("UP"),
    /** NOLB: UP for persistent traffic only (soft stop, {@code disable-on-404}). Number 3. */
    STOPPING("NOLB");

    private final String word;

    ServerState(String word) {
        this.word = word;
    }

    /**
     * Returns the word the {@code status} column of {@code show stat} starts with.
     *
     * @return {@code DOWN}, {@code UP} or {@code NOLB}
     */
    public String word() {
        return word;
    }

    /**
     * Tells whether the server is on the UP side (anything but {@link #STOPPED}).
     *
     * @return true unless STOPPED
     */
    public boolean isUp() {
        return this != STOPPED;
    }
}
