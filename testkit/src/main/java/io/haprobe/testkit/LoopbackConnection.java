package io.haprobe.testkit;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.BehaviourPlayer;
import io.haprobe.sim.PeerWire;
import io.haprobe.testkit.RecordedConnection.CheckerClose;
import io.haprobe.time.Cancellable;
import io.haprobe.time.EventLoopScheduler;
import io.haprobe.time.Scheduler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * One accepted connection of a {@link LoopbackServer}: the real socket a {@link BehaviourPlayer} plays on, and the
 * record of what the checker did on it (bytes, how it closed, the TLS handshake).
 *
 * <p>The socket side is confined to the player's event loop; the record is guarded by {@code this} and read by any
 * thread through {@link #snapshot()}.
 */
final class LoopbackConnection extends ChannelInboundHandlerAdapter implements PeerWire, BehaviourPlayer.Observer {

    private final LoopbackServer server;
    private final int index;
    private final EventLoopScheduler scheduler;
    private final BehaviourPlayer player;
    /** What {@link #runAt(long, Runnable)} was given, in time order, the first one armed on the loop. */
    private final ArrayDeque<Timed> timed = new ArrayDeque<>();
    private Channel channel;
    private ChannelFuture lastWrite;
    private Cancellable timedTimer = Cancellable.NONE;

    // the record, guarded by this
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private InetSocketAddress peer;
    private boolean truncated;
    private CheckerClose checkerClose = CheckerClose.NONE;
    private boolean open = true;
    private boolean handshakeCompleted;
    private String applicationProtocol;

    LoopbackConnection(LoopbackServer server, int index, Behaviour behaviour, BehaviourPlayer.Stage stage,
                       EventLoopScheduler scheduler) {
        this.server = server;
        this.index = index;
        this.scheduler = scheduler;
        this.player = stage.player(behaviour, this, this);
    }

    /** The connection's place among its server's, in accept order. */
    int index() {
        return index;
    }

    /** What the checker did so far. */
    synchronized RecordedConnection snapshot() {
        return new RecordedConnection(server.id(), index, peer, player.behaviour(), received.toByteArray(), truncated,
                checkerClose, open, handshakeCompleted, applicationProtocol);
    }

    /** Whether the connection is still open, for the leak check at close. */
    synchronized boolean isOpen() {
        return open;
    }

    /** Where the checker connects from, for failure messages. */
    synchronized String describe() {
        return server.id() + ": connection #" + index + " from " + peer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        lastWrite = channel.newSucceededFuture();
        synchronized (this) {
            peer = (InetSocketAddress) channel.remoteAddress();
        }
        server.opened(this);
        player.accepted();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf data) {
                record(data);
                player.received(data);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // the checker is done with the connection (its FIN): so is the server
            checkerClosed(CheckerClose.FIN);
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a read failed: the checker reset the connection
        if (cause instanceof IOException) {
            checkerClosed(CheckerClose.RST);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timedTimer.cancel();
        timed.clear();
        player.closed();
        synchronized (this) {
            open = false;
        }
        server.closed(this);
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Netty orders timers by the deadline it computes from its own reading of the clock, which may put two tasks for
     * the same time in either order: the tasks wait here in order and one timer at a time is armed.
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
        lastWrite = channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(write -> {
            if (!write.isSuccess()) {
                // the checker reset the connection before the bytes went out
                if (write.cause() instanceof IOException) {
                    checkerClosed(CheckerClose.RST);
                }
                channel.close();
            }
        });
    }

    /** Shuts the output down once the last write is out, so that no byte written is cut off. */
    @Override
    public void fin() {
        lastWrite.addListener(done -> {
            if (done.isSuccess() && channel.isActive()) {
                ((SocketChannel) channel).shutdownOutput();
            }
        });
    }

    @Override
    public void reset() {
        if (channel == null || !channel.isOpen()) {
            return;
        }
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    @Override
    public void unexpected(byte[] bytes) {
        server.violation(describe() + ": " + bytes.length + " bytes after the server's last reply, which the "
                + player.behaviour().kind() + " script does not expect: \""
                + new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n") + '"');
    }

    @Override
    public synchronized void handshakeCompleted(String protocol) {
        handshakeCompleted = true;
        applicationProtocol = protocol;
    }

    private synchronized void record(ByteBuf data) {
        int room = LoopbackBackends.MAX_RECORDED_BYTES - received.size();
        int count = Math.min(room, data.readableBytes());
        if (count > 0) {
            byte[] bytes = new byte[count];
            data.getBytes(data.readerIndex(), bytes);
            received.writeBytes(bytes);
        }
        truncated |= count < data.readableBytes();
    }

    /** Keeps the first sign of how the checker closed: an RST read as an error is followed by an end of input. */
    private synchronized void checkerClosed(CheckerClose how) {
        if (checkerClose == CheckerClose.NONE) {
            checkerClose = how;
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

    /** A task for {@link #runAt(long, Runnable)}. */
    private record Timed(long atNanos, Runnable task) {
    }
}
