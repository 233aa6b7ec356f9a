package io.haprobe.config;

import java.util.Objects;

/**
 * One {@code server} line of a backend or listen section, after {@code default-server} settings were
 * applied (CFG §5.2 "Server and default-server options"). Its keywords are grouped by what they configure.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code name}</td><td>required</td><td>{@code server <name>}</td><td>unique in its section</td></tr>
 *   <tr><td>{@code address}, {@code port}</td><td>required; port 0 when the line gives none</td>
 *       <td>{@code server <name> <addr>[:<port>]}</td><td>the server; an IP literal or a host name</td></tr>
 *   <tr><td>{@code timing}</td><td>{@link CheckTiming#DEFAULT}</td><td>{@code inter}, {@code fastinter},
 *       {@code downinter}, {@code rise}, {@code fall}</td><td>when checks run and what moves the state</td></tr>
 *   <tr><td>{@code check}</td><td>{@link HealthCheck#DISABLED}</td><td>{@code check}, {@code addr},
 *       {@code port}, {@code check-send-proxy}, {@code ssl}, {@code check-ssl}, ...</td><td>the health
 *       check</td></tr>
 *   <tr><td>{@code agent}</td><td>{@link AgentCheck#NONE}</td><td>{@code agent-check}, {@code agent-port},
 *       {@code agent-inter}, {@code agent-send}, {@code agent-addr}</td><td>the agent check (spec §7)</td></tr>
 *   <tr><td>{@code traffic}</td><td>{@link TrafficSettings#DEFAULT}</td><td>{@code weight}, {@code maxconn},
 *       {@code slowstart}, {@code backup}, {@code disabled}, {@code send-proxy}, {@code send-proxy-v2}</td>
 *       <td>kept for the traffic model and the state machine</td></tr>
 *   <tr><td>{@code initAddr}</td><td>{@link InitAddr#DEFAULT}</td><td>{@code init-addr}</td><td>how the
 *       address is found at start; {@code none} starts an unresolvable server in maintenance</td></tr>
 *   <tr><td>{@code source}</td><td>{@link SourceAddress#NONE}</td><td>{@code source}</td><td>the local
 *       address the health and agent checks leave from; the backend's {@code source} already applied</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder}:
 *
 * <pre>{@code
 * ServerConfig web = ServerConfig.builder("web1", "10.0.0.1", 80, location)
 *         .check(HealthCheck.ENABLED)
 *         .timing(new CheckTiming(TimeUnit.SECONDS.toNanos(1), 0, 0, 2, 3))
 *         .build();
 * }</pre>
 *
 * @param name     the server name; never null
 * @param address  the address as written (an IPv4 or IPv6 literal, or a host name), without the port; never null
 * @param port     the service port 1..65535, or 0 when the line gives none
 * @param location the place of the {@code server} keyword; never null
 * @param timing   {@code inter}, {@code fastinter}, {@code downinter}, {@code rise}, {@code fall}; never null
 * @param check    the health check; never null
 * @param agent    the agent check; never null
 * @param traffic  weight, limits, backup, maintenance and PROXY protocol; never null
 * @param initAddr {@code init-addr}: how the address is found at start; never null,
 *                 {@link InitAddr#DEFAULT} when the line says nothing
 * @param source   {@code source}: where the checks leave from; never null, {@link SourceAddress#NONE} when
 *                 neither the server nor its backend gives one
 */
public record ServerConfig(String name, String address, int port, SourceLocation location, CheckTiming timing,
                           HealthCheck check, AgentCheck agent, TrafficSettings traffic, InitAddr initAddr,
                           SourceAddress source) {

    /**
     * Validates the components, across groups too.
     *
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if {@code port} is outside 0..65535, the health check is enabled with
     *                                  neither service port nor check port, or the agent check is enabled with
     *                                  neither {@code agent-port} nor check port
     */
    public ServerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(traffic, "traffic");
        Objects.requireNonNull(initAddr, "initAddr");
        Objects.requireNonNull(source, "source");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (check.enabled() && port == 0 && check.target().port() == 0) {
            throw new IllegalArgumentException("port, check.target().port(): 0, 0 (expected: one of them > 0 when"
                    + " the check is enabled)");
        }
        if (agent.enabled() && agent.port() == 0 && check.target().port() == 0) {
            throw new IllegalArgumentException("agent.port(), check.target().port(): 0, 0 (expected: one of them"
                    + " > 0 when the agent check is enabled)");
        }
    }

    /**
     * Starts a server with HAProxy's defaults: no check, no agent, default timing and traffic settings.
     *
     * @param name     the server name; never null
     * @param address  the address without the port; never null
     * @param port     the service port, 0 for none
     * @param location the place of the {@code server} keyword; never null
     * @return a new builder
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(String name, String address, int port, SourceLocation location) {
        return new Builder(name, address, port, location);
    }

    /**
     * Returns a builder holding this server's values, to derive a variant.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(name, address, port, location).timing(timing).check(check).agent(agent).traffic(traffic)
                .initAddr(initAddr).source(source);
    }

    /**
     * Returns the PROXY protocol version this server's health checks send before their first bytes on their
     * own connection (spec §6.2, verified on 2.6.12): with {@code check-send-proxy}, v2 if the server has
     * {@code send-proxy-v2} and v1 otherwise; without it, the server's own version when neither {@code addr}
     * nor {@code port} is set, else none. {@code no-check-send-proxy} does not stop the inherited header
     * (2.6.12 still sends it).
     *
     * @return the version; never null
     */
    public ProxyProtocol checkProxyProtocol() {
        if (check.sendProxy()) {
            return traffic.proxyProtocol() == ProxyProtocol.V2 ? ProxyProtocol.V2 : ProxyProtocol.V1;
        }
        return check.target().isSet() ? ProxyProtocol.NONE : traffic.proxyProtocol();
    }

    /**
     * Returns the port the health check connects to: {@code port} if set, else the service port.
     *
     * @return 1..65535, or 0 when neither is set (then the check is disabled)
     */
    public int effectiveCheckPort() {
        return check.target().port() != 0 ? check.target().port() : port;
    }

    /**
     * Returns the address the health check connects to: {@code addr} if set, else the server address.
     *
     * @return the address as written; never null
     */
    public String effectiveCheckAddress() {
        return check.target().address() != null ? check.target().address() : address;
    }

    /**
     * Returns the port the agent check connects to: {@code agent-port} if set, else the {@code port} value
     * (never the service port, spec §7).
     *
     * @return 1..65535, or 0 when neither is set (then the agent check is disabled)
     */
    public int effectiveAgentPort() {
        return agent.port() != 0 ? agent.port() : check.target().port();
    }

    /**
     * Builds a {@link ServerConfig}. Starts with HAProxy's defaults; each setter replaces one group.
     * {@link #build()} validates across groups and may be called again.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {

        private final String name;
        private final String address;
        private final int port;
        private final SourceLocation location;
        private CheckTiming timing = CheckTiming.DEFAULT;
        private HealthCheck check = HealthCheck.DISABLED;
        private AgentCheck agent = AgentCheck.NONE;
        private TrafficSettings traffic = TrafficSettings.DEFAULT;
        private InitAddr initAddr = InitAddr.DEFAULT;
        private SourceAddress source = SourceAddress.NONE;

        private Builder(String name, String address, int port, SourceLocation location) {
            this.name = Objects.requireNonNull(name, "name");
            this.address = Objects.requireNonNull(address, "address");
            this.port = port;
            this.location = Objects.requireNonNull(location, "location");
        }

        /**
         * Sets {@code inter}, {@code fastinter}, {@code downinter}, {@code rise} and {@code fall}.
         *
         * @param timing the timing; default {@link CheckTiming#DEFAULT}; never null
         * @return this builder
         */
        public Builder timing(CheckTiming timing) {
            this.timing = Objects.requireNonNull(timing, "timing");
            return this;
        }

        /**
         * Sets the health check.
         *
         * @param check the health check; default {@link HealthCheck#DISABLED}; never null
         * @return this builder
         */
        public Builder check(HealthCheck check) {
            this.check = Objects.requireNonNull(check, "check");
            return this;
        }

        /**
         * Sets the agent check.
         *
         * @param agent the agent check; default {@link AgentCheck#NONE}; never null
         * @return this builder
         */
        public Builder agent(AgentCheck agent) {
            this.agent = Objects.requireNonNull(agent, "agent");
            return this;
        }

        /**
         * Sets the traffic settings.
         *
         * @param traffic the settings; default {@link TrafficSettings#DEFAULT}; never null
         * @return this builder
         */
        public Builder traffic(TrafficSettings traffic) {
            this.traffic = Objects.requireNonNull(traffic, "traffic");
            return this;
        }

        /**
         * Sets {@code init-addr}.
         *
         * @param initAddr how the address is found at start; never null; default {@link InitAddr#DEFAULT}
         * @return this builder
         * @throws NullPointerException if {@code initAddr} is null
         */
        public Builder initAddr(InitAddr initAddr) {
            this.initAddr = Objects.requireNonNull(initAddr, "initAddr");
            return this;
        }

        /**
         * Sets {@code source}, the local address the checks leave from.
         *
         * @param source the address; never null; default {@link SourceAddress#NONE}
         * @return this builder
         * @throws NullPointerException if {@code source} is null
         */
        public Builder source(SourceAddress source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Builds the server; the builder stays usable.
         *
         * @return a new server
         * @throws IllegalArgumentException if a port the enabled checks need is missing (see the canonical
         *                                  constructor)
         */
        public ServerConfig build() {
            return new ServerConfig(name, address, port, location, timing, check, agent, traffic, initAddr,
                    source);
        }
    }
}
