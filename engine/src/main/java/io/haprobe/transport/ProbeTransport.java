package io.haprobe.transport;

import io.haprobe.time.Scheduler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;

import java.net.SocketAddress;

/**
 * Opens check connections. The live implementation ({@link NettyProbeTransport}) opens real TCP sockets;
 * a simulated one connects an in-memory channel to a scripted backend. The check interpreter above it
 * cannot tell which.
 *
 * <p>Every channel a transport opens is registered on the thread of {@link #scheduler()}, so a check's
 * timers and its channel events run on one thread. The channel's options are those of a check socket:
 * half-closure allowed (a server FIN is delivered as
 * {@link io.netty.channel.socket.ChannelInputShutdownEvent}), no connect timeout of its own (the check's
 * deadline is the only timer), no Nagle delay.
 *
 * <p>Thread-safe.
 */
public interface ProbeTransport extends AutoCloseable {

    /**
     * Returns the scheduler whose thread runs the channels of this transport.
     *
     * @return the scheduler, never null
     */
    Scheduler scheduler();

    /**
     * Starts connecting to {@code remote} with {@code handler} as the channel's only handler. A connection
     * failure completes the returned future with the cause (e.g. {@link java.net.ConnectException} for a
     * refused connect); the handler then sees no event.
     *
     * @param remote  the check address and port; never null
     * @param handler the handler that runs the check; never null
     * @return the connect future; its channel is registered on the scheduler's thread
     * @throws NullPointerException if an argument is null
     */
    ChannelFuture connect(SocketAddress remote, ChannelHandler handler);

    /**
     * Releases what the transport owns (its event loops, for a transport that created them). Connections
     * still open are closed. Calling it again does nothing.
     */
    @Override
    void close();
}
