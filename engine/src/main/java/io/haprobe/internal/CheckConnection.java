package io.haprobe.internal;

/**
 * One connection of a check as {@link CheckDriver} sees it: where the check's bytes go and how the driver closes
 * it. The Netty adapter ({@link CheckRun}) implements it over a channel; a simulated transport's
 * {@link DirectConnector} over a scripted peer, with no channel at all. The connection reports its events (connect
 * done, bytes, FIN, errors) to the driver's methods, passing itself, on the driver's scheduler thread.
 *
 * <p>Confined to the check's scheduler thread. Not API.
 */
public interface CheckConnection {

    /**
     * Sends bytes the check's program wrote, after the ones written before; a failed write is reported to the
     * driver as {@link CheckDriver#failed(CheckConnection, String)}.
     *
     * @param bytes the bytes; never null, not modified and not retained past the call by the caller
     */
    void send(byte[] bytes);

    /**
     * Closes the connection once the check is done with it. Events the connection fires from here on are ignored
     * by the driver.
     *
     * @param abort true to abort it with an RST (HAProxy's {@code SO_LINGER} 0 when the server's FIN was not read
     *              and the connect rule has no {@code linger}, spec §5.1); false for a FIN
     */
    void close(boolean abort);

    /**
     * Handles, before the check's deadline is judged, what the connection's socket already holds: bytes the server
     * sent (and its FIN) that arrived while the event loop was busy with other events after its last wait
     * ({@code epoll_wait}), and that the next wait would report. The driver calls it when its deadline timer fires
     * ({@link CheckDriver#run()}); what it reads goes to the driver as usual, so the check may end before the
     * timeout is reported.
     *
     * <p>Why: in HAProxy 2.6 a check's timeout is judged only against the clock of the poller's last return
     * ({@code now_ms}, updated right after {@code epoll_wait} in {@code _do_poll}), and in each loop
     * ({@code run_poll_loop}, src/haproxy.c) the I/O tasklets the poller woke run first (from the urgent tasklet
     * queue) and read the answer before {@code process_chk_conn} (src/check.c) reports the expiry, which reads
     * nothing itself. So an answer already in the socket when the loop gets round to the deadline is judged,
     * not timed out. See {@code DeadlineAfterBusyLoopTest}.
     *
     * <p>Where it departs from HAProxy: HAProxy reports the timeout without reading when its deadline had passed
     * by the poller's last return and the answer came after that return; here the deadline reads whatever the
     * socket holds when it fires, so such an answer (late by at most the loop's busy time) is judged instead. The
     * exact rule would judge the deadline against the time the loop last returned from {@code epoll_wait}, which
     * Netty's loop does not expose (real HAProxy stopped by {@code SIGSTOP} past its deadline shows that case: its
     * resumed {@code epoll_wait} fails with {@code EINTR}, reports nothing, and the check is {@code L7TOUT}; see
     * {@code HaproxyDeadlineAfterStopTest}). The case this fixes (a deadline that comes due while the loop handles the
     * events of one wait, the answer arriving meanwhile: HAProxy's clock has not reached the deadline yet, its next
     * poll reports the answer) is the one that marked servers DOWN with {@code L7TOUT} under overload.
     *
     * <p>The default does nothing: a simulated connection delivers every event at its virtual time, and a channel's
     * reads stay with Netty's channel.
     */
    default void readPending() {
    }

    /**
     * Returns why the connection could not even be created (no socket: {@code EMFILE}, a closed transport), so that
     * the driver reports {@code L4CON} at once, as HAProxy does when {@code socket()} fails.
     *
     * @return the check's info text, or null for a connection under way (the default)
     */
    default String failure() {
        return null;
    }

    /**
     * Returns a connection that failed before it existed: the driver concludes the check with {@code L4CON} and
     * {@code info} as soon as its connector returns it.
     *
     * @param info the check's info text, e.g. {@code Too many sockets on the process (Too many open files)}; never
     *             null
     * @return the failed connection; writing to or closing it does nothing
     */
    static CheckConnection failed(String info) {
        java.util.Objects.requireNonNull(info, "info");
        return new CheckConnection() {
            @Override
            public void send(byte[] bytes) {
            }

            @Override
            public void close(boolean abort) {
            }

            @Override
            public String failure() {
                return info;
            }
        };
    }
}
