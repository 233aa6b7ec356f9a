package io.haprobe.sim;

import io.haprobe.spi.TlsBackend;
import io.haprobe.spi.TlsSimulation;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Cancellable;
import io.haprobe.time.EventLoopScheduler;
import io.haprobe.time.Scheduler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Plays {@link ServerScript}s on real sockets: one TCP server per scripted {@code backend/server} on
 * {@code 127.0.0.1}, on real time, with the same wire semantics as the {@link SimulatedTransport}, so that a
 * scenario can be checked live (by haprobe or by HAProxy itself) and compared with its simulation.
 *
 * <table>
 *   <caption>How each {@link Behaviour} is played on a real socket</caption>
 *   <tr><th>behaviour</th><th>on the socket</th></tr>
 *   <tr><td>{@link Behaviour.Http}</td><td>accepts; once the request head (up to the blank line) is in, waits
 *       {@code delay}, writes {@link Behaviour.Http#responseBytes()}, then shuts its output down (FIN)</td></tr>
 *   <tr><td>{@link Behaviour.Tcp}</td><td>accepts; after the first bytes (or at accept with {@code banner}),
 *       waits {@code delay}, writes {@code reply}, then FIN if {@code close}</td></tr>
 *   <tr><td>{@link Behaviour.Dialogue}</td><td>accepts; plays the exchanges in order, each once the bytes
 *       received contain its awaited ones, after its {@code delay}; then shuts its output down (FIN) if
 *       {@code close}</td></tr>
 *   <tr><td>{@link Behaviour.Refuse}</td><td>no listener: the port is held by a socket that is bound but never
 *       listens, so the kernel answers every SYN with an RST ({@code Connection refused}) and no other
 *       program can take the port. At the start of the phase every open connection is reset (a crash)</td></tr>
 *   <tr><td>{@link Behaviour.Blackhole}</td><td>a listener with backlog 1 whose accept queue is filled by three
 *       connects the player holds and never accepted: the kernel drops further SYNs, so a connect neither
 *       succeeds nor fails (spec §13)</td></tr>
 *   <tr><td>{@link Behaviour.Hang}</td><td>accepts, reads and discards, never answers</td></tr>
 *   <tr><td>{@link Behaviour.Reset}</td><td>accepts, then after {@code delay} closes with {@code SO_LINGER 0}
 *       (RST)</td></tr>
 *   <tr><td>{@link Behaviour.Close}</td><td>accepts, then after {@code delay} shuts its output down (FIN),
 *       keeping on reading so that no unread byte turns the FIN into an RST</td></tr>
 *   <tr><td>{@link Behaviour.Sequence}</td><td>the n-th connection accepted in the phase plays step
 *       {@code n mod size}</td></tr>
 *   <tr><td>{@link Behaviour.Tls}</td><td>accepts; feeds the check's bytes to a real server TLS engine and writes
 *       its records back, the first flight after {@code delay}; a failed handshake (or a plain check's bytes)
 *       ends with its alert and a FIN; once the handshake is done plays {@code then} over TLS ({@code http}:
 *       the answer, {@code close_notify}, FIN; {@code close}: {@code close_notify} and FIN after its delay;
 *       {@code reset}, {@code tcp}, {@code hang} as above) — the same logic as the simulation's, over the
 *       socket</td></tr>
 * </table>
 *
 * <p>An {@link Behaviour.Http} server answers a TLS ClientHello (a check with {@code ssl} on a plain server) with
 * {@code 400 Bad Request} and a FIN, as a real HTTP server and the simulation do.
 *
 * <p>TLS scripts need {@code io.haprobe:haprobe-engine-tls} on the class path ({@link TlsSupport}). Their
 * certificates come from a simulation PKI of the player's own ({@link TlsSimulation}): {@code trusted} and
 * {@code expired} ones are issued by its CA, which a live checker trusts through a {@code ca-file} holding
 * {@link #caPem()} (see {@link #writeCaFile(Path)}); a backend requiring a client certificate accepts the one of
 * {@link #writeCrtFile(Path)} ({@code crt}). The CA is made at {@link Builder#bind()} and lives as long as the
 * player, so a haproxy.cfg is written once.
 *
 * <p>In every behaviour the server reads (and drops) what the checker sends, and closes its end once the checker
 * closed its own (FIN or RST). A plain connect check never reaches the server: it aborts the handshake before
 * the accept (spec §5.1), so it does not count as a connection of a {@link Behaviour.Sequence}.
 *
 * <p>Each server keeps its ephemeral port from {@link Builder#bind()} to {@link #close()}, across refuse and
 * blackhole phases, so the caller writes {@link #ports()} into a haproxy.cfg once. The phases' {@code at} times
 * count from {@link #start()}; until then the first phase is in force, and the servers already listen when
 * {@link Builder#bind()} returns. Delay ranges draw from a random source seeded by {@link Builder#seed(long)}, in
 * the order connections are accepted (real time decides that order, so only fixed delays replay exactly).
 *
 * <p>Limits: a {@link Behaviour.Sequence} may not hold a {@code refuse} or {@code blackhole} step (the kernel
 * answers a SYN before a server could tell one connection from the next); phases start within a few
 * milliseconds of their time, as the event loop's timers allow; and a change from an accepting phase to a
 * blackhole leaves the port closed (connects refused) for a millisecond or two, because NIO releases a listening
 * socket only at its selector's next select. Put phase changes between checks, not on them. What the player
 * could not do (e.g. listen again on its port) is logged and listed by {@link #errors()}.
 *
 * <pre>{@code
 * try (LoopbackBackends backends = LoopbackBackends.builder()
 *         .script("app_backend/web01", ServerScript.builder()
 *                 .at(Duration.ZERO, Behaviour.http(200))
 *                 .at(Duration.ofSeconds(5), Behaviour.refuse())
 *                 .at(Duration.ofSeconds(11), Behaviour.http(200))
 *                 .build())
 *         .bind()) {
 *     String cfg = template.formatted(backends.port("app_backend/web01"));
 *     backends.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. Every socket and timer lives on one event loop thread of the player's own
 * ({@code haprobe-loopback}); {@link #close()} closes every socket and stops the thread, and must not be called
 * from that thread.
 */
public final class LoopbackBackends implements AutoCloseable {

    private static final System.Logger LOGGER = System.getLogger(LoopbackBackends.class.getName());
    private static final InetAddress LOOPBACK = loopback();
    private static final int ACCEPT_BACKLOG = 128;
    /** Linux queues backlog + 1 handshaken connections, then drops SYNs. */
    private static final int BLACKHOLE_BACKLOG = 1;
    private static final int BLACKHOLE_FILLERS = 3;
    private static final int REBIND_ATTEMPTS = 100;
    private static final long REBIND_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int WARM_UP_TIMEOUT_MILLIS = 2_000;
    private static final byte[] WARM_UP_REQUEST = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final EventLoopGroup group;
    private final EventLoopScheduler scheduler;
    private final RandomGenerator random;
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    /**
     * The certificates and server TLS engines of the tls scripts, used on the event loop only; null until
     * {@link #caPem()} asks for it when no script plays tls. Guarded by {@code this} while null.
     */
    private TlsSimulation tls;
    /** The CA and the client certificate of {@link #tls} as PEM, taken before the event loop uses it. */
    private String caPem;
    private String crtPem;
    private volatile long startNanos;
    private boolean started;
    private boolean closed;

    private LoopbackBackends(Map<String, ServerScript> scripts, RandomGenerator random) throws IOException {
        this.random = random;
        List<TlsBackend> tlsBackends = tlsBackends(scripts);
        if (!tlsBackends.isEmpty()) {
            // fail before any socket is bound, and take the PEM files before the event loop uses the PKI
            tls = newTlsSimulation(scripts);
            caPem = tls.authorityPem();
            crtPem = tls.clientCertificatePem();
        }
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haprobe-loopback", true),
                NioIoHandler.newFactory());
        this.scheduler = EventLoopScheduler.of(group.next());
        try {
            for (Map.Entry<String, ServerScript> entry : scripts.entrySet()) {
                backends.put(entry.getKey(), new Backend(entry.getKey(), entry.getValue()));
            }
            scheduler.eventLoop().submit(() -> {
                // the keys and SSL contexts are made now, not during the first checks
                tlsBackends.forEach(backend -> tls.newServerEndpoint(backend));
                backends.values().forEach(backend -> backend.enter(backend.script.phases().get(0).behaviour()));
            }).syncUninterruptibly();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        if (!errors.isEmpty()) {
            close();
            throw new IOException(String.join("; ", errors));
        }
        warmUp();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException impossible) {
            throw new ExceptionInInitializerError(impossible);
        }
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the port of a server.
     *
     * @param server {@code backend/server} as scripted; never null
     * @return its TCP port on 127.0.0.1, the same for the player's whole life
     * @throws IllegalArgumentException if no script has that name
     */
    public int port(String server) {
        Backend backend = backends.get(Objects.requireNonNull(server, "server"));
        if (backend == null) {
            throw new IllegalArgumentException("server: '" + server + "' (expected: one of " + backends.keySet()
                    + ")");
        }
        return backend.address.getPort();
    }

    /**
     * Returns every server's port.
     *
     * @return {@code backend/server} to port, in the order scripted; immutable
     */
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        backends.forEach((id, backend) -> ports.put(id, backend.address.getPort()));
        return Collections.unmodifiableMap(ports);
    }

    /**
     * Starts the scripts' clock: phase {@code i} begins {@code phases[i].at} after this call.
     *
     * @throws IllegalStateException if already started, or closed
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("loopback backends are closed");
        }
        if (started) {
            throw new IllegalStateException("loopback backends are already started");
        }
        started = true;
        long origin = scheduler.nanoTime();
        startNanos = origin;
        scheduler.execute(() -> backends.values().forEach(backend -> backend.schedulePhases(origin)));
    }

    /**
     * Returns when {@link #start()} was called, on the clock of {@link EventLoopScheduler#nanoTime()} (the same
     * as a live engine's), so that times of both sides can be aligned.
     *
     * @return nanoseconds, 0 before {@link #start()}
     */
    public long startNanos() {
        return startNanos;
    }

    /**
     * Returns how many connections a server has accepted so far.
     *
     * @param server {@code backend/server} as scripted; never null
     * @return the count since {@link Builder#bind()}
     * @throws IllegalArgumentException if no script has that name
     */
    public long accepted(String server) {
        port(server);
        return backends.get(server).accepted.get();
    }

    /**
     * Returns what the player failed to do so far, e.g. listening again on a port taken meanwhile.
     *
     * @return one line per failure, {@code backend/server: what}; empty when every phase played as scripted
     */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /**
     * Returns the CA that issued the {@code trusted} and {@code expired} certificates of the tls scripts, as PEM:
     * a live checker whose {@code ca-file} holds it verifies them as a simulated check does (in a simulation every
     * {@code ca-file} stands for this CA). Without tls scripts a CA is made on the first call.
     *
     * @return one {@code CERTIFICATE} block; the same for the player's whole life
     * @throws IllegalStateException if {@code io.haprobe:haprobe-engine-tls} is not on the class path
     */
    public synchronized String caPem() {
        tlsPems();
        return caPem;
    }

    /**
     * Writes {@link #caPem()} to {@code file}, for a haproxy.cfg's {@code ca-file}.
     *
     * @param file where to write; never null; replaced if it exists
     * @return {@code file}
     * @throws IOException           if the file cannot be written
     * @throws IllegalStateException if {@code io.haprobe:haprobe-engine-tls} is not on the class path
     */
    public Path writeCaFile(Path file) throws IOException {
        return Files.writeString(Objects.requireNonNull(file, "file"), caPem(), StandardCharsets.US_ASCII);
    }

    /**
     * Writes a client certificate issued by {@link #caPem()}'s CA, then its key, to {@code file}, for a
     * haproxy.cfg's {@code crt}: tls scripts with {@code client-certificate: required} accept it (in a simulation
     * every {@code crt} stands for such a certificate).
     *
     * @param file where to write; never null; replaced if it exists
     * @return {@code file}
     * @throws IOException           if the file cannot be written
     * @throws IllegalStateException if {@code io.haprobe:haprobe-engine-tls} is not on the class path
     */
    public Path writeCrtFile(Path file) throws IOException {
        String pem;
        synchronized (this) {
            tlsPems();
            pem = crtPem;
        }
        return Files.writeString(Objects.requireNonNull(file, "file"), pem, StandardCharsets.US_ASCII);
    }

    /**
     * Stops the scripts, resets every open connection, closes every socket and stops the player's thread.
     * Calling it again does nothing.
     *
     * @throws IllegalStateException if called from the player's own thread
     */
    @Override
    public void close() {
        if (scheduler.eventLoop().inEventLoop()) {
            throw new IllegalStateException("close() must not be called from the loopback backends' event loop");
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            scheduler.eventLoop().submit(() -> backends.values().forEach(Backend::stop)).syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            backends.values().forEach(backend -> closeQuietly(backend.reservation));
        }
    }

    /** Makes the PKI and its PEM files on first use when no script plays tls: the event loop never uses it then. */
    private void tlsPems() {
        if (caPem != null) {
            return;
        }
        tls = TlsSupport.find().orElseThrow(() -> new IllegalStateException("a CA for loopback backends needs "
                + "io.haprobe:haprobe-engine-tls on the classpath")).newSimulation();
        caPem = tls.authorityPem();
        crtPem = tls.clientCertificatePem();
    }

    /**
     * Serves one request on a throwaway server of the player's own, so that the first check of a scripted server
     * does not pay for loading and compiling the accept, read and write paths: in a cold JVM that took 250 ms, long
     * enough for HAProxy's first checks to time out. A failure here only means no warm-up.
     */
    private void warmUp() {
        Backend probe;
        try {
            probe = new Backend("warm-up", ServerScript.of(Behaviour.http(200)));
        } catch (IOException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "loopback backends warm-up failed", e);
            return;
        }
        try {
            scheduler.eventLoop().submit(() -> probe.enter(Behaviour.http(200))).syncUninterruptibly();
            try (Socket socket = new Socket()) {
                socket.setSoTimeout(WARM_UP_TIMEOUT_MILLIS);
                socket.connect(probe.address, WARM_UP_TIMEOUT_MILLIS);
                socket.getOutputStream().write(WARM_UP_REQUEST);
                socket.getInputStream().readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "loopback backends warm-up failed", e);
        } finally {
            scheduler.eventLoop().submit(probe::stop).syncUninterruptibly();
            closeQuietly(probe.reservation);
        }
    }

    /** The TLS provider's simulation PKI, or a message naming the first script that needs it. */
    private static TlsSimulation newTlsSimulation(Map<String, ServerScript> scripts) {
        return TlsSupport.find().orElseThrow(() -> {
            String first = scripts.entrySet().stream().filter(e -> !tlsBackends(Map.of(e.getKey(), e.getValue()))
                    .isEmpty()).map(Map.Entry::getKey).findFirst().orElseThrow();
            return new IllegalStateException("script of " + first + ": a 'tls' behaviour needs "
                    + "io.haprobe:haprobe-engine-tls on the classpath");
        }).newSimulation();
    }

    /** What the tls behaviours of {@code scripts} present, each once, in script order. */
    private static List<TlsBackend> tlsBackends(Map<String, ServerScript> scripts) {
        Set<TlsBackend> found = new LinkedHashSet<>();
        for (ServerScript script : scripts.values()) {
            for (Phase phase : script.phases()) {
                List<Behaviour> steps = phase.behaviour() instanceof Behaviour.Sequence sequence ? sequence.steps()
                        : List.of(phase.behaviour());
                for (Behaviour step : steps) {
                    if (step instanceof Behaviour.Tls tlsStep) {
                        found.add(tlsStep.backend());
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    private static void validate(String id, ServerScript script) {
        for (Phase phase : script.phases()) {
            if (phase.behaviour() instanceof Behaviour.Sequence sequence) {
                for (Behaviour step : sequence.steps()) {
                    if (step instanceof Behaviour.Refuse || step instanceof Behaviour.Blackhole) {
                        throw new IllegalArgumentException("script of " + id + ": a sequence step '" + step.kind()
                                + "' (expected: http, tcp, hang, reset or close; refuse and blackhole are phases "
                                + "on a real socket)");
                    }
                }
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // teardown: the socket is gone either way
        }
    }

    /**
     * Builds {@link LoopbackBackends}. Not thread-safe.
     *
     * <table>
     *   <caption>Settings</caption>
     *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
     *   <tr><td>{@link #script(String, ServerScript)}</td><td>none</td><td>one real server per script</td></tr>
     *   <tr><td>{@link #seed(long)}</td><td>0</td><td>the seed of the delay ranges' draws</td></tr>
     * </table>
     */
    public static final class Builder {

        private final Map<String, ServerScript> scripts = new LinkedHashMap<>();
        private long seed;

        private Builder() {
        }

        /**
         * Adds the server playing {@code script}, replacing any earlier script of that name.
         *
         * @param server {@code backend/server}, the name {@link #port(String)} takes; never null
         * @param script the script; never null; its sequences hold no {@code refuse} or {@code blackhole} step
         * @return this builder
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if a sequence of the script holds a refuse or blackhole step
         */
        public Builder script(String server, ServerScript script) {
            Objects.requireNonNull(server, "server");
            validate(server, Objects.requireNonNull(script, "script"));
            scripts.put(server, script);
            return this;
        }

        /**
         * Sets the seed of the delay ranges' draws.
         *
         * @param seed any value; default 0
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Binds one server per script on an ephemeral port of 127.0.0.1 and puts each in its first phase, then
         * serves one request on a throwaway server of its own, so that the first real check does not wait for
         * class loading (this blocks for a few milliseconds). With tls scripts it also makes the CA and the
         * servers' keys now (RSA keys take up to a few hundred milliseconds).
         *
         * @return the player, listening, not started
         * @throws UncheckedIOException  if a port cannot be bound or listened on
         * @throws IllegalStateException if a script plays {@code tls} and {@code io.haprobe:haprobe-engine-tls} is
         *                               not on the class path
         */
        public LoopbackBackends bind() {
            try {
                return new LoopbackBackends(scripts, new SplittableRandom(seed));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind loopback backends", e);
            }
        }
    }

    /** One scripted server: its port, its listener of the phase in force and its open connections. */
    private final class Backend {

        final String id;
        final ServerScript script;
        final InetSocketAddress address;
        /** Bound, never listening: holds the port through refuse phases, so connects to it are refused. */
        final java.nio.channels.SocketChannel reservation;
        final AtomicLong accepted = new AtomicLong();
        final ServerBootstrap bootstrap;
        final Set<Connection> open = new LinkedHashSet<>();
        final List<Cancellable> phaseStarts = new ArrayList<>();
        final List<java.nio.channels.SocketChannel> fillers = new ArrayList<>();
        Behaviour behaviour;
        /** Counts phase changes, so that a retry of an earlier phase's listen gives up. */
        long generation;
        long connectionsInPhase;
        Channel listener;
        ServerSocketChannel blackhole;

        Backend(String id, ServerScript script) throws IOException {
            this.id = id;
            this.script = script;
            this.reservation = java.nio.channels.SocketChannel.open();
            try {
                reservation.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                reservation.bind(new InetSocketAddress(LOOPBACK, 0));
            } catch (IOException e) {
                closeQuietly(reservation);
                throw e;
            }
            this.address = (InetSocketAddress) reservation.getLocalAddress();
            this.bootstrap = new ServerBootstrap()
                    .group(group)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new Connection(Backend.this, nextBehaviour()));
                        }
                    });
        }

        void schedulePhases(long origin) {
            List<Phase> phases = script.phases();
            for (int i = 1; i < phases.size(); i++) {
                Phase phase = phases.get(i);
                phaseStarts.add(scheduler.schedule(() -> enter(phase.behaviour()),
                        origin + phase.atNanos() - scheduler.nanoTime()));
            }
        }

        void stop() {
            generation++;
            phaseStarts.forEach(Cancellable::cancel);
            closeListeners();
            List.copyOf(open).forEach(Connection::reset);
        }

        /** Puts the server in {@code next}'s listening mode; the connections already open keep their behaviour. */
        void enter(Behaviour next) {
            generation++;
            behaviour = next;
            connectionsInPhase = 0;
            if (next instanceof Behaviour.Refuse) {
                closeListeners();
                // the process died: the kernel resets every connection it had
                List.copyOf(open).forEach(Connection::reset);
                return;
            }
            boolean blackholeWanted = next instanceof Behaviour.Blackhole;
            if (blackholeWanted ? blackhole != null : listener != null) {
                return;
            }
            closeListeners();
            listen(generation, blackholeWanted, 1);
        }

        private void listen(long forGeneration, boolean asBlackhole, int attempt) {
            if (forGeneration != generation) {
                return;
            }
            try {
                if (asBlackhole) {
                    openBlackhole();
                } else {
                    openListener();
                }
            } catch (BindException e) {
                if (attempt < REBIND_ATTEMPTS) {
                    // NIO closes a listener's socket only at its selector's next select: the port frees up then
                    scheduler.schedule(() -> listen(forGeneration, asBlackhole, attempt + 1), REBIND_PAUSE_NANOS);
                    return;
                }
                fail(asBlackhole, e);
            } catch (IOException | RuntimeException e) {
                fail(asBlackhole, e);
            }
        }

        private void fail(boolean asBlackhole, Exception e) {
            String error = id + ": cannot listen on port " + address.getPort() + (asBlackhole ? " as a blackhole" : "")
                    + ": " + e;
            errors.add(error);
            LOGGER.log(System.Logger.Level.WARNING, error, e);
        }

        private Behaviour nextBehaviour() {
            Behaviour chosen = behaviour;
            if (chosen instanceof Behaviour.Sequence sequence) {
                chosen = sequence.step(connectionsInPhase);
            }
            connectionsInPhase++;
            accepted.incrementAndGet();
            return chosen;
        }

        private void openListener() throws IOException {
            // bound and listening before Netty registers it: no connect between phases can find the port closed
            ServerSocketChannel server = listen(ACCEPT_BACKLOG);
            listener = bootstrap.clone().channelFactory(() -> new NioServerSocketChannel(server)).register()
                    .channel();
        }

        private void openBlackhole() throws IOException {
            blackhole = listen(BLACKHOLE_BACKLOG);
            for (int i = 0; i < BLACKHOLE_FILLERS; i++) {
                java.nio.channels.SocketChannel filler = java.nio.channels.SocketChannel.open();
                fillers.add(filler);
                filler.configureBlocking(false);
                // on loopback the handshake completes inside connect(): the queue is full when this loop ends
                filler.connect(address);
            }
        }

        private ServerSocketChannel listen(int backlog) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open();
            try {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                server.bind(address, backlog);
                return server;
            } catch (IOException e) {
                closeQuietly(server);
                throw e;
            }
        }

        private void closeListeners() {
            if (listener != null) {
                listener.close();
                listener = null;
            }
            if (blackhole != null) {
                closeQuietly(blackhole);
                blackhole = null;
            }
            fillers.forEach(LoopbackBackends::closeQuietly);
            fillers.clear();
        }
    }

    /**
     * One accepted connection playing one behaviour, on the player's event loop; a {@link TlsPeer} plays over it
     * as over the simulated transport's connections.
     */
    private final class Connection extends ChannelInboundHandlerAdapter implements PeerWire {

        private final Backend backend;
        private final Behaviour behaviour;
        private final RequestHeadEnd headEnd = new RequestHeadEnd();
        private final DialogueCursor dialogue;
        /** What {@link #runAt(long, Runnable)} was given, in time order, the first one armed on the loop. */
        private final ArrayDeque<Timed> timed = new ArrayDeque<>();
        private Channel channel;
        private ChannelFuture lastWrite;
        private Cancellable pending = Cancellable.NONE;
        private Cancellable timedTimer = Cancellable.NONE;
        private TlsPeer tlsPeer;
        private boolean answered;

        Connection(Backend backend, Behaviour behaviour) {
            this.backend = backend;
            this.behaviour = behaviour;
            this.dialogue = behaviour instanceof Behaviour.Dialogue d ? new DialogueCursor(d) : null;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            lastWrite = channel.newSucceededFuture();
            backend.open.add(this);
            if (behaviour instanceof Behaviour.Reset reset) {
                play(reset.delay(), this::reset);
            } else if (behaviour instanceof Behaviour.Close close) {
                play(close.delay(), this::shutdownOutput);
            } else if (behaviour instanceof Behaviour.Tcp tcp && tcp.banner()) {
                answered = true;
                play(tcp.delay(), () -> reply(tcp.reply(), tcp.close()));
            } else if (dialogue != null) {
                converse();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (dialogue != null && msg instanceof ByteBuf data) {
                    dialogue.received(data);
                    converse();
                    return;
                }
                if (behaviour instanceof Behaviour.Tls tlsBehaviour && msg instanceof ByteBuf data) {
                    if (tlsPeer == null) {
                        tlsPeer = new TlsPeer(tlsBehaviour, tls.newServerEndpoint(tlsBehaviour.backend()), this,
                                random);
                    }
                    tlsPeer.received(data);
                    return;
                }
                if (answered || !(msg instanceof ByteBuf data)) {
                    return;
                }
                if (behaviour instanceof Behaviour.Http && headEnd.opensWithTlsHandshake(data)) {
                    answered = true;
                    play(Delay.NONE, () -> reply(RequestHeadEnd.BAD_REQUEST, true));
                } else if (behaviour instanceof Behaviour.Http http && headEnd.scan(data)) {
                    answered = true;
                    play(http.delay(), () -> reply(http.responseBytes(), true));
                } else if (behaviour instanceof Behaviour.Tcp tcp && !tcp.banner() && data.isReadable()) {
                    answered = true;
                    play(tcp.delay(), () -> reply(tcp.reply(), tcp.close()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                // the checker is done with the connection (its FIN): so is the server
                ctx.close();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the checker reset the connection
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pending.cancel();
            timedTimer.cancel();
            timed.clear();
            if (tlsPeer != null) {
                tlsPeer.closed();
            }
            backend.open.remove(this);
        }

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        /**
         * Netty orders timers by the deadline it computes from its own reading of the clock, which may put two
         * tasks for the same time in either order: the tasks wait here in order and one timer at a time is armed.
         */
        @Override
        public void runAt(long atNanos, Runnable task) {
            timed.add(new Timed(atNanos, task));
            if (timed.size() == 1) {
                armTimed();
            }
        }

        @Override
        public void write(byte[] bytes) {
            if (!channel.isActive()) {
                return;
            }
            lastWrite = channel.writeAndFlush(Unpooled.wrappedBuffer(bytes))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }

        /** Shuts the output down once the last write is out, so that no byte written is cut off. */
        @Override
        public void fin() {
            lastWrite.addListener(done -> {
                if (done.isSuccess()) {
                    shutdownOutput();
                }
            });
        }

        @Override
        public void reset() {
            if (!channel.isOpen()) {
                return;
            }
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }

        /** Plays the dialogue's exchanges from the current one as far as the bytes received allow. */
        private void converse() {
            Behaviour.Dialogue.Exchange exchange = dialogue.take();
            if (exchange == null) {
                return;
            }
            play(exchange.delay(), () -> {
                dialogue.replied();
                // the FIN goes after the last reply is written
                reply(exchange.replyBytes(), dialogue.finished() && ((Behaviour.Dialogue) behaviour).close());
                if (!dialogue.finished()) {
                    converse();
                }
            });
        }

        private void play(Delay delay, Runnable action) {
            long nanos = delay.sampleNanos(random);
            if (nanos == 0) {
                action.run();
                return;
            }
            pending = scheduler.schedule(action, nanos);
        }

        private void reply(byte[] bytes, boolean fin) {
            if (!channel.isActive()) {
                return;
            }
            if (bytes.length > 0) {
                write(bytes);
            }
            if (fin) {
                fin();
            }
        }

        private void armTimed() {
            timedTimer = scheduler.schedule(this::runTimed, timed.element().atNanos() - scheduler.nanoTime());
        }

        /** Runs the first task (its timer fired) and every other one due by now; the head stays queued while it runs. */
        private void runTimed() {
            long now = scheduler.nanoTime();
            do {
                Timed head = timed.element();
                head.task().run();
                if (timed.peek() == head) { // a close while it ran cleared the queue
                    timed.remove();
                }
            } while (!timed.isEmpty() && timed.element().atNanos() <= now);
            if (!timed.isEmpty()) {
                armTimed();
            }
        }

        private void shutdownOutput() {
            if (channel.isActive()) {
                ((SocketChannel) channel).shutdownOutput();
            }
        }
    }

    /** A task for {@link Connection#runAt(long, Runnable)}. */
    private record Timed(long atNanos, Runnable task) {
    }
}
