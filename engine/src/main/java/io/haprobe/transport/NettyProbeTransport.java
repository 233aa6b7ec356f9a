package io.haprobe.transport;

import io.haprobe.time.EventLoopScheduler;
import io.haprobe.time.Scheduler;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The live {@link ProbeTransport}: real TCP connections through a Netty {@link Bootstrap} on one event
 * loop, with the native epoll transport when it is available and NIO otherwise.
 *
 * <pre>{@code
 * try (NettyProbeTransport transport = NettyProbeTransport.create()) {
 *     HealthCheckEngine engine = HealthCheckEngine.builder(config).transport(transport).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class NettyProbeTransport implements ProbeTransport {

    private static final System.Logger LOGGER = System.getLogger(NettyProbeTransport.class.getName());

    private final EventLoopGroup ownedGroup;
    private final EventLoopScheduler scheduler;
    private final Bootstrap bootstrap;
    /** {@code backend/server} to the local address its last check connection left from. */
    private final Map<String, InetSocketAddress> sources = new ConcurrentHashMap<>();

    private NettyProbeTransport(EventLoopGroup ownedGroup, EventLoop eventLoop, Class<? extends SocketChannel> type) {
        this.ownedGroup = ownedGroup;
        this.scheduler = EventLoopScheduler.of(eventLoop);
        this.bootstrap = new Bootstrap()
                .group(eventLoop)
                .channel(type)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_CLOSE, false);
    }

    /**
     * Creates a transport with its own single event loop thread (named {@code haprobe-check}), epoll when
     * available; {@link #close()} shuts it down.
     *
     * @return the transport
     */
    public static NettyProbeTransport create() {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haprobe-check", true),
                factory);
        NettyProbeTransport transport = new NettyProbeTransport(group, group.next(),
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
        return new NettyProbeTransport(null, Objects.requireNonNull(eventLoop, "eventLoop"),
                Objects.requireNonNull(channelType, "channelType"));
    }

    /**
     * Tells which socket implementation this transport uses.
     *
     * @return {@code epoll} or {@code nio}
     */
    public String socketType() {
        return bootstrap.config().channelFactory().toString().contains("Epoll") ? "epoll" : "nio";
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handler, "handler");
        Bootstrap probe = bootstrap.clone().handler(handler);
        // "source": bind before connecting, as HAProxy's tcp_connect_server does for checks
        ChannelFuture connect = target.source() == null ? probe.connect(target.address())
                : probe.connect(target.address(), target.source());
        // the bootstrap starts the connect in a task of the channel's event loop; a task queued after it reads the
        // address the kernel bound at connect(2), even when the SYN is never answered
        Channel channel = connect.channel();
        String id = target.id();
        if (channel.isRegistered()) {
            try {
                channel.eventLoop().execute(() -> {
                    if (channel.localAddress() instanceof InetSocketAddress local) {
                        sources.put(id, local);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the transport is closing: the connect fails on its own, there is no address to read
            }
        }
        // else registration failed (the future carries why): no socket, no address
        return connect;
    }

    @Override
    public Optional<InetSocketAddress> lastSource(String backend, String server) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        return Optional.ofNullable(sources.get(backend + '/' + server));
    }

    /**
     * Opens and aborts one connection to a throwaway listener on 127.0.0.1, so that the first real check
     * does not pay for loading and initializing Netty's connect, pipeline, write and allocator code: that
     * one-time cost (100-300 ms on a cold JVM) would otherwise show in the first {@code check duration}.
     * Nothing leaves the loopback interface; a failure here only means no warm-up.
     */
    private void warmUp() {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Channel channel = bootstrap.clone().handler(new ChannelInboundHandlerAdapter())
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
