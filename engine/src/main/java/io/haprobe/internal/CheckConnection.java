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
