package io.haprobe.engine;

import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.config.AgentCheck;
import io.haprobe.config.CheckTiming;
import io.haprobe.config.ConfigException;
import io.haprobe.config.GlobalSettings;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.InitAddr;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.SourceAddress;
import io.haprobe.config.TrafficSettings;
import io.haprobe.health.BootSpread;
import io.haprobe.health.IntervalPolicy;
import io.haprobe.health.ServerHealth;
import io.haprobe.internal.CheckTls;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSupport;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Plans the checks of a configuration before they start, as HAProxy does at startup: the boot state of every
 * server (spec §1.3), the spreading of the first checks over all configured checks (spec §2.3), each section's
 * compiled check programs, the check and agent addresses (resolved once, spec §6.1) and the TLS side of the
 * servers whose checks use TLS (spec §6.2). The plans are immutable; {@link CheckedSection} and
 * {@link ServerChecker} run them.
 *
 * <p>The only place, with {@link ServerChecker}'s constructor, that reads {@link ServerConfig}: the timing
 * ({@code inter}, {@code fastinter}, {@code downinter}, {@code agent-inter}) goes into {@link IntervalPolicy}
 * values here.
 *
 * <p>Threading: used once, by the thread that calls {@link HealthCheckEngine.Builder#build()}; not thread-safe.
 * Durations are nanoseconds of the engine's scheduler, offsets counted from {@link HealthCheckEngine#start()}.
 */
final class CheckPlanner {

    /**
     * The descriptor limit ({@code ulimit -n}) a simulation gives HAProxy: 20000, that of the machine haprobe's
     * captures of HAProxy 2.6.12 were taken on, so that a simulation's {@code show stat} and {@code show info}
     * are theirs and the same on every machine.
     */
    static final long SIMULATED_FD_LIMIT = 20_000;
    /** The processors a simulation gives HAProxy (its threads without {@code nbthread}): 2, as on that machine. */
    static final int SIMULATED_PROCESSORS = 2;

    private final HaproxyConfig config;
    private final ProbeTransport transport;

    /**
     * Creates a planner.
     *
     * @param config    the configuration; never null
     * @param transport the transport the engine will use, which resolves names and makes TLS clients; null when
     *                  the engine will create its own, and then the system resolver and the TLS provider do
     */
    CheckPlanner(HaproxyConfig config, ProbeTransport transport) {
        this.config = Objects.requireNonNull(config, "config");
        this.transport = transport;
    }

    /**
     * Plans the checks of the chosen sections, in declaration order.
     *
     * @param backends the sections to check; empty for all; never null
     * @return one plan per checked section, never null
     * @throws IllegalArgumentException if a name of {@code backends} is not a section of the config
     * @throws ConfigException          if a checked server's address cannot be resolved, or the TLS files of a
     *                                  server whose checks use TLS cannot be read
     * @throws IllegalStateException    if a server's checks use TLS and {@code haprobe-engine-tls} is not on the
     *                                  class path
     */
    List<SectionPlan> plan(Set<String> backends) {
        for (String name : backends) {
            if (config.proxy(name).isEmpty()) {
                List<String> known = config.proxies().stream().map(ProxyConfig::name).toList();
                throw new IllegalArgumentException("backend: '" + name + "' (expected: one of " + known + ")");
            }
        }
        // HAProxy's global check order: proxies, servers, and per server the health check, then the agent
        List<ServerConfig> allChecks = new ArrayList<>();
        List<Long> intervals = new ArrayList<>();
        for (ProxyConfig proxy : config.proxies()) {
            for (ServerConfig server : proxy.servers()) {
                if (server.check().enabled()) {
                    ServerHealth boot = bootHealth(server);
                    allChecks.add(server);
                    intervals.add(healthPolicy(server).intervalNanos(boot.counter(), boot.state()));
                }
                if (server.agent().enabled()) {
                    allChecks.add(server);
                    intervals.add(agentPolicy(server).interNanos());
                }
            }
        }
        long[] bootIntervals = intervals.stream().mapToLong(Long::longValue).toArray();
        long[] offsets = BootSpread.offsetsNanos(bootIntervals, config.global().maxSpreadChecksNanos());
        // a server's first position: its health check, else its agent check; the agent follows the health check
        Map<ServerConfig, Integer> checkIndex = new IdentityHashMap<>();
        for (int i = allChecks.size() - 1; i >= 0; i--) {
            checkIndex.put(allChecks.get(i), i);
        }
        // the host name is looked up only for send-state, the one user of the node name
        boolean sendState = config.proxies().stream().anyMatch(ProxyConfig::sendState);
        String node = config.global().node() != null || !sendState ? config.global().node() : hostName();

        int bufferSize = config.global().bufferSize();
        List<SectionPlan> plans = new ArrayList<>();
        for (ProxyConfig proxy : config.proxies()) {
            if (!backends.isEmpty() && !backends.contains(proxy.name())) {
                continue;
            }
            CheckProgram programUp = CheckProgram.compile(proxy, false, null, bufferSize);
            CheckProgram programDown = proxy.disableOn404() ? CheckProgram.compile(proxy, true, null, bufferSize)
                    : programUp;
            List<ServerPlan> servers = new ArrayList<>();
            for (ServerConfig server : proxy.servers()) {
                Integer position = checkIndex.get(server);
                long first = position == null ? 0 : offsets[position];
                long agentFirst = !server.agent().enabled() ? 0
                        : offsets[position + (server.check().enabled() ? 1 : 0)];
                servers.add(serverPlan(proxy, server, first, agentFirst, tlsOf(proxy, programUp, server)));
            }
            plans.add(new SectionPlan(proxy, node, bufferSize, programUp, programDown, servers, fullConn(proxy)));
        }
        return List.copyOf(plans);
    }

    private ServerPlan serverPlan(ProxyConfig proxy, ServerConfig server, long firstCheckNanos,
                                  long agentFirstCheckNanos, CheckTls tls) {
        boolean checked = server.check().enabled();
        String serverHost = server.address();
        boolean unresolved = false;
        if ((checked || server.agent().enabled()) && server.check().target().address() == null) {
            serverHost = initialAddress(server);
            unresolved = serverHost == null;
        }
        ServerHealth boot = unresolved ? maintenanceBoot(server) : bootHealth(server);
        String checkHost = server.check().target().address() != null ? server.check().target().address()
                : serverHost;
        InetSocketAddress source = sourceOf(server);
        CheckTarget target = new CheckTarget(proxy.name(), server.name(), checked && !unresolved
                ? resolve(server, checkHost, server.effectiveCheckPort())
                : InetSocketAddress.createUnresolved(server.address(), server.effectiveCheckPort()), source);
        AgentPlan agent = null;
        if (server.agent().enabled()) {
            AgentCheck agentCheck = server.agent();
            String host = agentCheck.address() != null ? agentCheck.address() : checkHost;
            byte[] send = agentCheck.send() == null ? null : agentCheck.send().getBytes(StandardCharsets.ISO_8859_1);
            agent = new AgentPlan(CheckProgram.agent(server.effectiveAgentPort(), null, send),
                    new CheckTarget(proxy.name(), server.name(), unresolved && agentCheck.address() == null
                            ? InetSocketAddress.createUnresolved(server.address(), server.effectiveAgentPort())
                            : resolve(server, host, server.effectiveAgentPort()), source),
                    agentPolicy(server), agentFirstCheckNanos);
        }
        return new ServerPlan(server, boot, healthPolicy(server), target, firstCheckNanos, tls, agent);
    }

    /**
     * Prepares the TLS side of a checked server whose program opens a TLS connection (spec §6.2), as HAProxy
     * prepares the server's SSL context at startup; null for plain checks.
     */
    private CheckTls tlsOf(ProxyConfig proxy, CheckProgram program, ServerConfig server) {
        if (!server.check().enabled() || !usesTls(program, server)) {
            return null;
        }
        TlsSupport support = TlsSupport.find().orElseThrow(() -> new IllegalStateException("server "
                + proxy.name() + "/" + server.name() + " uses TLS for its checks (" + tlsSource(proxy, server)
                + "): add io.haprobe:haprobe-engine-tls to the classpath"));
        TlsClientSpec spec = new TlsClientSpec(proxy.name(), server.name(), server.location(), server.check().tls(),
                server.check().tls().verifies(config.global()));
        TlsClient client = transport != null ? transport.tlsClient(support, spec) : support.newClient(spec);
        return new CheckTls(client, server);
    }

    /**
     * Finds the server's address at start as {@code init-addr} says (spec of {@link InitAddr}): {@code last} is
     * skipped (no server-state file), {@code libc} resolves, an IP literal is taken, {@code none} gives no
     * address (null: the server starts in maintenance, unchecked, as 2.6.12's "MAINT (resolution)").
     *
     * @return the host to connect to, or null for {@code none}
     * @throws ConfigException "could not resolve address" when no method gives an address, as HAProxy refuses
     */
    private String initialAddress(ServerConfig server) {
        for (String method : server.initAddr().methods()) {
            switch (method) {
                case "last" -> {
                    // no server-state file in haprobe
                }
                case "libc" -> {
                    if (resolves(server.address())) {
                        return server.address();
                    }
                }
                case "none" -> {
                    return null;
                }
                default -> {
                    return method;
                }
            }
        }
        throw new ConfigException(server.location(), "could not resolve address '" + server.address()
                + "' of server '" + server.name() + "'");
    }

    private boolean resolves(String host) {
        try {
            if (transport == null) {
                ProbeTransport.lookUp(host, 0);
            } else {
                transport.resolve(host, 0);
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static ServerHealth maintenanceBoot(ServerConfig server) {
        CheckTiming timing = server.timing();
        TrafficSettings traffic = server.traffic();
        return ServerHealth.boot(timing.rise(), timing.fall(), true, traffic.weight(), server.agent().enabled(),
                server.check().enabled(), traffic.slowStartNanos() > 0);
    }

    /**
     * The local address the server's health and agent checks bind ({@code source}), or null. An IP literal,
     * so nothing is looked up; a simulated transport receives it unresolved like every other address.
     */
    private InetSocketAddress sourceOf(ServerConfig server) {
        SourceAddress source = server.source();
        if (!source.isSet()) {
            return null;
        }
        return resolve(server, source.address(), source.port());
    }

    private InetSocketAddress resolve(ServerConfig server, String host, int port) {
        try {
            return transport == null ? ProbeTransport.lookUp(host, port) : transport.resolve(host, port);
        } catch (UnknownHostException e) {
            throw new ConfigException(server.location(), "could not resolve address '" + host + "' of server '"
                    + server.name() + "'");
        }
    }

    /**
     * The {@code fullconn} the section runs with ({@link HaproxyConfig#fullConn(ProxyConfig, int)}). A frontend
     * without {@code maxconn} counts with the global one ({@link #globalMaxConn(HaproxyConfig, boolean)}).
     */
    private int fullConn(ProxyConfig proxy) {
        boolean simulated = transport != null && transport.scheduler() instanceof io.haprobe.time.VirtualScheduler;
        return config.fullConn(proxy, globalMaxConn(config, simulated));
    }

    /**
     * Returns the process's {@code maxconn} HAProxy 2.6.12 would run this configuration with
     * ({@link HaproxyConfig#effectiveMaxConn(long, int)}): {@code global maxconn} when set, else derived from the
     * descriptor limit and the threads ({@link #processLimits(HaproxyConfig, boolean)}).
     *
     * @param config    the configuration; never null
     * @param simulated true on virtual time
     * @return the limit, {@code >= 1}
     */
    static int globalMaxConn(HaproxyConfig config, boolean simulated) {
        return processLimits(config, simulated).maxConn();
    }

    /**
     * Returns the process limits HAProxy 2.6.12 would run this configuration with ({@code show info}'s Nbthread,
     * Maxconn, Maxsock and Ulimit-n). A live engine takes the descriptor limit and processors from this host, as
     * an HAProxy started here by the same user would have them: the JVM's descriptor limit (the JVM raises its
     * soft limit to the hard one, which is the larger one HAProxy takes) and, without {@code nbthread}, the
     * available processors. A simulation takes {@value #SIMULATED_FD_LIMIT} descriptors and
     * {@value #SIMULATED_PROCESSORS} processors, whatever the host.
     *
     * @param config    the configuration; never null
     * @param simulated true on virtual time
     * @return the limits; never null
     */
    static StatsReport.ProcessLimits processLimits(HaproxyConfig config, boolean simulated) {
        int nbthread = config.global().nbthread();
        int processors = simulated ? SIMULATED_PROCESSORS : Runtime.getRuntime().availableProcessors();
        int threads = nbthread > 0 ? nbthread : Math.min(GlobalSettings.MAX_THREADS, processors);
        long fdLimit = simulated ? SIMULATED_FD_LIMIT : hostFdLimit();
        return new StatsReport.ProcessLimits(threads, config.effectiveMaxConn(fdLimit, threads),
                config.maxSock(fdLimit, threads), config.ulimitN(fdLimit, threads));
    }

    /** The descriptor limit of this process, or the simulated one when the platform does not say. */
    private static long hostFdLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            if (limit > 0) {
                return limit;
            }
        }
        return SIMULATED_FD_LIMIT;
    }

    private static ServerHealth bootHealth(ServerConfig server) {
        CheckTiming timing = server.timing();
        TrafficSettings traffic = server.traffic();
        return ServerHealth.boot(timing.rise(), timing.fall(), traffic.disabled(), traffic.weight(),
                server.agent().enabled(), server.check().enabled(), traffic.slowStartNanos() > 0);
    }

    private static IntervalPolicy healthPolicy(ServerConfig server) {
        CheckTiming timing = server.timing();
        return new IntervalPolicy(timing.interNanos(), timing.fastInterNanos(), timing.downInterNanos());
    }

    private static IntervalPolicy agentPolicy(ServerConfig server) {
        return new IntervalPolicy(server.agent().interNanos(), 0, 0);
    }

    private static boolean usesTls(CheckProgram program, ServerConfig server) {
        for (CheckRule rule : program.rules()) {
            if (rule instanceof CheckRule.Connect connect && connect.usesTls(server.check().usesTls())) {
                return true;
            }
        }
        return false;
    }

    private static String tlsSource(ProxyConfig proxy, ServerConfig server) {
        if (!server.check().usesTls()) {
            String kind = proxy.checkOption() != null ? "tcp-check" : "http-check";
            return kind + " connect ssl in " + proxy.kindWord() + " " + proxy.name();
        }
        return "ssl/check-ssl at " + server.location().file() + ":" + server.location().line();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }

    /**
     * The plan of one checked section. Immutable.
     *
     * @param proxy       the backend or listen section; never null
     * @param node        the {@code node} name for send-state; null when no section uses send-state and none is set
     * @param programUp   the check program while the server is not DOWN; never null
     * @param programDown the program while it is DOWN ({@code disable-on-404} does not apply); never null, the same
     *                    as {@code programUp} without {@code disable-on-404}
     * @param servers     the plans of its servers, in declaration order; never null
     */
    record SectionPlan(ProxyConfig proxy, String node, int bufferSize, CheckProgram programUp,
                       CheckProgram programDown, List<ServerPlan> servers, int fullConn) {

        SectionPlan {
            servers = List.copyOf(servers);
        }
    }

    /**
     * The plan of one server. Immutable.
     *
     * @param config          the server line; never null
     * @param boot            its state at boot (spec §1.3); never null
     * @param policy          its health check's intervals ({@code inter}, {@code fastinter}, {@code downinter})
     * @param target          where its health check connects; an unresolved address when it has no {@code check}
     * @param firstCheckNanos the delay of its first health check after start, nanoseconds; 0 without {@code check}
     * @param tls             the TLS side of its health check; null for a plain check
     * @param agent           its agent check; null without {@code agent-check}
     */
    record ServerPlan(ServerConfig config, ServerHealth boot, IntervalPolicy policy, CheckTarget target,
                      long firstCheckNanos, CheckTls tls, AgentPlan agent) {
    }

    /**
     * The plan of a server's agent check ({@code agent-check}, spec §7). Immutable.
     *
     * @param program         the agent's program (agents are always plain TCP); never null
     * @param target          the agent's resolved address ({@code agent-addr}, {@code agent-port}); never null
     * @param policy          its interval: {@code agent-inter}; never null
     * @param firstCheckNanos the delay of its first check after start, nanoseconds
     */
    record AgentPlan(CheckProgram program, CheckTarget target, IntervalPolicy policy, long firstCheckNanos) {
    }
}
