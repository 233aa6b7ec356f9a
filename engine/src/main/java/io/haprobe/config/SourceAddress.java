package io.haprobe.config;

/**
 * The local address a server's checks leave from (CFG §4.2 and §5.2 {@code source <addr>[:<port>]}): the
 * probe socket binds there before it connects, as HAProxy's checks do ("This address is also used as a source
 * for health checks"). The agent check leaves from the same address.
 *
 * <p>Precedence, as HAProxy 2.6's {@code tcp_connect_server} picks it: the server's own {@code source} (its
 * line, or the section's {@code default-server}), else the backend's or listen section's {@code source}
 * keyword, else the one its {@code defaults} section gave it, else none (the kernel picks the address). 2.6
 * has no {@code source} in {@code global}; {@code haproxy -c} refuses it there, and so does haprobe.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code address}</td><td>null (the kernel chooses)</td><td>{@code source <addr>}</td><td>an IPv4
 *       or IPv6 literal, without brackets</td></tr>
 *   <tr><td>{@code port}</td><td>0 (any free port)</td><td>{@code source <addr>:<port>}</td><td>the local
 *       port</td></tr>
 * </table>
 *
 * <p>{@code usesrc} (transparent proxying) and {@code interface} are not honoured; the parser warns about
 * them. {@code usesrc} changes only traffic in HAProxy too: its checks still leave from {@code <addr>}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param address the IP literal to bind, or null for none
 * @param port    the local port 0..65535, 0 meaning any
 */
public record SourceAddress(String address, int port) {

    /** No {@code source}: the kernel chooses the local address and port. */
    public static final SourceAddress NONE = new SourceAddress(null, 0);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code port} is outside 0..65535, {@code address} is empty, or a
     *                                  port is given without an address
     */
    public SourceAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (address != null && address.isEmpty()) {
            throw new IllegalArgumentException("address: (empty) (expected: null or an IP literal)");
        }
        if (address == null && port != 0) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 without an address)");
        }
    }

    /**
     * Tells whether a {@code source} applies.
     *
     * @return true unless this is {@link #NONE}
     */
    public boolean isSet() {
        return address != null;
    }
}
