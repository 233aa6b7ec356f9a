package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * Where a {@code frontend} (or the frontend side of a {@code listen} section) sends its requests, and how many
 * connections it accepts, after its {@code defaults} section was applied. ACL routing is not modelled:
 * {@code use_backend} rules with an {@code if}/{@code unless} condition are left out (the parser warns).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code maxConn}</td><td>0 (unset: the global {@code maxconn})</td><td>{@code maxconn}</td>
 *       <td>concurrent connections the frontend accepts; its share of the backends' default
 *       {@code fullconn}</td></tr>
 *   <tr><td>{@code defaultBackend}</td><td>null (inherited from {@code defaults})</td>
 *       <td>{@code default_backend}</td><td>where requests go when no rule applies; a listen section without
 *       it serves them itself</td></tr>
 *   <tr><td>{@code useBackends}</td><td>empty</td><td>{@code use_backend NAME} without condition</td>
 *       <td>the first one takes every request</td></tr>
 *   <tr><td>{@code unmodelled}</td><td>empty</td><td>{@code http-request}, {@code tcp-request},
 *       {@code redirect}, ... ({@code IgnoredTrafficKeywords})</td><td>lines the model ignores; a simulation
 *       warns when its traffic goes through them</td></tr>
 *   <tr><td>{@code log}</td><td>{@link TrafficLog#NONE}</td><td>{@code log}, {@code option httplog},
 *       {@code option dontlog-normal}, {@code option log-separate-errors}</td><td>how its requests are
 *       logged</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name           the section name; never null
 * @param listen         true for a {@code listen} section
 * @param location       the place of the section keyword; never null
 * @param maxConn        {@code maxconn}, {@code >= 0}, 0 when unset
 * @param defaultBackend {@code default_backend}, or null
 * @param useBackends    the unconditional {@code use_backend} rules in order; never null
 * @param unmodelled     the section's lines (its own and its defaults') that change traffic in HAProxy 2.6 but
 *                       that the traffic model ignores, such as {@code http-request deny}, in file order; never
 *                       null
 * @param log            how its requests are logged; never null ({@link TrafficLog#NONE} for nothing)
 * @param listeners      the listening sockets of its {@code bind} lines (one per address, one per port of a
 *                       range), {@code >= 0}: what HAProxy sets aside descriptors for
 */
public record FrontendConfig(String name, boolean listen, SourceLocation location, int maxConn, String defaultBackend,
                             List<String> useBackends, List<UnmodelledTraffic> unmodelled, TrafficLog log,
                             int listeners) {

    /**
     * Validates the components and copies the list.
     *
     * @throws NullPointerException     if {@code name}, {@code location}, {@code useBackends}, {@code unmodelled}
     *                                  or {@code log} is null
     * @throws IllegalArgumentException if {@code maxConn} or {@code listeners} is negative
     */
    public FrontendConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(location, "location");
        useBackends = List.copyOf(useBackends);
        unmodelled = List.copyOf(unmodelled);
        if (maxConn < 0) {
            throw new IllegalArgumentException("maxConn: " + maxConn + " (expected: >= 0)");
        }
        if (listeners < 0) {
            throw new IllegalArgumentException("listeners: " + listeners + " (expected: >= 0)");
        }
    }

    /**
     * Returns the backend a request without ACL routing goes to: the first unconditional {@code use_backend},
     * else the {@code default_backend}, else a listen section itself.
     *
     * @return the backend or listen name, or null when a frontend names none (HAProxy answers 503)
     */
    public String backend() {
        if (!useBackends.isEmpty()) {
            return useBackends.get(0);
        }
        return defaultBackend != null ? defaultBackend : listen ? name : null;
    }
}
