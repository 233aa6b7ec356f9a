package io.haprobe.testkit;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.BehaviourPlayer;
import io.haprobe.sim.Delay;
import io.haprobe.sim.Firewall;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import io.haprobe.time.Cancellable;
import io.haprobe.time.EventLoopScheduler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scripted server of {@link LoopbackBackends}: its port, held from bind to close, the listener of the phase in
 * force (a Netty server channel, a blackhole, or nothing for refuse), its open connections, and the record of
 * every connection it accepted.
 *
 * <p>The sockets and phases are confined to the player's event loop; the record ({@link #connections}) is guarded
 * by the {@link LoopbackBackends}' record lock.
 */
final class LoopbackServer {

    private static final int ACCEPT_BACKLOG = 128;
    /** Linux queues backlog + 1 handshaken connections, then drops SYNs. */
    private static final int BLACKHOLE_BACKLOG = 1;
    private static final int BLACKHOLE_FILLERS = 3;
    private static final int REBIND_ATTEMPTS = 100;
    private static final long REBIND_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int WARM_UP_TIMEOUT_MILLIS = 2_000;
    private static final byte[] WARM_UP_REQUEST = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final LoopbackBackends owner;
    private final String id;
    private final ServerScript script;
    private final EventLoopScheduler scheduler;
    private final BehaviourPlayer.Stage stage;
    private final InetSocketAddress address;
    /** Bound, never listening: holds the port through refuse phases, so connects to it are refused. */
    private final java.nio.channels.SocketChannel reservation;
    private final AtomicLong accepted = new AtomicLong();
    private final ServerBootstrap bootstrap;
    private final Set<LoopbackConnection> open = new LinkedHashSet<>();
    private final List<Cancellable> phaseStarts = new ArrayList<>();
    private final List<java.nio.channels.SocketChannel> fillers = new ArrayList<>();
    /** Every connection accepted, in accept order; guarded by the owner's record lock. */
    final List<LoopbackConnection> connections = new ArrayList<>();
    /** How many of {@link #connections} {@code takeConnection} has handed out; guarded by the record lock. */
    int taken;
    private Behaviour behaviour;
    private Firewall firewall = Firewall.OPEN;
    /** Counts phase changes, so that a retry of an earlier phase's listen gives up. */
    private long generation;
    private long connectionsInPhase;
    private Channel listener;
    private ServerSocketChannel blackhole;

    LoopbackServer(LoopbackBackends owner, String id, ServerScript script, EventLoopGroup group,
                   EventLoopScheduler scheduler, BehaviourPlayer.Stage stage, InetAddress host) throws IOException {
        this.owner = owner;
        this.id = id;
        this.script = script;
        this.scheduler = scheduler;
        this.stage = stage;
        this.reservation = java.nio.channels.SocketChannel.open();
        try {
            reservation.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            reservation.bind(new InetSocketAddress(host, 0));
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
                        channel.pipeline().addLast(newConnection(channel.remoteAddress()));
                    }
                });
    }

    /**
     * Serves one request on a throwaway server, so that the first check of a scripted server does not pay for
     * loading and compiling the accept, read and write paths: in a cold JVM that took 250 ms, long enough for
     * HAProxy's first checks to time out. The throwaway server is in no list: its connection is recorded nowhere.
     *
     * @throws IOException if the throwaway server cannot be bound or does not answer
     */
    static void warmUp(LoopbackBackends owner, EventLoopGroup group, EventLoopScheduler scheduler,
                       BehaviourPlayer.Stage stage, InetAddress host) throws IOException {
        LoopbackServer probe = new LoopbackServer(owner, "warm-up", ServerScript.of(Behaviour.http(200)), group,
                scheduler, stage, host);
        try {
            scheduler.eventLoop().submit(probe::enterFirstPhase).syncUninterruptibly();
            try (Socket socket = new Socket()) {
                socket.setSoTimeout(WARM_UP_TIMEOUT_MILLIS);
                socket.connect(probe.address, WARM_UP_TIMEOUT_MILLIS);
                socket.getOutputStream().write(WARM_UP_REQUEST);
                socket.getInputStream().readAllBytes();
            }
        } finally {
            scheduler.eventLoop().submit(probe::stop).syncUninterruptibly();
            probe.release();
        }
    }

    /**
     * Checks that a script can be played on real sockets.
     *
     * @throws IllegalArgumentException if a sequence of the script holds a refuse or blackhole step
     */
    static void validate(String id, ServerScript script) {
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

    String id() {
        return id;
    }

    InetSocketAddress address() {
        return address;
    }

    long acceptedCount() {
        return accepted.get();
    }

    /** Puts the server in its first phase; on the event loop. */
    void enterFirstPhase() {
        enter(script.phases().get(0));
    }

    /** Arms the starts of the later phases, {@code at} after {@code origin}; on the event loop. */
    void schedulePhases(long origin) {
        List<Phase> phases = script.phases();
        for (int i = 1; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            phaseStarts.add(scheduler.schedule(() -> enter(phase),
                    origin + phase.atNanos() - scheduler.nanoTime()));
        }
    }

    /** Stops the phases, closes the listeners and resets every open connection; on the event loop. */
    void stop() {
        generation++;
        phaseStarts.forEach(Cancellable::cancel);
        closeListeners();
        List.copyOf(open).forEach(LoopbackConnection::reset);
    }

    /** Releases the port; after {@link #stop()}, on any thread. */
    void release() {
        closeQuietly(reservation);
    }

    /** A connection became active: it is open until {@link #closed}. */
    void opened(LoopbackConnection connection) {
        if (open.add(connection)) {
            owner.connectionOpened();
        }
    }

    /** A connection closed, on both sides. */
    void closed(LoopbackConnection connection) {
        if (open.remove(connection)) {
            owner.connectionClosed();
        }
    }

    void violation(String what) {
        owner.violation(what);
    }

    /** Puts the server in {@code phase}'s listening mode; the connections already open keep their behaviour. */
    private void enter(Phase phase) {
        Behaviour next = phase.behaviour();
        firewall = phase.firewall();
        generation++;
        behaviour = next;
        connectionsInPhase = 0;
        if (next instanceof Behaviour.Refuse) {
            closeListeners();
            // the process died: the kernel resets every connection it had
            List.copyOf(open).forEach(LoopbackConnection::reset);
            return;
        }
        boolean blackholeWanted = next instanceof Behaviour.Blackhole;
        if (blackholeWanted ? blackhole != null : listener != null) {
            return;
        }
        closeListeners();
        listen(generation, blackholeWanted, 1);
    }

    /**
     * The connection of the next accept, playing the phase's behaviour or its sequence's step. A source the
     * phase's firewall does not allow gets a connection that resets at once ({@code reject}) or never answers
     * ({@code drop}): without root tools the kernel has completed the handshake before the player sees the
     * source, so a live check sees L4OK where a kernel firewall gives L4TOUT or L4CON (docs/scenarios.md).
     */
    private LoopbackConnection newConnection(InetSocketAddress peer) {
        if (peer != null && !firewall.allows(peer.getAddress().getHostAddress())) {
            Behaviour blocked = firewall.action() == Firewall.Action.REJECT ? new Behaviour.Reset(Delay.NONE)
                    : Behaviour.hang();
            return owner.record(this, index -> new LoopbackConnection(this, index, blocked, stage, scheduler));
        }
        Behaviour chosen = behaviour;
        if (chosen instanceof Behaviour.Sequence sequence) {
            chosen = sequence.step(connectionsInPhase);
        }
        connectionsInPhase++;
        accepted.incrementAndGet();
        Behaviour step = chosen;
        return owner.record(this, index -> new LoopbackConnection(this, index, step, stage, scheduler));
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
        owner.error(id + ": cannot listen on port " + address.getPort() + (asBlackhole ? " as a blackhole" : "")
                + ": " + e, e);
    }

    private void openListener() throws IOException {
        // bound and listening before Netty registers it: no connect between phases can find the port closed
        ServerSocketChannel server = listen(ACCEPT_BACKLOG);
        listener = bootstrap.clone().channelFactory(() -> new NioServerSocketChannel(server)).register().channel();
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
        fillers.forEach(LoopbackServer::closeQuietly);
        fillers.clear();
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // teardown: the socket is gone either way
        }
    }
}
