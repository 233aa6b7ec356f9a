package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.CheckSession;
import io.haprobe.check.CheckVerdict;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
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

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One run of a check: opens its connections through the {@link ProbeTransport}, feeds the channels' events
 * to a {@link CheckSession}, owns the check's deadline (spec §2.4), and closes each connection the way
 * HAProxy does (RST, or FIN when the server's FIN was read first or the connect rule has {@code linger},
 * spec §5.1): the last one once the verdict is known, an earlier one when the program reaches its next
 * {@code connect} rule.
 *
 * <p>Deadline: {@code inter} from the start of each connect; with both {@code timeout check} and
 * {@code timeout connect}, {@code min(inter, timeout connect)} for the connect. Once connected,
 * {@code timeout check} (when set) replaces it. This is the documented behaviour, not the 2.6.12 bug of spec
 * §2.6.
 *
 * <p>Handshake: like HAProxy since 2.6.5, a connect that is followed by a send or ends the program turns TCP
 * quick-ACK off before connecting (Linux {@code TCP_QUICKACK} 0, epoll or NIO), so the handshake's last ACK is
 * delayed: the request rides on it, and a connect-only check is aborted with an RST before the server ever
 * accepts (spec §5.1). Where the option is not available the connect is a plain one.
 *
 * <p>Confined to the transport's scheduler thread: create and {@link #start} it there. Not API.
 */
public final class CheckRun {

    private final CheckProgram program;
    private final CheckSession session;
    private final Scheduler scheduler;
    private final long interNanos;
    private final long timeoutConnectNanos;
    private final long timeoutCheckNanos;
    private final Consumer<CheckOutcome> onOutcome;
    private ProbeTransport transport;
    private InetSocketAddress baseTarget;
    private long startNanos;
    private Cancellable deadline = Cancellable.NONE;
    private Leg leg;
    private int connectIndex;
    private boolean finished;

    /**
     * Creates a run.
     *
     * @param program             the compiled check; never null
     * @param scheduler           the transport's scheduler; never null
     * @param interNanos          the check's plain {@code inter} (or {@code agent-inter}) in nanoseconds,
     *                            {@code > 0}
     * @param timeoutConnectNanos {@code timeout connect} in nanoseconds, 0 when unset
     * @param timeoutCheckNanos   {@code timeout check} in nanoseconds, 0 when unset
     * @param onOutcome           receives the outcome once, on the scheduler thread; never null
     */
    public CheckRun(CheckProgram program, Scheduler scheduler, long interNanos, long timeoutConnectNanos,
                    long timeoutCheckNanos, Consumer<CheckOutcome> onOutcome) {
        this.program = Objects.requireNonNull(program, "program");
        this.session = new CheckSession(program);
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.interNanos = interNanos;
        this.timeoutConnectNanos = timeoutConnectNanos;
        this.timeoutCheckNanos = timeoutCheckNanos;
        this.onOutcome = Objects.requireNonNull(onOutcome, "onOutcome");
    }

    /**
     * Starts the check: arms the deadline and opens the first connection.
     *
     * @param transport the transport; never null
     * @param target    the server's check address and port; a connect rule's own port or address replaces
     *                  them; never null
     */
    public void start(ProbeTransport transport, SocketAddress target) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.baseTarget = (InetSocketAddress) target;
        startNanos = scheduler.nanoTime();
        open((CheckRule.Connect) program.rules().get(0));
    }

    /**
     * Returns the agent reply the check ended with, for agent checks.
     *
     * @return the parsed reply, or null when the check did not end on a reply line
     */
    public AgentReply agentReply() {
        return session.agentReply();
    }

    private void open(CheckRule.Connect rule) {
        long connectBound = interNanos;
        if (timeoutCheckNanos > 0 && timeoutConnectNanos > 0) {
            connectBound = Math.min(interNanos, timeoutConnectNanos);
        }
        deadline.cancel();
        deadline = scheduler.schedule(this::onDeadline, connectBound);
        int index = indexOf(rule);
        connectIndex = index;
        boolean delayAck = index + 1 == program.rules().size() || program.rules().get(index + 1) instanceof CheckRule.Send;
        Leg next = new Leg(delayAck, rule.linger());
        leg = next;
        ChannelFuture connect = transport.connect(targetOf(rule), next);
        if (next.channel == null) {
            next.channel = connect.channel();
        }
        connect.addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess() && leg == next) {
                conclude(session.failed(ErrnoText.of(future.cause())));
            }
        });
    }

    /** Finds a rule by identity: equal connect rules may appear several times in a program. */
    private int indexOf(CheckRule rule) {
        for (int i = 0; i < program.rules().size(); i++) {
            if (program.rules().get(i) == rule) {
                return i;
            }
        }
        return -1;
    }

    private SocketAddress targetOf(CheckRule.Connect rule) {
        if (rule.port() == 0 && rule.address() == null) {
            return baseTarget;
        }
        int port = rule.port() != 0 ? rule.port() : baseTarget.getPort();
        if (rule.address() == null) {
            return baseTarget.isUnresolved() ? InetSocketAddress.createUnresolved(baseTarget.getHostString(), port)
                    : new InetSocketAddress(baseTarget.getAddress(), port);
        }
        return new InetSocketAddress(rule.address(), port);
    }

    private void onDeadline() {
        conclude(session.timedOut());
    }

    /** Ends the check with {@code verdict}, or opens the next connection the program asks for. */
    private void conclude(CheckVerdict verdict) {
        if (finished) {
            return;
        }
        if (verdict == null) {
            CheckRule.Connect next = session.pendingConnect();
            if (next != null && indexOf(next) != connectIndex) {
                leg.closeLikeHaproxy(false);
                open(next);
            }
            return;
        }
        finished = true;
        long durationNanos = Math.max(0, scheduler.nanoTime() - startNanos);
        deadline.cancel();
        leg.closeLikeHaproxy(session.isPeerClosed());
        onOutcome.accept(verdict.toOutcome(durationNanos));
    }

    /** The handler of one check connection; events of a connection the check has moved past are ignored. */
    private final class Leg extends ChannelInboundHandlerAdapter {

        private final boolean delayHandshakeAck;
        private final boolean linger;
        private Channel channel;

        Leg(boolean delayHandshakeAck, boolean linger) {
            this.delayHandshakeAck = delayHandshakeAck;
            this.linger = linger;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            if (delayHandshakeAck) {
                // runs on registration, before the connect: quick-ACK must be off when the SYN-ACK arrives
                channel.config().setOption(EpollChannelOption.TCP_QUICKACK, false);
                channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_QUICKACK), false);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (finished || leg != this) {
                return;
            }
            if (timeoutCheckNanos > 0) {
                deadline.cancel();
                deadline = scheduler.schedule(CheckRun.this::onDeadline, timeoutCheckNanos);
            }
            conclude(session.connected(bytes -> ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes))
                    .addListener((ChannelFutureListener) write -> {
                        if (!write.isSuccess() && leg == this) {
                            conclude(session.failed(ErrnoText.of(write.cause())));
                        }
                    })));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (leg != this) {
                    return;
                }
                if (buf.hasArray()) {
                    conclude(session.received(buf.array(), buf.arrayOffset() + buf.readerIndex(),
                            buf.readableBytes()));
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
            if (evt instanceof ChannelInputShutdownEvent && leg == this) {
                conclude(session.peerClosed());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (leg == this) {
                conclude(session.peerClosed());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (leg == this) {
                conclude(session.failed(ErrnoText.of(cause)));
            }
        }

        void closeLikeHaproxy(boolean peerClosedFirst) {
            if (channel == null || !channel.isRegistered()) {
                return;
            }
            if (channel.isActive() && !peerClosedFirst && !linger) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            channel.close();
        }
    }
}
