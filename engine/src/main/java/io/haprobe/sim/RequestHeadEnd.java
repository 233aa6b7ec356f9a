package io.haprobe.sim;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Follows the bytes of a check's request, across reads, looking for the blank line ({@code CRLF CRLF}) that
 * ends its head: the moment a scripted {@link Behaviour.Http} server answers; and whether the request is a TLS
 * ClientHello instead, which such a server answers with a 400. Shared by the simulated and the
 * loopback backends so that both answer at the same byte.
 *
 * <p>Not thread-safe: one per connection, fed by the thread that reads it.
 */
final class RequestHeadEnd {

    /** What a plain HTTP server answers to a TLS ClientHello (a check with {@code ssl} on a plain server). */
    static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    /** The first byte of a TLS handshake record. */
    private static final byte TLS_HANDSHAKE = 0x16;

    private int matched;
    private boolean found;
    private boolean sawBytes;

    /**
     * Scans {@code data} without moving its indexes.
     *
     * @param data the next bytes of the request; never null
     * @return true once the head's end has been seen, in this read or an earlier one
     */
    boolean scan(ByteBuf data) {
        for (int i = data.readerIndex(), end = data.writerIndex(); i < end && !found; i++) {
            follow(data.getByte(i));
        }
        return found;
    }

    /**
     * Scans {@code bytes}, e.g. the plain bytes a TLS record carried.
     *
     * @param bytes the next bytes of the request; never null
     * @return true once the head's end has been seen, in these bytes or earlier ones
     */
    boolean scan(byte[] bytes) {
        for (int i = 0; i < bytes.length && !found; i++) {
            follow(bytes[i]);
        }
        return found;
    }

    /**
     * Tells whether {@code data} opens the connection with a TLS handshake record: a check with {@code ssl} talking
     * to a plain HTTP server, which answers {@link #BAD_REQUEST}. Called once per read of an HTTP server.
     *
     * @param data the bytes just read, not moved; never null
     * @return true only for the first read, when its first byte starts a TLS handshake record
     */
    boolean opensWithTlsHandshake(ByteBuf data) {
        boolean first = !sawBytes;
        sawBytes = true;
        return first && data.isReadable() && data.getByte(data.readerIndex()) == TLS_HANDSHAKE;
    }

    /** Forgets every byte scanned: ready for the request of another connection. */
    void reset() {
        matched = 0;
        found = false;
        sawBytes = false;
    }

    /**
     * As {@link #opensWithTlsHandshake(ByteBuf)}, for bytes in an array.
     *
     * @param bytes the bytes just read; never null
     * @return true only for the first read, when its first byte starts a TLS handshake record
     */
    boolean opensWithTlsHandshake(byte[] bytes) {
        boolean first = !sawBytes;
        sawBytes = true;
        return first && bytes.length > 0 && bytes[0] == TLS_HANDSHAKE;
    }

    private void follow(byte b) {
        boolean expectedCr = (matched & 1) == 0;
        if (b == (expectedCr ? '\r' : '\n')) {
            found = ++matched == 4;
        } else {
            matched = b == '\r' ? 1 : 0;
        }
    }
}
