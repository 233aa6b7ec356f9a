package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * One {@code http-check connect [port <n>] [addr <ip>] [linger] [comment <text>] ...} rule (CFG §4.2
 * {@code http-check connect}; spec §4.2, §5.2): the check opens a new connection here, closing the previous
 * one. A backend's rules start with an implicit connect to the server's check address when they do not
 * start with one.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code port}</td><td>0: the port of {@code address}, else the server's check port</td>
 *       <td>{@code port}</td><td>the port to connect to</td></tr>
 *   <tr><td>{@code address}</td><td>null: the server's check address</td><td>{@code addr}</td>
 *       <td>an IP literal</td></tr>
 *   <tr><td>{@code linger}</td><td>false</td><td>{@code linger}</td><td>close with a FIN instead of an RST</td></tr>
 *   <tr><td>{@code comment}</td><td>null</td><td>{@code comment}</td><td>appended to connection error infos</td></tr>
 *   <tr><td>{@code useDefault}</td><td>false: plain TCP</td><td>{@code default}</td><td>the server's check
 *       transport (TLS with {@code ssl}/{@code check-ssl}), SNI and ALPN (spec §6.2)</td></tr>
 *   <tr><td>{@code ssl}</td><td>false</td><td>{@code ssl}</td><td>TLS on this connection</td></tr>
 *   <tr><td>{@code sni}</td><td>null</td><td>{@code sni}</td><td>the SNI of this connection</td></tr>
 *   <tr><td>{@code alpn}</td><td>empty</td><td>{@code alpn}</td><td>the ALPN of this connection</td></tr>
 * </table>
 *
 * <p>{@code via-socks4} and {@code proto} are accepted by the parser with a warning and
 * not applied.
 *
 * <p>Immutable and thread-safe.
 *
 * @param port     1..65535, or 0 for the default
 * @param address  the IP literal to connect to, or null for the server's check address
 * @param linger   true to close the connection with a FIN
 * @param comment  the rule's comment, or null
 * @param location   where the rule was declared; never null
 * @param useDefault {@code default}: the server's check transport, SNI and ALPN
 * @param ssl        {@code ssl}
 * @param sni        {@code sni}, or null
 * @param alpn       {@code alpn} protocols; never null
 * @param sendProxy  {@code send-proxy}: a PROXY header first, in the server's version (spec §6.2)
 */
public record HttpConnect(int port, String address, boolean linger, String comment, SourceLocation location,
                          boolean useDefault, boolean ssl, String sni, List<String> alpn, boolean sendProxy)
        implements HttpCheckRule {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code location} is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535 or {@code address} is empty
     */
    public HttpConnect {
        Objects.requireNonNull(location, "location");
        alpn = List.copyOf(alpn);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (address != null && address.isEmpty()) {
            throw new IllegalArgumentException("address: (empty) (expected: null or an IP literal)");
        }
    }

    /**
     * Creates a plain connect rule without TLS options.
     *
     * @throws NullPointerException     if {@code location} is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public HttpConnect(int port, String address, boolean linger, String comment, SourceLocation location) {
        this(port, address, linger, comment, location, false, false, null, List.of(), false);
    }
}
