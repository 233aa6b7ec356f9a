package io.haprobe.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The scan of a request head's end (CR LF CR LF) over arrays, against the byte-by-byte scan over buffers. */
class RequestHeadEndTest {

    @Test
    void findsTheBlankLineAcrossReads() {
        int state = RequestHeadEnd.scan(0, bytes("GET / HTTP/1.0\r\nHost: x\r"));
        assertThat(RequestHeadEnd.found(state)).isFalse();
        state = RequestHeadEnd.scan(state, bytes("\n\r"));
        assertThat(RequestHeadEnd.found(state)).isFalse();
        assertThat(RequestHeadEnd.found(RequestHeadEnd.scan(state, bytes("\nbody")))).isTrue();
        assertThat(RequestHeadEnd.found(RequestHeadEnd.scan(0, bytes("GET / HTTP/1.0\n\n")))).isFalse();
        assertThat(RequestHeadEnd.found(RequestHeadEnd.scan(0, bytes("\r\r\n\r\n")))).isTrue();
        byte[] head = bytes("GET /health HTTP/1.0\r\n\r\n");
        int done = RequestHeadEnd.scan(RequestHeadEnd.sawBytes(0), head);
        assertThat(done).isEqualTo(RequestHeadEnd.scan(RequestHeadEnd.sawBytes(0), Unpooled.wrappedBuffer(head)));
        assertThat(RequestHeadEnd.scan(done, head)).isEqualTo(done); // found before: a later read changes nothing
    }

    /** Random reads of CR, LF and other bytes, split anywhere: the array scan ends in the buffer scan's state. */
    @Test
    void arraysEndInTheStateOfTheByteByByteScan() {
        Random random = new Random(16);
        byte[] alphabet = {'\r', '\n', 'a', ' '};
        for (int round = 0; round < 20_000; round++) {
            int buffers = random.nextBoolean() ? RequestHeadEnd.sawBytes(0) : 0;
            int arrays = buffers;
            for (int read = random.nextInt(4); read >= 0; read--) {
                byte[] bytes = new byte[random.nextInt(12)];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = alphabet[random.nextInt(alphabet.length)];
                }
                ByteBuf buf = Unpooled.wrappedBuffer(bytes);
                arrays = RequestHeadEnd.scan(arrays, bytes);
                buffers = RequestHeadEnd.scan(buffers, buf);
                assertThat(arrays).isEqualTo(buffers);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
