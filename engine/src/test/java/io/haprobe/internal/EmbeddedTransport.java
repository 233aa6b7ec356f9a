package io.haprobe.internal;

import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ProbeTransport} whose connections are Netty {@link EmbeddedChannel}s driven by the test, for testing
 * {@link CheckRun} alone: the test decides when each connection is accepted or refused and what the server sends,
 * and reads what went on the wire, in order. Time is the test's {@link Scheduler} (a virtual one), never the
 * channels' own.
 *
 * <p>Each connection behaves as a socket channel opened by {@code Bootstrap.connect} does: its handler is added
 * and the channel registered during {@link #connect}, before the TCP connect completes; it becomes active only
 * when {@linkplain Connection#accept() accepted}, which completes the connect future (its listeners run) and then
 * fires {@code channelActive}, in that order. Socket options the check sets are recorded
 * ({@link Connection#option}), since an embedded channel has none.
 *
 * <p>Confined to the test's thread.
 */
final class EmbeddedTransport implements ProbeTransport {

    /** The local address every connection reports. */
    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

    private final Scheduler scheduler;
    private final List<Connection> connections = new ArrayList<>();
    private RuntimeException socketFailure;

    EmbeddedTransport(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
        if (socketFailure != null) {
            // what Netty's channel factory throws when socket(2) fails: no channel, no future
            throw socketFailure;
        }
        boolean previousClosed = connections.stream().noneMatch(Channel::isOpen);
        Connection connection = new Connection(target, handler, previousClosed);
        connections.add(connection);
        return connection.connectPromise;
    }

    @Override
    public void close() {
        for (Connection connection : connections) {
            connection.close();
        }
    }

    /** Makes every later connect throw {@code failure}, as a channel factory does when socket(2) fails. */
    void failSocketCreation(RuntimeException failure) {
        this.socketFailure = failure;
    }

    /** Returns the connections opened so far, in order. */
    List<Connection> connections() {
        return connections;
    }

    /** Returns the last connection opened. */
    Connection last() {
        return connections.get(connections.size() - 1);
    }

    /** Closes every connection and releases whatever is still queued on them, for a test's teardown. */
    void releaseAll() {
        for (Connection connection : connections) {
            connection.wire();
            connection.finishAndReleaseAll();
        }
    }

    /** One check connection: an embedded channel that is registered at once but active only once accepted. */
    static final class Connection extends EmbeddedChannel {

        private final CheckTarget target;
        private final boolean previousClosedAtConnect;
        private final ChannelPromise connectPromise;
        private final List<String> wire = new ArrayList<>();
        private RecordingConfig config;
        private boolean connected;

        private Connection(CheckTarget target, ChannelHandler handler, boolean previousClosedAtConnect) {
            super(false, false, handler);
            this.target = target;
            this.previousClosedAtConnect = previousClosedAtConnect;
            try {
                // as Bootstrap.connect: handlerAdded runs now, before the connect completes
                register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            this.connectPromise = newPromise();
        }

        /** Returns the address the check connected to. */
        CheckTarget target() {
            return target;
        }

        /** Tells whether every earlier connection was already closed when this one was opened. */
        boolean previousClosedAtConnect() {
            return previousClosedAtConnect;
        }

        /** The TCP handshake completes: the connect future succeeds (its listeners run), then channelActive. */
        void accept() {
            connected = true;
            connectPromise.setSuccess();
            pipeline().fireChannelActive();
            runPendingTasks();
        }

        /** The connect fails with {@code cause}; the handler sees no event, the channel closes. */
        void refuse(Throwable cause) {
            connectPromise.setFailure(cause);
            close();
        }

        /** The server sends {@code text} (ISO-8859-1). */
        void receive(String text) {
            writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        }

        /** The server's FIN: the input side shuts down, as with half-closure allowed. */
        void peerFin() {
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            runPendingTasks();
        }

        /** Returns everything written on the wire so far, one element per write, as ISO-8859-1 text. */
        List<String> wire() {
            for (Object message = readOutbound(); message != null; message = readOutbound()) {
                ByteBuf buf = (ByteBuf) message;
                try {
                    wire.add(buf.toString(StandardCharsets.ISO_8859_1));
                } finally {
                    buf.release();
                }
            }
            return List.copyOf(wire);
        }

        /** Returns the first write as hex, for binary headers. */
        String firstWriteHex() {
            return ByteBufUtil.hexDump(wire().get(0).getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Returns the value the check set for a socket option, or null if it set none. */
        Object option(ChannelOption<?> option) {
            return ((RecordingConfig) config()).options.get(option);
        }

        @Override
        public boolean isActive() {
            return connected && super.isActive();
        }

        @Override
        public ChannelConfig config() {
            if (config == null) {
                config = new RecordingConfig(this);
            }
            return config;
        }

        @Override
        protected SocketAddress localAddress0() {
            return LOCAL;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return target.address();
        }
    }

    /** Records the socket options set on a connection; an embedded channel applies none of them. */
    private static final class RecordingConfig extends DefaultChannelConfig {

        private final Map<ChannelOption<?>, Object> options = new HashMap<>();

        RecordingConfig(Channel channel) {
            super(channel);
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            options.put(option, value);
            return super.setOption(option, value);
        }
    }
}
