package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * What a {@code backend} or {@code listen} section says about the requests it carries (CFG §4.2), kept for the
 * traffic model ({@code io.haprobe.traffic}); inherited from {@code defaults} as HAProxy does.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code timeoutQueueNanos}</td><td>0 (unset: {@code timeout connect} applies)</td>
 *       <td>{@code timeout queue}</td><td>how long a request may wait in a queue before a 503 ({@code sQ})</td></tr>
 *   <tr><td>{@code timeoutServerNanos}</td><td>0 (no limit)</td><td>{@code timeout server}</td><td>how long
 *       the server may take to answer before a 504 ({@code sH})</td></tr>
 *   <tr><td>{@code retries}</td><td>3</td><td>{@code retries}</td><td>connect attempts after the first one</td></tr>
 *   <tr><td>{@code redispatchAfter}</td><td>0 (off)</td><td>{@code option redispatch [interval]}</td><td>0: a
 *       retry stays on its server; -1 ({@code option redispatch} alone): the last retry goes to another
 *       server; N &gt; 0: every Nth retry; -N: the Nth retry before the last. Also decides whether a server
 *       going DOWN hands its queue back to load balancing</td></tr>
 *   <tr><td>{@code allBackups}</td><td>false</td><td>{@code option allbackups}</td><td>when no active server
 *       is usable, balance over every usable backup instead of the first one</td></tr>
 *   <tr><td>{@code persist}</td><td>false</td><td>{@code option persist}</td><td>a persistence cookie keeps
 *       naming its server even when it is DOWN; a DOWN server's queue stays</td></tr>
 *   <tr><td>{@code fullConn}</td><td>0 (computed: 10% of the frontends' {@code maxconn})</td>
 *       <td>{@code fullconn}</td><td>the backend load at which servers reach their {@code maxconn} when they
 *       have a {@code minconn}</td></tr>
 *   <tr><td>{@code cookie}</td><td>null (no persistence)</td><td>{@code cookie NAME insert|prefix|rewrite}</td>
 *       <td>cookie persistence: a request carrying a server's {@code cookie} value goes to that server</td></tr>
 *   <tr><td>{@code unmodelled}</td><td>empty</td><td>{@code http-request}, {@code use-server}, {@code stick},
 *       ... ({@code IgnoredTrafficKeywords})</td><td>lines the model ignores; a simulation warns when its
 *       traffic goes through them</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param timeoutQueueNanos  {@code timeout queue} in nanoseconds (whole ms), 0 when unset
 * @param timeoutServerNanos {@code timeout server} in nanoseconds (whole ms), 0 when unset
 * @param retries            {@code retries}, {@code >= 0}
 * @param redispatchAfter    HAProxy's {@code redispatch_after}: 0 without {@code option redispatch}
 * @param allBackups         {@code option allbackups}
 * @param persist            {@code option persist}
 * @param fullConn           {@code fullconn}, {@code >= 0}, 0 when unset
 * @param cookie             the {@code cookie} keyword, or null
 * @param unmodelled         the section's lines (its own and its defaults') that change traffic in HAProxy 2.6 but
 *                           that the traffic model ignores, such as {@code use-server}, in file order; never null
 */
public record ProxyTrafficSettings(long timeoutQueueNanos, long timeoutServerNanos, int retries, int redispatchAfter,
                                   boolean allBackups, boolean persist, int fullConn, Cookie cookie,
                                   List<UnmodelledTraffic> unmodelled) {

    /** HAProxy's default {@code retries}: 3. */
    public static final int DEFAULT_RETRIES = 3;

    /** A section without any of these keywords. */
    public static final ProxyTrafficSettings DEFAULT = new ProxyTrafficSettings(0, 0, DEFAULT_RETRIES, 0, false,
            false, 0, null, List.of());

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if a timeout, {@code retries} or {@code fullConn} is negative
     * @throws NullPointerException     if {@code unmodelled} is null
     */
    public ProxyTrafficSettings {
        unmodelled = List.copyOf(unmodelled);
        if (timeoutQueueNanos < 0 || timeoutServerNanos < 0) {
            throw new IllegalArgumentException("timeoutQueueNanos, timeoutServerNanos: " + timeoutQueueNanos + ", "
                    + timeoutServerNanos + " (expected: >= 0)");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
        }
        if (fullConn < 0) {
            throw new IllegalArgumentException("fullConn: " + fullConn + " (expected: >= 0)");
        }
    }

    /**
     * Tells whether {@code option redispatch} is on (with any interval).
     *
     * @return true when {@code redispatchAfter != 0}
     */
    public boolean redispatch() {
        return redispatchAfter != 0;
    }

    /**
     * The {@code cookie} keyword of a proxy (CFG §4.2 {@code cookie}): persistence by a cookie naming the server.
     *
     * @param name the cookie name; never null
     * @param mode how HAProxy handles it; never null
     */
    public record Cookie(String name, CookieMode mode) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if an argument is null
         */
        public Cookie {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** The cookie mode: who writes the cookie. Reading it to pick the server is the same for all. */
    public enum CookieMode {
        /** No mode given: HAProxy only reads the cookie (the application sets it). */
        PASSIVE,
        /** {@code rewrite}: the server sets the cookie, HAProxy rewrites its value. */
        REWRITE,
        /** {@code insert}: HAProxy inserts the cookie in responses. */
        INSERT,
        /** {@code prefix}: HAProxy prefixes the server's own cookie with the server's value and {@code ~}. */
        PREFIX
    }
}
