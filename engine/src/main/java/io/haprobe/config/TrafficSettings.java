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
 *   <tr><td>{@code minConn}</td><td>0 (the {@code maxconn})</td><td>{@code minconn}</td><td>the limit below
 *       {@code fullconn} load: the dynamic limit grows from it to {@code maxconn} (spec §9.4)</td></tr>
 *   <tr><td>{@code maxQueue}</td><td>0 (no limit)</td><td>{@code maxqueue}</td><td>requests waiting in the
 *       server's own queue; beyond it a request is redispatched or gets a 503</td></tr>
 *   <tr><td>{@code cookie}</td><td>null</td><td>{@code cookie}</td><td>the value of the proxy's persistence
 *       cookie that names this server</td></tr>
 *   <tr><td>{@code id}</td><td>0 (automatic)</td><td>{@code id}</td><td>the numeric server id
 *       ({@code puid}): automatic ids are the first free numbers from 1, in declaration order</td></tr>
 *   <tr><td>{@code shutdownOnMarkedDown}</td><td>false</td><td>{@code on-marked-down shutdown-sessions}</td>
 *       <td>kill the server's sessions when it goes DOWN</td></tr>
 *   <tr><td>{@code shutdownBackupsOnMarkedUp}</td><td>false</td><td>{@code on-marked-up
 *       shutdown-backup-sessions}</td><td>kill the backup servers' sessions when this active server comes UP</td></tr>
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
 * @param minConn        {@code minconn} as written, {@code >= 0}, 0 when unset (HAProxy then uses
 *                       {@code maxconn}; see {@link #effectiveMinConn()})
 * @param maxQueue       {@code maxqueue}, {@code >= 0}, 0 meaning no limit
 * @param cookie         {@code cookie}, or null
 * @param id             {@code id}, {@code >= 0}, 0 when automatic
 * @param shutdownOnMarkedDown      {@code on-marked-down shutdown-sessions}
 * @param shutdownBackupsOnMarkedUp {@code on-marked-up shutdown-backup-sessions}
 */
public record TrafficSettings(int weight, int maxConn, long slowStartNanos, boolean backup, boolean disabled,
                              ProxyProtocol proxyProtocol, int minConn, int maxQueue, String cookie, int id,
                              boolean shutdownOnMarkedDown, boolean shutdownBackupsOnMarkedUp) {

    /** HAProxy's default {@code weight}: 1. */
    public static final int DEFAULT_WEIGHT = 1;
    /** A server line without traffic keywords: weight 1, no limit, no slowstart, active, enabled, no PROXY. */
    public static final TrafficSettings DEFAULT = new TrafficSettings(DEFAULT_WEIGHT, 0, 0, false, false,
            ProxyProtocol.NONE, 0, 0, null, 0, false, false);

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
        if (minConn < 0 || maxQueue < 0 || id < 0) {
            throw new IllegalArgumentException("minConn, maxQueue, id: " + minConn + ", " + maxQueue + ", " + id
                    + " (expected: >= 0)");
        }
    }

    /**
     * Creates the settings of a server line without the queueing, persistence and {@code on-marked-*} keywords.
     *
     * @param weight         {@code weight}, 0..256
     * @param maxConn        {@code maxconn}, 0 meaning no limit
     * @param slowStartNanos {@code slowstart} in nanoseconds, 0 meaning off
     * @param backup         {@code backup}
     * @param disabled       {@code disabled}
     * @param proxyProtocol  {@code send-proxy} / {@code send-proxy-v2}; never null
     * @return the settings
     * @throws NullPointerException     if {@code proxyProtocol} is null
     * @throws IllegalArgumentException if a number is out of its range
     */
    public static TrafficSettings of(int weight, int maxConn, long slowStartNanos, boolean backup, boolean disabled,
                                     ProxyProtocol proxyProtocol) {
        return new TrafficSettings(weight, maxConn, slowStartNanos, backup, disabled, proxyProtocol, 0, 0, null, 0,
                false, false);
    }

    /**
     * Returns the {@code maxconn} HAProxy runs with (cfgparse.c): {@code minconn} when only it is set or when it
     * is above {@code maxconn}, else {@code maxconn}.
     *
     * @return the static limit, 0 meaning no limit
     */
    public int effectiveMaxConn() {
        return minConn > maxConn ? minConn : maxConn;
    }

    /**
     * Returns the {@code minconn} HAProxy runs with (cfgparse.c): {@code maxconn} when {@code minconn} is unset
     * (a static limit), else {@code minconn} capped at the effective {@code maxconn}.
     *
     * @return the lower limit, 0 meaning no limit
     */
    public int effectiveMinConn() {
        return minConn == 0 ? effectiveMaxConn() : Math.min(minConn, effectiveMaxConn());
    }
}
