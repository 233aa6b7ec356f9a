package io.haprobe.config;

/**
 * Where a server's health check connects when it does not use the server's own address and port
 * (CFG §5.2 {@code addr}, {@code port}; spec §2.1, §6.2). Setting either also changes what checks inherit:
 * they then stop inheriting {@code ssl} and {@code send-proxy} (see {@link HealthCheck}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code address}</td><td>null (the server address)</td><td>{@code addr}</td><td>the address the
 *       checks connect to, as written</td></tr>
 *   <tr><td>{@code port}</td><td>0 (the service port)</td><td>{@code port}</td><td>the port the checks
 *       connect to</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param address {@code addr} as written, or null for the server address
 * @param port    {@code port}, 0..65535, 0 meaning the service port
 */
public record CheckAddress(String address, int port) {

    /** Neither {@code addr} nor {@code port}: checks connect to the server's address and service port. */
    public static final CheckAddress SERVER = new CheckAddress(null, 0);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code port} is outside 0..65535 or {@code address} is empty
     */
    public CheckAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (address != null && address.isEmpty()) {
            throw new IllegalArgumentException("address: (empty) (expected: null or an address)");
        }
    }

    /**
     * Tells whether {@code addr} or {@code port} is set.
     *
     * @return true unless this is {@link #SERVER}
     */
    public boolean isSet() {
        return address != null || port != 0;
    }
}
