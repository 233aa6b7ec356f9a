package io.haprobe.sim;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Follows the bytes of a check's request, across reads, looking for the blank line ({@code CRLF CRLF}) that
 * ends its head: the moment a scripted {@link Behaviour.Http} server answers; and whether the request is a TLS
 * ClientHello instead, which such a server answers with a 400. Shared by the simulated and the
 * loopback backends so that both answer at the same byte.
 *
 * <p>The state is one {@code int} ({@link #START} at first), so that an owner read on every check (the
 * {@link BehaviourPlayer}) keeps it in a field of its own through the static methods; the instance methods keep
 * it in this object (the TLS peer's).
 *
 * <p>Not thread-safe: one per connection, fed by the thread that reads it.
 */
final class RequestHeadEnd {

    /** What a plain HTTP server answers to a TLS ClientHello (a check with {@code ssl} on a plain server). */
    static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    /** The state before any byte: nothing matched, nothing seen. */
    static final int START = 0;
    /** The first byte of a TLS handshake record. */
    private static final byte TLS_HANDSHAKE = 0x16;
    /** State bits: how many bytes of {@code CRLF CRLF} the last bytes matched (0 to 4). */
    private static final int MATCHED = 7;
    /** State bit: the head's end has been seen. */
    private static final int FOUND = 8;
    /** State bit: some bytes came already (the TLS test looks at the first only). */
    private static final int SAW_BYTES = 16;

    private int state = START;

    /**
     * Scans {@code bytes}, e.g. the plain bytes a TLS record carried.
     *
     * @param bytes the next bytes of the request; never null
     * @return true once the head's end has been seen, in this read or an earlier one
     */
    boolean scan(byte[] bytes) {
        state = scan(state, bytes);
        return found(state);
    }

    /**
     * Returns the state after {@code data}, scanned without moving its indexes.
     *
     * @param state the state before
     * @param data  the next bytes of the request; never null
     * @return the state after; {@link #found} tells whether the head's end has been seen
     */
    static int scan(int state, ByteBuf data) {
        for (int i = data.readerIndex(), end = data.writerIndex(); i < end && (state & FOUND) == 0; i++) {
            state = follow(state, data.getByte(i));
        }
        return state;
    }

    /**
     * Returns the state after {@code bytes}, as {@link #scan(int, ByteBuf)}.
     *
     * @param state the state before
     * @param bytes the next bytes of the request; never null
     * @return the state after
     */
    static int scan(int state, byte[] bytes) {
        int n = bytes.length;
        if ((state & FOUND) == 0 && n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r'
                && bytes[n - 1] == '\n') {
            // a read ending with the blank line (a check's whole request head, the common case): the scan below would
            // find a CRLF CRLF at the latest at its last byte and stop there, in this state whatever came before
            return (state & ~MATCHED) | 4 | FOUND;
        }
        int i = 0;
        while (i < n && (state & FOUND) == 0) {
            if ((state & MATCHED) == 0) {
                // outside a match only a CR changes the state (follow keeps it for any other byte): skip to it
                while (i < n && bytes[i] != '\r') {
                    i++;
                }
                if (i == n) {
                    break;
                }
            }
            state = follow(state, bytes[i++]);
        }
        return state;
    }

    /**
     * Tells whether {@code state} has seen the head's end.
     *
     * @param state a state of {@link #scan(int, byte[])}
     * @return true once the blank line came
     */
    static boolean found(int state) {
        return (state & FOUND) != 0;
    }

    /**
     * Tells whether {@code bytes} would open the request with a TLS handshake record if {@code state} saw none
     * before; the caller then keeps {@link #sawBytes(int)}.
     *
     * @param state the state before the read
     * @param bytes the read; never null
     * @return true for a first read starting with byte {@code 0x16}
     */
    static boolean opensWithTlsHandshake(int state, byte[] bytes) {
        return (state & SAW_BYTES) == 0 && bytes.length > 0 && bytes[0] == TLS_HANDSHAKE;
    }

    /**
     * As {@link #opensWithTlsHandshake(int, byte[])} for a buffer, read without moving its indexes.
     *
     * @param state the state before the read
     * @param data  the read; never null
     * @return true for a first read starting with byte {@code 0x16}
     */
    static boolean opensWithTlsHandshake(int state, ByteBuf data) {
        return (state & SAW_BYTES) == 0 && data.isReadable() && data.getByte(data.readerIndex()) == TLS_HANDSHAKE;
    }

    /**
     * Returns {@code state} once a read came.
     *
     * @param state the state before
     * @return the state with its first read seen
     */
    static int sawBytes(int state) {
        return state | SAW_BYTES;
    }

    /** The state after one more byte: CR LF CR LF matched in turn, a stray byte starting over. */
    private static int follow(int state, byte b) {
        int matched = state & MATCHED;
        boolean expectedCr = (matched & 1) == 0;
        if (b == (expectedCr ? '\r' : '\n')) {
            matched++;
            return (state & ~MATCHED) | matched | (matched == 4 ? FOUND : 0);
        }
        return (state & ~MATCHED) | (b == '\r' ? 1 : 0);
    }
}
