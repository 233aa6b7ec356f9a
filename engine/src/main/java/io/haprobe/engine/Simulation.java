package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.TransitionDiagnosis;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.sim.Traffic;
import io.haprobe.time.VirtualScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic run of a haproxy.cfg's health checks against scripted backends, on virtual time: the real
 * {@link HealthCheckEngine} over a {@link SimulatedTransport} and a {@link VirtualScheduler}, with every random
 * draw (the {@code spread-checks} jitter, delay ranges) from one seed. An hour of checks runs in milliseconds,
 * and the same config, scripts and seed give the same {@link Timeline} on any machine.
 *
 * <p>The run starts (t=0, the engine boots the servers) when {@link Builder#build()} returns; nothing happens
 * until {@link #runFor(Duration)} or {@link #runUntil(Duration)} advances the clock.
 *
 * <pre>{@code
 * try (Simulation sim = Simulation.builder(HaproxyConfig.parse(Path.of("haproxy.cfg")))
 *         .seed(7)
 *         .script("app_backend/web01", ServerScript.builder()
 *                 .at(Duration.ZERO, Behaviour.http(200))
 *                 .at(Duration.ofSeconds(10), Behaviour.http(204))
 *                 .build())
 *         .build()) {
 *     sim.runFor(Duration.ofSeconds(60));
 *     sim.timeline().logLines().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: confined to the thread that built it; listeners run on that thread, inside
 * {@link #runFor(Duration)}, and must not call back into the simulation.
 */
public final class Simulation implements AutoCloseable {

    private final VirtualScheduler scheduler;
    private final SimulatedTransport transport;
    private final HealthCheckEngine engine;
    private final List<HealthEvent> events = new ArrayList<>();
    /** What the diagnoses read of the checks, fed as they complete: O(servers + DOWN transitions). */
    private final CheckHistories histories = new CheckHistories();
    /** The last {@link #timeline()}, returned again while no event was added; null before the first call. */
    private Timeline timeline;
    private final long seed;
    /** The traffic's driver, or null without traffic. */
    private final TrafficDriver driver;

    private Simulation(Builder builder) {
        this.seed = builder.seed;
        this.scheduler = new VirtualScheduler();
        SplittableRandom root = new SplittableRandom(builder.seed);
        SplittableRandom engineRandom = root.split();
        SplittableRandom backendRandom = root.split();
        SplittableRandom trafficRandom = root.split();
        this.transport = new SimulatedTransport(scheduler, builder.scripts, backendRandom);
        HealthCheckEngine.Builder engineBuilder = HealthCheckEngine.builder(builder.config)
                .transport(transport)
                .random(engineRandom)
                .trafficRandom(trafficRandom.split())
                .listenerExecutor(ListenerDispatcher.CALLER_THREAD)
                .listener(builder.recordChecks ? this::recordAll : this::recordLogged);
        if (!builder.backends.isEmpty()) {
            engineBuilder.backends(builder.backends);
        }
        builder.listeners.forEach(engineBuilder::listener);
        this.engine = engineBuilder.build();
        // the histories take each check straight from the server that ran it, not by its name from the event; a
        // check without a log line needs no event when the timeline drops it and no listener of the caller's reads it
        engine.checkSink(this::recordCheck, builder.recordChecks || !builder.listeners.isEmpty());
        TrafficDriver driver = null;
        if (!builder.traffic.isEmpty()) {
            driver = new TrafficDriver(scheduler, scheduler.nanoTime(), engine::requests,
                    target -> route(builder.config, target), engine::frontendTraffic, builder.scripts,
                    server -> engine.serverConfig(server.backendTraffic().name(), server.name()), trafficRandom,
                    events::add, builder.recordRequests);
            Map<String, io.haprobe.config.TrafficLog> logs = new HashMap<>();
            for (io.haprobe.config.FrontendConfig frontend : builder.config.frontends()) {
                logs.putIfAbsent(frontend.name(), frontend.log());
            }
            driver.httpLog(logs::get, builder.epoch.toEpochMilli());
            engine.trafficEffects(driver::carryOut);
            transport.proxiedSessions(driver::sessions);
            builder.traffic.forEach(driver::add);
        }
        this.driver = driver;
        engine.start();
        for (TimedCommand command : builder.commands) {
            scheduler.schedule(() -> engine.execute(command.command()), command.atNanos());
        }
    }

    /**
     * Returns how many requests of the traffic ended so far, whether or not the timeline records them
     * ({@link Builder#recordRequests(boolean)}): the number of {@link HealthEvent.RequestCompleted} a recording
     * timeline has.
     *
     * @return the count, {@code >= 0}; 0 without traffic
     */
    public long requestsEnded() {
        return driver == null ? 0 : driver.requestsEnded();
    }

    /**
     * Returns the 503s the traffic's clients got so far (HAProxy's own for no server, a queue timeout or overflow,
     * connect retries exhausted, or a server's), whether or not the timeline records the requests: by
     * {@code backend/server} for the server the request was assigned, and by {@code backend/BACKEND} for all of a
     * backend's (its servers' included). A client that gave up before its answer counts under no status.
     *
     * @return the counts by key, sorted by key, only keys with 503s; a new map, empty without traffic
     */
    public Map<String, Long> replies503() {
        return driver == null ? new java.util.TreeMap<>() : driver.replies503();
    }

    /** Keeps every event; the diagnoses' histories take the other events as they come ({@link #recordCheck}). */
    private void recordAll(HealthEvent event) {
        if (!(event instanceof HealthEvent.CheckCompleted)) {
            histories.add(event, TimeUnit.NANOSECONDS.toMillis(event.timeNanos() - engine.startNanos()));
        }
        events.add(event);
    }

    /** A health check completed: the diagnoses' histories take it, found through its server. */
    private void recordCheck(ServerChecker server, long timeNanos, CheckOutcome outcome) {
        histories.check(server, outcome, TimeUnit.NANOSECONDS.toMillis(timeNanos - engine.startNanos()));
    }

    /**
     * Keeps every event but the completed checks HAProxy does not log (health and agent checks without
     * {@code option log-health-checks}); the diagnoses' histories take the other events as they come
     * ({@link #recordCheck}).
     */
    private void recordLogged(HealthEvent event) {
        if (!(event instanceof HealthEvent.CheckCompleted)) {
            histories.add(event, TimeUnit.NANOSECONDS.toMillis(event.timeNanos() - engine.startNanos()));
        }
        if (event.logMessage() != null || !(event instanceof HealthEvent.CheckCompleted
                || event instanceof HealthEvent.AgentCheckCompleted)) {
            events.add(event);
        }
    }

    /** The backend a traffic target reaches: the backend itself, or the frontend's routing. */
    private static String route(HaproxyConfig config, Traffic.Target target) {
        if (!target.frontend()) {
            return target.name();
        }
        for (io.haprobe.config.FrontendConfig frontend : config.frontends()) {
            if (frontend.name().equals(target.name())) {
                return frontend.backend();
            }
        }
        return null;
    }

    /**
     * Starts a builder for a simulation of {@code config}.
     *
     * @param config the parsed configuration; never null
     * @return a new builder
     * @throws NullPointerException if {@code config} is null
     */
    public static Builder builder(HaproxyConfig config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /**
     * Advances virtual time by {@code duration}, running every check, backend action and event due.
     *
     * @param duration how far to go; never null, not negative
     * @return this simulation
     * @throws NullPointerException     if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException    if called from another thread or from a listener
     */
    public Simulation runFor(Duration duration) {
        scheduler.runFor(duration);
        return this;
    }

    /**
     * Advances virtual time to {@code time} since t=0; does nothing if it is already past.
     *
     * @param time the time to reach, since the start; never null
     * @return this simulation
     * @throws NullPointerException  if {@code time} is null
     * @throws IllegalStateException if called from another thread or from a listener
     */
    public Simulation runUntil(Duration time) {
        long target = engine.startNanos() + time.toNanos();
        if (target > scheduler.nanoTime()) {
            scheduler.runUntil(target);
        }
        return this;
    }

    /**
     * Returns the virtual time since t=0.
     *
     * @return the elapsed virtual time
     */
    public Duration elapsed() {
        return Duration.ofNanos(scheduler.nanoTime() - engine.startNanos());
    }

    /**
     * Returns the seed of every random draw of the run.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns what happened so far. The snapshot is built once per new event: calls with no event in between
     * return the same instance.
     *
     * @return an immutable snapshot of the events since t=0
     */
    public Timeline timeline() {
        if (timeline == null || timeline.events().size() != events.size()) {
            timeline = new Timeline(engine.startNanos(), events);
        }
        return timeline;
    }

    /**
     * Returns the engine running the checks, e.g. for {@link HealthCheckEngine#servers()}.
     *
     * @return the engine
     */
    public HealthCheckEngine engine() {
        return engine;
    }

    /**
     * Returns the virtual clock.
     *
     * @return the scheduler
     */
    public VirtualScheduler scheduler() {
        return scheduler;
    }

    /**
     * Returns a snapshot of one server.
     *
     * @param server {@code backend/server}; never null
     * @return the snapshot, or empty if no checked section has that server
     * @throws IllegalArgumentException if {@code server} has no {@code /}
     */
    public Optional<ServerSnapshot> server(String server) {
        int slash = server.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("server: '" + server + "' (expected: backend/server)");
        }
        return engine.server(server.substring(0, slash), server.substring(slash + 1));
    }

    /**
     * Diagnoses every checked server that is not UP now, as {@link Diagnoses} does for a live run: the history
     * comes from the checks as they completed (kept as counts whether or not the timeline records them, see
     * {@link Builder#recordChecks(boolean)}), and the follow-up probes,
     * when {@code probe} is true, go to the scripted backends. The probes run on virtual time: this advances the
     * simulation's clock by up to 31 s (the checks keep running meanwhile), so call it at the end of a run.
     *
     * @param probe whether to run follow-up probes (false: {@code --no-probe})
     * @return a diagnosis per checked server that is DOWN, in the engine's order; never null
     */
    public List<Diagnosis> diagnoses(boolean probe) {
        return Diagnoses.diagnose(engine.config(), engine.servers(), histories, transport, probe,
                (future, nanos) -> {
                    long deadline = scheduler.nanoTime() + nanos;
                    long step = TimeUnit.MILLISECONDS.toNanos(10);
                    while (!future.isDone() && scheduler.nanoTime() < deadline) {
                        scheduler.runFor(step);
                    }
                    return future.isDone() ? future.join() : List.of();
                }, Diagnoses.LONG_PROBE_NANOS);
    }

    /**
     * Diagnoses every DOWN transition of this simulation's timeline so far, as {@link Diagnoses#transitions} does,
     * naming the source address the simulated checks carried. Runs no probe and does not advance the clock. The
     * histories come from the checks as they completed, whether or not the timeline records them.
     *
     * @return a diagnosis per DOWN transition, in the timeline's order; never null
     */
    public List<TransitionDiagnosis> transitionDiagnoses() {
        return Diagnoses.transitions(engine.config(), histories, transport);
    }

    /** The traffic's driver, or null without traffic, for tests. */
    TrafficDriver trafficDriver() {
        return driver;
    }

    /** What the diagnoses read of the checks so far, for tests. */
    CheckHistories histories() {
        return histories;
    }

    /** Stops the checks and the scripted backends. Calling it again does nothing. */
    @Override
    public void close() {
        engine.close();
        transport.close();
    }

    /**
     * Builds a {@link Simulation}. Not thread-safe; the thread calling {@link #build()} owns the simulation.
     *
     * <table>
     *   <caption>Settings</caption>
     *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
     *   <tr><td>{@link #seed(long)}</td><td>0</td><td>the seed of every random draw</td></tr>
     *   <tr><td>{@link #script(String, ServerScript)}</td><td>none: nothing listens</td>
     *       <td>the backend behind a server</td></tr>
     *   <tr><td>{@link #recordChecks(boolean)}</td><td>true</td><td>whether the timeline keeps every
     *       check (false: memory grows with servers and transitions, not checks)</td></tr>
     *   <tr><td>{@link #recordRequests(boolean)}</td><td>true</td><td>whether the timeline keeps every
     *       ended request of the traffic (false: only those logged by httplog; memory grows with servers, not
     *       requests)</td></tr>
     *   <tr><td>{@link #backends(Collection)}</td><td>all</td><td>the sections to check</td></tr>
     *   <tr><td>{@link #listener(HealthListener)}</td><td>none</td><td>extra listeners, called on the
     *       simulation's thread</td></tr>
     * </table>
     */
    public static final class Builder {

        private final HaproxyConfig config;
        private final Map<String, ServerScript> scripts = new LinkedHashMap<>();
        private final Set<String> backends = new LinkedHashSet<>();
        private final List<HealthListener> listeners = new ArrayList<>();
        private final List<TimedCommand> commands = new ArrayList<>();
        private final List<Traffic> traffic = new ArrayList<>();
        private long seed;
        private boolean recordChecks = true;
        private boolean recordRequests = true;
        private Instant epoch = Instant.EPOCH;

        private Builder(HaproxyConfig config) {
            this.config = config;
        }

        /**
         * Sets the wall-clock date of t=0, what the {@code option httplog} lines of the traffic print as their
         * accept date ({@code %tr}, t=0 plus the request's virtual time, in UTC).
         *
         * @param epoch the date of t=0; never null; default {@link Instant#EPOCH} (01/Jan/1970:00:00:00.000)
         * @return this builder
         * @throws NullPointerException if {@code epoch} is null
         */
        public Builder epoch(Instant epoch) {
            this.epoch = Objects.requireNonNull(epoch, "epoch");
            return this;
        }

        /**
         * Sets the seed of every random draw.
         *
         * @param seed any value; default 0
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets whether the timeline keeps every completed check ({@link HealthEvent.CheckCompleted} and
         * {@link HealthEvent.AgentCheckCompleted}). With false it keeps the state changes, the "no server
         * available" events, the commands, the requests of the traffic and the checks HAProxy logs ({@code option
         * log-health-checks}), and nothing per check otherwise: a long run over many servers grows with servers
         * and transitions, not with checks; {@link Timeline#checks(String)} then sees only the logged ones.
         * Listeners get every event either way (to stream per-check records, add one), and
         * {@link Simulation#diagnoses} and {@link Simulation#transitionDiagnoses} give the same diagnoses either
         * way: they keep per-server counts as the checks complete, not the checks.
         *
         * <p>The default, true, keeps what earlier versions kept; a long or large run should pass false.
         *
         * @param recordChecks default true
         * @return this builder
         */
        public Builder recordChecks(boolean recordChecks) {
            this.recordChecks = recordChecks;
            return this;
        }

        /**
         * Sets whether the timeline keeps every ended request of the traffic ({@link HealthEvent.RequestCompleted}).
         * With false it keeps only the requests whose frontend logs a line for them ({@code option httplog} and a
         * {@code log} target: the lines are the output), and nothing per request otherwise: a long run at a high
         * rate grows with servers, not with requests; {@link Timeline#requests()} then sees only the logged ones.
         * {@link Simulation#requestsEnded()}, {@link Simulation#replies503()} and the {@code show stat} counters
         * count every request either way.
         *
         * <p>The default, true, keeps what earlier versions kept; a long run at a high rate should pass false.
         *
         * @param recordRequests default true
         * @return this builder
         */
        public Builder recordRequests(boolean recordRequests) {
            this.recordRequests = recordRequests;
            return this;
        }

        /**
         * Sets the scripted backend behind a server, replacing any earlier one.
         *
         * @param server {@code backend/server} as in the config (every port of its host), or
         *               {@code backend/server:port} for one port (an {@code agent-port}, a {@code tcp-check
         *               connect port}); never null
         * @param script the script; never null
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder script(String server, ServerScript script) {
            scripts.put(Objects.requireNonNull(server, "server"), Objects.requireNonNull(script, "script"));
            return this;
        }

        /**
         * Restricts the checks to these sections; calls add up. The boot spreading still counts every check.
         *
         * @param names backend or listen names; never null
         * @return this builder
         * @throws NullPointerException if {@code names} or a name is null
         */
        public Builder backends(Collection<String> names) {
            names.forEach(name -> backends.add(Objects.requireNonNull(name, "name")));
            return this;
        }

        /**
         * Adds a listener, called on the simulation's thread in event order.
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
         * Runs a runtime API command ({@link HealthCheckEngine#execute(String)}, spec §10) at virtual time
         * {@code at} after the start, as a scenario's {@code commands:} item does: its reply and the lines it
         * causes join the timeline there ({@link HealthEvent.CommandExecuted}). Commands at the same time run in
         * the order they were added, before the checks due at that time that were not yet scheduled.
         *
         * @param at      when, from t=0; not negative
         * @param command the command line, e.g. {@code set server be/s1 state drain}; never null
         * @return this builder
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if {@code at} is negative
         */
        public Builder command(Duration at, String command) {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(command, "command");
            if (at.isNegative()) {
                throw new IllegalArgumentException("at: " + at + " (expected: >= 0)");
            }
            commands.add(new TimedCommand(at.toNanos(), command));
            return this;
        }

        /**
         * Adds client traffic (a scenario's {@code traffic:} item): requests sent to a frontend or a backend on
         * virtual time, each load-balanced, queued, served or refused as HAProxy 2.6 would (spec §9), with its
         * outcome on the timeline ({@link HealthEvent.RequestCompleted}) and in the counters of
         * {@code show stat}.
         *
         * @param traffic the item; never null
         * @return this builder
         * @throws NullPointerException if {@code traffic} is null
         */
        public Builder traffic(Traffic traffic) {
            this.traffic.add(Objects.requireNonNull(traffic, "traffic"));
            return this;
        }

        /**
         * Builds the simulation and boots the servers at t=0.
         *
         * @return the simulation, at t=0
         * @throws IllegalArgumentException if a script names a server the config does not have, a backend
         *                                  given to {@link #backends} is not in the config, or a traffic item's
         *                                  target leads to no backend whose {@code balance} haprobe models
         */
        public Simulation build() {
            Set<String> ids = new java.util.HashSet<>(serverIds());
            for (String server : scripts.keySet()) {
                if (!hasServer(ids, server)) {
                    throw new IllegalArgumentException("server: '" + server + "' (expected: one of "
                            + serverIds() + ")");
                }
            }
            return new Simulation(this);
        }

        /** Whether a script's key names a configured server; {@code ids} are the {@code backend/server} ids. */
        private static boolean hasServer(Set<String> ids, String key) {
            int colon = key.lastIndexOf(':');
            String id = colon > key.indexOf('/') && isPort(key.substring(colon + 1)) ? key.substring(0, colon) : key;
            return id.indexOf('/') >= 0 && ids.contains(id);
        }

        private static boolean isPort(String text) {
            if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
                return false;
            }
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65535;
        }

        private List<String> serverIds() {
            List<String> ids = new ArrayList<>();
            for (ProxyConfig proxy : config.proxies()) {
                for (ServerConfig server : proxy.servers()) {
                    ids.add(proxy.name() + '/' + server.name());
                }
            }
            return ids;
        }
    }

    private record TimedCommand(long atNanos, String command) {
    }
}
