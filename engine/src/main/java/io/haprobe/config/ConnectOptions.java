package io.haprobe.config;

import java.util.List;

/**
 * The transport of one check connection: the options {@code tcp-check connect} and {@code http-check connect}
 * share (HAProxy parses both with one function, {@code parse_tcpcheck_connect}), also held by the implicit
 * connect that opens the server's own check connection (spec §5.2, §6.2).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code useDefault}</td><td>false: plain TCP</td><td>{@code default}</td><td>the server's check
 *       transport: TLS when its checks use TLS ({@code ssl}/{@code check-ssl}), its {@code check-sni}, its
 *       ALPN, and the PROXY header its checks send</td></tr>
 *   <tr><td>{@code ssl}</td><td>false</td><td>{@code ssl}</td><td>TLS on this connection, with the server's SSL
 *       settings</td></tr>
 *   <tr><td>{@code sni}</td><td>null (the server's {@code check-sni} with {@code default}, else none)</td>
 *       <td>{@code sni}</td><td>the SNI of this connection</td></tr>
 *   <tr><td>{@code alpn}</td><td>empty (the server's)</td><td>{@code alpn}</td><td>the ALPN of this
 *       connection</td></tr>
 *   <tr><td>{@code sendProxy}</td><td>false</td><td>{@code send-proxy}</td><td>a PROXY header first, in the
 *       server's version (v1 when the server has none)</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param useDefault {@code default}
 * @param ssl        {@code ssl}
 * @param sni        {@code sni}, or null
 * @param alpn       {@code alpn} protocols in order; never null, empty when absent
 * @param sendProxy  {@code send-proxy}
 */
public record ConnectOptions(boolean useDefault, boolean ssl, String sni, List<String> alpn, boolean sendProxy) {

    /** A declared connect without options: plain TCP, no PROXY header. */
    public static final ConnectOptions NONE = new ConnectOptions(false, false, null, List.of(), false);
    /** {@code default}: the server's check transport, as implicit connects and protocol checks use it. */
    public static final ConnectOptions DEFAULT = new ConnectOptions(true, false, null, List.of(), false);

    /**
     * Copies the list.
     *
     * @throws NullPointerException if {@code alpn} is null
     */
    public ConnectOptions {
        alpn = List.copyOf(alpn);
    }

    /**
     * Tells whether this connection uses TLS.
     *
     * @param serverCheckUsesTls whether the server's own checks use TLS ({@link HealthCheck#usesTls()})
     * @return true with {@code ssl}, or with {@code default} on a server whose checks use TLS
     */
    public boolean usesTls(boolean serverCheckUsesTls) {
        return ssl || (useDefault && serverCheckUsesTls);
    }
}
