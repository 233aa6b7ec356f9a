package io.haprobe.internal.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelId;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * An in-memory Netty channel for one check connection in simulated mode. The check's handler sees exactly
 * what a socket channel with half-closure allowed would give it: the connect future, {@code channelActive},
 * reads, a {@link ChannelInputShutdownEvent} for the server's FIN, an {@link IOException}
 * {@code "Connection reset by peer"} for its RST, and {@code channelInactive}. Its peer is a
 * {@link VirtualPeer}, a scripted backend, which receives what the check writes.
 *
 * <p>Confined to the {@link VirtualEventLoop}'s thread.
 */
public final class VirtualChannel extends AbstractChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    private static final RecvByteBufAllocator RECV_ALLOCATOR = new FixedRecvByteBufAllocator(2048);
    /**
     * The cause given to writes still pending at close. Shared and stackless: Netty would build one with a
     * stack frame for every close, a cost a simulation of millions of checks notices.
     */
    private static final ClosedChannelException CLOSED = new ClosedChannelException() {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final ChannelConfig config;
    private final SocketAddress remote;
    private final VirtualPeer peer;
    private ChannelPromise connectPromise;
    private boolean open = true;
    private boolean active;
    private boolean inputShutdown;
    private Object attachment;

    /**
     * Creates a channel to {@code peer}. Register it on a {@link VirtualEventLoop}, then connect it.
     *
     * @param id     the channel's id; never null
     * @param remote the address the check connects to, reported as the remote address; never null
     * @param peer   the scripted far end; never null
     */
    public VirtualChannel(ChannelId id, SocketAddress remote, VirtualPeer peer) {
        super(null, Objects.requireNonNull(id, "id"));
        this.remote = Objects.requireNonNull(remote, "remote");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.config = new VirtualChannelConfig(this);
    }

    /**
     * Returns what the peer attached to this connection, e.g. its per-connection state.
     *
     * @return the attachment, null until {@link #attach(Object)}
     */
    public Object attachment() {
        return attachment;
    }

    /**
     * Attaches per-connection state of the peer.
     *
     * @param attachment the state; may be null
     */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    /**
     * Server side: completes the pending connect; the check sees its connect future succeed and
     * {@code channelActive}. Does nothing if no connect is pending or the channel is closed.
     */
    public void accept() {
        ChannelPromise promise = connectPromise;
        if (promise == null || !open) {
            return;
        }
        connectPromise = null;
        active = true;
        if (promise.trySuccess()) {
            pipeline().fireChannelActive();
        }
    }

    /**
     * Server side: fails the pending connect with {@code cause} (for a closed port, a
     * {@link ConnectException} {@code "Connection refused"}) and closes the channel.
     *
     * @param cause the connect error; never null
     */
    public void refuse(Throwable cause) {
        ChannelPromise promise = connectPromise;
        if (promise == null || !open) {
            return;
        }
        connectPromise = null;
        promise.tryFailure(cause);
        unsafe().close(voidPromise());
    }

    /**
     * Server side: delivers bytes to the check, as one read. Ignored once the channel is closed or after the
     * server's FIN.
     *
     * @param bytes the bytes; not copied, must not be modified afterwards; never null
     */
    public void deliver(byte[] bytes) {
        if (!active || inputShutdown || bytes.length == 0) {
            return;
        }
        pipeline().fireChannelRead(Unpooled.wrappedBuffer(bytes));
        pipeline().fireChannelReadComplete();
    }

    /** Server side: sends a FIN; the check sees a {@link ChannelInputShutdownEvent} once. */
    public void shutdownInput() {
        if (!active || inputShutdown) {
            return;
        }
        inputShutdown = true;
        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    /**
     * Server side: sends an RST; the check sees {@code "Connection reset by peer"} as an exception, then the
     * channel closes.
     */
    public void reset() {
        if (!active) {
            return;
        }
        pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        if (isOpen()) {
            unsafe().close(voidPromise());
        }
    }

    /**
     * Tells whether the server's FIN was delivered.
     *
     * @return true after {@link #shutdownInput()}
     */
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && active;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new VirtualUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof VirtualEventLoop;
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return active ? remote : null;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        // a check connection takes whatever source port the peer sees; nothing to do
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        active = false;
        ChannelPromise pending = connectPromise;
        if (pending != null) {
            connectPromise = null;
            pending.tryFailure(new ClosedChannelException());
        }
        peer.closed(this);
    }

    @Override
    protected void doBeginRead() {
        // reads are pushed by the peer as they happen on the virtual clock
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        for (Object msg; (msg = in.current()) != null; ) {
            if (msg instanceof ByteBuf buf && active) {
                peer.received(this, buf);
            }
            in.remove();
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (expected: ByteBuf)");
    }

    private final class VirtualUnsafe extends AbstractUnsafe {

        @Override
        public void close(ChannelPromise promise) {
            close(promise, CLOSED, CLOSED);
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (connectPromise != null || active) {
                promise.tryFailure(new IllegalStateException("connect: already connecting or connected"));
                return;
            }
            connectPromise = promise;
            peer.connectRequested(VirtualChannel.this);
        }
    }

    /** A config with a shared receive allocator: the peer pushes reads, nothing is ever allocated for them. */
    private static final class VirtualChannelConfig extends DefaultChannelConfig {

        VirtualChannelConfig(VirtualChannel channel) {
            super(channel, RECV_ALLOCATOR);
        }
    }
}
