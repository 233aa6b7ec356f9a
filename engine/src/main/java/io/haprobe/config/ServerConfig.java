package io.haprobe.config;

import java.util.Objects;

/**
 * One {@code server} line of a backend or listen section, after {@code default-server} settings were
 * applied.
 *
 * <table>
 *   <caption>Settings (CFG §5.2 "Server and default-server options")</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code check}</td><td>false</td><td>{@code check} / {@code no-check}</td><td>health checks are configured</td></tr>
 *   <tr><td>{@code interNanos}</td><td>2000 ms</td><td>{@code inter}</td><td>interval at full health; also the check's time bound</td></tr>
 *   <tr><td>{@code fastInterNanos}</td><td>0 (use inter)</td><td>{@code fastinter}</td><td>interval while going up or down</td></tr>
 *   <tr><td>{@code downInterNanos}</td><td>0 (use inter)</td><td>{@code downinter}</td><td>interval while fully down</td></tr>
 *   <tr><td>{@code rise}</td><td>2</td><td>{@code rise}</td><td>consecutive successes to go UP</td></tr>
 *   <tr><td>{@code fall}</td><td>3</td><td>{@code fall}</td><td>consecutive failures to go DOWN</td></tr>
 *   <tr><td>{@code checkPort}</td><td>0 (server port)</td><td>{@code port}</td><td>port the checks connect to</td></tr>
 *   <tr><td>{@code checkAddress}</td><td>null (server address)</td><td>{@code addr}</td><td>address the checks connect to</td></tr>
 *   <tr><td>{@code backup}</td><td>false</td><td>{@code backup} / {@code no-backup}</td><td>backup server</td></tr>
 *   <tr><td>{@code disabled}</td><td>false</td><td>{@code disabled} / {@code enabled}</td><td>starts in maintenance</td></tr>
 *   <tr><td>{@code weight}</td><td>1</td><td>{@code weight}</td><td>0..256; 0 makes the server unusable</td></tr>
 *   <tr><td>{@code maxConn}</td><td>0 (no limit)</td><td>{@code maxconn}</td><td>kept for the traffic model</td></tr>
 *   <tr><td>{@code slowStartNanos}</td><td>0 (off)</td><td>{@code slowstart}</td><td>kept for the traffic model</td></tr>
 *   <tr><td>{@code agentCheck}</td><td>false</td><td>{@code agent-check} / {@code no-agent-check}</td><td>an agent check runs besides the health check (spec §7)</td></tr>
 *   <tr><td>{@code agentPort}</td><td>0 (the {@code port} value)</td><td>{@code agent-port}</td><td>the agent's port</td></tr>
 *   <tr><td>{@code agentInterNanos}</td><td>2000 ms</td><td>{@code agent-inter}</td><td>the agent check's interval and time bound</td></tr>
 *   <tr><td>{@code agentSend}</td><td>null (nothing)</td><td>{@code agent-send}</td><td>the string sent to the agent</td></tr>
 *   <tr><td>{@code agentAddress}</td><td>null (the check address)</td><td>{@code agent-addr}</td><td>the agent's address</td></tr>
 *   <tr><td>{@code sendProxy}</td><td>0 (none)</td><td>{@code send-proxy}, {@code send-proxy-v2}</td>
 *       <td>the PROXY protocol version; checks inherit it unless {@code port} or {@code addr} is set (spec §6.2)</td></tr>
 *   <tr><td>{@code checkSendProxy}</td><td>false</td><td>{@code check-send-proxy}</td><td>checks send a PROXY header
 *       whatever {@code port} and {@code addr} say; {@code no-check-send-proxy} only cancels it</td></tr>
 *   <tr><td>{@code tls}</td><td>{@link TlsSettings#NONE}</td><td>{@code ssl}, {@code check-ssl}, {@code verify}, ...
 *       </td><td>TLS on checks (spec §6.2)</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. Durations are whole milliseconds stored as nanoseconds.
 *
 * @param name           the server name; never null
 * @param address        the address as written (an IPv4 or IPv6 literal, or a host name), without the port; never null
 * @param port           the service port 1..65535, or 0 when the line gives none
 * @param location       the place of the {@code server} keyword; never null
 * @param check          whether {@code check} is set
 * @param interNanos     {@code inter}, {@code > 0}
 * @param fastInterNanos {@code fastinter}, 0 meaning "use inter"
 * @param downInterNanos {@code downinter}, 0 meaning "use inter"
 * @param rise           {@code rise}, {@code >= 1}
 * @param fall           {@code fall}, {@code >= 1}
 * @param checkPort      {@code port}, 0 meaning the service port
 * @param checkAddress   {@code addr}, null meaning the server address
 * @param backup         {@code backup}
 * @param disabled       {@code disabled} (and no later {@code enabled})
 * @param weight         {@code weight}, 0..256
 * @param maxConn        {@code maxconn}, 0 meaning no limit
 * @param slowStartNanos {@code slowstart}, 0 meaning off
 * @param agentCheck      {@code agent-check}
 * @param agentPort       {@code agent-port}, 0 meaning the {@code port} value
 * @param agentInterNanos {@code agent-inter}, {@code > 0}
 * @param agentSend       {@code agent-send} after unescaping, or null for nothing
 * @param agentAddress    {@code agent-addr}, or null for the health check's address
 * @param tls            the SSL/TLS keywords; never null
 * @param sendProxy      the PROXY protocol version of the server's connections: 0 none, 1 {@code send-proxy},
 *                       2 {@code send-proxy-v2} (v2 wins when both are given)
 * @param checkSendProxy {@code check-send-proxy}: checks send a PROXY header even with {@code port}/{@code addr}
 */
public record ServerConfig(
        String name,
        String address,
        int port,
        SourceLocation location,
        boolean check,
        long interNanos,
        long fastInterNanos,
        long downInterNanos,
        int rise,
        int fall,
        int checkPort,
        String checkAddress,
        boolean backup,
        boolean disabled,
        int weight,
        int maxConn,
        long slowStartNanos,
        boolean agentCheck,
        int agentPort,
        long agentInterNanos,
        String agentSend,
        String agentAddress,
        TlsSettings tls,
        int sendProxy,
        boolean checkSendProxy) {

    /** HAProxy's default {@code inter}: 2000 ms ({@code DEF_CHKINTR}). */
    public static final long DEFAULT_INTER_NANOS = 2_000_000_000L;
    /** HAProxy's default {@code rise}: 2 ({@code DEF_RISETIME}). */
    public static final int DEFAULT_RISE = 2;
    /** HAProxy's default {@code fall}: 3 ({@code DEF_FALLTIME}). */
    public static final int DEFAULT_FALL = 3;
    /** HAProxy's default {@code weight}: 1. */
    public static final int DEFAULT_WEIGHT = 1;
    /** HAProxy's default {@code agent-inter}: 2000 ms, whatever {@code inter} is (spec §2.1). */
    public static final long DEFAULT_AGENT_INTER_NANOS = 2_000_000_000L;

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code name}, {@code address}, {@code location} or {@code tls} is null
     * @throws IllegalArgumentException if a number is out of its range
     */
    public ServerConfig {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(location, "location");
        checkRange("port", port, 0, 65535);
        checkRange("checkPort", checkPort, 0, 65535);
        checkRange("weight", weight, 0, 256);
        checkRange("agentPort", agentPort, 0, 65535);
        checkRange("sendProxy", sendProxy, 0, 2);
        if (agentInterNanos <= 0) {
            throw new IllegalArgumentException("agentInterNanos: " + agentInterNanos + " (expected: > 0)");
        }
        if (interNanos <= 0) {
            throw new IllegalArgumentException("interNanos: " + interNanos + " (expected: > 0)");
        }
        if (fastInterNanos < 0 || downInterNanos < 0 || slowStartNanos < 0) {
            throw new IllegalArgumentException("fastInterNanos, downInterNanos, slowStartNanos: "
                    + fastInterNanos + ", " + downInterNanos + ", " + slowStartNanos + " (expected: >= 0)");
        }
        if (rise < 1) {
            throw new IllegalArgumentException("rise: " + rise + " (expected: >= 1)");
        }
        if (fall < 1) {
            throw new IllegalArgumentException("fall: " + fall + " (expected: >= 1)");
        }
        if (maxConn < 0) {
            throw new IllegalArgumentException("maxConn: " + maxConn + " (expected: >= 0)");
        }
    }

    /**
     * Creates a server without agent check.
     *
     * @param name           the server name; never null
     * @param address        the address without the port; never null
     * @param port           the service port, 0 for none
     * @param location       the place of the {@code server} keyword; never null
     * @param check          {@code check}
     * @param interNanos     {@code inter}
     * @param fastInterNanos {@code fastinter}
     * @param downInterNanos {@code downinter}
     * @param rise           {@code rise}
     * @param fall           {@code fall}
     * @param checkPort      {@code port}
     * @param checkAddress   {@code addr}, or null
     * @param backup         {@code backup}
     * @param disabled       {@code disabled}
     * @param weight         {@code weight}
     * @param maxConn        {@code maxconn}
     * @param slowStartNanos {@code slowstart}
     * @throws NullPointerException     if {@code name}, {@code address} or {@code location} is null
     * @throws IllegalArgumentException if a number is out of its range
     */
    public ServerConfig(String name, String address, int port, SourceLocation location, boolean check,
                        long interNanos, long fastInterNanos, long downInterNanos, int rise, int fall, int checkPort,
                        String checkAddress, boolean backup, boolean disabled, int weight, int maxConn,
                        long slowStartNanos) {
        this(name, address, port, location, check, interNanos, fastInterNanos, downInterNanos, rise, fall, checkPort,
                checkAddress, backup, disabled, weight, maxConn, slowStartNanos, false, 0, DEFAULT_AGENT_INTER_NANOS,
                null, null, TlsSettings.NONE);
    }

    /**
     * Creates a server with SSL/TLS keywords and without agent check.
     *
     * @throws NullPointerException     if {@code name}, {@code address}, {@code location} or {@code tls} is null
     * @throws IllegalArgumentException if a number is out of its range
     * @see #ServerConfig(String, String, int, SourceLocation, boolean, long, long, long, int, int, int, String,
     *      boolean, boolean, int, int, long)
     */
    public ServerConfig(String name, String address, int port, SourceLocation location, boolean check,
                        long interNanos, long fastInterNanos, long downInterNanos, int rise, int fall, int checkPort,
                        String checkAddress, boolean backup, boolean disabled, int weight, int maxConn,
                        long slowStartNanos, TlsSettings tls) {
        this(name, address, port, location, check, interNanos, fastInterNanos, downInterNanos, rise, fall, checkPort,
                checkAddress, backup, disabled, weight, maxConn, slowStartNanos, false, 0, DEFAULT_AGENT_INTER_NANOS,
                null, null, tls);
    }

    /**
     * Creates a server with agent check and without SSL/TLS keywords ({@link TlsSettings#NONE}).
     *
     * @throws NullPointerException     if {@code name}, {@code address} or {@code location} is null
     * @throws IllegalArgumentException if a number is out of its range
     * @see #ServerConfig(String, String, int, SourceLocation, boolean, long, long, long, int, int, int, String,
     *      boolean, boolean, int, int, long)
     */
    public ServerConfig(String name, String address, int port, SourceLocation location, boolean check,
                        long interNanos, long fastInterNanos, long downInterNanos, int rise, int fall, int checkPort,
                        String checkAddress, boolean backup, boolean disabled, int weight, int maxConn,
                        long slowStartNanos, boolean agentCheck, int agentPort, long agentInterNanos, String agentSend,
                        String agentAddress) {
        this(name, address, port, location, check, interNanos, fastInterNanos, downInterNanos, rise, fall, checkPort,
                checkAddress, backup, disabled, weight, maxConn, slowStartNanos, agentCheck, agentPort,
                agentInterNanos, agentSend, agentAddress, TlsSettings.NONE);
    }

    /**
     * Creates a server without PROXY protocol keywords.
     *
     * @throws NullPointerException     if {@code name}, {@code address}, {@code location} or {@code tls} is null
     * @throws IllegalArgumentException if a number is out of its range
     * @see #ServerConfig(String, String, int, SourceLocation, boolean, long, long, long, int, int, int, String,
     *      boolean, boolean, int, int, long)
     */
    public ServerConfig(String name, String address, int port, SourceLocation location, boolean check,
                        long interNanos, long fastInterNanos, long downInterNanos, int rise, int fall, int checkPort,
                        String checkAddress, boolean backup, boolean disabled, int weight, int maxConn,
                        long slowStartNanos, boolean agentCheck, int agentPort, long agentInterNanos, String agentSend,
                        String agentAddress, TlsSettings tls) {
        this(name, address, port, location, check, interNanos, fastInterNanos, downInterNanos, rise, fall, checkPort,
                checkAddress, backup, disabled, weight, maxConn, slowStartNanos, agentCheck, agentPort,
                agentInterNanos, agentSend, agentAddress, tls, 0, false);
    }

    /**
     * Returns the PROXY protocol version this server's health checks send before their first bytes (spec §6.2,
     * verified on 2.6.12): with {@code check-send-proxy}, v2 if the server has {@code send-proxy-v2} and v1
     * otherwise; without it, the server's own version when neither {@code port} nor {@code addr} is set, else
     * none. {@code no-check-send-proxy} does not stop the inherited header (2.6.12 still sends it).
     *
     * @return 0 for none, 1 or 2
     */
    public int checkProxyVersion() {
        if (checkSendProxy) {
            return sendProxy == 2 ? 2 : 1;
        }
        return checkPort == 0 && checkAddress == null ? sendProxy : 0;
    }

    /**
     * Returns the port the agent check connects to: {@code agent-port} if set, else the {@code port} value
     * (never the service port, spec §7).
     *
     * @return 1..65535, or 0 when neither is set (then the parser refuses {@code agent-check})
     */
    public int effectiveAgentPort() {
        return agentPort != 0 ? agentPort : checkPort;
    }

    /**
     * Tells whether this server's checks run over TLS when their connect rule uses the server's settings
     * (HAProxy's "default" connect; spec §6.2).
     *
     * @return true for {@code ssl} without {@code port}/{@code addr}/{@code no-check-ssl}, or {@code check-ssl}
     */
    public boolean checkUsesTls() {
        return tls.checkUsesTls(checkPort != 0 || checkAddress != null);
    }

    /**
     * Returns the port the health check connects to: {@code port} if set, else the service port.
     *
     * @return 1..65535, or 0 when neither is set (then the parser refuses {@code check})
     */
    public int effectiveCheckPort() {
        return checkPort != 0 ? checkPort : port;
    }

    /**
     * Returns the address the health check connects to: {@code addr} if set, else the server address.
     *
     * @return the address as written; never null
     */
    public String effectiveCheckAddress() {
        return checkAddress != null ? checkAddress : address;
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + ".." + max + ")");
        }
    }
}
