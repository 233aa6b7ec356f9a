package io.haprobe.config;

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
 *   <tr><td>{@code port}</td><td>0: the port of {@code addr}, else the server's check port</td>
 *       <td>{@code port}, else the port in {@code addr}</td><td>the port to connect to</td></tr>
 *   <tr><td>{@code address}</td><td>null: the server's check address</td><td>{@code addr}</td>
 *       <td>an IP literal</td></tr>
 *   <tr><td>{@code linger}</td><td>false</td><td>{@code linger}</td><td>close with a FIN instead of an RST</td></tr>
 *   <tr><td>{@code comment}</td><td>null</td><td>{@code comment}</td><td>appended to connection error infos</td></tr>
 *   <tr><td>{@code options}</td><td>{@link ConnectOptions#NONE}</td><td>{@code default}, {@code ssl},
 *       {@code sni}, {@code alpn}, {@code send-proxy}</td><td>the connection's transport</td></tr>
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
 * @param location where the rule was declared; never null
 * @param options  the connection's transport; never null
 */
public record HttpConnect(int port, String address, boolean linger, String comment, SourceLocation location,
                          ConnectOptions options)
        implements HttpCheckRule {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code location} or {@code options} is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535 or {@code address} is empty
     */
    public HttpConnect {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(options, "options");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (address != null && address.isEmpty()) {
            throw new IllegalArgumentException("address: (empty) (expected: null or an IP literal)");
        }
    }
}
