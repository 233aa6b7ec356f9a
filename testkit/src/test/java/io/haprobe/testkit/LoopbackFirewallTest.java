package io.haprobe.testkit;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Firewall;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A phase's {@code firewall} on real loopback sockets, without root tools: the kernel completes the handshake
 * before the player can see the source, so a disallowed connection is accepted, then reset at once
 * ({@code reject}) or never answered ({@code drop}); an allowed source meets the phase's behaviour.
 */
@Tag("live")
class LoopbackFirewallTest {

    private static final String SERVER = "b/s";
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private LoopbackBackends backends;

    @AfterEach
    void closeBackends() {
        if (backends != null) {
            backends.close();
            assertThat(backends.errors()).isEmpty();
        }
    }

    @Test
    void anAllowedSourceMeetsTheBehaviour() throws IOException {
        backends = play(Firewall.Action.REJECT);

        try (Socket socket = connectFrom("127.0.0.2")) {
            socket.getOutputStream().write(REQUEST);
            assertThat(readToEnd(socket)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void rejectResetsADisallowedConnectionAtOnce() {
        backends = play(Firewall.Action.REJECT);

        // the reset may even beat the connect's return: either way the peer never answers
        assertThatThrownBy(() -> {
            try (Socket socket = connectFrom("127.0.0.1")) {
                socket.getOutputStream().write(REQUEST);
                readToEnd(socket);
            }
        }).isInstanceOf(SocketException.class);
    }

    @Test
    void dropNeverAnswersADisallowedConnection() throws IOException {
        backends = play(Firewall.Action.DROP);

        try (Socket socket = connectFrom("127.0.0.1")) {
            socket.setSoTimeout(300);
            socket.getOutputStream().write(REQUEST);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }

    private static LoopbackBackends play(Firewall.Action action) {
        return LoopbackBackends.builder().script(SERVER, new ServerScript(List.of(
                new Phase(0, Behaviour.http(200), new Firewall(List.of("127.0.0.2/32"), action))))).bind();
    }

    private Socket connectFrom(String source) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(5000);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", backends.port(SERVER)), 5000);
        return socket;
    }

    private static String readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
