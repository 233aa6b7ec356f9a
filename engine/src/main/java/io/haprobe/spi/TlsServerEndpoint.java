package io.haprobe.spi;

import io.netty.buffer.ByteBuf;

/**
 * The server side of one simulated TLS connection: a real server TLS engine fed with the bytes the check wrote,
 * whose records the scripted backend delivers back. Bytes in, bytes out; no channel, no thread, no clock.
 *
 * <p>Not thread-safe: confined to the simulation's thread.
 */
public interface TlsServerEndpoint {

    /**
     * Feeds bytes the client sent. Handshake records produce records to send back; application records
     * produce plain bytes.
     *
     * @param data the bytes, readable from its reader index; not retained, not released
     * @return the plain bytes the client's application records carried; empty when none
     */
    byte[] receive(ByteBuf data);

    /**
     * Encrypts plain bytes for the client, once the handshake is done.
     *
     * @param plain the bytes; never null
     */
    void send(byte[] plain);

    /** Closes the TLS session: a {@code close_notify} alert goes out with the next {@link #takeOutbound()}. */
    void close();

    /**
     * Takes the records waiting to go to the client.
     *
     * @return the bytes, possibly empty
     */
    byte[] takeOutbound();

    /**
     * Tells whether the handshake completed.
     *
     * @return true once the server finished its handshake
     */
    boolean isHandshakeDone();

    /**
     * Returns the ALPN protocol the server selected in the handshake, as a recording backend reports it.
     *
     * @return the protocol, e.g. {@code h2}; null before the handshake is done or when none was negotiated
     */
    String applicationProtocol();

    /**
     * Tells whether the TLS session failed (a fatal alert went or must go out): the backend then closes the
     * connection after sending {@link #takeOutbound()}.
     *
     * @return true after a fatal error
     */
    boolean isFailed();
}
