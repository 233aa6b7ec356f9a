package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.HttpRequestEncoder;
import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.health.BootSpread;
import io.haprobe.health.HealthStep;
import io.haprobe.health.IntervalPolicy;
import io.haprobe.health.ServerHealth;
import io.haprobe.health.Transition;
import io.haprobe.internal.CheckRun;
import io.haprobe.internal.CheckTls;
import io.haprobe.report.HaproxyLogFormat;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Cancellable;
import io.haprobe.traffic.Backend;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Runs the health checks of a parsed haproxy.cfg as HAProxy 2.6 would: the boot state and spreading of
 * the first checks, one health check (and one {@code agent-check}) per server at a time over the
 * {@link ProbeTransport}, the health counter and
 * transitions, the intervals counted from the end of each check, and HAProxy's log lines as
 * {@link HealthEvent}s.
 *
 * <table>
 *   <caption>Builder settings</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link Builder#backends(Collection)}</td><td>all</td><td>the backend/listen sections to check;
 *       the boot spreading still counts every configured check, as HAProxy does</td></tr>
 *   <tr><td>{@link Builder#listener(HealthListener)}</td><td>none</td><td>receives every event</td></tr>
 *   <tr><td>{@link Builder#transport(ProbeTransport)}</td><td>a live {@link NettyProbeTransport} the engine
 *       owns and closes</td><td>how check connections are opened, and the scheduler that times them</td></tr>
 *   <tr><td>{@link Builder#random(RandomGenerator)}</td><td>an unseeded {@link SplittableRandom}</td>
 *       <td>the one source of randomness ({@code spread-checks} jitter)</td></tr>
 *   <tr><td>{@link Builder#listenerExecutor(Executor)}</td><td>one daemon thread of the engine's,
 *       {@code haprobe-events}</td><td>where listeners run, one event at a time, in order</td></tr>
 * </table>
 *
 * <p>Threading: every server's check state lives on the transport's scheduler thread. Listeners run on the
 * listener executor, so a slow or throwing listener cannot stall or break the checks; {@link #close()}
 * delivers the events already produced before it returns. {@link #servers()} and
 * {@link #server(String, String)} may be called from any thread and return immutable snapshots.
 * {@link #close()} must not be called from the scheduler thread.
 *
 * <pre>{@code
 * HaproxyConfig config = HaproxyConfig.parse(Path.of("haproxy.cfg"));
 * try (HealthCheckEngine engine = HealthCheckEngine.builder(config)
 *         .listener(event -> { if (event.logMessage() != null) System.out.println(event.logMessage()); })
 *         .build()) {
 *     engine.start();
 *     Thread.sleep(30_000);
 *     engine.servers().forEach(s -> System.out.println(s.id() + " " + s.statusText()));
 * }
 * }</pre>
 */
public final class HealthCheckEngine implements AutoCloseable {

    private static final System.Logger LOGGER = System.getLogger(HealthCheckEngine.class.getName());

    private final HaproxyConfig config;
    private final ProbeTransport transport;
    private final boolean ownsTransport;
    private final Scheduler scheduler;
    private final List<HealthListener> listeners;
    private final Executor listenerExecutor;
    private final ExecutorService ownedListenerExecutor;
    private final RandomGenerator random;
    private final List<BackendRun> backends;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile long startNanos;

    private HealthCheckEngine(Builder builder, List<BackendRun> backends, ProbeTransport transport, boolean owns) {
        this.config = builder.config;
        this.listeners = List.copyOf(builder.listeners);
        this.ownedListenerExecutor = builder.listenerExecutor == null
                ? Executors.newSingleThreadExecutor(HealthCheckEngine::newEventThread) : null;
        this.listenerExecutor = builder.listenerExecutor != null ? builder.listenerExecutor : ownedListenerExecutor;
        this.random = builder.random != null ? builder.random : new SplittableRandom();
        this.backends = backends;
        this.transport = transport;
        this.ownsTransport = owns;
        this.scheduler = transport.scheduler();
    }

    /**
     * Starts a builder for the checks of {@code config}.
     *
     * @param config the parsed configuration; never null
     * @return a new builder
     * @throws NullPointerException if {@code config} is null
     */
    public static Builder builder(HaproxyConfig config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /**
     * Returns the configuration the engine runs.
     *
     * @return the configuration, never null
     */
    public HaproxyConfig config() {
        return config;
    }

    /**
     * Boots the servers and schedules their first checks (spec §1.3, §2.3). Servers with {@code check} start
     * UP with {@code health = rise}; {@code disabled} ones start in maintenance, where their health check is
     * paused (it keeps waking every {@code inter} without connecting). Servers with {@code agent-check} also
     * get their agent's first check, spread with the health checks.
     *
     * @throws IllegalStateException if the engine was already started or is closed
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        if (started) {
            throw new IllegalStateException("engine is already started");
        }
        started = true;
        startNanos = scheduler.nanoTime();
        scheduler.execute(() -> {
            for (BackendRun backend : backends) {
                for (ServerRun server : backend.servers) {
                    if (server.checked) {
                        server.next = scheduler.schedule(() -> runCheck(server), server.firstCheckNanos);
                    }
                    if (server.agent != null) {
                        server.agentNext = scheduler.schedule(() -> runAgentCheck(server),
                                server.agent.firstCheckNanos);
                    }
                }
            }
        });
    }

    /**
     * Returns the scheduler time at which {@link #start()} booted the servers: the origin of the first-check
     * offsets and of timelines ({@code t=<ms>} is {@code (event.timeNanos() - startNanos()) / 1e6}).
     *
     * @return scheduler nanoseconds, 0 before {@link #start()}
     */
    public long startNanos() {
        return startNanos;
    }

    /**
     * Returns a snapshot of every server of the checked sections, in declaration order.
     *
     * @return the snapshots, never null
     */
    public List<ServerSnapshot> servers() {
        List<ServerSnapshot> snapshots = new ArrayList<>();
        for (BackendRun backend : backends) {
            for (ServerRun server : backend.servers) {
                snapshots.add(server.snapshot());
            }
        }
        return snapshots;
    }

    /**
     * Returns a snapshot of one server.
     *
     * @param backend the backend or listen name; never null
     * @param server  the server name; never null
     * @return the snapshot, or empty if that server is not checked by this engine
     */
    public Optional<ServerSnapshot> server(String backend, String server) {
        for (BackendRun run : backends) {
            if (run.proxy.name().equals(backend)) {
                for (ServerRun candidate : run.servers) {
                    if (candidate.config.name().equals(server)) {
                        return Optional.of(candidate.snapshot());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Stops the checks: no new check starts and no more events are produced; the transport is closed if
     * the engine created it, and the events produced before are delivered to the listeners before this
     * method returns (waiting at most 10 seconds for slow listeners). Calling it again does nothing.
     *
     * @throws IllegalStateException if called from the scheduler thread (e.g. from a listener)
     */
    @Override
    public void close() {
        if (scheduler.inSchedulerThread()) {
            throw new IllegalStateException("close() must not be called from the engine's event loop");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            scheduler.execute(() -> backends.forEach(b -> b.servers.forEach(s -> {
                s.next.cancel();
                s.agentNext.cancel();
            })));
        } catch (RuntimeException alreadyStopped) {
            LOGGER.log(System.Logger.Level.DEBUG, "scheduler already stopped", alreadyStopped);
        }
        if (ownsTransport) {
            transport.close();
        }
        if (ownedListenerExecutor != null) {
            ownedListenerExecutor.shutdown();
            try {
                if (!ownedListenerExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOGGER.log(System.Logger.Level.WARNING, "listeners still busy 10 s after close()");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void runCheck(ServerRun server) {
        if (closed) {
            return;
        }
        ProxyConfig proxy = server.backend.proxy;
        if (server.health.maintenance()) {
            // HAProxy pauses the check but keeps its task waking every inter, on the same cadence (spec §1.5)
            server.next = scheduler.schedule(() -> runCheck(server), server.config.interNanos());
            return;
        }
        CheckRun run = new CheckRun(server.backend.program(server), scheduler, server.config.interNanos(),
                proxy.timeoutConnectNanos(), proxy.timeoutCheckNanos(), server.tls,
                results -> onResults(server, results))
                .proxyProtocol(server.config.sendProxy(), server.config.checkProxyVersion());
        run.start(transport, server.target);
    }

    private void runAgentCheck(ServerRun server) {
        if (closed) {
            return;
        }
        ProxyConfig proxy = server.backend.proxy;
        CheckRun[] run = new CheckRun[1];
        run[0] = new CheckRun(server.agent.program, scheduler, server.config.agentInterNanos(),
                proxy.timeoutConnectNanos(), proxy.timeoutCheckNanos(),
                // an agent check reports once: its program has no protocol parser of its own
                results -> onAgentOutcome(server, results.get(results.size() - 1), run[0].agentReply()));
        run[0].start(transport, server.agent.target);
    }

    /** Applies what a health check reported, in order (twice for a passing mysql-check or ldap-check). */
    private void onResults(ServerRun server, List<CheckOutcome> results) {
        if (closed) {
            return;
        }
        if (server.health.maintenance()) {
            // the agent put the server in maintenance while this check ran: HAProxy drops the paused result
            server.next = scheduler.schedule(() -> runCheck(server), server.config.interNanos());
            return;
        }
        for (CheckOutcome result : results) {
            publish(server, server.health.apply(result), result, false);
        }
        long interval = server.policy.intervalNanos(server.health.counter(), server.health.state());
        long delay = IntervalPolicy.withSpread(interval, config.global().spreadChecks(), random.nextDouble());
        server.next = scheduler.schedule(() -> runCheck(server), delay);
    }

    private void onAgentOutcome(ServerRun server, CheckOutcome outcome, AgentReply reply) {
        if (closed) {
            return;
        }
        publish(server, server.health.applyAgent(outcome, reply, server.config.weight()), outcome, true);
        long interval = server.agent.policy.intervalNanos(server.health.agent().counter(), server.health.state());
        long delay = IntervalPolicy.withSpread(interval, config.global().spreadChecks(), random.nextDouble());
        server.agentNext = scheduler.schedule(() -> runAgentCheck(server), delay);
    }

    /** Applies a step's changes one by one, emitting each line HAProxy logs for them, in HAProxy's order. */
    private void publish(ServerRun server, HealthStep step, CheckOutcome outcome, boolean agentCheck) {
        BackendRun backend = server.backend;
        boolean logChecks = backend.proxy.logHealthChecks();
        String proxyName = backend.proxy.name();
        String serverName = server.config.name();
        for (Transition t : step.transitions()) {
            boolean hadUsable = backend.traffic.hasUsableServer();
            server.health = t.after();
            server.traffic.update(t.after().usable(), t.after().weight());
            long now = scheduler.nanoTime();
            int active = backend.traffic.activeServers();
            int backup = backend.traffic.backupServers();
            HaproxyLogFormat.Counts counts = HaproxyLogFormat.Counts.of(active, backup);
            ServerState from = t.before().state();
            ServerState to = t.after().state();
            boolean quiet = from == ServerState.NOLB || t.before().drain();
            switch (t.kind()) {
                case CHECK -> {
                    if (agentCheck) {
                        String line = logChecks && step.agentReported() ? HaproxyLogFormat.agentCheck(server.name,
                                outcome, t.after().agent().counter(), t.after().weight()) : null;
                        emit(new HealthEvent.AgentCheckCompleted(now, proxyName, serverName, outcome,
                                t.after().agent().health(), line));
                    } else {
                        String line = logChecks && step.reported() ? HaproxyLogFormat.healthCheck(server.name,
                                outcome, t.after().counter(), t.after().weight()) : null;
                        emit(new HealthEvent.CheckCompleted(now, proxyName, serverName, outcome,
                                t.before().counter(), t.after().counter(), line));
                    }
                }
                case STATE -> {
                    String line = HaproxyLogFormat.transition(server.name, to, logChecks ? null : outcome, counts);
                    LogLevel level = to == ServerState.DOWN && !quiet ? LogLevel.ALERT : LogLevel.NOTICE;
                    emit(new HealthEvent.StateChanged(now, proxyName, serverName, server.config.backup(), from, to,
                            outcome, active, backup, level, line));
                }
                case MAINT_ON -> {
                    boolean wasDown = from == ServerState.DOWN;
                    admin(server, t, HaproxyLogFormat.maintOn(server.name, wasDown, counts),
                            wasDown || quiet ? LogLevel.NOTICE : LogLevel.ALERT, now);
                }
                case MAINT_OFF -> admin(server, t, HaproxyLogFormat.maintOff(server.name, to != ServerState.DOWN,
                        t.after().drain()), LogLevel.NOTICE, now);
                case DRAIN_ON -> admin(server, t, HaproxyLogFormat.drainOn(server.name, to == ServerState.DOWN,
                        counts), LogLevel.NOTICE, now);
                case DRAIN_OFF -> admin(server, t, HaproxyLogFormat.drainOff(server.name, to != ServerState.DOWN),
                        LogLevel.NOTICE, now);
                case DRAIN_REMAINS -> admin(server, t, HaproxyLogFormat.drainRemains(server.name), LogLevel.NOTICE,
                        now);
                case WEIGHT -> {
                    // a weight change logs nothing itself; it may still empty the backend below
                }
            }
            if (hadUsable && active + backup == 0) {
                emit(new HealthEvent.NoServerAvailable(now, proxyName,
                        HaproxyLogFormat.noServerAvailable(backend.proxy.kindWord(), proxyName)));
            }
        }
    }

    private void admin(ServerRun server, Transition t, String line, LogLevel level, long now) {
        emit(new HealthEvent.AdminStateChanged(now, server.backend.proxy.name(), server.config.name(),
                server.config.backup(), t.kind(), t.before().state(), t.after().state(), level, line));
    }

    private void emit(HealthEvent event) {
        if (listeners.isEmpty()) {
            return;
        }
        try {
            listenerExecutor.execute(() -> deliver(event));
        } catch (RejectedExecutionException e) {
            LOGGER.log(System.Logger.Level.WARNING, "listener executor rejected " + event, e);
        }
    }

    private void deliver(HealthEvent event) {
        for (HealthListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (Throwable t) {
                LOGGER.log(System.Logger.Level.WARNING, "health listener " + listener + " failed on " + event, t);
            }
        }
    }

    /**
     * Builds a {@link HealthCheckEngine}. Not thread-safe; {@link #build()} may be called again and gives
     * an independent engine.
     */
    public static final class Builder {

        private final HaproxyConfig config;
        private final Set<String> backends = new LinkedHashSet<>();
        private final List<HealthListener> listeners = new ArrayList<>();
        private ProbeTransport transport;
        private RandomGenerator random;
        private Executor listenerExecutor;

        private Builder(HaproxyConfig config) {
            this.config = config;
        }

        /**
         * Restricts the checks to these backend or listen sections; by default all are checked. Calls add up.
         *
         * @param names section names; never null
         * @return this builder
         * @throws NullPointerException if {@code names} or a name is null
         */
        public Builder backends(Collection<String> names) {
            for (String name : names) {
                backends.add(Objects.requireNonNull(name, "name"));
            }
            return this;
        }

        /**
         * Adds a listener; listeners are called in the order they were added.
         *
         * @param listener the listener; never null
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(HealthListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the transport that opens check connections and whose scheduler times the checks. The caller
         * keeps ownership: {@link HealthCheckEngine#close()} does not close it. By default the engine creates
         * a live {@link NettyProbeTransport} and closes it.
         *
         * @param transport the transport; never null
         * @return this builder
         * @throws NullPointerException if {@code transport} is null
         */
        public Builder transport(ProbeTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Sets the source of randomness ({@code spread-checks} jitter); pass a seeded generator for repeatable
         * runs. Used on the scheduler thread only.
         *
         * @param random the generator; never null
         * @return this builder
         * @throws NullPointerException if {@code random} is null
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Sets where listeners run. It must run tasks one at a time in submission order, or events reach
         * listeners out of order. The caller keeps ownership: {@link HealthCheckEngine#close()} neither shuts
         * it down nor waits for it. By default the engine runs listeners on a daemon thread of its own
         * ({@code haprobe-events}) and drains it on close. Pass {@code Runnable::run} to call listeners on the
         * scheduler thread itself, as deterministic runs on virtual time want; they must then be fast and
         * must not block.
         *
         * @param executor the executor; never null
         * @return this builder
         * @throws NullPointerException if {@code executor} is null
         */
        public Builder listenerExecutor(Executor executor) {
            this.listenerExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Builds the engine: compiles each section's check and resolves each server's check address.
         *
         * @return the engine, not started yet
         * @throws IllegalArgumentException if a backend name given to {@link #backends} is not in the config
         * @throws ConfigException          if a checked server's address cannot be resolved, or the TLS files of a
         *                                  server whose checks use TLS cannot be read (its message names the file,
         *                                  line and column of the server)
         * @throws IllegalStateException    if a server's checks use TLS ({@code ssl}, {@code check-ssl},
         *                                  {@code tcp-check connect ssl}) and {@code haprobe-engine-tls} is not on
         *                                  the class path
         */
        public HealthCheckEngine build() {
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
                    if (server.check()) {
                        ServerHealth boot = ServerHealth.boot(server.rise(), server.fall(), server.disabled());
                        allChecks.add(server);
                        intervals.add(policyOf(server).intervalNanos(boot.counter(), boot.state()));
                    }
                    if (server.agentCheck()) {
                        allChecks.add(server);
                        intervals.add(server.agentInterNanos());
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

            List<BackendRun> runs = new ArrayList<>();
            for (ProxyConfig proxy : config.proxies()) {
                if (!backends.isEmpty() && !backends.contains(proxy.name())) {
                    continue;
                }
                BackendRun run = new BackendRun(proxy, node);
                for (ServerConfig server : proxy.servers()) {
                    Integer position = checkIndex.get(server);
                    long first = position == null ? 0 : offsets[position];
                    long agentFirst = !server.agentCheck() ? 0 : offsets[position + (server.check() ? 1 : 0)];
                    run.servers.add(new ServerRun(run, server, first, agentFirst, transport,
                            tlsOf(proxy, run.programUp, server)));
                }
                runs.add(run);
            }
            boolean owns = transport == null;
            ProbeTransport chosen = owns ? NettyProbeTransport.create() : transport;
            return new HealthCheckEngine(this, List.copyOf(runs), chosen, owns);
        }

        /**
         * Prepares the TLS side of a checked server whose program opens a TLS connection (spec §6.2), as HAProxy
         * prepares the server's SSL context at startup; null for plain checks.
         */
        private CheckTls tlsOf(ProxyConfig proxy, CheckProgram program, ServerConfig server) {
            if (!server.check() || !usesTls(program, server)) {
                return null;
            }
            TlsSupport support = TlsSupport.find().orElseThrow(() -> new IllegalStateException("server "
                    + proxy.name() + "/" + server.name() + " uses TLS for its checks (" + tlsSource(proxy, server)
                    + "): add io.haprobe:haprobe-engine-tls to the classpath"));
            TlsClientSpec spec = new TlsClientSpec(proxy.name(), server.name(), server.location(), server.tls(),
                    server.tls().verifies(config.global()));
            TlsClient client = transport != null ? transport.tlsClient(support, spec) : support.newClient(spec);
            return new CheckTls(client, server);
        }

        private static boolean usesTls(CheckProgram program, ServerConfig server) {
            for (CheckRule rule : program.rules()) {
                if (rule instanceof CheckRule.Connect connect && connect.usesTls(server.checkUsesTls())) {
                    return true;
                }
            }
            return false;
        }

        private static String tlsSource(ProxyConfig proxy, ServerConfig server) {
            if (!server.checkUsesTls()) {
                String kind = proxy.checkOption() != null ? "tcp-check" : "http-check";
                return kind + " connect ssl in " + proxy.kindWord() + " " + proxy.name();
            }
            return "ssl/check-ssl at " + server.location().file() + ":" + server.location().line();
        }
    }

    private static Thread newEventThread(Runnable task) {
        Thread thread = new Thread(task, "haprobe-events");
        thread.setDaemon(true);
        return thread;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }

    private static IntervalPolicy policyOf(ServerConfig server) {
        return new IntervalPolicy(server.interNanos(), server.fastInterNanos(), server.downInterNanos());
    }

    /** A checked section: its compiled programs and its servers. Confined to the scheduler thread. */
    private static final class BackendRun {

        final ProxyConfig proxy;
        /** The {@code node} name for send-state; null when no section uses send-state and none is set. */
        final String node;
        final CheckProgram programUp;
        final CheckProgram programDown;
        final List<ServerRun> servers = new ArrayList<>();
        /** The servers usable for traffic and their weights; scheduler thread only. */
        final Backend traffic;

        BackendRun(ProxyConfig proxy, String node) {
            this.proxy = proxy;
            this.node = node;
            this.programUp = CheckProgram.compile(proxy, false, null);
            this.programDown = proxy.disableOn404() ? CheckProgram.compile(proxy, true, null) : programUp;
            this.traffic = new Backend(proxy.name());
        }

        /**
         * Returns the program of one check of {@code server}: disable-on-404 applies only while it is not
         * DOWN, and send-state puts its current state in each request.
         */
        CheckProgram program(ServerRun server) {
            boolean stopped = server.health.state() == ServerState.DOWN;
            if (!proxy.sendState()) {
                return stopped ? programDown : programUp;
            }
            ServerConfig config = server.config;
            String state = HttpRequestEncoder.serverState(server.health.sendStateText(), config.address(),
                    config.port(), proxy.name(), config.name(), node, server.health.weight(), traffic.totalWeight(),
                    0, 0, 0);
            return CheckProgram.compile(proxy, stopped, state);
        }
    }

    /** A server's agent check: its program, target, interval policy and first check. */
    private record AgentRun(CheckProgram program, CheckTarget target, IntervalPolicy policy,
                            long firstCheckNanos) {
    }

    /** One server's check state. Written on the scheduler thread; {@code health} is read from any thread. */
    private static final class ServerRun {

        final BackendRun backend;
        final ServerConfig config;
        final HaproxyLogFormat.ServerName name;
        final IntervalPolicy policy;
        final CheckTarget target;
        final long firstCheckNanos;
        final boolean checked;
        final AgentRun agent;
        final CheckTls tls;
        final Backend.Server traffic;
        volatile ServerHealth health;
        Cancellable next = Cancellable.NONE;
        Cancellable agentNext = Cancellable.NONE;

        /**
         * Resolves the check and agent addresses through {@code transport}, or the system resolver when null;
         * {@code tls} is the TLS side of the health check, null for a plain one (agents are always plain).
         */
        ServerRun(BackendRun backend, ServerConfig config, long firstCheckNanos, long agentFirstCheckNanos,
                  ProbeTransport transport, CheckTls tls) {
            this.backend = backend;
            this.tls = tls;
            this.config = config;
            this.name = new HaproxyLogFormat.ServerName(backend.proxy.name(), config.name(), config.backup());
            this.policy = policyOf(config);
            this.firstCheckNanos = firstCheckNanos;
            this.checked = config.check();
            this.health = ServerHealth.boot(config.rise(), config.fall(), config.disabled(), config.weight(),
                    config.agentCheck(), checked);
            this.traffic = backend.traffic.addServer(config.name(), config.backup(), health.usable(), health.weight());
            this.target = new CheckTarget(backend.proxy.name(), config.name(), checked
                    ? resolve(config, config.effectiveCheckAddress(), config.effectiveCheckPort(), transport)
                    : InetSocketAddress.createUnresolved(config.address(), config.port()));
            if (config.agentCheck()) {
                String host = config.agentAddress() != null ? config.agentAddress() : config.effectiveCheckAddress();
                byte[] send = config.agentSend() == null ? null
                        : config.agentSend().getBytes(StandardCharsets.ISO_8859_1);
                this.agent = new AgentRun(CheckProgram.agent(config.effectiveAgentPort(), null, send),
                        new CheckTarget(backend.proxy.name(), config.name(),
                                resolve(config, host, config.effectiveAgentPort(), transport)),
                        new IntervalPolicy(config.agentInterNanos(), 0, 0), agentFirstCheckNanos);
            } else {
                this.agent = null;
            }
        }

        ServerSnapshot snapshot() {
            return new ServerSnapshot(backend.proxy.name(), config.name(),
                    config.effectiveCheckAddress() + ':' + config.effectiveCheckPort(), config.backup(), checked,
                    config.weight(), health);
        }

        private static InetSocketAddress resolve(ServerConfig config, String host, int port,
                                                 ProbeTransport transport) {
            try {
                return transport == null ? ProbeTransport.lookUp(host, port) : transport.resolve(host, port);
            } catch (UnknownHostException e) {
                throw new ConfigException(config.location(), "could not resolve address '" + host + "' of server '"
                        + config.name() + "'");
            }
        }
    }
}
