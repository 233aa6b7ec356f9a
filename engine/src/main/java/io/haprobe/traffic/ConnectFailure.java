package io.haprobe.traffic;

/**
 * Why a connection to a server failed, as the driver reports it to {@link BackendTraffic#connectFailed}.
 * HAProxy tells an error the socket reported ({@code SE_FL_ERROR}: refused, reset) from {@code timeout connect}
 * ({@code SF_CONN_EXP}): only an error makes the retry wait the turn-around delay ({@code min(1s, timeout
 * connect)}), and the last one decides the termination state ({@code SC} or {@code sC}).
 *
 * <p>Immutable and thread-safe.
 */
public enum ConnectFailure {
    /** The server refused the connection (RST to the SYN, {@code ECONNREFUSED}). */
    REFUSED,
    /** The connection was reset while being established. */
    RESET,
    /** {@code timeout connect} expired. */
    TIMEOUT;

    /**
     * Tells whether the failure is an error the socket reported, as opposed to a timeout.
     *
     * @return true for {@link #REFUSED} and {@link #RESET}
     */
    public boolean isError() {
        return this != TIMEOUT;
    }
}
