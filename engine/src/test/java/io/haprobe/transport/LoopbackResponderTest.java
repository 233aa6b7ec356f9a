package io.haprobe.transport;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The warm-up's target on real loopback sockets: one answer per connection, then the close. */
@Tag("live")
class LoopbackResponderTest {

    @Test
    void answersTheFirstBytesOfAConnectionWith200AndCloses() throws IOException {
        try (LoopbackResponder responder = LoopbackResponder.start()) {
            assertThat(responder.address().getAddress().isLoopbackAddress()).isTrue();
            assertThat(responder.address().getPort()).isPositive();
            for (int i = 1; i <= 2; i++) {
                try (Socket socket = new Socket(responder.address().getAddress(), responder.address().getPort())) {
                    socket.setSoTimeout(5_000);
                    OutputStream request = socket.getOutputStream();
                    request.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    request.flush();
                    InputStream reply = socket.getInputStream();
                    // readAllBytes returns at the responder's close (a FIN), or fails on its timeout
                    assertThat(new String(reply.readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
                }
                assertThat(responder.answered()).isEqualTo(i);
            }
        }
    }

    @Test
    void aClosedResponderRefusesConnections() {
        LoopbackResponder responder = LoopbackResponder.start();
        int port = responder.address().getPort();
        responder.close();
        responder.close(); // idempotent
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    }
}
