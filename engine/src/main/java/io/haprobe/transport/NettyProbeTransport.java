package io.haprobe.transport;

import io.haprobe.time.EventLoopScheduler;
import io.haprobe.time.Scheduler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live {@link ProbeTransport}: real TCP connections through Netty on one or more event loops (HAProxy's
 * threads), with the native epoll transport when it is available and NIO otherwise.
 *
 * <pre>{@code
 * try (NettyProbeTransport transport = NettyProbeTransport.create(2)) {
 *     HealthCheckEngine engine = HealthCheckEngine.builder(config).transport(transport).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>On epoll, the engine's plain (non-TLS) checks started on one of the transport's loops take no channel: each
 * connection is one socket registered straight on the loop (see {@code docs/architecture.md}, "Transport"). The
 * system property {@code haprobe.live.channels=true}, read once when this class loads, makes every check take a
 * channel through {@link #connect} instead (for comparison; the checks report the same).
 *
 * <p>Threading: thread-safe. Each event loop has its own {@link EventLoopScheduler} ({@link #schedulers()}); a
 * channel is registered on the loop of the thread that calls {@link #connect}, or on the first loop when the
 * caller is not one of them.
 */
public final class NettyProbeTransport implements ProbeTransport {

    private static final System.Logger LOGGER = System.getLogger(NettyProbeTransport.class.getName());

    /**
     * {@code -Dhaprobe.live.channels=true}: every live check connection takes a Netty channel, as before the
     * channel-free path (for comparison; the checks behave the same).
     */
    private static final boolean CHANNELS_ONLY = Boolean.getBoolean("haprobe.live.channels");

    private final EventLoopGroup ownedGroup;
    private final List<Scheduler> schedulers;
    private final EventLoop[] eventLoops;
    /** Per loop: the loop when plain checks can run channel-free on it (epoll), else null. */
    private final IoEventLoop[] channelFreeLoops;
    /** One bootstrap per loop, built once: a check's connect clones nothing. */
    private final Bootstrap[] bootstraps;
    /**
     * A server to the local address its last recorded check connection left from (see {@link #lastSource}): one slot
     * per server, made at its first connection, which its check runs keep ({@link #sourceSlot}), so that a check
     * only writes the slot.
     */
    private final Map<ServerKey, AtomicReference<InetSocketAddress>> sources = new ConcurrentHashMap<>();

    private NettyProbeTransport(EventLoopGroup ownedGroup, List<EventLoop> loops, Class<? extends SocketChannel> type) {
        this.ownedGroup = ownedGroup;
        this.eventLoops = loops.toArray(new EventLoop[0]);
        this.bootstraps = new Bootstrap[eventLoops.length];
        this.channelFreeLoops = new IoEventLoop[eventLoops.length];
        boolean epoll = !CHANNELS_ONLY && Epoll.isAvailable();
        List<Scheduler> each = new ArrayList<>(eventLoops.length);
        for (int i = 0; i < eventLoops.length; i++) {
            each.add(EventLoopScheduler.of(eventLoops[i]));
            if (epoll && eventLoops[i] instanceof IoEventLoop io && io.isCompatible(EpollIoHandle.class)) {
                channelFreeLoops[i] = io;
            }
            bootstraps[i] = new Bootstrap()
                    .group(eventLoops[i])
                    .channel(type)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.AUTO_CLOSE, false);
        }
        this.schedulers = List.copyOf(each);
    }

    /**
     * Creates a transport with its own single event loop thread (named {@code haprobe-check}), epoll when
     * available; {@link #close()} shuts it down. Same as {@code create(1)}.
     *
     * @return the transport
     */
    public static NettyProbeTransport create() {
        return create(1);
    }

    /**
     * Creates a transport with its own {@code threads} event loop threads (daemon threads named
     * {@code haprobe-check-*}), epoll when available; {@link #close()} shuts them down. An engine on it spreads
     * its servers over the loops, as HAProxy spreads its check tasks over {@code nbthread} threads.
     *
     * @param threads how many event loops, {@code >= 0}; 0 means one per available processor
     *                ({@link Runtime#availableProcessors()})
     * @return the transport
     * @throws IllegalArgumentException if {@code threads} is negative
     */
    public static NettyProbeTransport create(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 0)");
        }
        int count = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(count, new DefaultThreadFactory("haprobe-check", true),
                factory) {
            @Override
            protected IoEventLoop newChild(Executor executor, IoHandlerFactory handlerFactory, Object... args) {
                // Netty's default loop, which can also register a channel-free connection without a promise
                return new CheckEventLoop(this, executor, handlerFactory);
            }
        };
        List<EventLoop> loops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            loops.add(group.next());
        }
        NettyProbeTransport transport = new NettyProbeTransport(group, loops,
                epoll ? EpollSocketChannel.class : NioSocketChannel.class);
        transport.warmUp();
        return transport;
    }

    /**
     * Creates a transport on an event loop the caller owns and shuts down; {@link #close()} leaves it running.
     *
     * @param eventLoop   the event loop; never null
     * @param channelType the socket channel class matching the loop's I/O handler, e.g.
     *                    {@code NioSocketChannel.class}; never null
     * @return the transport
     * @throws NullPointerException if an argument is null
     */
    public static NettyProbeTransport on(EventLoop eventLoop, Class<? extends SocketChannel> channelType) {
        return new NettyProbeTransport(null, List.of(Objects.requireNonNull(eventLoop, "eventLoop")),
                Objects.requireNonNull(channelType, "channelType"));
    }

    /**
     * Tells which socket implementation this transport uses.
     *
     * @return {@code epoll} or {@code nio}
     */
    public String socketType() {
        return bootstraps[0].config().channelFactory().toString().contains("Epoll") ? "epoll" : "nio";
    }

    @Override
    public Scheduler scheduler() {
        return schedulers.get(0);
    }

    /**
     * Returns the schedulers of the transport's event loops, one per loop.
     *
     * @return an immutable list of one or more schedulers; the first is {@link #scheduler()}
     */
    @Override
    public List<Scheduler> schedulers() {
        return schedulers;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The channel is registered on the event loop of the calling thread, or on the first loop when the caller
     * is none of the transport's loops.
     */
    @Override
    public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handler, "handler");
        int loop = currentLoop();
        EventLoop eventLoop = eventLoops[loop];
        if (!eventLoop.inEventLoop() || target.address().isUnresolved()) {
            // "source": bind before connecting, as HAProxy's tcp_connect_server does for checks
            Bootstrap probe = bootstraps[loop].clone().handler(handler);
            ChannelFuture connect = target.source() == null ? probe.connect(target.address())
                    : probe.connect(target.address(), target.source());
            // the bootstrap starts the connect in a task of the channel's event loop; a task queued after it reads
            // the address the kernel bound at connect(2), even when the SYN is never answered
            Channel channel = connect.channel();
            if (channel.isRegistered()) {
                try {
                    channel.eventLoop().execute(() -> recordSource(channel, target));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the transport is closing: the connect fails on its own, there is no address to read
                }
            }
            return connect;
        }
        // On its loop with a resolved address: what Bootstrap.connect does, without its per-connect copies of the
        // option map (Bootstrap.clone, AbstractBootstrap.newOptionsArray): the channel gets the handler and the
        // options, is registered at once (on its own loop), and connects in a task that runs after the caller has
        // added its listeners, as Bootstrap's connect does.
        Channel channel = bootstraps[loop].config().channelFactory().newChannel();
        channel.pipeline().addLast(handler);
        ChannelConfig config = channel.config();
        config.setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
        config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        config.setOption(ChannelOption.TCP_NODELAY, true);
        config.setOption(ChannelOption.AUTO_CLOSE, false);
        ChannelFuture registered = eventLoop.register(channel);
        if (registered.isDone() && !registered.isSuccess()) {
            if (channel.isRegistered()) {
                channel.close();
            } else {
                channel.unsafe().closeForcibly();
            }
            return registered;
        }
        ChannelPromise connected = channel.newPromise();
        eventLoop.execute(new Connect(channel, target, connected, sources));
        return connected;
    }

    /**
     * Returns the event loop on which a plain (non-TLS) check connection to {@code target} may run without a channel:
     * one socket registered straight on the loop's epoll handler. The engine's check runs ask this before each
     * connection without TLS, and record in {@link #sourceSlot} where such a connection left from.
     *
     * @param target the server and the address of the connection; never null
     * @return the calling thread's event loop when it is one of this transport's loops, runs epoll, the address is
     *         resolved and the system property {@code haprobe.live.channels} is not {@code true}; null when the
     *         connection must take a channel ({@link #connect})
     */
    public IoEventLoop channelFreeLoop(CheckTarget target) {
        IoEventLoop loop = channelFreeLoops[currentLoop()];
        return loop == null || !loop.inEventLoop() || target.address().isUnresolved() ? null : loop;
    }

    /**
     * Returns the slot that holds the local address the last check connection to {@code target}'s server left from,
     * for {@link #lastSource}: the same slot for every call with the same backend and server (health and agent
     * checks alike). A check run fetches it once and hands it to each connection it opens on a
     * {@link #channelFreeLoop}, which {@link AtomicReference#lazySet sets} it when it reads its local address anyway
     * (for a PROXY header) and when it closes without its connect having completed (so that a check that connects
     * costs no {@code getsockname}); {@link #connect} sets it for every channel.
     *
     * @param target the server; never null
     * @return the server's slot, empty until a connection of the server recorded its address; never null
     */
    public AtomicReference<InetSocketAddress> sourceSlot(CheckTarget target) {
        return sourceSlot(target, sources);
    }

    private static AtomicReference<InetSocketAddress> sourceSlot(CheckTarget target,
            Map<ServerKey, AtomicReference<InetSocketAddress>> sources) {
        return sources.computeIfAbsent(ServerKey.of(target), key -> new AtomicReference<>());
    }

    /** Bootstrap's deferred connect: a failed connect closes its channel. */
    private static final class Connect implements Runnable {

        private final Channel channel;
        private final CheckTarget target;
        private final ChannelPromise promise;
        private final Map<ServerKey, AtomicReference<InetSocketAddress>> sources;

        Connect(Channel channel, CheckTarget target, ChannelPromise promise,
                Map<ServerKey, AtomicReference<InetSocketAddress>> sources) {
            this.channel = channel;
            this.target = target;
            this.promise = promise;
            this.sources = sources;
        }

        @Override
        public void run() {
            if (target.source() == null) {
                channel.connect(target.address(), promise);
            } else {
                // "source": bind before connecting, as HAProxy's tcp_connect_server does for checks
                channel.connect(target.address(), target.source(), promise);
            }
            promise.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            // connect(2) has bound the local address, even when the SYN is never answered
            if (channel.localAddress() instanceof InetSocketAddress local) {
                sourceSlot(target, sources).lazySet(local);
            }
        }
    }

    private void recordSource(Channel channel, CheckTarget target) {
        if (channel.localAddress() instanceof InetSocketAddress local) {
            sourceSlot(target, sources).lazySet(local);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: every connection that takes a channel is recorded; a channel-free one (epoll) only when it read its
     * local address anyway (a PROXY header) or when its connect did not complete (the SYN unanswered, refused,
     * unreachable), so that a check that connects costs no {@code getsockname}. The address's IP is the route's
     * either way; its port is that of the connection recorded.
     */
    @Override
    public Optional<InetSocketAddress> lastSource(String backend, String server) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        AtomicReference<InetSocketAddress> slot = sources.get(new ServerKey(backend, server));
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.get());
    }

    /** The key of {@link #sources}: no {@code backend/server} string to build per check. */
    private record ServerKey(String backend, String server) {

        static ServerKey of(CheckTarget target) {
            return new ServerKey(target.backend(), target.server());
        }
    }

    private int currentLoop() {
        for (int i = 1; i < eventLoops.length; i++) {
            if (eventLoops[i].inEventLoop()) {
                return i;
            }
        }
        return 0;
    }

    /**
     * Opens and aborts one connection to a throwaway listener on 127.0.0.1, so that the first real check
     * does not pay for loading and initializing Netty's connect, pipeline, write and allocator code: that
     * one-time cost (100-300 ms on a cold JVM) would otherwise show in the first {@code check duration}.
     * Nothing leaves the loopback interface; a failure here only means no warm-up.
     */
    private void warmUp() {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Channel channel = bootstraps[0].clone().handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.getLocalSocketAddress()).syncUninterruptibly().channel();
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\n'})).syncUninterruptibly();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close().syncUninterruptibly();
        } catch (IOException | RuntimeException e) {
            LOGGER.log(System.Logger.Level.DEBUG, "transport warm-up failed", e);
        }
    }

    @Override
    public void close() {
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
