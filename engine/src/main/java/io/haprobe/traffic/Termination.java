package io.haprobe.traffic;

/**
 * How a stream ended: the HTTP status the client got and HAProxy's two-letter termination state of the log
 * line (CFG §8.5: the first letter says who ended the session, the second in which phase), as HAProxy 2.6's
 * {@code http_return_srv_error()} and the response analysers set them.
 *
 * <table>
 *   <caption>Terminations</caption>
 *   <tr><th>constant</th><th>status</th><th>state</th><th>when</th><th>counted in</th></tr>
 *   <tr><td>{@link #SERVED}</td><td>the server's</td><td>{@code --}</td><td>the server answered</td>
 *       <td>hrsp of the server and the backend</td></tr>
 *   <tr><td>{@link #NO_SERVER}</td><td>503</td><td>{@code SC}</td><td>no usable server ("no server
 *       available", {@code SRV_STATUS_NOSRV})</td><td>backend econ</td></tr>
 *   <tr><td>{@link #QUEUE_TIMEOUT}</td><td>503</td><td>{@code sQ}</td><td>{@code timeout queue} expired</td>
 *       <td>econ (server too when queued on one)</td></tr>
 *   <tr><td>{@link #QUEUE_FULL}</td><td>503</td><td>{@code SQ}</td><td>the assigned server's {@code maxqueue}
 *       was reached and the request could not be redispatched</td><td>econ of the server and backend</td></tr>
 *   <tr><td>{@link #CONNECT_ERROR}</td><td>503</td><td>{@code SC}</td><td>connection refused or reset, out of
 *       {@code retries}</td><td>econ</td></tr>
 *   <tr><td>{@link #CONNECT_TIMEOUT}</td><td>503</td><td>{@code sC}</td><td>{@code timeout connect}, out of
 *       {@code retries}</td><td>econ</td></tr>
 *   <tr><td>{@link #SERVER_TIMEOUT}</td><td>504</td><td>{@code sH}</td><td>{@code timeout server} expired
 *       before the response</td><td>eresp</td></tr>
 *   <tr><td>{@link #SERVER_CLOSED}</td><td>502</td><td>{@code SH}</td><td>the server closed or reset
 *       without a response</td><td>eresp</td></tr>
 *   <tr><td>{@link #CLIENT_ABORTED}</td><td>-1</td><td>{@code CQ}, {@code CC} or {@code CH}</td><td>the
 *       client gave up (while queued, connecting, or waiting for the response)</td><td>cli_abrt once a server
 *       has the request</td></tr>
 *   <tr><td>{@link #SERVER_DOWN}</td><td>502 ({@code DH}) once the server has the request; -1 ({@code DC})
 *       while connecting</td><td>{@code DH} or {@code DC}</td><td>killed by {@code on-marked-down
 *       shutdown-sessions}</td><td>eresp (502 only)</td></tr>
 *   <tr><td>{@link #BACKUP_SHUTDOWN}</td><td>502 or -1, as above</td><td>{@code UH} or {@code UC}</td><td>killed
 *       on a backup server by {@code on-marked-up shutdown-backup-sessions}</td><td>eresp (502 only)</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 */
public enum Termination {
    /** The server answered; the status is the server's. */
    SERVED(0, "--"),
    /** 503, {@code SC}: no server was usable (HAProxy logs the server as {@code <NOSRV>}). */
    NO_SERVER(503, "SC"),
    /** 503, {@code sQ}: {@code timeout queue} (default {@code timeout connect}) expired in a queue. */
    QUEUE_TIMEOUT(503, "sQ"),
    /** 503, {@code SQ}: the server's {@code maxqueue} was reached and the request was not redispatched. */
    QUEUE_FULL(503, "SQ"),
    /** 503, {@code SC}: refused or reset on the last allowed connect attempt. */
    CONNECT_ERROR(503, "SC"),
    /** 503, {@code sC}: {@code timeout connect} on the last allowed connect attempt. */
    CONNECT_TIMEOUT(503, "sC"),
    /** 504, {@code sH}: {@code timeout server} expired before the response headers. */
    SERVER_TIMEOUT(504, "sH"),
    /** 502, {@code SH}: the server closed or reset the connection without a response. */
    SERVER_CLOSED(502, "SH"),
    /** No status ({@code -1}): the client aborted; the state's second letter is the phase. */
    CLIENT_ABORTED(-1, "C-"),
    /**
     * {@code on-marked-down shutdown-sessions} killed the stream: 502 {@code DH} while it waited for the response
     * (captured on 2.6.12), no status ({@code DC}) while it connected (not captured).
     */
    SERVER_DOWN(502, "D-"),
    /** {@code on-marked-up shutdown-backup-sessions} killed the stream on a backup server; as {@link #SERVER_DOWN}. */
    BACKUP_SHUTDOWN(502, "U-");

    private final int status;
    private final String state;

    Termination(int status, String state) {
        this.status = status;
        this.state = state;
    }

    /**
     * Returns the status HAProxy sends for this termination.
     *
     * @return 503, 502 or 504; -1 when the client gets no response; 0 for {@link #SERVED} (the server's
     *         status applies); for {@link #SERVER_DOWN} and {@link #BACKUP_SHUTDOWN} the status once the server
     *         had the request ({@link Stream#status()} has the exact one)
     */
    public int status() {
        return status;
    }

    /**
     * Returns the termination state of the log line. For {@link #CLIENT_ABORTED}, {@link #SERVER_DOWN} and
     * {@link #BACKUP_SHUTDOWN} the second letter depends on the phase; {@link Stream#termination()} with
     * {@link BackendTraffic#terminationState(Stream)} gives the exact one.
     *
     * @return two characters, for example {@code sQ}
     */
    public String state() {
        return state;
    }

    /**
     * Tells whether HAProxy produced a 503 for this termination (the "503s by reason" of the backend).
     *
     * @return true for the 503 terminations
     */
    public boolean is503() {
        return status == 503;
    }
}
