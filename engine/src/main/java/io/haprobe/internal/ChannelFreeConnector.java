package io.haprobe.internal;

import io.haprobe.transport.CheckTarget;

/**
 * A live transport that can open a plain (non-TLS) check connection with no Netty channel, pipeline or promise:
 * {@link io.haprobe.transport.NettyProbeTransport} on epoll, through {@link EpollCheckConnection}. {@link CheckRun}
 * asks it first for every connection without TLS and takes the channel path when it declines.
 *
 * <p>Confined to the calling event loop's thread. Not API.
 */
public interface ChannelFreeConnector {

    /**
     * Opens a connection without a channel when this transport can: the caller is on one of its epoll event loops,
     * {@code target}'s address is resolved, and channels are not forced (system property
     * {@code haprobe.live.channels=true}). The connection reports to {@code driver} later, from the loop's events,
     * never from within this call.
     *
     * @param target       the server and the address of this connection; never null
     * @param proxyVersion the PROXY protocol version to send first once connected (1 or 2), 0 for none
     * @param driver       where the connection's events go; never null
     * @return the connection (possibly {@link CheckConnection#failed(String) failed} already, e.g. {@code EMFILE}),
     *         or null when this connection must take the channel path
     */
    CheckConnection openChannelFree(CheckTarget target, int proxyVersion, CheckDriver driver);
}
