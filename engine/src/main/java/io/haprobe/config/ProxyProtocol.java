package io.haprobe.config;

/**
 * The PROXY protocol version a server's connections start with (CFG §5.2 {@code send-proxy},
 * {@code send-proxy-v2}; spec §6.2). A server line sets it for its traffic; health checks inherit it as
 * {@link ServerConfig#checkProxyProtocol()} says, and a {@code tcp-check connect send-proxy} or
 * {@code http-check connect send-proxy} rule sends it whatever the server's checks do.
 *
 * <table>
 *   <caption>Versions</caption>
 *   <tr><th>constant</th><th>HAProxy keyword</th><th>{@link #version()}</th></tr>
 *   <tr><td>{@link #NONE}</td><td>neither, or {@code no-send-proxy} / {@code no-send-proxy-v2}</td><td>0</td></tr>
 *   <tr><td>{@link #V1}</td><td>{@code send-proxy}</td><td>1</td></tr>
 *   <tr><td>{@link #V2}</td><td>{@code send-proxy-v2} (wins when both are given)</td><td>2</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 */
public enum ProxyProtocol {
    /** No PROXY header. */
    NONE(0),
    /** The text header of version 1 ({@code send-proxy}). */
    V1(1),
    /** The binary header of version 2 ({@code send-proxy-v2}). */
    V2(2);

    private final int version;

    ProxyProtocol(int version) {
        this.version = version;
    }

    /**
     * Returns the version of the server line's keywords, as HAProxy 2.6 picks it.
     *
     * @param sendProxy   {@code send-proxy} is in effect
     * @param sendProxyV2 {@code send-proxy-v2} is in effect
     * @return {@link #V2} if {@code sendProxyV2}, else {@link #V1} if {@code sendProxy}, else {@link #NONE}
     */
    public static ProxyProtocol of(boolean sendProxy, boolean sendProxyV2) {
        return sendProxyV2 ? V2 : sendProxy ? V1 : NONE;
    }

    /**
     * Returns the protocol version number.
     *
     * @return 0 for {@link #NONE}, 1 or 2
     */
    public int version() {
        return version;
    }
}
