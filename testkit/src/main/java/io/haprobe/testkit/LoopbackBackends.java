package io.haprobe.testkit;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.BehaviourPlayer;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.spi.TlsBackend;
import io.haprobe.spi.TlsSimulation;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.EventLoopScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Plays {@link ServerScript}s on real sockets: one TCP server per scripted {@code backend/server} on
 * {@code 127.0.0.1}, on real time, each connection played by the same {@link BehaviourPlayer} as the
 * {@link SimulatedTransport}'s, so that a scenario can be checked live (by haprobe or by HAProxy itself) and
 * compared with its simulation. Like OkHttp's {@code MockWebServer}, the servers are strict and record every
 * connection: what the checker sent, from where, and how it closed.
 *
 * <table>
 *   <caption>How each {@link Behaviour} is played on a real socket</caption>
 *   <tr><th>behaviour</th><th>on the socket</th></tr>
 *   <tr><td>{@link Behaviour.Http}, {@link Behaviour.Tcp}, {@link Behaviour.Dialogue}, {@link Behaviour.Hang},
 *       {@link Behaviour.Reset}, {@link Behaviour.Close}, {@link Behaviour.Tls}</td><td>accepts, then plays it as
 *       the {@link BehaviourPlayer} table says (bytes, FIN by shutting the output down, RST by closing with
 *       {@code SO_LINGER 0})</td></tr>
 *   <tr><td>{@link Behaviour.Refuse}</td><td>no listener: the port is held by a socket that is bound but never
 *       listens, so the kernel answers every SYN with an RST ({@code Connection refused}) and no other
 *       program can take the port. At the start of the phase every open connection is reset (a crash)</td></tr>
 *   <tr><td>{@link Behaviour.Blackhole}</td><td>a listener with backlog 1 whose accept queue is filled by three
 *       connects the player holds and never accepted: the kernel drops further SYNs, so a connect neither
 *       succeeds nor fails (spec §13)</td></tr>
 *   <tr><td>{@link Behaviour.Sequence}</td><td>the n-th connection accepted in the phase plays step
 *       {@code n mod size}</td></tr>
 * </table>
 *
 * <p><b>Recording.</b> {@link #recordedConnections(String)} lists every connection a server accepted, in accept
 * order, with the bytes received (up to {@link #MAX_RECORDED_BYTES} each), the checker's address, how the checker
 * closed (FIN or RST) and the TLS handshake; {@link #takeConnection(String, Duration)} waits for the next one to
 * end. Records are kept for the player's whole life.
 *
 * <p><b>Strictness.</b> A violation is recorded when the checker sends bytes a script does not expect (after an
 * http, tcp or dialogue server's last reply) and, at {@link #close()}, for every connection the checker left open.
 * {@link #verify()} throws an {@link AssertionError} listing the violations and {@link #errors()}; a strict
 * player ({@link Builder#strict(boolean)}, the default) calls it from {@link #close()}, after waiting up to
 * {@link Builder#closeGrace(Duration)} for the checker to close what it still holds. A lenient one (a demo, a run against another
 * checker) records the same and throws nothing.
 *
 * <p>TLS scripts need {@code io.haprobe:haprobe-engine-tls} on the class path ({@link TlsSupport}). Their
 * certificates come from a simulation PKI of the player's own ({@link TlsSimulation}): {@code trusted} and
 * {@code expired} ones are issued by its CA, which a live checker trusts through a {@code ca-file} holding
 * {@link #caPem()} (see {@link #writeCaFile(Path)}); a backend requiring a client certificate accepts the one of
 * {@link #writeCrtFile(Path)} ({@code crt}). The CA is made at {@link Builder#bind()} and lives as long as the
 * player, so a haproxy.cfg is written once.
 *
 * <p>In every behaviour the server reads what the checker sends, and closes its end once the checker closed its
 * own (FIN or RST). A plain connect check never reaches the server: it aborts the handshake before the accept
 * (spec §5.1), so it is neither recorded nor counted as a connection of a {@link Behaviour.Sequence}.
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
 *     RecordedConnection first = backends.takeConnection("app_backend/web01", Duration.ofSeconds(5));
 *     assertThat(first.receivedText()).startsWith("GET /health ");
 * }   // strict: throws an AssertionError if the checker misbehaved
 * }</pre>
 *
 * <p>Thread-safe. Every socket and timer lives on one event loop thread of the player's own
 * ({@code haprobe-loopback}); {@link #close()} closes every socket and stops the thread, and must not be called
 * from that thread.
 */
public final class LoopbackBackends implements AutoCloseable {

    /** How many bytes of each connection {@link RecordedConnection#received()} keeps: 64 KiB. */
    public static final int MAX_RECORDED_BYTES = 64 * 1024;
    /** How long a strict {@link #close()} waits by default for the checker to close what it still holds: 2 s. */
    public static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(2);

    private static final System.Logger LOGGER = System.getLogger(LoopbackBackends.class.getName());
    private static final InetAddress LOOPBACK = loopback();

    private final EventLoopGroup group;
    private final EventLoopScheduler scheduler;
    private final BehaviourPlayer.Stage stage;
    private final boolean strict;
    private final long closeGraceNanos;
    private final Map<String, LoopbackServer> servers = new LinkedHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    /** Guards the servers' records and {@link #openConnections}; notified when a connection opens or closes. */
    private final Object recordLock = new Object();
    private int openConnections;
    private final LoopbackPki pki;
    private volatile long startNanos;
    private boolean started;
    private boolean closed;

    private LoopbackBackends(Map<String, ServerScript> scripts, long seed, boolean strict, long closeGraceNanos)
            throws IOException {
        this.strict = strict;
        this.closeGraceNanos = closeGraceNanos;
        this.pki = new LoopbackPki(scripts);
        List<TlsBackend> tlsBackends = LoopbackPki.tlsBackends(scripts);
        this.stage = new BehaviourPlayer.Stage(new SplittableRandom(seed), pki::simulation);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haprobe-loopback", true),
                NioIoHandler.newFactory());
        this.scheduler = EventLoopScheduler.of(group.next());
        try {
            for (Map.Entry<String, ServerScript> entry : scripts.entrySet()) {
                servers.put(entry.getKey(), newServer(entry.getKey(), entry.getValue()));
            }
            scheduler.eventLoop().submit(() -> {
                // the keys and SSL contexts are made now, not during the first checks
                tlsBackends.forEach(backend -> pki.simulation().newServerEndpoint(backend));
                servers.values().forEach(LoopbackServer::enterFirstPhase);
            }).syncUninterruptibly();
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
        if (!errors.isEmpty()) {
            stop();
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
        return server(server).address().getPort();
    }

    /**
     * Returns every server's port.
     *
     * @return {@code backend/server} to port, in the order scripted; immutable
     */
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        servers.forEach((id, server) -> ports.put(id, server.address().getPort()));
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
        scheduler.execute(() -> servers.values().forEach(server -> server.schedulePhases(origin)));
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
        return server(server).acceptedCount();
    }

    /**
     * Returns the connections a server accepted so far, as they stand now.
     *
     * @param server {@code backend/server} as scripted; never null
     * @return snapshots in accept order, open ones included; immutable
     * @throws IllegalArgumentException if no script has that name
     */
    public List<RecordedConnection> recordedConnections(String server) {
        LoopbackServer scripted = server(server);
        synchronized (recordLock) {
            return scripted.connections.stream().map(LoopbackConnection::snapshot).toList();
        }
    }

    /**
     * Waits for the next connection of a server to end and returns its final record. Connections are taken in
     * accept order, each once: the first call returns connection 0 once it is closed, the next call connection 1.
     *
     * @param server  {@code backend/server} as scripted; never null
     * @param timeout how long to wait; never null, not negative
     * @return the connection, closed on both sides
     * @throws IllegalArgumentException if no script has that name, or {@code timeout} is negative
     * @throws AssertionError           if no further connection of the server ended within {@code timeout}
     * @throws InterruptedException     if the calling thread is interrupted while waiting
     */
    public RecordedConnection takeConnection(String server, Duration timeout) throws InterruptedException {
        LoopbackServer scripted = server(server);
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (recordLock) {
            while (true) {
                if (scripted.taken < scripted.connections.size()) {
                    RecordedConnection next = scripted.connections.get(scripted.taken).snapshot();
                    if (!next.open() && next.peer() != null) {
                        scripted.taken++;
                        return next;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no connection #" + scripted.taken + " to " + server + " ended within "
                            + timeout.toMillis() + " ms; so far: " + recordedConnections(server));
                }
                TimeUnit.NANOSECONDS.timedWait(recordLock, left);
            }
        }
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
     * Returns what the checker did that the scripts do not allow: bytes after a server's last reply, and, once
     * {@link #close()} ran, connections it left open.
     *
     * @return one line per violation, {@code backend/server: connection #n from address: what}; empty when none
     */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * Fails if the checker violated a script or the player failed to play one, so far.
     *
     * @throws AssertionError listing every {@link #violations()} then every {@link #errors()}, if any
     */
    public void verify() {
        List<String> failures = new ArrayList<>(violations);
        failures.addAll(errors);
        if (!failures.isEmpty()) {
            throw new AssertionError("loopback backends: " + failures.size() + " failure(s):\n  - "
                    + String.join("\n  - ", failures));
        }
    }

    /**
     * Returns the CA that issued the {@code trusted} and {@code expired} certificates of the tls scripts, as PEM:
     * a live checker whose {@code ca-file} holds it verifies them as a simulated check does (in a simulation every
     * {@code ca-file} stands for this CA). Without tls scripts a CA is made on the first call.
     *
     * @return one {@code CERTIFICATE} block; the same for the player's whole life
     * @throws IllegalStateException if {@code io.haprobe:haprobe-engine-tls} is not on the class path
     */
    public String caPem() {
        return pki.caPem();
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
        return Files.writeString(Objects.requireNonNull(file, "file"), pki.crtPem(), StandardCharsets.US_ASCII);
    }

    /**
     * Stops the scripts, closes every socket and stops the player's thread. A strict player first waits up to
     * {@link Builder#closeGrace(Duration)} for the checker to close the connections it still holds, records those it left open
     * as violations, and ends with {@link #verify()}; a lenient one resets open connections at once. Calling it
     * again does nothing.
     *
     * @throws IllegalStateException if called from the player's own thread
     * @throws AssertionError        if strict and {@link #verify()} fails; every socket is closed by then
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
        if (strict) {
            awaitCheckerCloses();
        }
        stop();
        if (strict) {
            verify();
        }
    }

    /** Records a connection the next accept makes, under the record lock. */
    LoopbackConnection record(LoopbackServer server, IntFunction<LoopbackConnection> connection) {
        synchronized (recordLock) {
            LoopbackConnection made = connection.apply(server.connections.size());
            server.connections.add(made);
            return made;
        }
    }

    void connectionOpened() {
        synchronized (recordLock) {
            openConnections++;
            recordLock.notifyAll();
        }
    }

    void connectionClosed() {
        synchronized (recordLock) {
            openConnections--;
            recordLock.notifyAll();
        }
    }

    void violation(String what) {
        violations.add(what);
    }

    void error(String what, Exception cause) {
        errors.add(what);
        LOGGER.log(System.Logger.Level.WARNING, what, cause);
    }

    private LoopbackServer newServer(String id, ServerScript script) throws IOException {
        return new LoopbackServer(this, id, script, group, scheduler, stage, LOOPBACK);
    }

    private LoopbackServer server(String server) {
        LoopbackServer scripted = servers.get(Objects.requireNonNull(server, "server"));
        if (scripted == null) {
            throw new IllegalArgumentException("server: '" + server + "' (expected: one of " + servers.keySet()
                    + ")");
        }
        return scripted;
    }

    /** Waits up to the close grace for no connection to be open, then records those still open. */
    private void awaitCheckerCloses() {
        long deadline = System.nanoTime() + closeGraceNanos;
        synchronized (recordLock) {
            try {
                for (long left; openConnections > 0 && (left = deadline - System.nanoTime()) > 0; ) {
                    TimeUnit.NANOSECONDS.timedWait(recordLock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (LoopbackServer server : servers.values()) {
                for (LoopbackConnection connection : server.connections) {
                    if (connection.isOpen()) {
                        violations.add(connection.describe() + ": still open at close: the checker did not close"
                                + " it within " + TimeUnit.NANOSECONDS.toMillis(closeGraceNanos) + " ms");
                    }
                }
            }
        }
    }

    /** Stops every server on the event loop, stops the loop and releases the ports. */
    private void stop() {
        try {
            scheduler.eventLoop().submit(() -> servers.values().forEach(LoopbackServer::stop)).syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            servers.values().forEach(LoopbackServer::release);
        }
    }

    /** Warms the accept, read and write paths up; a failure only means no warm-up. */
    private void warmUp() {
        try {
            LoopbackServer.warmUp(this, group, scheduler, stage, LOOPBACK);
        } catch (IOException | RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "loopback backends warm-up failed", e);
        }
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
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
     *   <tr><td>{@link #strict(boolean)}</td><td>true</td><td>{@link #close()} waits for the checker's closes and
     *       throws on violations</td></tr>
     *   <tr><td>{@link #closeGrace(Duration)}</td><td>{@link #DEFAULT_CLOSE_GRACE}, 2 s</td><td>how long a strict
     *       {@link #close()} waits for the checker to close its connections</td></tr>
     * </table>
     */
    public static final class Builder {

        private final Map<String, ServerScript> scripts = new LinkedHashMap<>();
        private long seed;
        private boolean strict = true;
        private Duration closeGrace = DEFAULT_CLOSE_GRACE;

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
            LoopbackServer.validate(server, Objects.requireNonNull(script, "script"));
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
         * Sets whether {@link LoopbackBackends#close()} fails on what the checker did wrong. Violations are
         * recorded either way ({@link LoopbackBackends#violations()}).
         *
         * @param strict true (the default) for a test: close waits up to {@link #closeGrace(Duration)} for the checker to
         *               close its connections, then throws an {@link AssertionError} listing every violation and
         *               error; false for a demo or a run against another checker: close resets open connections at
         *               once and throws nothing
         * @return this builder
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Sets how long a strict {@link LoopbackBackends#close()} waits for the checker to close the connections it
         * still holds (e.g. the RST of a check it just stopped) before it counts them as left open.
         *
         * @param closeGrace the wait; never null; 0 does not wait; default {@link #DEFAULT_CLOSE_GRACE}, 2 s
         * @return this builder
         * @throws NullPointerException     if {@code closeGrace} is null
         * @throws IllegalArgumentException if {@code closeGrace} is negative
         */
        public Builder closeGrace(Duration closeGrace) {
            if (Objects.requireNonNull(closeGrace, "closeGrace").isNegative()) {
                throw new IllegalArgumentException("closeGrace: " + closeGrace + " (expected: >= 0)");
            }
            this.closeGrace = closeGrace;
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
                return new LoopbackBackends(scripts, seed, strict, saturatedNanos(closeGrace));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind loopback backends", e);
            }
        }
    }
}
