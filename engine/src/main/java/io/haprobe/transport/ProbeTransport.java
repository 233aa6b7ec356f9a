package io.haprobe.transport;

import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Scheduler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Opens check connections. The live implementation ({@link NettyProbeTransport}) opens real TCP sockets;
 * a simulated one connects an in-memory channel to a scripted backend. The check interpreter above it
 * cannot tell which.
 *
 * <p>Every channel a transport opens is registered on the thread of the scheduler whose thread called
 * {@link #connect} (one of {@link #schedulers()}; {@link #scheduler()} when the transport has one), so a check's
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
     * Returns the schedulers of all the transport's threads (event loops): an engine on this transport confines
     * each server's checks to one of them, spreading the servers round robin. A transport with one thread (the
     * default) returns {@code List.of(scheduler())}; a simulated transport always has one.
     *
     * @return an immutable, non-empty list whose first element is {@link #scheduler()}
     */
    default List<Scheduler> schedulers() {
        return List.of(scheduler());
    }

    /**
     * Turns a server's check host and port into the address its checks will use. Called once per server when
     * an engine is built, from the builder's thread. The live transport looks the name up (an IP literal
     * needs no lookup), as HAProxy resolves server addresses at startup; a simulated transport looks nothing
     * up and may return an unresolved address.
     *
     * @param host the check host: an IPv4 or IPv6 literal or a name; never null
     * @param port the check port, 0 to 65535
     * @return the address
     * @throws UnknownHostException if the name does not resolve
     * @throws NullPointerException if {@code host} is null
     */
    default InetSocketAddress resolve(String host, int port) throws UnknownHostException {
        return lookUp(host, port);
    }

    /**
     * Resolves {@code host} with the system resolver, as the live transport does; an IP literal needs no
     * lookup. Blocks while the name is looked up.
     *
     * @param host an IPv4 or IPv6 literal or a name; never null
     * @param port the port, 0 to 65535
     * @return the resolved address
     * @throws UnknownHostException     if the name does not resolve
     * @throws NullPointerException     if {@code host} is null
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    static InetSocketAddress lookUp(String host, int port) throws UnknownHostException {
        InetSocketAddress address = new InetSocketAddress(Objects.requireNonNull(host, "host"), port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        return address;
    }

    /**
     * Starts connecting to {@code target} with {@code handler} as the channel's only handler. A connection
     * failure completes the returned future with the cause (e.g. {@link java.net.ConnectException} for a
     * refused connect); the handler then sees no event. Must be called on the thread of one of
     * {@link #schedulers()}: the channel is registered on that thread's loop.
     *
     * @param target  the server and its check address; never null
     * @param handler the handler that runs the check; never null
     * @return the connect future; its channel is registered on the calling scheduler's thread
     * @throws NullPointerException if an argument is null
     */
    ChannelFuture connect(CheckTarget target, ChannelHandler handler);

    /**
     * Returns the local address the last connection opened for a server's checks left from: the {@code source}
     * it was bound to, else the address the kernel chose for the route (read from the socket once the connect has
     * been started, so it is known even when the SYN is never answered). A transport may record only the
     * connections that need it, as long as every connection whose connect did not complete is recorded (the live
     * transport's channel-free connections skip the others: see {@link NettyProbeTransport#lastSource}). A
     * simulated transport returns the source its scripted backends' firewalls see. Used by the diagnosis to name
     * where blocked checks come from.
     *
     * @param backend the backend or listen section; never null
     * @param server  the server; never null
     * @return the address, empty when no connection was opened for that server or its address is not known; the
     *         default implementation always returns empty
     * @throws NullPointerException if an argument is null
     */
    default Optional<InetSocketAddress> lastSource(String backend, String server) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        return Optional.empty();
    }

    /**
     * Makes the TLS side of a server's checks, when its checks use TLS (spec §6.2). Called once per such server
     * when an engine is built. The live transport takes the client {@code support} makes; a simulated one
     * returns its own, whose peers are scripted TLS backends.
     *
     * @param support the TLS support found on the class path ({@code haprobe-engine-tls}); never null
     * @param spec    the server's TLS settings; never null
     * @return the TLS client of the server's checks
     * @throws io.haprobe.config.ConfigException if the settings name files that cannot be used
     */
    default TlsClient tlsClient(TlsSupport support, TlsClientSpec spec) {
        return support.newClient(spec);
    }

    /**
     * Releases what the transport owns (its event loops, for a transport that created them). Connections
     * still open are closed. Calling it again does nothing.
     */
    @Override
    void close();
}
