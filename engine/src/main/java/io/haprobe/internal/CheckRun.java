package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.CheckVerdict;
import io.haprobe.spi.TlsEvent;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.FastThreadLocal;
import jdk.net.ExtendedSocketOptions;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The Netty adapter of a check run: opens each connection of a {@link CheckDriver} through the
 * {@link ProbeTransport} and turns the channel's events into the driver's, which holds the check's rules (deadline,
 * verdict, close like HAProxy, spec §2.4 and §5.1). On a transport that is also a {@link DirectConnector} (the
 * simulation) a check without TLS runs channel-free: {@link #start} hands the driver to the transport and this
 * adapter is not involved further.
 *
 * <p>Handshake: like HAProxy since 2.6.5, a check that sends first or only connects turns TCP quick-ACK off
 * before connecting (Linux {@code TCP_QUICKACK} 0, epoll or NIO), so the handshake's last ACK is delayed: the
 * request rides on it, and a connect-only check is aborted with an RST before the server ever accepts
 * (spec §5.1). Where the option is not available the connect is a plain one.
 *
 * <p>Several connections: a program with several connect rules ({@code tcp-check connect}) gets one
 * connection per connect rule, one after the other (see {@link CheckDriver}). This handler serves every connection
 * of the run and ignores events of connections it already left.
 *
 * <p>TLS: a connection that uses TLS ({@link CheckTls}) gets its TLS layer in front of this handler before it
 * opens. The TCP connect then only starts the TLS handshake, still under the connect deadline (verified on
 * 2.6.12: a silent peer gives {@code L6TOUT} at {@code timeout connect} when {@code timeout check} is set); the
 * rules run once the layer reports the handshake done, and {@code timeout check} starts then.
 *
 * <p>Socket creation failure: a connect whose future has already failed when the transport returns it (Netty
 * could not create the socket, e.g. {@code EMFILE}), or a transport that throws, ends the check at once with
 * {@code L4CON} and HAProxy's text ({@link ErrnoText#ofConnect}), on the caller's thread.
 *
 * <p>Channel-free live connections: on a {@link NettyProbeTransport} that offers a loop for it
 * ({@link NettyProbeTransport#channelFreeLoop}: epoll, on the caller's loop), a connection without TLS is an
 * {@link EpollCheckConnection}, a socket registered straight on the event loop whose events go to the driver; this
 * adapter only opens it, handing it the server's {@link NettyProbeTransport#sourceSlot} (fetched once per run)
 * where it records its source address when it reads it. The rest of this class is the channel path: TLS, NIO, a
 * connect off the loop or to an unresolved address, or {@code -Dhaprobe.live.channels=true}.
 *
 * <p>Lean: a run is its own connector, connection, connect and write listener ({@link #operationComplete}), so a
 * check allocates no lambda; the bytes it sends go out in a pooled buffer of the channel's allocator, and the bytes
 * of a direct read buffer are judged from a scratch array of the event loop's thread.
 *
 * <p>Confined to the transport's scheduler thread: create and {@link #start} it there. Not API.
 */
@ChannelHandler.Sharable
public final class CheckRun extends ChannelInboundHandlerAdapter
        implements ChannelFutureListener, CheckDriver.Connector, CheckConnection {

    /** NIO's name for TCP_QUICKACK; {@code NioChannelOption.of} makes a new option on every call. */
    private static final ChannelOption<Boolean> NIO_TCP_QUICKACK =
            NioChannelOption.of(ExtendedSocketOptions.TCP_QUICKACK);

    /** Per event loop thread: where the bytes of a direct read buffer are copied to be judged (not retained). */
    private static final FastThreadLocal<byte[]> READ_SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };

    private final CheckDriver driver;
    private final CheckTls tls;
    private ChannelHandler pendingTlsLayer;
    private boolean overTls;
    private boolean delayHandshakeAck;
    private ProbeTransport transport;
    private Channel channel;
    private ChannelFuture connecting;
    private int connectingProxyVersion;
    private ChannelHandlerContext writeContext;
    /** Whether a connection of this run took a channel: its late events could reach the run if it were reused. */
    private boolean channelUsed;
    /** The transport whose {@link #sourceSlot} this is, for channel-free connections; null until the first. */
    private NettyProbeTransport sourcesOf;
    /** The server's slot of {@link NettyProbeTransport#lastSource}, fetched once per run and kept across resets. */
    private AtomicReference<InetSocketAddress> sourceSlot;

    /**
     * Creates a run.
     *
     * @param program             the compiled check; never null
     * @param scheduler           the transport's scheduler; never null
     * @param interNanos          the check's plain {@code inter} (or {@code agent-inter}) in nanoseconds,
     *                            {@code > 0}
     * @param timeoutConnectNanos {@code timeout connect} in nanoseconds, 0 when unset
     * @param timeoutCheckNanos   {@code timeout check} in nanoseconds, 0 when unset
     * @param onResults           receives, once and on the scheduler thread, what the check reported, in order
     *                            (see {@link #CheckRun(CheckProgram, Scheduler, long, long, long, CheckTls,
     *                            Consumer)}); never null
     */
    public CheckRun(CheckProgram program, Scheduler scheduler, long interNanos, long timeoutConnectNanos,
                    long timeoutCheckNanos, Consumer<List<CheckOutcome>> onResults) {
        this(program, scheduler, interNanos, timeoutConnectNanos, timeoutCheckNanos, null, onResults);
    }

    /**
     * Creates a run whose connections may use TLS.
     *
     * @param program             the compiled check; never null
     * @param scheduler           the transport's scheduler; never null
     * @param interNanos          the server's plain {@code inter} in nanoseconds, {@code > 0}
     * @param timeoutConnectNanos {@code timeout connect} in nanoseconds, 0 when unset
     * @param timeoutCheckNanos   {@code timeout check} in nanoseconds, 0 when unset
     * @param tls                 the server's TLS side, or null when no connection of the run uses TLS
     * @param onResults           receives, once and on the scheduler thread, what the check reported, in order,
     *                            all with the check's duration: one outcome, or two when HAProxy reports twice
     *                            within one check ({@link CheckVerdict#earlier()}: a passing mysql-check or
     *                            ldap-check); the last is the check's outcome; never null
     */
    public CheckRun(CheckProgram program, Scheduler scheduler, long interNanos, long timeoutConnectNanos,
                    long timeoutCheckNanos, CheckTls tls, Consumer<List<CheckOutcome>> onResults) {
        this.tls = tls;
        this.driver = new CheckDriver(program, scheduler, interNanos, timeoutConnectNanos, timeoutCheckNanos,
                onResults);
    }

    /**
     * Sets the PROXY protocol versions of the server (spec §6.2): before {@link #start}; by default none.
     *
     * @param serverVersion the server's {@code send-proxy} (1) or {@code send-proxy-v2} (2) version, 0 for none;
     *                      used by {@code connect send-proxy} rules
     * @param checkVersion  what the server's health checks send on an implicit or {@code default} connect
     *                      ({@code ServerConfig.checkProxyProtocol()}), 0 for none
     * @return this run
     */
    public CheckRun proxyProtocol(int serverVersion, int checkVersion) {
        driver.proxyProtocol(serverVersion, checkVersion);
        return this;
    }

    /**
     * Starts the check: arms the deadline and opens the connection; channel-free when {@code transport} is a
     * {@link DirectConnector} and the check has no TLS side.
     *
     * @param transport the transport; never null
     * @param target    the server and its check address; never null
     */
    public void start(ProbeTransport transport, CheckTarget target) {
        this.transport = Objects.requireNonNull(transport, "transport");
        if (tls == null && transport instanceof DirectConnector direct) {
            driver.start(direct, target);
        } else {
            // live checks (Netty's sockets, not a simulation's) count HAProxy's whole milliseconds
            driver.wholeMillisDurations(transport instanceof NettyProbeTransport);
            driver.start(this, target);
        }
    }

    /**
     * Does ahead of the first check, off the check's path, what the run's first channel-free connection would
     * otherwise do: fetches the server's {@link NettyProbeTransport#sourceSlot} when {@code transport} is a
     * {@link NettyProbeTransport}, so that a run made while the engine is built creates no object of its own at its
     * first check. Optional; nothing for another transport. Any thread, before the run's first {@link #start}.
     *
     * @param transport the transport the run will start on; never null
     * @param target    the server and its check address, as {@link #start} will be given them; never null
     * @return this run
     */
    public CheckRun prepare(ProbeTransport transport, CheckTarget target) {
        Objects.requireNonNull(target, "target");
        if (Objects.requireNonNull(transport, "transport") instanceof NettyProbeTransport live && tls == null) {
            sourceSlot = live.sourceSlot(target);
            sourcesOf = live;
        }
        return this;
    }

    /**
     * Tells whether this run can be {@link #reset} for the server's next check: no check of it is under way (it was
     * never started, or its check has reported: {@link CheckDriver#idle()}), and none of its connections took a
     * channel (all were channel-free, {@link EpollCheckConnection}), so no late event of an earlier connection can
     * reach it.
     *
     * @return true when {@link #reset} may be called
     */
    public boolean reusable() {
        return driver.idle() && !channelUsed;
    }

    /**
     * Prepares this run for the server's next check, which then starts with {@link #start}: the same server, inter,
     * timeouts, TLS side, PROXY versions and result consumer, the driver and its session reset (as a simulated
     * server's driver is, {@link CheckDriver#reset}).
     *
     * @param program the check's program, compiled anew when the server's check settings changed; never null
     * @return this run
     * @throws IllegalStateException if the run is not {@link #reusable()}: a check is under way, or a connection
     *                               took a channel
     */
    public CheckRun reset(CheckProgram program) {
        if (!reusable()) {
            throw new IllegalStateException("the run has not finished or used a channel");
        }
        driver.reset(program);
        transport = null;
        pendingTlsLayer = null;
        overTls = false;
        delayHandshakeAck = false;
        channel = null;
        connecting = null;
        connectingProxyVersion = 0;
        writeContext = null;
        return this;
    }

    /**
     * Returns the agent reply the check ended with, for agent checks.
     *
     * @return the parsed reply, or null when the check did not end on a reply line
     */
    public AgentReply agentReply() {
        return driver.agentReply();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (pendingTlsLayer != null) {
            ctx.pipeline().addBefore(ctx.name(), null, pendingTlsLayer);
            pendingTlsLayer = null;
        }
        if (delayHandshakeAck) {
            // runs on registration, before the connect: quick-ACK must be off when the SYN-ACK arrives
            channel.config().setOption(EpollChannelOption.TCP_QUICKACK, false);
            channel.config().setOption(NIO_TCP_QUICKACK, false);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.channel() != channel) {
            return;
        }
        if (overTls) {
            // the TLS layer in front started its handshake; the rules wait for its TlsEvent
            driver.tlsHandshakeStarted(this);
            return;
        }
        writeContext = ctx;
        driver.connected(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (ctx.channel() != channel) {
                return;
            }
            if (buf.hasArray()) {
                driver.received(this, buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
            } else {
                int count = buf.readableBytes();
                byte[] scratch = READ_SCRATCH.get();
                if (scratch.length < count) {
                    scratch = new byte[Math.max(count, scratch.length * 2)];
                    READ_SCRATCH.set(scratch);
                }
                buf.getBytes(buf.readerIndex(), scratch, 0, count);
                driver.received(this, scratch, 0, count);
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (ctx.channel() != channel) {
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            driver.peerClosed(this);
        } else if (evt instanceof TlsEvent event) {
            // the layer may report before channelActive reaches this handler (a peer that answers the ClientHello
            // at once): the TCP connection is up either way
            if (event.handshakeDone()) {
                writeContext = ctx;
            }
            driver.tlsCompleted(this, event.handshakeDone() ? null : event.failure());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() == channel) {
            driver.peerClosed(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() == channel) {
            driver.failed(this, ErrnoText.of(cause));
        }
    }

    /**
     * Writes bytes the session asks for on the current connection, in a pooled buffer; a failed write is a
     * connection error ({@link #operationComplete}). The driver's; not for other callers.
     *
     * @param bytes the bytes; never null, not modified
     */
    @Override
    public void send(byte[] bytes) {
        ChannelHandlerContext ctx = writeContext;
        ctx.writeAndFlush(ctx.alloc().ioBuffer(bytes.length).writeBytes(bytes)).addListener(this);
    }

    /**
     * Completes a connect (a failure is the check's verdict; with the PROXY protocol, the header goes first) or a
     * write (a failure is a connection error). The run's own listener; not for other callers.
     *
     * @param future the connect or write future
     */
    @Override
    public void operationComplete(ChannelFuture future) {
        Channel opened = future.channel();
        if (future != connecting) {
            if (!future.isSuccess()) {
                driver.failed(this, ErrnoText.of(future.cause()));
            }
            return;
        }
        if (!future.isSuccess() && opened == channel) {
            driver.failed(this, ErrnoText.ofConnect(future.cause()));
        } else if (future.isSuccess() && connectingProxyVersion > 0 && opened == channel) {
            // runs before channelActive reaches any handler: the header goes first, in clear, before a TLS
            // ClientHello or the check's bytes; the first context writes straight to the socket
            opened.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(
                    ProxyHeader.of(connectingProxyVersion, opened.localAddress(), opened.remoteAddress())));
        }
    }

    /**
     * Opens the channel of a connect rule for the driver, which has re-armed the deadline. The driver's; not for
     * other callers.
     */
    @Override
    public CheckConnection open(CheckTarget address, CheckRule.Connect rule, int proxyVersion) {
        pendingTlsLayer = tls == null ? null : tls.handlerFor(rule);
        overTls = pendingTlsLayer != null;
        delayHandshakeAck = driver.disablesQuickAck();
        channel = null;
        if (!overTls && transport instanceof NettyProbeTransport live) {
            IoEventLoop loop = live.channelFreeLoop(address);
            if (loop != null) {
                // live on epoll: one socket on the loop, no channel (the driver gets its events straight), which
                // records its source in the server's slot when it reads it
                if (sourcesOf != live) {
                    // every connection of the run is to the same server (backend and server names)
                    sourceSlot = live.sourceSlot(address);
                    sourcesOf = live;
                }
                return EpollCheckConnection.open(loop, address, proxyVersion, driver, sourceSlot);
            }
        }
        ChannelFuture connect;
        channelUsed = true;
        try {
            connect = transport.connect(address, this);
        } catch (RuntimeException e) {
            // the transport could not even create the socket (e.g. EMFILE): L4CON at once, as HAProxy
            return CheckConnection.failed(ErrnoText.ofConnect(e));
        }
        Channel opened = connect.channel();
        if (channel == null) {
            channel = opened;
        }
        if (connect.isDone() && !connect.isSuccess()) {
            // failed before it started (no socket: EMFILE; a closed transport): reported now, on this thread,
            // not from whatever executor a channel that never registered would notify on
            channel = null;
            if (opened.isRegistered()) {
                opened.close();
            }
            return CheckConnection.failed(ErrnoText.ofConnect(connect.cause()));
        }
        connecting = connect;
        connectingProxyVersion = proxyVersion;
        connect.addListener(this);
        return this;
    }

    /** Closes the current channel like HAProxy: RST ({@code SO_LINGER} 0) when {@code abort}, else FIN. */
    @Override
    public void close(boolean abort) {
        Channel closing = channel;
        // events of the closed channel are ignored from here on, even those its close fires
        channel = null;
        if (closing == null || !closing.isRegistered()) {
            return;
        }
        if (abort && closing.isActive()) {
            closing.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        closing.close();
    }
}
