package io.haprobe.config;

import java.util.Objects;

/**
 * What a server line says about the traffic it receives (CFG §5.2), kept for the traffic model and for the
 * state a check moves: weights decide which servers are usable, {@code backup} servers serve only when no
 * active one is up, {@code disabled} servers start in maintenance.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code weight}</td><td>1</td><td>{@code weight}</td><td>0..256; 0 makes the server unusable</td></tr>
 *   <tr><td>{@code maxConn}</td><td>0 (no limit)</td><td>{@code maxconn}</td><td>concurrent connections</td></tr>
 *   <tr><td>{@code slowStartNanos}</td><td>0 (off)</td><td>{@code slowstart}</td><td>the ramp-up of the weight
 *       after the server comes back</td></tr>
 *   <tr><td>{@code backup}</td><td>false</td><td>{@code backup} / {@code no-backup}</td><td>backup server</td></tr>
 *   <tr><td>{@code disabled}</td><td>false</td><td>{@code disabled} / {@code enabled}</td><td>starts in
 *       maintenance</td></tr>
 *   <tr><td>{@code proxyProtocol}</td><td>{@link ProxyProtocol#NONE}</td><td>{@code send-proxy},
 *       {@code send-proxy-v2}</td><td>the PROXY header the server's connections start with; checks inherit
 *       it as {@link ServerConfig#checkProxyProtocol()} says</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param weight         {@code weight}, 0..256
 * @param maxConn        {@code maxconn}, {@code >= 0}, 0 meaning no limit
 * @param slowStartNanos {@code slowstart} in nanoseconds, {@code >= 0}, 0 meaning off
 * @param backup         {@code backup}
 * @param disabled       {@code disabled} (and no later {@code enabled})
 * @param proxyProtocol  {@code send-proxy} / {@code send-proxy-v2}; never null
 */
public record TrafficSettings(int weight, int maxConn, long slowStartNanos, boolean backup, boolean disabled,
                              ProxyProtocol proxyProtocol) {

    /** HAProxy's default {@code weight}: 1. */
    public static final int DEFAULT_WEIGHT = 1;
    /** A server line without traffic keywords: weight 1, no limit, no slowstart, active, enabled, no PROXY. */
    public static final TrafficSettings DEFAULT = new TrafficSettings(DEFAULT_WEIGHT, 0, 0, false, false,
            ProxyProtocol.NONE);

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code proxyProtocol} is null
     * @throws IllegalArgumentException if a number is out of its range
     */
    public TrafficSettings {
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0..256)");
        }
        if (maxConn < 0) {
            throw new IllegalArgumentException("maxConn: " + maxConn + " (expected: >= 0)");
        }
        if (slowStartNanos < 0) {
            throw new IllegalArgumentException("slowStartNanos: " + slowStartNanos + " (expected: >= 0)");
        }
    }
}
