package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.CheckVerdict;
import io.haprobe.spi.TlsEvent;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
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
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.concurrent.FastThreadLocal;
import jdk.net.ExtendedSocketOptions;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One run of a check over its connection(s): opens it through the {@link ProbeTransport}, feeds the channel's
 * events to a {@link CheckSession}, owns the check's deadline (spec §2.4), and closes the connection the
 * way HAProxy does once the verdict is known (RST, or FIN when the server's FIN was read first, spec §5.1).
 *
 * <p>Deadline: {@code inter} from the start; with both {@code timeout check} and {@code timeout connect},
 * {@code min(inter, timeout connect)} for the connect. Once connected, {@code timeout check} (when set)
 * replaces it for the rest of the check. This is the documented behaviour, not the 2.6.12 bug of spec §2.6.
 *
 * <p>Handshake: like HAProxy since 2.6.5, a check that sends first or only connects turns TCP quick-ACK off
 * before connecting (Linux {@code TCP_QUICKACK} 0, epoll or NIO), so the handshake's last ACK is delayed: the
 * request rides on it, and a connect-only check is aborted with an RST before the server ever accepts
 * (spec §5.1). Where the option is not available the connect is a plain one.
 *
 * <p>Several connections: a program with several connect rules ({@code tcp-check connect}) gets one
 * connection per connect rule, one after the other; each earlier one is closed (RST, or FIN with
 * {@code linger}) before the next opens, and each connect re-arms the deadline as HAProxy does. A connect
 * rule's {@code port} and {@code addr} replace the server's check port and address (spec §5.2). This handler
 * serves every connection of the run and ignores events of connections it already left.
 *
 * <p>TLS: a connection that uses TLS ({@link CheckTls}) gets its TLS layer in front of this handler before it
 * opens. The TCP connect then only starts the TLS handshake, still under the connect deadline (verified on
 * 2.6.12: a silent peer gives {@code L6TOUT} at {@code timeout connect} when {@code timeout check} is set); the
 * rules run once the layer reports the handshake done, and {@code timeout check} starts then.
 *
 * <p>Lean: a run is its own deadline task ({@link #run()}), connect and write listener
 * ({@link #operationComplete}) and writer ({@link #accept}), so a check allocates no lambda; the bytes it sends
 * go out in a pooled buffer of the channel's allocator, and the bytes of a direct read buffer are judged from a
 * scratch array of the event loop's thread.
 *
 * <p>Confined to the transport's scheduler thread: create and {@link #start} it there. Not API.
 */
@ChannelHandler.Sharable
public final class CheckRun extends ChannelInboundHandlerAdapter
        implements Runnable, ChannelFutureListener, Consumer<byte[]> {

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

    private final CheckProgram program;
    private final CheckSession session;
    private final Scheduler scheduler;
    private final long interNanos;
    private final long timeoutConnectNanos;
    private final long timeoutCheckNanos;
    private final Consumer<List<CheckOutcome>> onResults;
    private final CheckTls tls;
    private ChannelHandler pendingTlsLayer;
    private boolean overTls;
    private boolean delayHandshakeAck;
    private long startNanos;
    private long stoppedDurationNanos = -1;
    private Cancellable deadline = Cancellable.NONE;
    private ProbeTransport transport;
    private CheckTarget target;
    private CheckRule.Connect openedWith;
    private Channel channel;
    private ChannelFuture connecting;
    private int connectingProxyVersion;
    private ChannelHandlerContext writeContext;
    private boolean finished;
    private int serverProxyVersion;
    private int checkProxyVersion;

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
        this.program = program;
        // the ClientHello of ssl-hello-chk carries the wall-clock time, the one wall-clock value a check sends
        this.session = new CheckSession(program, scheduler.currentTimeMillis() / 1000);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.interNanos = interNanos;
        this.timeoutConnectNanos = timeoutConnectNanos;
        this.timeoutCheckNanos = timeoutCheckNanos;
        this.onResults = Objects.requireNonNull(onResults, "onResults");
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
        this.serverProxyVersion = serverVersion;
        this.checkProxyVersion = checkVersion;
        return this;
    }

    /**
     * Starts the check: arms the deadline and opens the connection.
     *
     * @param transport the transport; never null
     * @param target    the server and its check address; never null
     */
    public void start(ProbeTransport transport, CheckTarget target) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.target = Objects.requireNonNull(target, "target");
        startNanos = scheduler.nanoTime();
        open(session.pendingConnect());
    }

    /**
     * Returns the agent reply the check ended with, for agent checks.
     *
     * @return the parsed reply, or null when the check did not end on a reply line
     */
    public AgentReply agentReply() {
        return session.agentReply();
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
        if (finished || ctx.channel() != channel) {
            return;
        }
        if (overTls) {
            // the TLS layer in front started its handshake; the rules wait for its TlsEvent
            conclude(session.tlsHandshakeStarted());
            return;
        }
        armTimeoutCheck();
        writeContext = ctx;
        conclude(session.connected(this));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (ctx.channel() != channel) {
                return;
            }
            if (buf.hasArray()) {
                conclude(session.received(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes()));
            } else {
                int count = buf.readableBytes();
                byte[] scratch = READ_SCRATCH.get();
                if (scratch.length < count) {
                    scratch = new byte[Math.max(count, scratch.length * 2)];
                    READ_SCRATCH.set(scratch);
                }
                buf.getBytes(buf.readerIndex(), scratch, 0, count);
                conclude(session.received(scratch, 0, count));
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
            conclude(session.peerClosed());
        } else if (evt instanceof TlsEvent event) {
            // the layer may report before channelActive reaches this handler (a peer that answers the ClientHello
            // at once): the TCP connection is up either way
            session.tlsHandshakeStarted();
            if (event.handshakeDone()) {
                armTimeoutCheck();
                writeContext = ctx;
                conclude(session.tlsEstablished(this));
            } else {
                conclude(session.tlsFailed(event.failure()));
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() == channel) {
            conclude(session.peerClosed());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() == channel) {
            conclude(session.failed(ErrnoText.of(cause)));
        }
    }

    /**
     * Writes bytes the session asks for on the current connection, in a pooled buffer; a failed write is a
     * connection error ({@link #operationComplete}). The session's writer; not for other callers.
     *
     * @param bytes the bytes; never null, not modified
     */
    @Override
    public void accept(byte[] bytes) {
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
                conclude(session.failed(ErrnoText.of(future.cause())));
            }
            return;
        }
        if (!future.isSuccess() && opened == channel) {
            conclude(session.failed(ErrnoText.ofConnect(future.cause())));
        } else if (future.isSuccess() && connectingProxyVersion > 0 && opened == channel) {
            // runs before channelActive reaches any handler: the header goes first, in clear, before a TLS
            // ClientHello or the check's bytes; the first context writes straight to the socket
            opened.pipeline().firstContext().writeAndFlush(Unpooled.wrappedBuffer(
                    ProxyHeader.of(connectingProxyVersion, opened.localAddress(), opened.remoteAddress())));
        }
    }

    /** The deadline: the check times out. The run's own timer task; not for other callers. */
    @Override
    public void run() {
        conclude(session.timedOut());
    }

    /** Once connected (after the TLS handshake for TLS), {@code timeout check} replaces the connect bound. */
    private void armTimeoutCheck() {
        if (timeoutCheckNanos > 0) {
            deadline.cancel();
            deadline = scheduler.schedule(this, timeoutCheckNanos);
        }
    }

    /** Opens the connection of a connect rule, re-arming the deadline (spec §2.4: each connect re-applies it). */
    private void open(CheckRule.Connect rule) {
        openedWith = rule;
        int proxyVersion = rule.proxyVersion(serverProxyVersion, checkProxyVersion);
        pendingTlsLayer = tls == null ? null : tls.handlerFor(rule);
        overTls = pendingTlsLayer != null;
        delayHandshakeAck = program.disablesQuickAck(session.connectIndex());
        long connectBound = interNanos;
        if (timeoutCheckNanos > 0 && timeoutConnectNanos > 0) {
            connectBound = Math.min(interNanos, timeoutConnectNanos);
        }
        deadline.cancel();
        deadline = scheduler.schedule(this, connectBound);
        channel = null;
        ChannelFuture connect;
        try {
            connect = transport.connect(addressOf(rule), this);
        } catch (io.netty.channel.ChannelException e) {
            // socket(2) failed (EMFILE, ENFILE): HAProxy fails the check at once, L4CON with its fd-limit reason
            conclude(session.failed(ErrnoText.ofSocket(e)));
            return;
        }
        Channel opened = connect.channel();
        if (channel == null) {
            channel = opened;
        }
        connecting = connect;
        connectingProxyVersion = proxyVersion;
        connect.addListener(this);
    }

    /** The rule's {@code addr} and {@code port} over the server's check address (spec §5.2 port order). */
    private CheckTarget addressOf(CheckRule.Connect rule) {
        if (rule.address() == null && rule.effectivePort() == 0) {
            return target;
        }
        InetSocketAddress server = target.address();
        int port = rule.effectivePort() != 0 ? rule.effectivePort() : server.getPort();
        InetSocketAddress address;
        if (rule.address() != null) {
            // an IP literal (the parser accepts nothing else): no name lookup happens here
            address = new InetSocketAddress(rule.address(), port);
        } else {
            address = server.isUnresolved() ? InetSocketAddress.createUnresolved(server.getHostString(), port)
                    : new InetSocketAddress(server.getAddress(), port);
        }
        return target.withAddress(address);
    }

    private void conclude(CheckVerdict verdict) {
        if (finished) {
            return;
        }
        if (verdict == null) {
            if (stoppedDurationNanos < 0 && session.durationStopped()) {
                stoppedDurationNanos = Math.max(0, scheduler.nanoTime() - startNanos);
            }
            CheckRule.Connect next = session.pendingConnect();
            if (next != null) {
                Channel previous = channel;
                // events of the previous connection are ignored from here on, even those its close fires
                channel = null;
                closeLikeHaproxy(previous);
                open(next);
            }
            return;
        }
        finished = true;
        long durationNanos = stoppedDurationNanos >= 0 ? stoppedDurationNanos
                : Math.max(0, scheduler.nanoTime() - startNanos);
        deadline.cancel();
        closeLikeHaproxy(channel);
        CheckOutcome outcome = verdict.toOutcome(durationNanos);
        onResults.accept(verdict.earlier() == null ? List.of(outcome)
                : List.of(verdict.earlier().toOutcome(durationNanos), outcome));
    }

    private void closeLikeHaproxy(Channel closing) {
        if (closing == null || !closing.isRegistered()) {
            return;
        }
        if (closing.isActive() && !session.isPeerClosed() && !openedWith.linger()) {
            closing.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        closing.close();
    }
}
