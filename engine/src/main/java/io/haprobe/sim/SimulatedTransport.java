package io.haprobe.sim;

import io.haprobe.internal.CheckConnection;
import io.haprobe.internal.CheckDriver;
import io.haprobe.internal.DirectConnector;
import io.haprobe.internal.ErrnoText;
import io.haprobe.internal.ProxyHeader;
import io.haprobe.internal.sim.SequenceChannelId;
import io.haprobe.internal.sim.VirtualChannel;
import io.haprobe.internal.sim.VirtualEventLoop;
import io.haprobe.internal.sim.VirtualPeer;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSimulation;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultChannelPromise;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The simulated {@link ProbeTransport}: each check connection is an in-memory Netty channel on virtual time
 * whose far end is the server's scripted backend ({@link ServerScript}). Connects, bytes, delays, FINs and
 * RSTs arrive as tasks of the {@link VirtualScheduler}, so the engine's one check interpreter, state machine
 * and log formatter run unchanged and a scenario replays identically on any machine.
 *
 * <p>Scripts are found by {@code backend/server}: that script answers on every port of the server's host,
 * unless a script named {@code backend/server:port} exists for the port a connection goes to (an
 * {@code agent-port}, a {@code tcp-check connect port}). A checked server without a script finds nothing
 * listening (every connect is refused). Phase times count from the transport's creation. At the start of a
 * {@link Behaviour.Refuse} phase the server "crashes": every connection still open to it is reset. Delay
 * ranges draw from the random source given here, and only on the scheduler's thread, in event order.
 *
 * <pre>{@code
 * VirtualScheduler clock = new VirtualScheduler();
 * SimulatedTransport transport = new SimulatedTransport(clock,
 *         Map.of("app_backend/web01", ServerScript.of(Behaviour.http(204))), new SplittableRandom(7));
 * HealthCheckEngine engine = HealthCheckEngine.builder(config).transport(transport)
 *         .listenerExecutor(Runnable::run).build();
 * engine.start();
 * clock.runFor(Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>Channel-free checks: a check without TLS does not get a channel at all. The engine's check run finds that
 * this transport is a {@link DirectConnector} and drives the same interpreter and timing rules
 * ({@link CheckDriver}) straight from the virtual event queue: the scripted backend answers through direct calls,
 * with the same tasks at the same virtual times as over a channel, so a scenario gives the same timeline either
 * way. Checks with TLS ({@code ssl}, {@code check-ssl}) keep their in-memory channel, where the TLS layer lives.
 *
 * <p>Confined to the scheduler's owner thread. Names are never looked up.
 */
public final class SimulatedTransport implements ProbeTransport, DirectConnector {

    /** The check handler's name in the pipeline; a fixed name spares Netty generating one per connection. */
    private static final String HANDLER_NAME = "check";
    private static final String CLOSED = "simulated transport is closed";
    private static final int RECENT_TARGETS = 1 << 16;

    private final VirtualScheduler scheduler;
    private final VirtualEventLoop eventLoop;
    private final Map<String, ScriptedServer> servers = new HashMap<>();
    /** Scripts and sources by target, made once: bounded by the targets the checks use (server and rule ports). */
    private final Map<CheckTarget, Route> byTarget = new HashMap<>();
    /**
     * The same by target instance, for the first {@value #RECENT_TARGETS} instances met (the servers' own targets;
     * a {@code tcp-check connect port} makes a new instance per check, which then takes {@link #byTarget}).
     */
    private final Map<CheckTarget, Route> recentTargets = new java.util.IdentityHashMap<>();
    /** The source address of each connect not yet seen by its server; event-loop thread only. */
    private final Map<VirtualChannel, String> sources = new java.util.IdentityHashMap<>();
    /**
     * {@code backend/server} to the source address of its last check connection, in a cell every route to that
     * server shares: a connect sets a field instead of putting into the map.
     */
    private final Map<String, LastSource> lastSources = new HashMap<>();
    /** The random source, the TLS side and the rendered responses every connection's player shares. */
    private final BehaviourPlayer.Stage stage;
    private final ScriptedServer nothingListens;
    /**
     * One instance per distinct {@link Behaviour.Http} of the scripts (equal, and rendering the same bytes): the
     * thousands of servers of a large scenario, each scripted on its own, then read one behaviour on every check.
     */
    private final Map<Behaviour.Http, Behaviour.Http> httpBehaviours = new HashMap<>();
    /** How many times a route came to share its server's {@link LastSource} with another: see {@link Connection#quiet}. */
    private int sharedRoutes;
    private long nextChannelId;
    private boolean closed;
    private TlsSimulation tlsSimulation;
    private java.util.function.ToIntFunction<String> proxiedSessions = server -> 0;

    /**
     * Creates a transport whose backends play {@code scripts}.
     *
     * @param scheduler the virtual clock; never null
     * @param scripts   the scripted backends by {@code backend/server} or {@code backend/server:port}; never null
     * @param random    the seeded source for delay ranges; never null
     * @throws NullPointerException  if an argument, a key or a script is null
     * @throws IllegalStateException if a script plays a {@link Behaviour.Tls} and {@code haprobe-engine-tls} is not
     *                               on the class path
     */
    public SimulatedTransport(VirtualScheduler scheduler, Map<String, ServerScript> scripts, RandomGenerator random) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.eventLoop = new VirtualEventLoop(scheduler);
        this.stage = new BehaviourPlayer.Stage(Objects.requireNonNull(random, "random"), this::tlsSimulation);
        long origin = scheduler.nanoTime();
        for (Map.Entry<String, ServerScript> entry : scripts.entrySet()) {
            ScriptedServer server = new ScriptedServer(entry.getKey(),
                    Objects.requireNonNull(entry.getValue(), entry.getKey()));
            servers.put(Objects.requireNonNull(entry.getKey(), "backend/server"), server);
            server.schedulePhases(origin);
        }
        this.nothingListens = new ScriptedServer("", ServerScript.of(Behaviour.refuse()));
        if (scripts.values().stream().anyMatch(SimulatedTransport::playsTls)) {
            // fail now, not at the first connection, when the TLS provider is missing
            tlsSimulation();
        }
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Tells the scripted backends how many proxied requests each one serves now, so that a phase's
     * {@link Capacity} can turn check connections away while traffic fills the server (a simulation with traffic
     * sets it; without, every server serves none). Virtual event loop only.
     *
     * @param sessions the requests served now by {@code backend/server}; never null
     * @throws NullPointerException if {@code sessions} is null
     */
    public void proxiedSessions(java.util.function.ToIntFunction<String> sessions) {
        this.proxiedSessions = Objects.requireNonNull(sessions, "sessions");
    }

    /**
     * Returns the virtual clock.
     *
     * @return the scheduler given at creation
     */
    public VirtualScheduler virtualScheduler() {
        return scheduler;
    }

    /**
     * Returns the certificates and TLS endpoints of this simulation, created on first use through the TLS
     * provider: scripted {@link Behaviour.Tls} backends use it, and the engine builds the TLS clients of checks
     * with {@code ssl}/{@code check-ssl} from it (every {@code ca-file} stands for its CA).
     *
     * @return the simulation's TLS side
     * @throws IllegalStateException if {@code io.haprobe:haprobe-engine-tls} is not on the class path
     */
    public TlsSimulation tlsSimulation() {
        if (tlsSimulation == null) {
            tlsSimulation = TlsSupport.find().orElseThrow(() -> new IllegalStateException("a simulation with TLS"
                    + " (checks with ssl/check-ssl, or tls backends) needs io.haprobe:haprobe-engine-tls on the"
                    + " classpath")).newSimulation();
        }
        return tlsSimulation;
    }

    /**
     * Returns a client whose handshakes meet the scripted TLS backends of this simulation; {@code support} is
     * not used: the simulation's own TLS side is (every {@code ca-file} stands for the simulation's CA).
     *
     * @param support the TLS support found on the class path; not used
     * @param spec    the server's TLS settings; never null
     * @return the simulated TLS client
     * @throws IllegalStateException if {@code io.haprobe:haprobe-engine-tls} is not on the class path
     */
    @Override
    public TlsClient tlsClient(TlsSupport support, TlsClientSpec spec) {
        return tlsSimulation().newClient(spec);
    }

    /**
     * Returns {@code host:port} unresolved: a simulation looks no name up.
     *
     * @param host the check host; never null
     * @param port the check port
     * @return an unresolved address
     */
    @Override
    public InetSocketAddress resolve(String host, int port) {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handler, "handler");
        Route route = routeOf(target);
        ScriptedServer server = route.server;
        VirtualChannel channel = new VirtualChannel(new SequenceChannelId(nextChannelId++), target.address(), server);
        channel.pipeline().addLast(HANDLER_NAME, handler);
        if (closed) {
            // never registered: the future's listeners run at once, on the caller's thread
            channel.unsafe().closeForcibly();
            return new DefaultChannelPromise(channel, ImmediateEventExecutor.INSTANCE)
                    .setFailure(new ConnectException(CLOSED));
        }
        sources.put(channel, noteSource(route));
        eventLoop.register(channel);
        return channel.connect(target.address());
    }

    /**
     * Opens a channel-free check connection to the scripted backend of {@code target}: the same tasks as
     * {@link #connect(CheckTarget, ChannelHandler)} gives a channel, with no channel. Not API: the engine's check
     * run calls it for checks without TLS.
     *
     * @param target       the server and the address of this connection; never null
     * @param proxyVersion the PROXY protocol version the check sends first (1 or 2), 0 for none
     * @param driver       the check's driver; never null
     * @return the connection, reporting to {@code driver} from later tasks
     */
    @Override
    public CheckConnection connect(CheckTarget target, int proxyVersion, CheckDriver driver) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(target, "target");
        Connection spare = driver.takeSpareConnection() instanceof Connection c && c.reopenable(driver) ? c : null;
        if (closed) {
            return CheckConnection.failed(ErrnoText.ofConnect(new ConnectException(CLOSED)));
        }
        Connection connection;
        String source;
        if (spare != null && spare.target == target && spare.quiet == sharedRoutes) {
            // the server's previous check went to the same target (the same instance), over a route that noted its
            // one source then and that no other route shares since: the same server, address and source, read from
            // the connection alone
            connection = spare;
            connection.reopen(connection.server, connection.remote, proxyVersion);
            source = connection.sourceHost;
        } else {
            // the server's previous check went to the same target (the same instance) most of the time: its route
            Route route = spare != null && spare.target == target ? spare.route : routeOf(target);
            if (spare != null) {
                // the server's previous check's connection, closed: re-opened with its player instead of new ones
                connection = spare;
                connection.reopen(route.server, target.address(), proxyVersion);
            } else {
                connection = new Connection(route.server, driver, target.address(), proxyVersion);
            }
            connection.target = target;
            connection.route = route;
            source = noteSource(route);
            connection.sourceHost = source;
            connection.quiet = route.shared ? -1 : sharedRoutes;
            connection.fixedBehaviour = route.server.fixedBehaviour();
        }
        ScriptedServer server = connection.server;
        if (scheduler.inSchedulerThread()) {
            if (connection.fixedBehaviour != null) {
                // a server that plays one behaviour for the whole run: nothing of it to read (see fixedBehaviour())
                connection.connectFixed();
            } else {
                server.connectRequested(connection, source);
            }
        } else {
            // a channel registers and connects from tasks when started outside the loop: the same, in one task
            scheduler.execute(() -> server.connectRequested(connection, source));
        }
        return connection;
    }

    /**
     * The one instance of the scripts' behaviours equal to {@code behaviour} when it is an {@link Behaviour.Http}
     * (the same response bytes too: equal headers in another order are equal maps), else {@code behaviour}.
     */
    private Behaviour shared(Behaviour behaviour) {
        if (!(behaviour instanceof Behaviour.Http http)) {
            return behaviour;
        }
        Behaviour.Http known = httpBehaviours.putIfAbsent(http, http);
        if (known == null || known == http) {
            return http;
        }
        if (known.headers().isEmpty() && http.headers().isEmpty()) {
            return known; // equal, and no headers whose order could differ: the same bytes, not built twice per server
        }
        return Arrays.equals(known.responseBytes(), http.responseBytes()) ? known : http;
    }

    /** Where connections to {@code target} go and where they come from, made on the target's first connect. */
    private Route routeOf(CheckTarget target) {
        // by identity first: a server's checks reuse one target, and an unresolved address's hashCode lowers its
        // host name on every call
        Route route = recentTargets.get(target);
        if (route != null) {
            return route;
        }
        route = routeByValue(target);
        if (recentTargets.size() < RECENT_TARGETS) {
            recentTargets.put(target, route);
        }
        return route;
    }

    private Route routeByValue(CheckTarget target) {
        Route route = byTarget.get(target);
        if (route == null) {
            String id = target.id();
            ScriptedServer server = servers.get(id + ':' + target.address().getPort());
            if (server == null) {
                server = servers.getOrDefault(id, nothingListens);
            }
            LastSource last = lastSources.get(id);
            if (last == null) {
                last = new LastSource();
                lastSources.put(id, last);
            }
            InetSocketAddress source = InetSocketAddress.createUnresolved(sourceOf(target),
                    target.source() == null ? 0 : target.source().getPort());
            route = new Route(id, server, source, source.getHostString(), last);
            if (last.first == null) {
                last.first = route;
            } else {
                // another route to the server: each connect must now note its source
                if (!last.first.shared) {
                    sharedRoutes++; // connections that skipped their route go through it again
                }
                last.first.shared = true;
                route.shared = true;
            }
            byTarget.put(target, route);
        }
        return route;
    }

    /** Records the source address of a new connection over {@code route} and returns it. */
    private String noteSource(Route route) {
        if (route.shared || !route.noted) {
            // the only route to its server notes its one source once
            route.last.source = route.source;
            route.noted = true;
        }
        return route.sourceHost;
    }

    /** A target's script, and the source its connections carry (and its host string, read once). */
    private static final class Route {
        final String id;
        final ScriptedServer server;
        final InetSocketAddress source;
        final String sourceHost;
        final LastSource last;
        /** Whether another route shares {@link #last} (another port of the server): every connect notes its source. */
        boolean shared;
        /** Whether a connect over this route noted its source in {@link #last}. */
        boolean noted;

        Route(String id, ScriptedServer server, InetSocketAddress source, String sourceHost, LastSource last) {
            this.id = id;
            this.server = server;
            this.source = source;
            this.sourceHost = sourceHost;
            this.last = last;
        }
    }

    /** The source address of a server's last check connection; null before the first. */
    private static final class LastSource {
        InetSocketAddress source;
        /** The first route made to the server. */
        Route first;
    }

    /**
     * Returns the source address the last check connection to the server carried: its {@code source}, else the
     * loopback address of the check address's family, as the scripted backends' firewalls see it. Unresolved (a
     * simulated host has no interfaces): read it with {@link InetSocketAddress#getHostString()}.
     */
    @Override
    public Optional<InetSocketAddress> lastSource(String backend, String server) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        LastSource last = lastSources.get(backend + '/' + server);
        return last == null ? Optional.empty() : Optional.ofNullable(last.source);
    }

    /** Stops the scripted backends from starting new phases; connections still open are left as they are. */
    @Override
    public void close() {
        closed = true;
        servers.values().forEach(ScriptedServer::stop);
        eventLoop.shutdown();
    }

    /**
     * The source address a firewall sees: the target's {@code source}, else the loopback address of the check
     * address's family (a simulated host's own address).
     */
    private static String sourceOf(CheckTarget target) {
        if (target.source() != null) {
            return target.source().getHostString();
        }
        return target.address().getHostString().indexOf(':') >= 0 ? "::1" : "127.0.0.1";
    }

    private static boolean playsTls(ServerScript script) {
        for (Phase phase : script.phases()) {
            Behaviour behaviour = phase.behaviour();
            if (behaviour instanceof Behaviour.Tls || behaviour instanceof Behaviour.Sequence sequence
                    && sequence.steps().stream().anyMatch(Behaviour.Tls.class::isInstance)) {
                return true;
            }
        }
        return false;
    }

    /** One scripted backend: the phase in force and the connections open to it. */
    private final class ScriptedServer implements VirtualPeer {

        private final String server;
        private final ServerScript script;
        private final Cancellable[] phaseStarts;
        private Behaviour behaviour;
        private Firewall firewall;
        private Capacity capacity;
        private long connectionsInPhase;
        private Connection open;
        private Firewall judgedBy;
        private String judgedSource;
        private boolean judgedAllowed;

        ScriptedServer(String key, ServerScript script) {
            int colon = key.lastIndexOf(':');
            this.server = colon > key.indexOf('/') ? key.substring(0, colon) : key;
            this.script = script;
            this.behaviour = shared(script.phases().get(0).behaviour());
            this.firewall = script.phases().get(0).firewall();
            this.capacity = script.phases().get(0).capacity();
            this.phaseStarts = new Cancellable[script.phases().size()];
        }

        void schedulePhases(long origin) {
            List<Phase> phases = script.phases();
            for (int i = 1; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                phaseStarts[i] = scheduler.schedule(() -> startPhase(phase),
                        origin + phase.atNanos() - scheduler.nanoTime());
            }
        }

        void stop() {
            for (Cancellable start : phaseStarts) {
                if (start != null) {
                    start.cancel();
                }
            }
        }

        private void startPhase(Phase phase) {
            behaviour = shared(phase.behaviour());
            firewall = phase.firewall();
            capacity = phase.capacity();
            connectionsInPhase = 0;
            if (behaviour instanceof Behaviour.Refuse) {
                // the process died: the kernel resets every connection it had
                for (Connection c = open; c != null; ) {
                    Connection next = c.next; // the reset closes c, which unlinks it
                    c.reset();
                    c = next;
                }
            }
        }

        @Override
        public void connectRequested(VirtualChannel channel) {
            Connection connection = new Connection(channel);
            channel.attach(connection);
            connectRequested(connection, sources.remove(channel));
        }

        /**
         * The behaviour every check connection meets for the whole run, whoever connects, when the script has one
         * phase, an open firewall, no capacity and no sequence: then {@link #connectRequested(Connection, String)}
         * reads nothing of the server that could change, and its bookkeeping is never read (the count of the phase's
         * connections is for sequences, the list of open connections for a later phase's reset), so a channel-free
         * connection plays it without reaching the server ({@link Connection#connectFixed()}). Else null.
         */
        Behaviour fixedBehaviour() {
            boolean fixed = script.phases().size() == 1 && firewall == Firewall.OPEN && capacity == null
                    && !(behaviour instanceof Behaviour.Sequence);
            return fixed ? behaviour : null;
        }

        /** A check connects, over a channel or channel-free: the firewall, then the behaviour of this phase. */
        void connectRequested(Connection connection, String source) {
            if (source != null && !allows(source)) {
                if (firewall.action() == Firewall.Action.REJECT) {
                    connection.later(Connection.NO_ROUTE);
                }
                // DROP: the SYN is never answered and the backend never sees the connection
                return;
            }
            Behaviour chosen = behaviour;
            if (capacity != null && capacity.full(proxiedSessions.applyAsInt(server))) {
                // saturated by traffic: the check meets the full server, not the script
                chosen = capacity.whenFull() == Capacity.WhenFull.REFUSE ? Behaviour.refuse() : Behaviour.blackhole();
            }
            if (chosen instanceof Behaviour.Sequence sequence) {
                chosen = sequence.step(connectionsInPhase);
            }
            connectionsInPhase++;
            connection.play(chosen);
            if (chosen instanceof Behaviour.Refuse) {
                connection.later(Connection.REFUSED);
                return;
            }
            link(connection);
            if (!(chosen instanceof Behaviour.Blackhole)) {
                connection.later(Connection.ACCEPT);
            }
        }

        @Override
        public void received(VirtualChannel channel, ByteBuf data) {
            ((Connection) channel.attachment()).player.received(data);
        }

        @Override
        public void closed(VirtualChannel channel) {
            closed((Connection) channel.attachment());
        }

        /** The check closed the connection: the player stops (nothing to stop when the firewall dropped it). */
        void closed(Connection connection) {
            if (connection != null && connection.playing) {
                connection.player.closed();
                unlink(connection);
            }
        }

        /**
         * The phase's firewall on {@code source}, remembered for the last source asked: a server's checks come from
         * one or two sources, and parsing the rules per connection was a large share of a simulated check's CPU.
         */
        private boolean allows(String source) {
            if (firewall == Firewall.OPEN) {
                return true;
            }
            if (firewall != judgedBy || !source.equals(judgedSource)) {
                judgedBy = firewall;
                judgedSource = source;
                judgedAllowed = firewall.allows(source);
            }
            return judgedAllowed;
        }

        private void link(Connection connection) {
            connection.next = open;
            if (open != null) {
                open.previous = connection;
            }
            open = connection;
            connection.linked = true;
        }

        private void unlink(Connection connection) {
            if (!connection.linked) {
                return;
            }
            if (connection.previous != null) {
                connection.previous.next = connection.next;
            } else {
                open = connection.next;
            }
            if (connection.next != null) {
                connection.next.previous = connection.previous;
            }
            connection.linked = false;
            connection.next = null;
            connection.previous = null;
        }
    }

    /**
     * One check connection as the backend sees it: the wire its {@link BehaviourPlayer} plays on. Over a channel,
     * the wire's events go through the channel to the check's handler; channel-free, this is also the check's
     * {@link CheckConnection} and reports straight to its {@link CheckDriver}, with the channel's rules: bytes and
     * FINs only while connected, a FIN once, nothing after the close.
     */
    private final class Connection extends VirtualScheduler.TimerTask
            implements PeerWire, CheckConnection, BehaviourPlayer.AnswerTimer {

        /** What {@link #task} runs: completes the connect. */
        static final int ACCEPT = 0;
        /** What {@link #task} runs: refuses the connect, "Connection refused". */
        static final int REFUSED = 1;
        /** What {@link #task} runs: refuses the connect, "No route to host" (a firewall's REJECT). */
        static final int NO_ROUTE = 2;
        /** After the accept ran: the connection's task is the HTTP answer its player armed ({@link #answerTimer}). */
        static final int ANSWER = 3;

        /** The check's channel, or null channel-free. */
        final VirtualChannel channel;
        ScriptedServer server;
        final CheckDriver driver;
        InetSocketAddress remote;
        int proxyVersion;
        /** The target and route of its last channel-free connect, for the next one of the same target. */
        CheckTarget target;
        Route route;
        /** The source host its last channel-free connect carried. */
        String sourceHost;
        /**
         * The transport's {@link #sharedRoutes} when its route noted its source and shared it with no other route,
         * else -1: while it is unchanged, a connect to the same target needs not go through the route again.
         */
        int quiet = -1;
        private int action;
        /**
         * While {@link #playing}, the player of the behaviour the server chose for this use of the connection;
         * otherwise the player of an earlier use, offered again to {@link #play} after a {@link #reopen}, or null.
         * A flag says which rather than a null between uses: a connection re-opened for every check of a server is a
         * long-lived object, and each reference stored into it would cost G1's write barrier a dirty card.
         */
        BehaviourPlayer player;
        /**
         * Whether {@link #player} plays this use: false until the server chose a behaviour (never, when the firewall
         * dropped or rejected the SYN).
         */
        boolean playing;
        boolean linked;
        Connection next;
        Connection previous;
        /**
         * The server's {@link ScriptedServer#fixedBehaviour()} when its last channel-free connect went through its
         * route (the connects that skip the route go to the same server), else null.
         */
        Behaviour fixedBehaviour;
        /** Channel-free state, as {@link VirtualChannel} keeps it. */
        private boolean open = true;
        private boolean connectPending = true;
        private boolean active;
        private boolean inputShutdown;

        Connection(VirtualChannel channel) {
            super(SimulatedTransport.this.scheduler);
            this.channel = channel;
            this.server = null;
            this.driver = null;
            this.remote = null;
            this.proxyVersion = 0;
        }

        Connection(ScriptedServer server, CheckDriver driver, InetSocketAddress remote, int proxyVersion) {
            super(SimulatedTransport.this.scheduler);
            this.channel = null;
            this.server = server;
            this.driver = driver;
            this.remote = remote;
            this.proxyVersion = proxyVersion;
        }

        /** Whether {@link #reopen} may re-open this connection for another check of {@code checkDriver}. */
        boolean reopenable(CheckDriver checkDriver) {
            return channel == null && driver == checkDriver && !open && !linked && owner() == SimulatedTransport.this;
        }

        private SimulatedTransport owner() {
            return SimulatedTransport.this;
        }

        /**
         * Makes this closed channel-free connection a new one, as the constructor does: the driver's previous
         * check is over, and whatever the connection still had queued is cancelled, so no event of its earlier
         * use reaches the new one.
         */
        void reopen(ScriptedServer toServer, InetSocketAddress toRemote, int version) {
            cancel(); // its own task (accept or refuse), one for all its uses: later()
            if (playing) {
                player.closed(); // already closed with the connection; cancels nothing more
                playing = false; // the player stays, offered to play() again
            }
            if (server != toServer) {
                server = toServer;
            }
            if (remote != toRemote) {
                remote = toRemote;
            }
            proxyVersion = version;
            open = true;
            connectPending = true;
            active = false;
            inputShutdown = false;
        }

        /**
         * Connects to a server of {@link ScriptedServer#fixedBehaviour()} as {@link ScriptedServer#connectRequested}
         * does (the open firewall allows every source), without the server's bookkeeping that nothing reads for it:
         * the same tasks at the same times.
         */
        void connectFixed() {
            Behaviour chosen = fixedBehaviour;
            play(chosen);
            if (chosen instanceof Behaviour.Refuse) {
                later(REFUSED);
                return;
            }
            if (!(chosen instanceof Behaviour.Blackhole)) {
                later(ACCEPT);
            }
        }

        void play(Behaviour behaviour) {
            BehaviourPlayer spare = playing ? null : player;
            if (spare == null || spare.behaviour() != behaviour || !spare.rewind()) {
                player = stage.player(behaviour, this, BehaviourPlayer.Observer.NONE);
            } // else the player of an earlier use, rewound: nothing stored
            playing = true;
        }

        /** Runs {@code what} ({@link #ACCEPT}, {@link #REFUSED}, {@link #NO_ROUTE}) right after the current task. */
        /**
         * The channel-free connection's own task, once its accept has run, for its player's HTTP answer: one task
         * per connection for the accept and the answer, which never wait at the same time (the request that arms
         * the answer comes after the accept). A connection over a channel lends none.
         */
        @Override
        public io.haprobe.time.Timer answerTimer() {
            return channel == null ? this : null;
        }

        void later(int what) {
            action = what;
            schedule(0); // the connection is its own task: arming it touches nothing else
        }

        /** The connection's task ({@link #later}): one object for every use of the connection. */
        @Override
        public void run() {
            switch (action) {
                case REFUSED -> refuse("Connection refused");
                case NO_ROUTE -> refuse("No route to host");
                case ANSWER -> player.answerHttp();
                default -> {
                    action = ANSWER; // from here on, the task is the answer the player may arm
                    accepted();
                }
            }
        }

        /** Server side: completes the connect; the check is connected, then the player starts. */
        void accepted() {
            if (channel != null) {
                channel.accept();
                if (channel.isActive()) {
                    player.accepted();
                }
                return;
            }
            if (!connectPending || !open) {
                return;
            }
            connectPending = false;
            active = true;
            if (proxyVersion > 0) {
                // as over a channel: the header goes first, before the check's own bytes
                player.received(Unpooled.wrappedBuffer(ProxyHeader.of(proxyVersion, null, remote)));
            }
            driver.connected(this);
            if (open && active) {
                player.accepted();
            }
        }

        /** Server side: fails the connect with {@code errnoText} and closes the connection. */
        void refuse(String errnoText) {
            if (channel != null) {
                channel.refuse(new ConnectException(errnoText));
                return;
            }
            if (!connectPending || !open) {
                return;
            }
            connectPending = false;
            driver.failed(this, errnoText);
            closeDirect();
        }

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        /** The virtual scheduler runs tasks of the same time in the order they were scheduled. */
        @Override
        public void runAt(long atNanos, Runnable task) {
            scheduler.schedule(task, atNanos - scheduler.nanoTime());
        }

        /** The server writes: one read of the check. */
        @Override
        public void write(byte[] bytes) {
            if (channel != null) {
                channel.deliver(bytes);
            } else if (active && !inputShutdown && bytes.length > 0) {
                driver.received(this, bytes, 0, bytes.length);
            }
        }

        @Override
        public void fin() {
            if (channel != null) {
                channel.shutdownInput();
            } else if (active && !inputShutdown) {
                inputShutdown = true;
                driver.peerClosed(this);
            }
        }

        @Override
        public void reset() {
            if (channel != null) {
                channel.reset();
                return;
            }
            if (!active) {
                return;
            }
            driver.failed(this, "Connection reset by peer");
            closeDirect();
        }

        /** The check writes (channel-free): the player reads, while connected. */
        @Override
        public void send(byte[] bytes) {
            if (active) {
                player.received(bytes);
            }
        }

        /** The check closes (channel-free): the player stops; an RST or a FIN looks the same to the script. */
        @Override
        public void close(boolean abort) {
            closeDirect();
        }

        private void closeDirect() {
            if (!open) {
                return;
            }
            open = false;
            active = false;
            connectPending = false;
            server.closed(this);
        }
    }
}
