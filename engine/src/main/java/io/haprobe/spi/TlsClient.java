package io.haprobe.spi;

import io.netty.channel.ChannelHandler;

import java.util.List;

/**
 * The TLS client of one server's checks: HAProxy's per-server SSL context. Makes one handler per check
 * connection that uses TLS.
 *
 * <p>Thread-safe.
 */
public interface TlsClient {

    /**
     * Makes the TLS layer of one check connection. The check adds it in front of itself before the connection
     * opens. The handler starts the client handshake when the connection becomes active, never times out on its
     * own (the check's deadline is the only timer), reports the handshake's end with one {@link TlsEvent} fired
     * as a user event, turns every TLS failure into a {@link TlsEvent} instead of an exception, reports the
     * server's {@code close_notify} as a {@link io.netty.channel.socket.ChannelInputShutdownEvent}, and when the
     * check closes the channel it closes it without a {@code close_notify}, as HAProxy does (spec §6.2).
     *
     * @param sni  the server name to send, or null for no SNI; when certificates are verified, the name the
     *             certificate must carry (before {@code verifyhost})
     * @param alpn the protocols to offer, in order; never null, empty for no ALPN
     * @return a new handler for one channel
     */
    ChannelHandler newHandler(String sni, List<String> alpn);
}
