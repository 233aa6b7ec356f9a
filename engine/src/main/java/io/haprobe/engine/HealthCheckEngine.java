package io.haprobe.engine;

import io.haprobe.ServerState;
import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.FrontendConfig;
import io.haprobe.traffic.FrontendTraffic;
import io.haprobe.health.AdminRequest;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
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
 *       owns and closes</td><td>how check connections are opened, and the schedulers that time them</td></tr>
 *   <tr><td>{@link Builder#threads(int)}</td><td>0: {@code nbthread}, else one per processor</td><td>the event
 *       loops of the transport the engine creates ({@code nbthread})</td></tr>
 *   <tr><td>{@link Builder#checkStarts(CheckStartRecorder)}</td><td>none</td><td>receives each health
 *       check's planned and actual start (its lateness), on the event loop</td></tr>
 *   <tr><td>{@link Builder#random(RandomGenerator)}</td><td>an unseeded {@link SplittableRandom}</td>
 *       <td>the one source of randomness ({@code spread-checks} jitter)</td></tr>
 *   <tr><td>{@link Builder#listenerExecutor(Executor)}</td><td>one daemon thread of the engine's,
 *       {@code haprobe-events}</td><td>where listeners run, one event at a time, in order</td></tr>
 * </table>
 *
 * <p>Threading: the servers are spread round robin over the transport's event loops
 * ({@link ProbeTransport#schedulers()}; one on a virtual scheduler), and each server's check state lives on its
 * loop's thread, as HAProxy confines each check task to one of its threads. What servers of one backend share
 * (its counts, its availability) changes under a lock, so a server's events and log lines come in the order of
 * its checks; the lines of different servers on different loops may interleave, as HAProxy's threads' do.
 * Listeners run on the listener executor, so a slow or throwing listener cannot stall or break the checks; {@link #close()}
 * delivers the events already produced before it returns, those of a check finishing during it included. {@link #servers()} and
 * {@link #server(String, String)} may be called from any thread and return immutable snapshots.
 * {@link #close()} must not be called from an event loop. The runtime API ({@link #execute(String)}, the
 * stats socket's commands) may be called from any thread: it runs on the first event loop, and each of its
 * changes to a server is one atomic step against that server's checks.
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
    private static final long STOP_WAIT_SECONDS = 10;

    private final HaproxyConfig config;
    private final ProbeTransport transport;
    private final boolean ownsTransport;
    private final Scheduler scheduler;
    private final ListenerDispatcher dispatcher;
    private final List<CheckLoop> loops;
    private final List<CheckedSection> sections;
    private final Map<String, FrontendTraffic> frontends;
    private final StatsReport stats;
    private final RuntimeApi runtime;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile long startNanos;

    private HealthCheckEngine(Builder builder, List<CheckPlanner.SectionPlan> plans, ProbeTransport transport,
                              boolean owns) {
        this.config = builder.config;
        this.dispatcher = new ListenerDispatcher(builder.listeners, builder.listenerExecutor);
        RandomGenerator random = builder.random != null ? builder.random : new SplittableRandom();
        this.transport = transport;
        this.ownsTransport = owns;
        this.scheduler = transport.scheduler();
        RandomGenerator trafficRandom = builder.trafficRandom != null ? builder.trafficRandom : new SplittableRandom();
        List<Scheduler> schedulers = transport.schedulers();
        List<CheckLoop> each = new ArrayList<>(schedulers.size());
        for (int i = 0; i < schedulers.size(); i++) {
            Scheduler on = schedulers.get(i);
            // the first loop draws from the builder's generator, as the single loop always did (a simulation's
            // draws stay the same); each other loop gets a generator of its own, seeded from it
            RandomGenerator loopRandom = i == 0 ? random : new SplittableRandom(random.nextLong());
            each.add(new CheckLoop(transport, on, loopRandom, config.global().spreadChecks(),
                    new TransitionLog(on, dispatcher::emit)));
            each.get(i).checkStarts(builder.checkStarts);
        }
        this.loops = List.copyOf(each);
        int[] nextLoop = {0};
        // servers are spread round robin over the loops, in declaration order across sections
        this.sections = plans.stream().map(plan -> new CheckedSection(plan,
                () -> loops.get(nextLoop[0]++ % loops.size()), trafficRandom)).toList();
        StatsReport.ProcessLimits limits = CheckPlanner.processLimits(config, scheduler instanceof VirtualScheduler);
        int globalMaxConn = limits.maxConn();
        Map<String, FrontendTraffic> frontendModels = new HashMap<>();
        for (FrontendConfig frontend : config.frontends()) {
            frontendModels.put(frontend.name(), FrontendTraffic.of(frontend, globalMaxConn));
        }
        this.frontends = Map.copyOf(frontendModels);
        this.stats = new StatsReport(config, sections, scheduler,
                scheduler instanceof VirtualScheduler ? 1 : ProcessHandle.current().pid(), frontends, limits);
        this.runtime = new RuntimeApi(sections, loops.get(0), dispatcher::emit, stats);
    }

    /**
     * Returns how many event loops a live engine checks on: {@code requested} when it is above 0, else the
     * {@code nbthread} of the config's {@code global} section when set, else one per available processor, as
     * HAProxy 2.6 starts one thread per CPU it may run on when {@code nbthread} is not set.
     *
     * @param config    the configuration; never null
     * @param requested the number asked for (the CLI's {@code --threads}, {@link Builder#threads(int)}), 0 for
     *                  the default; {@code >= 0}
     * @return the number of event loops, {@code >= 1}
     * @throws NullPointerException     if {@code config} is null
     * @throws IllegalArgumentException if {@code requested} is negative
     */
    public static int eventLoops(HaproxyConfig config, int requested) {
        Objects.requireNonNull(config, "config");
        if (requested < 0) {
            throw new IllegalArgumentException("threads: " + requested + " (expected: >= 0)");
        }
        if (requested > 0) {
            return requested;
        }
        int nbthread = config.global().nbthread();
        return nbthread > 0 ? nbthread : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Returns how many event loops the engine checks on: the size of its transport's
     * {@link ProbeTransport#schedulers()}, 1 on a virtual scheduler.
     *
     * @return {@code >= 1}
     */
    public int threads() {
        return loops.size();
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
     * <p>Each first check is planned from this call's scheduler time plus the server's spread offset. On a live
     * transport the call returns at once and each loop arms its servers just ahead of their first checks (10 ms
     * before, in the order of those checks), so a large config makes no first check late; {@code lastchg} counts
     * from this call for every server. On a {@link VirtualScheduler} every server is armed in one task at this
     * time, in declaration order. Thread-safe.
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
        stats.started(startNanos);
        sections.forEach(section -> section.started(startNanos));
        boolean live = !(scheduler instanceof VirtualScheduler);
        for (CheckLoop loop : loops) {
            // each loop starts its own servers: all at once in declaration order on virtual time, else just ahead of
            // their first checks, in the order of those (ties in declaration order: the sort is stable)
            List<ServerStarts.Start> starts = new ArrayList<>();
            long origin = startNanos;
            sections.forEach(section -> section.servers().forEach(server -> {
                if (server.loop() == loop) {
                    server.planned(origin);
                    long due = live ? origin + server.firstDueNanos() : Long.MIN_VALUE;
                    starts.add(new ServerStarts.Start(due, () -> server.start(origin)));
                }
            }));
            if (live) {
                starts.sort(Comparator.comparingLong(ServerStarts.Start::dueNanos));
            }
            loop.scheduler().execute(new ServerStarts(loop.scheduler(), loop::stopped, starts));
        }
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
     * Tells {@code sink} of each completed health check with its server, right after the listeners got its event
     * (a simulation's {@link CheckHistories}). Before {@link #start()}.
     *
     * @param sink           the sink; null for none
     * @param unloggedChecks false when no listener reads a {@link HealthEvent.CheckCompleted} that carries no log
     *                       line: the engine then builds none (see {@link TransitionLog#checks})
     */
    void checkSink(TransitionLog.CheckSink sink, boolean unloggedChecks) {
        for (CheckLoop loop : loops) {
            loop.log().checks(sink, unloggedChecks);
        }
    }

    /**
     * Returns a checked section's request model, for the simulation's traffic.
     *
     * @param backend the section's name; never null
     * @return the model, or null when the section is not checked or its algorithm is not modelled
     */
    io.haprobe.traffic.BackendTraffic requests(String backend) {
        for (CheckedSection section : sections) {
            if (section.name().equals(backend)) {
                return section.requests();
            }
        }
        return null;
    }

    /**
     * Returns a server's configuration by its request model's server.
     *
     * @param backend the section's name; never null
     * @param server  the server's name; never null
     * @return the configuration; never null
     * @throws IllegalArgumentException if there is no such checked server
     */
    io.haprobe.config.ServerConfig serverConfig(String backend, String server) {
        for (CheckedSection section : sections) {
            if (section.name().equals(backend)) {
                for (ServerChecker checker : section.servers()) {
                    if (checker.name().equals(server)) {
                        return checker.plan().config();
                    }
                }
            }
        }
        throw new IllegalArgumentException("server: " + backend + "/" + server + " (expected: a checked server)");
    }

    /**
     * Returns the request model of a frontend or listen section (its {@code maxconn} and FRONTEND counters), for the
     * simulation's traffic.
     *
     * @param name the section's name; never null
     * @return the model, or null when the config has no such frontend
     */
    FrontendTraffic frontendTraffic(String name) {
        return frontends.get(name);
    }

    /** Sets who carries out the traffic decisions of servers' state changes; before {@link #start()}. */
    void trafficEffects(TrafficEffects effects) {
        loops.forEach(each -> each.trafficEffects(effects));
    }

    /**
     * Returns when the last first health check of the checked sections is planned, counted from
     * {@link #start()}: HAProxy spreads the servers' first checks over their {@code inter} (spec §2.3), so a run
     * shorter than this leaves some server without any completed check.
     *
     * @return the delay, {@link Duration#ZERO} when no server of the checked sections has {@code check}; never
     *         null
     */
    public Duration lastFirstCheckDelay() {
        long latest = 0;
        for (CheckedSection section : sections) {
            for (ServerChecker server : section.servers()) {
                latest = Math.max(latest, server.firstCheckNanos());
            }
        }
        return Duration.ofNanos(latest);
    }

    /**
     * Returns a snapshot of every server of the checked sections, in declaration order.
     *
     * @return the snapshots, never null
     */
    public List<ServerSnapshot> servers() {
        List<ServerSnapshot> snapshots = new ArrayList<>();
        for (CheckedSection section : sections) {
            for (ServerChecker server : section.servers()) {
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
        for (CheckedSection section : sections) {
            if (section.name().equals(backend)) {
                for (ServerChecker candidate : section.servers()) {
                    if (candidate.name().equals(server)) {
                        return Optional.of(candidate.snapshot());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a command of HAProxy 2.6's runtime API (the stats socket, spec §10) and returns its reply exactly as
     * HAProxy prints it: {@code show stat}, {@code show servers state [<backend>]}, {@code show info},
     * {@code help}, {@code disable|enable server|health|agent <backend>/<server>},
     * {@code set server <backend>/<server> state ready|drain|maint}, {@code ... health up|stopping|down},
     * {@code ... agent up|down}, {@code ... weight <w>[%]}, {@code ... addr <ip> [port <port>]},
     * {@code set weight <backend>/<server> <w>[%]} and {@code get weight <backend>/<server>}; several commands
     * may be separated by {@code ;}. Most successful commands reply nothing (an empty string); errors reply
     * HAProxy's text, e.g. {@code No such server.\n}. The lines a command makes HAProxy log ({@code Server be/s1
     * is going DOWN for maintenance. ...}) go to the listeners as {@link HealthEvent}s, after a
     * {@link HealthEvent.CommandExecuted}; a server named {@code #<id>} is found by its number.
     *
     * <p>Thread-safe. On a live engine the command runs on the first event loop and this method waits for it (at
     * most 10 seconds); from one of the engine's event loops, and on a {@link VirtualScheduler}, it runs at once on
     * the calling thread, at the scheduler's current time.
     *
     * @param command the command line, without its line terminator; never null
     * @return the reply, never null; empty when HAProxy replies nothing
     * @throws NullPointerException  if {@code command} is null
     * @throws IllegalStateException if the engine is closed, or the event loop did not run the command in time
     */
    public String execute(String command) {
        Objects.requireNonNull(command, "command");
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        if (scheduler instanceof VirtualScheduler || onLoop()) {
            return runtime.execute(command);
        }
        try {
            return executeAsync(command).get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running '" + command + "'", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the event loop did not run '" + command + "'", e);
        }
    }

    /**
     * Runs a runtime API command on the event loop without waiting, as {@link #execute(String)} does; for
     * callers on an I/O thread such as the stats socket. On a {@link VirtualScheduler} it runs at once. A line that is
     * one {@code show stat} is written {@value #STAT_SLICE} servers at a time, one slice per turn of the loop
     * between its I/O and its timers, as HAProxy writes its dump a buffer at a time between its tasks: a dump of
     * 100,000 servers held the checks of the loop for a second when it was written at once. Every other line (several
     * commands joined by {@code ;}, {@code show servers state}, ...) runs in one task, as before. The listeners hear
     * of a command ({@link HealthEvent.CommandExecuted}) through their executor, maybe after its reply completed.
     *
     * @param command the command line, without its line terminator; never null
     * @return the reply, completed on the event loop; failed with {@link IllegalStateException} if the engine is
     *         closed
     * @throws NullPointerException if {@code command} is null
     */
    public java.util.concurrent.CompletableFuture<String> executeAsync(String command) {
        Objects.requireNonNull(command, "command");
        java.util.concurrent.CompletableFuture<String> reply = new java.util.concurrent.CompletableFuture<>();
        if (closed) {
            reply.completeExceptionally(new IllegalStateException("engine is closed"));
            return reply;
        }
        Runnable task = () -> {
            try {
                reply.complete(runtime.execute(command));
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            }
        };
        if (scheduler instanceof VirtualScheduler || onLoop()) {
            task.run();
        } else {
            try {
                scheduler.execute(() -> {
                    StatsReport.StatDump dump;
                    try {
                        dump = runtime.statDump(command);
                    } catch (RuntimeException e) {
                        reply.completeExceptionally(e);
                        return;
                    }
                    if (dump == null) {
                        task.run();
                    } else {
                        new StatSlices(command, dump, reply).run();
                    }
                });
            } catch (RuntimeException rejected) {
                reply.completeExceptionally(new IllegalStateException("engine is closed", rejected));
            }
        }
        return reply;
    }

    /** The runtime API, for the tests of this package. */
    RuntimeApi runtime() {
        return runtime;
    }

    /** The servers of one slice of a {@code show stat} written from {@link #executeAsync}: about 1 to 3 ms. */
    static final int STAT_SLICE = 256;

    /**
     * A {@code show stat} being written a slice at a time on the first loop. Each next slice is a timer of no delay:
     * Netty takes the due timers into its task queue once per turn of the loop, after the I/O, so a slice never
     * follows another in the same turn (a plain task would, for up to a second of tasks).
     */
    private final class StatSlices implements Runnable {
        private final String command;
        private final StatsReport.StatDump dump;
        private final java.util.concurrent.CompletableFuture<String> reply;
        private final long startNanos;

        StatSlices(String command, StatsReport.StatDump dump, java.util.concurrent.CompletableFuture<String> reply) {
            this.command = command;
            this.dump = dump;
            this.reply = reply;
            this.startNanos = scheduler.nanoTime();
        }

        @Override
        public void run() {
            if (closed) {
                reply.completeExceptionally(new IllegalStateException("engine is closed"));
                return;
            }
            try {
                if (dump.write(STAT_SLICE)) {
                    reply.complete(runtime.finish(command, startNanos, dump));
                } else {
                    scheduler.schedule(this, 0);
                }
            } catch (RuntimeException e) {
                reply.completeExceptionally(e instanceof java.util.concurrent.RejectedExecutionException
                        ? new IllegalStateException("engine is closed", e) : e);
            }
        }
    }

    /**
     * Sets a server's admin state, as {@code set server <backend>/<server> state ready|drain|maint} does
     * (spec §1.5, §10.3): the lines HAProxy logs for it go to the listeners.
     *
     * @param backend the backend or listen section; never null
     * @param server  the server; never null
     * @param state   the requested state; never null
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException with HAProxy's reply ({@code No such backend.}, {@code No such server.})
     *                                  when the server is not found
     * @throws IllegalStateException    as {@link #execute(String)}
     */
    public void setServerState(String backend, String server, AdminRequest state) {
        Objects.requireNonNull(state, "state");
        requireSilent(execute("set server " + target(backend, server) + " state "
                + state.name().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * Forces a server's health, as {@code set server <backend>/<server> health up|stopping|down} does
     * (spec §10.3): {@link ServerState#UP}, {@link ServerState#NOLB} (stopping) or {@link ServerState#DOWN}; the
     * line says {@code changed from CLI}.
     *
     * @param backend the backend or listen section; never null
     * @param server  the server; never null
     * @param health  UP, NOLB or DOWN; never null
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code health} is STARTING, or with HAProxy's reply when the server is
     *                                  not found
     * @throws IllegalStateException    as {@link #execute(String)}
     */
    public void setServerHealth(String backend, String server, ServerState health) {
        String word = switch (Objects.requireNonNull(health, "health")) {
            case UP -> "up";
            case NOLB -> "stopping";
            case DOWN -> "down";
            case STARTING -> throw new IllegalArgumentException("health: STARTING (expected: UP, NOLB or DOWN)");
        };
        requireSilent(execute("set server " + target(backend, server) + " health " + word));
    }

    /**
     * Sets a server's user weight, as {@code set weight <backend>/<server> <weight>} does (spec §9.2, §10.3):
     * 0 takes it out of load balancing while it stays UP.
     *
     * @param backend the backend or listen section; never null
     * @param server  the server; never null
     * @param weight  0..256
     * @throws NullPointerException     if {@code backend} or {@code server} is null
     * @throws IllegalArgumentException with HAProxy's reply when the weight is out of range, the backend's
     *                                  algorithm is static, or the server is not found
     * @throws IllegalStateException    as {@link #execute(String)}
     */
    public void setWeight(String backend, String server, int weight) {
        requireSilent(execute("set weight " + target(backend, server) + ' ' + weight));
    }

    /**
     * Returns a server's user weight, as {@code get weight <backend>/<server>} prints it first
     * ({@code 10 (initial 20)} gives 10).
     *
     * @param backend the backend or listen section; never null
     * @param server  the server; never null
     * @return the weight, 0..256
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException with HAProxy's reply when the server is not found
     * @throws IllegalStateException    as {@link #execute(String)}
     */
    public int weight(String backend, String server) {
        String reply = execute("get weight " + target(backend, server));
        int space = reply.indexOf(' ');
        if (space <= 0 || !reply.substring(0, space).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(reply.strip());
        }
        return Integer.parseInt(reply.substring(0, space));
    }

    private static String target(String backend, String server) {
        return escape(Objects.requireNonNull(backend, "backend")) + '/' + escape(Objects.requireNonNull(server,
                "server"));
    }

    /** Protects the characters the CLI splits on (blanks, {@code ;}, backslash) with a backslash. */
    private static String escape(String word) {
        StringBuilder out = new StringBuilder(word.length());
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == ' ' || c == '\t' || c == ';' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static void requireSilent(String reply) {
        if (!reply.isEmpty()) {
            throw new IllegalArgumentException(reply.strip());
        }
    }

    /**
     * Returns {@code show stat}: HAProxy 2.6.12's CSV (spec §10.1), header included, each line ending with
     * {@code \n} (the stats socket adds the empty line that ends every reply). Same as
     * {@code execute("show stat")}.
     *
     * @return the CSV, never null
     * @throws IllegalStateException as {@link #execute(String)}
     */
    public String showStat() {
        return execute("show stat");
    }

    /**
     * Returns {@code show servers state}: format version 1 (spec §10.2), each line ending with {@code \n}.
     * Same as {@code execute("show servers state")}.
     *
     * @return the report, never null
     * @throws IllegalStateException as {@link #execute(String)}
     */
    public String showServersState() {
        return execute("show servers state");
    }

    /**
     * Stops the checks: no new check starts and no more events are produced; the transport is closed if
     * the engine created it, and the events produced before are delivered to the listeners before this
     * method returns (waiting at most 10 seconds for slow listeners). Calling it again does nothing.
     *
     * <p>A check that finishes while this method runs: on a live scheduler, this method first waits (at most
     * 10 seconds) until the event loop has taken the stop, so the events that check's result already produced
     * are delivered like the others; a result that reaches the event loop after the stop is dropped, as HAProxy
     * drops the result of a check whose task is stopped. No event is ever rejected with an exception. On a
     * {@link VirtualScheduler}, which runs tasks only inside its owner's {@code runUntil}, nothing runs
     * concurrently and nothing is waited for.
     *
     * @throws IllegalStateException if called from one of the engine's event loops (e.g. from a listener called
     *                               on the loop)
     */
    @Override
    public void close() {
        if (onLoop()) {
            throw new IllegalStateException("close() must not be called from the engine's event loop");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            loops.forEach(CheckLoop::stop);
        }
        CountDownLatch stoppedOnLoops = new CountDownLatch(loops.size());
        for (CheckLoop loop : loops) {
            try {
                loop.scheduler().execute(() -> {
                    sections.forEach(section -> section.servers().forEach(server -> {
                        if (server.loop() == loop) {
                            server.stop();
                        }
                    }));
                    stoppedOnLoops.countDown();
                });
            } catch (RuntimeException alreadyStopped) {
                stoppedOnLoops.countDown();
                LOGGER.log(System.Logger.Level.DEBUG, "scheduler already stopped", alreadyStopped);
            }
        }
        if (!(scheduler instanceof VirtualScheduler)) {
            awaitStop(stoppedOnLoops);
        }
        if (ownsTransport) {
            transport.close();
        }
        dispatcher.close();
    }

    /** Tells whether the calling thread is one of the engine's event loops. */
    private boolean onLoop() {
        for (CheckLoop loop : loops) {
            if (loop.scheduler().inSchedulerThread()) {
                return true;
            }
        }
        return false;
    }

    /** Waits until every event loop ran the stop: any check result it was applying has emitted its events. */
    private static void awaitStop(CountDownLatch stoppedOnLoop) {
        try {
            if (!stoppedOnLoop.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOGGER.log(System.Logger.Level.WARNING, "an event loop still busy 10 s after close()");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        private RandomGenerator trafficRandom;
        private Executor listenerExecutor;
        private int threads;
        private CheckStartRecorder checkStarts = CheckStartRecorder.NONE;

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
         * Sets how many event loops (threads) the live transport the engine creates checks on, as HAProxy's
         * {@code nbthread}: the servers are spread round robin over the loops, each server's checks confined to
         * one. By default (0) the {@code nbthread} of the config's {@code global} section, else one loop per
         * available processor ({@link HealthCheckEngine#eventLoops(HaproxyConfig, int)}). Ignored when a
         * {@link #transport(ProbeTransport)} is given: its {@link ProbeTransport#schedulers()} decide (one for a
         * simulation, which always runs on one thread).
         *
         * @param threads the number of event loops, {@code >= 0}; 0 for the default
         * @return this builder
         * @throws IllegalArgumentException if {@code threads} is negative
         */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Sets who receives each health check's planned and actual start, to measure how late the checks start
         * (see {@link CheckStartRecorder} for its threading contract). By default none
         * ({@link CheckStartRecorder#NONE}), which costs nothing per check.
         *
         * @param recorder the recorder; never null
         * @return this builder
         * @throws NullPointerException if {@code recorder} is null
         */
        public Builder checkStarts(CheckStartRecorder recorder) {
            this.checkStarts = Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /**
         * Sets the source of randomness ({@code spread-checks} jitter); pass a seeded generator for repeatable
         * runs. Used on the first event loop only; with several loops each other loop draws from a
         * {@link SplittableRandom} seeded from it when the engine is built.
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
         * Sets the random source of the traffic model ({@code balance random}), kept apart from the checks' jitter
         * so that traffic never moves a check. Package-private: a {@link Simulation} seeds it.
         *
         * @param trafficRandom the generator; never null
         * @return this builder
         */
        Builder trafficRandom(RandomGenerator trafficRandom) {
            this.trafficRandom = Objects.requireNonNull(trafficRandom, "trafficRandom");
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
            List<CheckPlanner.SectionPlan> plans = new CheckPlanner(config, transport).plan(backends);
            boolean owns = transport == null;
            ProbeTransport chosen = owns ? NettyProbeTransport.create(eventLoops(config, threads)) : transport;
            return new HealthCheckEngine(this, plans, chosen, owns);
        }
    }
}
