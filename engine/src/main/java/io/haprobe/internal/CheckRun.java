package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckSession;
import io.haprobe.check.CheckVerdict;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import jdk.net.ExtendedSocketOptions;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One run of a check over one connection: opens it through the {@link ProbeTransport}, feeds the channel's
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
 * <p>Confined to the transport's scheduler thread: create and {@link #start} it there. Not API.
 */
public final class CheckRun extends ChannelInboundHandlerAdapter {

    /** NIO's name for TCP_QUICKACK; {@code NioChannelOption.of} makes a new option on every call. */
    private static final ChannelOption<Boolean> NIO_TCP_QUICKACK =
            NioChannelOption.of(ExtendedSocketOptions.TCP_QUICKACK);

    private final CheckSession session;
    private final Scheduler scheduler;
    private final long interNanos;
    private final long timeoutConnectNanos;
    private final long timeoutCheckNanos;
    private final Consumer<CheckOutcome> onOutcome;
    private final boolean delayHandshakeAck;
    private long startNanos;
    private Cancellable deadline = Cancellable.NONE;
    private Channel channel;
    private boolean finished;

    /**
     * Creates a run.
     *
     * @param program             the compiled check; never null
     * @param scheduler           the transport's scheduler; never null
     * @param interNanos          the server's plain {@code inter} in nanoseconds, {@code > 0}
     * @param timeoutConnectNanos {@code timeout connect} in nanoseconds, 0 when unset
     * @param timeoutCheckNanos   {@code timeout check} in nanoseconds, 0 when unset
     * @param onOutcome           receives the outcome once, on the scheduler thread; never null
     */
    public CheckRun(CheckProgram program, Scheduler scheduler, long interNanos, long timeoutConnectNanos,
                    long timeoutCheckNanos, Consumer<CheckOutcome> onOutcome) {
        this.session = new CheckSession(program);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.interNanos = interNanos;
        this.timeoutConnectNanos = timeoutConnectNanos;
        this.timeoutCheckNanos = timeoutCheckNanos;
        this.onOutcome = Objects.requireNonNull(onOutcome, "onOutcome");
        this.delayHandshakeAck = program.disablesQuickAck();
    }

    /**
     * Starts the check: arms the deadline and opens the connection.
     *
     * @param transport the transport; never null
     * @param target    the server and its check address; never null
     */
    public void start(ProbeTransport transport, CheckTarget target) {
        startNanos = scheduler.nanoTime();
        long connectBound = interNanos;
        if (timeoutCheckNanos > 0 && timeoutConnectNanos > 0) {
            connectBound = Math.min(interNanos, timeoutConnectNanos);
        }
        deadline = scheduler.schedule(this::onDeadline, connectBound);
        ChannelFuture connect = transport.connect(target, this);
        if (channel == null) {
            channel = connect.channel();
        }
        connect.addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                conclude(session.failed(ErrnoText.of(future.cause())));
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (delayHandshakeAck) {
            // runs on registration, before the connect: quick-ACK must be off when the SYN-ACK arrives
            channel.config().setOption(EpollChannelOption.TCP_QUICKACK, false);
            channel.config().setOption(NIO_TCP_QUICKACK, false);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (finished) {
            return;
        }
        if (timeoutCheckNanos > 0) {
            deadline.cancel();
            deadline = scheduler.schedule(this::onDeadline, timeoutCheckNanos);
        }
        conclude(session.connected(bytes -> ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes))
                .addListener((ChannelFutureListener) write -> {
                    if (!write.isSuccess()) {
                        conclude(session.failed(ErrnoText.of(write.cause())));
                    }
                })));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (buf.hasArray()) {
                conclude(session.received(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes()));
            } else {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                conclude(session.received(bytes, 0, bytes.length));
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            conclude(session.peerClosed());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        conclude(session.peerClosed());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        conclude(session.failed(ErrnoText.of(cause)));
    }

    private void onDeadline() {
        conclude(session.timedOut());
    }

    private void conclude(CheckVerdict verdict) {
        if (verdict == null || finished) {
            return;
        }
        finished = true;
        long durationNanos = Math.max(0, scheduler.nanoTime() - startNanos);
        deadline.cancel();
        closeLikeHaproxy();
        onOutcome.accept(verdict.toOutcome(durationNanos));
    }

    private void closeLikeHaproxy() {
        if (channel == null || !channel.isRegistered()) {
            return;
        }
        if (channel.isActive() && !session.isPeerClosed()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        channel.close();
    }
}
