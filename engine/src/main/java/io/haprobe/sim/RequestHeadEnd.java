package io.haprobe.sim;

import io.netty.buffer.ByteBuf;

/**
 * Follows the bytes of a check's request, across reads, looking for the blank line ({@code CRLF CRLF}) that
 * ends its head: the moment a scripted {@link Behaviour.Http} server answers. Shared by the simulated and the
 * loopback backends so that both answer at the same byte.
 *
 * <p>Not thread-safe: one per connection, fed by the thread that reads it.
 */
final class RequestHeadEnd {

    private int matched;
    private boolean found;

    /**
     * Scans {@code data} without moving its indexes.
     *
     * @param data the next bytes of the request; never null
     * @return true once the head's end has been seen, in this read or an earlier one
     */
    boolean scan(ByteBuf data) {
        for (int i = data.readerIndex(), end = data.writerIndex(); i < end && !found; i++) {
            byte b = data.getByte(i);
            boolean expectedCr = (matched & 1) == 0;
            if (b == (expectedCr ? '\r' : '\n')) {
                found = ++matched == 4;
            } else {
                matched = b == '\r' ? 1 : 0;
            }
        }
        return found;
    }
}
