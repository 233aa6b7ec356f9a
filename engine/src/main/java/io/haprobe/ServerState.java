package io.haprobe;

/**
 * A server's operational state, HAProxy's {@code enum srv_state} ({@code SRV_ST_*}), in HAProxy's order so
 * that {@link #ordinal()} is the {@code srv_op_state} column of {@code show servers state}.
 *
 * <p>Immutable and thread-safe.
 */
public enum ServerState {
    /** DOWN: not used for traffic. HAProxy's {@code SRV_ST_STOPPED}, number 0. */
    DOWN("DOWN"),
    /** UP and warming up during {@code slowstart}. HAProxy's {@code SRV_ST_STARTING}, number 1. */
    STARTING("UP"),
    /** UP. HAProxy's {@code SRV_ST_RUNNING}, number 2. */
    UP("UP"),
    /**
     * NOLB: UP for persistent traffic only (soft stop, {@code disable-on-404}, an agent's {@code drain}).
     * HAProxy's {@code SRV_ST_STOPPING}, number 3.
     */
    NOLB("NOLB");

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
     * Tells whether the server is on the UP side (anything but {@link #DOWN}).
     *
     * @return true unless DOWN
     */
    public boolean isUp() {
        return this != DOWN;
    }
}
