package io.haprobe.config;

/**
 * A server's agent check: a second check, besides the health check, whose agent answers a line that can set
 * the server's weight and state (CFG §5.2 {@code agent-check}; spec §7).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code enabled}</td><td>false</td><td>{@code agent-check} / {@code no-agent-check}</td><td>the agent
 *       check runs</td></tr>
 *   <tr><td>{@code port}</td><td>0 (the server's {@code port} value)</td><td>{@code agent-port}</td><td>the
 *       agent's port; never the service port</td></tr>
 *   <tr><td>{@code interNanos}</td><td>2000 ms, whatever {@code inter} is</td><td>{@code agent-inter}</td>
 *       <td>the agent check's interval and time bound</td></tr>
 *   <tr><td>{@code send}</td><td>null (nothing)</td><td>{@code agent-send}</td><td>the string sent to the agent,
 *       escapes resolved</td></tr>
 *   <tr><td>{@code address}</td><td>null (the health check's address)</td><td>{@code agent-addr}</td>
 *       <td>the agent's address</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param enabled    {@code agent-check}
 * @param port       {@code agent-port}, 0..65535, 0 meaning the server's {@code port} value
 * @param interNanos {@code agent-inter}, {@code > 0}
 * @param send       {@code agent-send} after unescaping, or null for nothing
 * @param address    {@code agent-addr}, or null for the health check's address
 */
public record AgentCheck(boolean enabled, int port, long interNanos, String send, String address) {

    /** HAProxy's default {@code agent-inter}: 2000 ms, whatever {@code inter} is (spec §2.1). */
    public static final long DEFAULT_INTER_NANOS = 2_000_000_000L;
    /** No agent check, with HAProxy's defaults for the other settings. */
    public static final AgentCheck NONE = new AgentCheck(false, 0, DEFAULT_INTER_NANOS, null, null);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code port} is outside 0..65535, {@code interNanos} is not positive
     *                                  or {@code address} is empty
     */
    public AgentCheck {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (interNanos <= 0) {
            throw new IllegalArgumentException("interNanos: " + interNanos + " (expected: > 0)");
        }
        if (address != null && address.isEmpty()) {
            throw new IllegalArgumentException("address: (empty) (expected: null or an address)");
        }
    }
}
