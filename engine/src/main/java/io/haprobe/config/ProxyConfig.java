package io.haprobe.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code backend} or {@code listen} section, after its {@code defaults} section was applied.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code httpCheckRules}</td><td>empty</td><td>{@code option httpchk}, {@code http-check send},
 *       {@code http-check connect/send/expect}</td><td>empty: the plain TCP connect check; else the rules in order:
 *       connect/send/expect sequences, the first connect implicit. Exception mirrored from HAProxy 2.6: when a section's own
 *       {@code http-check} rules replace rules inherited from {@code defaults} and the section has no
 *       request of its own, there is no send rule: nothing is sent and only expect rules remain</td></tr>
 *   <tr><td>{@code timeoutCheckNanos}</td><td>0 (unset)</td><td>{@code timeout check}</td>
 *       <td>bound of the check once connected (spec §2.4)</td></tr>
 *   <tr><td>{@code timeoutConnectNanos}</td><td>0 (unset)</td><td>{@code timeout connect}</td>
 *       <td>bounds the check's connect, only when {@code timeout check} is set too</td></tr>
 *   <tr><td>{@code checkOption}</td><td>null</td><td>{@code option tcp-check} + {@code tcp-check} rules,
 *       {@code option ssl-hello-chk}, {@code redis-check}, {@code smtpchk}, {@code mysql-check},
 *       {@code pgsql-check}, {@code ldap-check}</td><td>the non-HTTP check; null for the plain connect check or
 *       {@code option httpchk}; never set together with {@code httpCheckRules}</td></tr>
 *   <tr><td>{@code logHealthChecks}</td><td>false</td><td>{@code option log-health-checks}</td>
 *       <td>log each check whose status or health changed (spec §8.2)</td></tr>
 *   <tr><td>{@code disableOn404}</td><td>false</td><td>{@code http-check disable-on-404}</td>
 *       <td>a 404 from a server that is not DOWN is a conditional pass: the server goes NOLB (spec §4.5)</td></tr>
 *   <tr><td>{@code sendState}</td><td>false</td><td>{@code http-check send-state}</td>
 *       <td>each HTTP check request carries {@code X-Haproxy-Server-State} (spec §4.4)</td></tr>
 *   <tr><td>{@code balancing}</td><td>{@link Balancing#DEFAULT}</td><td>{@code balance}, {@code hash-type},
 *       {@code hash-balance-factor}</td><td>how requests are spread over the servers (CFG §4.2)</td></tr>
 *   <tr><td>{@code traffic}</td><td>{@link ProxyTrafficSettings#DEFAULT}</td><td>{@code timeout queue},
 *       {@code timeout server}, {@code retries}, {@code option redispatch}, {@code option allbackups},
 *       {@code option persist}, {@code fullconn}, {@code cookie}</td><td>what the request model needs</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name                the section name; never null
 * @param listen              true for a {@code listen} section (its "no server available" line says
 *                            {@code proxy}), false for a {@code backend}
 * @param location            the place of the section keyword; never null
 * @param servers             the servers in declaration order; never null
 * @param httpCheckRules      the HTTP check rules, empty for a plain connect check; a send rule is first or
 *                            right after a connect rule; never null
 * @param timeoutCheckNanos   {@code timeout check} in nanoseconds (whole ms), 0 when unset
 * @param timeoutConnectNanos {@code timeout connect} in nanoseconds (whole ms), 0 when unset
 * @param logHealthChecks     {@code option log-health-checks}
 * @param checkOption         the non-HTTP check option, or null
 * @param disableOn404        {@code http-check disable-on-404}; false when the section has no HTTP check
 * @param sendState           {@code http-check send-state}; false when the section has no HTTP check
 * @param balancing           {@code balance}, {@code hash-type} and {@code hash-balance-factor}
 *                            ({@link Balancing#DEFAULT}: round robin); never null
 * @param traffic             the request model's settings; never null
 */
public record ProxyConfig(String name, boolean listen, SourceLocation location, List<ServerConfig> servers,
                          List<HttpCheckRule> httpCheckRules, long timeoutCheckNanos, long timeoutConnectNanos,
                          boolean logHealthChecks, CheckOption checkOption, boolean disableOn404, boolean sendState,
                          Balancing balancing, ProxyTrafficSettings traffic) {

    /**
     * Validates the components and copies the lists.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a timeout is negative, the rules hold a send rule that is not
     *                                  the first one and does not follow a connect rule, or both HTTP rules
     *                                  and a check option are given
     */
    public ProxyConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(traffic, "traffic");
        servers = List.copyOf(servers);
        httpCheckRules = List.copyOf(httpCheckRules);
        if (timeoutCheckNanos < 0 || timeoutConnectNanos < 0) {
            throw new IllegalArgumentException("timeoutCheckNanos, timeoutConnectNanos: " + timeoutCheckNanos
                    + ", " + timeoutConnectNanos + " (expected: >= 0)");
        }
        for (int i = 1; i < httpCheckRules.size(); i++) {
            if (httpCheckRules.get(i) instanceof HttpSend && !(httpCheckRules.get(i - 1) instanceof HttpConnect)) {
                throw new IllegalArgumentException("httpCheckRules: " + httpCheckRules
                        + " (expected: a send rule first or right after a connect rule)");
            }
        }
        if (checkOption != null && !httpCheckRules.isEmpty()) {
            throw new IllegalArgumentException("checkOption: " + checkOption
                    + " (expected: null when httpCheckRules are given)");
        }
    }

    /**
     * Creates a section without a non-HTTP check option, {@code http-check disable-on-404},
     * {@code send-state} and traffic keywords, balanced by round robin.
     *
     * @param name                the section name; never null
     * @param listen              true for a {@code listen} section
     * @param location            the place of the section keyword; never null
     * @param servers             the servers; never null
     * @param httpCheckRules      the HTTP check rules; never null
     * @param timeoutCheckNanos   {@code timeout check} in nanoseconds, 0 when unset
     * @param timeoutConnectNanos {@code timeout connect} in nanoseconds, 0 when unset
     * @param logHealthChecks     {@code option log-health-checks}
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ProxyConfig(String name, boolean listen, SourceLocation location, List<ServerConfig> servers,
                       List<HttpCheckRule> httpCheckRules, long timeoutCheckNanos, long timeoutConnectNanos,
                       boolean logHealthChecks) {
        this(name, listen, location, servers, httpCheckRules, timeoutCheckNanos, timeoutConnectNanos,
                logHealthChecks, null, false, false, Balancing.DEFAULT, ProxyTrafficSettings.DEFAULT);
    }

    /**
     * Returns the {@code balance} algorithm's name as {@code show stat}'s {@code algo} column prints it
     * ({@link Balancing#balance()}).
     *
     * @return the name, never null
     */
    public String balance() {
        return balancing.balance();
    }

    /**
     * Tells whether {@code hash-type consistent} is set ({@link Balancing#consistentHash()}).
     *
     * @return true for consistent hashing, false for map-based, the default
     */
    public boolean consistentHash() {
        return balancing.consistentHash();
    }

    /**
     * Tells whether the load-balancing algorithm is static (HAProxy's {@code BE_LB_PROP_DYN} unset):
     * {@code static-rr}, or a hash algorithm with {@code hash-type map-based}. Such a backend accepts only the
     * weights {@code 0%} and {@code 100%} at run time (spec §9.2; {@link Balancing#staticWeights()}).
     *
     * @return true if weights cannot change at run time
     */
    public boolean staticWeights() {
        return balancing.staticWeights();
    }

    /**
     * Tells whether the checks of this section are HTTP checks ({@code option httpchk}).
     *
     * @return true if {@link #httpCheckRules()} is not empty
     */
    public boolean httpCheck() {
        return !httpCheckRules.isEmpty();
    }

    /**
     * Returns the server called {@code name}.
     *
     * @param name a server name; never null
     * @return the server, or empty if there is none of that name
     */
    public Optional<ServerConfig> server(String name) {
        for (ServerConfig server : servers) {
            if (server.name().equals(name)) {
                return Optional.of(server);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the word HAProxy uses for this section in "no server available" alerts.
     *
     * @return {@code proxy} for a listen section, {@code backend} otherwise
     */
    public String kindWord() {
        return listen ? "proxy" : "backend";
    }
}
