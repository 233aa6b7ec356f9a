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

    /**
     * Makes the handler of one inspection connection, for the diagnosis of a failing TLS check: it puts its TLS
     * layer in front of itself, handshakes with every version the provider offers and without verifying anything
     * (presenting the configured client certificate, if any), then judges the certificates the server presented
     * against this client's settings ({@code verify}, {@code ca-file}, {@code verifyhost}, the given SNI,
     * {@code ssl-min-ver}/{@code ssl-max-ver}) and fires exactly one {@link TlsPeer} as a user event, after which
     * it closes the channel. It never throws on what the server sends and never times out on its own.
     *
     * @param sni  the server name to send and to check the certificate against, or null
     * @param alpn the protocols to offer; never null
     * @return a new handler for one channel, or null when this client cannot inspect (the default)
     */
    default ChannelHandler newInspectionHandler(String sni, List<String> alpn) {
        return null;
    }
}
