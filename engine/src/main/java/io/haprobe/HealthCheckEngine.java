package io.haprobe;

import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.health.BootSpread;
import io.haprobe.health.HealthStep;
import io.haprobe.health.IntervalPolicy;
import io.haprobe.health.ServerHealth;
import io.haprobe.internal.CheckRun;
import io.haprobe.internal.CheckTls;
import io.haprobe.report.HaproxyLogFormat;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
 * the first checks, one check per server at a time over the {@link ProbeTransport}, the health counter and
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
     * UP with {@code health = rise}; {@code disabled} ones start in maintenance and are not checked.
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
                    if (server.checked && !server.health.maintenance()) {
                        server.next = scheduler.schedule(() -> runCheck(server), server.firstCheckNanos);
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
            scheduler.execute(() -> backends.forEach(b -> b.servers.forEach(s -> s.next.cancel())));
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
        CheckRun run = new CheckRun(server.backend.program, scheduler, server.config.interNanos(),
                proxy.timeoutConnectNanos(), proxy.timeoutCheckNanos(), server.tls,
                outcome -> onOutcome(server, outcome));
        run.start(transport, server.target);
    }

    private void onOutcome(ServerRun server, CheckOutcome outcome) {
        if (closed) {
            return;
        }
        BackendRun backend = server.backend;
        boolean logChecks = backend.proxy.logHealthChecks();
        boolean hadUsable = backend.usableActive + backend.usableBackup > 0;
        HealthStep step = server.health.apply(outcome);
        server.health = step.after();
        backend.recount(server, step.before(), step.after());
        long now = scheduler.nanoTime();
        String checkLine = logChecks && step.reported()
                ? HaproxyLogFormat.healthCheck(server.name, outcome, step.after().counter(), server.config.weight())
                : null;
        emit(new HealthEvent.CheckCompleted(now, backend.proxy.name(), server.config.name(), outcome,
                step.before().counter(), step.after().counter(), checkLine));
        if (step.stateChanged()) {
            ServerState from = step.before().state();
            ServerState to = step.after().state();
            int active = backend.usableActive;
            int backup = backend.usableBackup;
            String line = HaproxyLogFormat.transition(server.name, to, logChecks ? null : outcome,
                    HaproxyLogFormat.Counts.of(active, backup));
            LogLevel level = to == ServerState.STOPPED && from != ServerState.STOPPING ? LogLevel.ALERT : LogLevel.NOTICE;
            emit(new HealthEvent.StateChanged(now, backend.proxy.name(), server.config.name(), server.config.backup(),
                    from, to, outcome, active, backup, level, line));
            if (hadUsable && active + backup == 0) {
                emit(new HealthEvent.NoServerAvailable(now, backend.proxy.name(),
                        HaproxyLogFormat.noServerAvailable(backend.proxy.kindWord(), backend.proxy.name())));
            }
        }
        long interval = server.policy.intervalNanos(server.health.counter(), server.health.state());
        long delay = IntervalPolicy.withSpread(interval, config.global().spreadChecks(), random.nextDouble());
        server.next = scheduler.schedule(() -> runCheck(server), delay);
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
            List<ServerConfig> allChecks = new ArrayList<>();
            for (ProxyConfig proxy : config.proxies()) {
                proxy.servers().stream().filter(ServerConfig::check).forEach(allChecks::add);
            }
            long[] bootIntervals = new long[allChecks.size()];
            for (int i = 0; i < bootIntervals.length; i++) {
                ServerConfig server = allChecks.get(i);
                ServerHealth boot = ServerHealth.boot(server.rise(), server.fall(), server.disabled());
                bootIntervals[i] = policyOf(server).intervalNanos(boot.counter(), boot.state());
            }
            long[] offsets = BootSpread.offsetsNanos(bootIntervals, config.global().maxSpreadChecksNanos());
            Map<ServerConfig, Integer> checkIndex = new IdentityHashMap<>();
            for (int i = 0; i < allChecks.size(); i++) {
                checkIndex.put(allChecks.get(i), i);
            }

            List<BackendRun> runs = new ArrayList<>();
            for (ProxyConfig proxy : config.proxies()) {
                if (!backends.isEmpty() && !backends.contains(proxy.name())) {
                    continue;
                }
                BackendRun run = new BackendRun(proxy, CheckProgram.compile(proxy));
                for (ServerConfig server : proxy.servers()) {
                    Integer position = checkIndex.get(server);
                    run.servers.add(new ServerRun(run, server, position == null ? 0 : offsets[position], transport,
                            tlsOf(proxy, run.program, server)));
                }
                run.countUsable();
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
            TlsClient client = transport instanceof SimulatedTransport simulated
                    ? simulated.tlsSimulation().newClient(spec)
                    : support.newClient(spec);
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
                return "tcp-check connect ssl in " + proxy.kindWord() + " " + proxy.name();
            }
            return "ssl/check-ssl at " + server.location().file() + ":" + server.location().line();
        }
    }

    private static Thread newEventThread(Runnable task) {
        Thread thread = new Thread(task, "haprobe-events");
        thread.setDaemon(true);
        return thread;
    }

    private static IntervalPolicy policyOf(ServerConfig server) {
        return new IntervalPolicy(server.interNanos(), server.fastInterNanos(), server.downInterNanos());
    }

    /** A checked section: its compiled program and its servers. Confined to the scheduler thread. */
    private static final class BackendRun {

        final ProxyConfig proxy;
        final CheckProgram program;
        final List<ServerRun> servers = new ArrayList<>();
        /** Usable active and backup servers, kept current on every state change; scheduler thread only. */
        int usableActive;
        int usableBackup;

        BackendRun(ProxyConfig proxy, CheckProgram program) {
            this.proxy = proxy;
            this.program = program;
        }

        /** Recounts the usable servers after {@code server} went from {@code before} to {@code after}. */
        void recount(ServerRun server, ServerHealth before, ServerHealth after) {
            int delta = (isUsable(server.config, after) ? 1 : 0) - (isUsable(server.config, before) ? 1 : 0);
            if (server.config.backup()) {
                usableBackup += delta;
            } else {
                usableActive += delta;
            }
        }

        /** Counts the servers usable for traffic from scratch; at build time only. */
        void countUsable() {
            usableActive = 0;
            usableBackup = 0;
            for (ServerRun server : servers) {
                if (isUsable(server.config, server.health)) {
                    if (server.config.backup()) {
                        usableBackup++;
                    } else {
                        usableActive++;
                    }
                }
            }
        }

        /** Tells whether a server is usable for traffic (spec §1.5): UP, not in maintenance, weight above 0. */
        private static boolean isUsable(ServerConfig config, ServerHealth health) {
            return !health.maintenance() && config.weight() > 0
                    && (health.state() == ServerState.RUNNING || health.state() == ServerState.STARTING);
        }
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
        final CheckTls tls;
        volatile ServerHealth health;
        Cancellable next = Cancellable.NONE;

        /** Resolves the check address through {@code transport}, or the system resolver when it is null. */
        ServerRun(BackendRun backend, ServerConfig config, long firstCheckNanos, ProbeTransport transport,
                  CheckTls tls) {
            this.backend = backend;
            this.tls = tls;
            this.config = config;
            this.name = new HaproxyLogFormat.ServerName(backend.proxy.name(), config.name(), config.backup());
            this.policy = policyOf(config);
            this.firstCheckNanos = firstCheckNanos;
            this.checked = config.check();
            this.health = ServerHealth.boot(config.rise(), config.fall(), config.disabled());
            this.target = new CheckTarget(backend.proxy.name(), config.name(), checked
                    ? resolve(config, transport)
                    : InetSocketAddress.createUnresolved(config.address(), config.port()));
        }

        ServerSnapshot snapshot() {
            return new ServerSnapshot(backend.proxy.name(), config.name(),
                    config.effectiveCheckAddress() + ':' + config.effectiveCheckPort(), config.backup(), checked,
                    config.weight(), health);
        }

        private static InetSocketAddress resolve(ServerConfig config, ProbeTransport transport) {
            try {
                String host = config.effectiveCheckAddress();
                int port = config.effectiveCheckPort();
                return transport == null ? ProbeTransport.lookUp(host, port) : transport.resolve(host, port);
            } catch (UnknownHostException e) {
                throw new ConfigException(config.location(), "could not resolve address '"
                        + config.effectiveCheckAddress() + "' of server '" + config.name() + "'");
            }
        }
    }
}
