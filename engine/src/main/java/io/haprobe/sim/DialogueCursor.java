package io.haprobe.sim;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.List;

/**
 * Where one connection stands in a {@link Behaviour.Dialogue}: the bytes received since the last exchange, the
 * next exchange, and whether its reply is being played. Shared by the simulated and the loopback backends so
 * that both answer at the same byte.
 *
 * <p>Not thread-safe: one per connection, on the thread that plays it.
 */
final class DialogueCursor {

    /** What a server keeps of the check's bytes while it waits, like its read buffer. */
    static final int MAX_RECEIVED = 16 * 1024;

    private final Behaviour.Dialogue dialogue;
    private byte[] received = new byte[64];
    private int length;
    private int next;
    private boolean replying;

    DialogueCursor(Behaviour.Dialogue dialogue) {
        this.dialogue = dialogue;
    }

    /** Keeps the bytes of {@code data} (up to {@link #MAX_RECEIVED} in all) without moving its indexes. */
    void received(ByteBuf data) {
        int count = Math.min(data.readableBytes(), MAX_RECEIVED - length);
        if (count <= 0) {
            return;
        }
        if (length + count > received.length) {
            received = Arrays.copyOf(received, Math.max(length + count, received.length * 2));
        }
        data.getBytes(data.readerIndex(), received, length, count);
        length += count;
    }

    /**
     * Returns the exchange to play now, consuming the bytes up to its awaited ones, or null while a reply is
     * being played, while the awaited bytes have not come, or after the last exchange.
     */
    Behaviour.Dialogue.Exchange take() {
        List<Behaviour.Dialogue.Exchange> exchanges = dialogue.exchanges();
        if (replying || next == exchanges.size()) {
            return null;
        }
        Behaviour.Dialogue.Exchange exchange = exchanges.get(next);
        int end = exchange.endOfAwaitIn(received, length);
        if (end < 0) {
            return null;
        }
        System.arraycopy(received, end, received, 0, length - end);
        length -= end;
        next++;
        replying = true;
        return exchange;
    }

    /** Marks the reply of the exchange {@link #take()} gave as written. */
    void replied() {
        replying = false;
    }

    /** Tells whether every exchange has been played, so a closing dialogue sends its FIN now. */
    boolean finished() {
        return !replying && next == dialogue.exchanges().size();
    }
}
