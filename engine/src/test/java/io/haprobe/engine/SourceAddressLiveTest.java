package io.haprobe.engine;

import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code source} on real loopback sockets: a backend on 127.0.0.1 that answers 200 only to connections from
 * 127.0.0.2 (the firewall root cause of the runbooks, without root tools). Checks with {@code source 127.0.0.2}
 * pass; the same checks without it leave from 127.0.0.1 and get a 403, as HAProxy's would.
 */
@Tag("live")
class SourceAddressLiveTest {

    private final ExecutorService acceptor = Executors.newCachedThreadPool();
    private final Set<String> peers = ConcurrentHashMap.newKeySet();
    private ServerSocket listener;
    private HealthCheckEngine engine;

    @BeforeEach
    void startBackend() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor.execute(this::serve);
    }

    @AfterEach
    void stop() throws IOException {
        if (engine != null) {
            engine.close();
        }
        listener.close();
        acceptor.shutdownNow();
    }

    @Test
    void checksWithSourceLeaveFromThatAddressAndPass() {
        engine = start("source 127.0.0.2");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(engine.server("b", "s").orElseThrow().lastStatus()).isEqualTo(CheckStatus.L7OK));
        assertThat(engine.server("b", "s").orElseThrow().state()).isEqualTo(ServerState.UP);
        assertThat(peers).containsOnly("127.0.0.2");
    }

    @Test
    void aBackendSourceAppliesToItsServers() {
        engine = start("", "  source 127.0.0.2");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(engine.server("b", "s").orElseThrow().lastStatus()).isEqualTo(CheckStatus.L7OK));
        assertThat(peers).containsOnly("127.0.0.2");
    }

    @Test
    void checksWithoutSourceLeaveFromTheKernelsChoiceAndFail() {
        engine = start("");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(engine.server("b", "s").orElseThrow().state()).isEqualTo(ServerState.DOWN));
        assertThat(engine.server("b", "s").orElseThrow().lastStatus()).isEqualTo(CheckStatus.L7STS);
        assertThat(peers).containsOnly("127.0.0.1");
    }

    @Test
    void agentChecksLeaveFromTheSameSource() {
        String config = String.join("\n",
                "backend b",
                "  server s 127.0.0.1:" + listener.getLocalPort() + " agent-check agent-port "
                        + listener.getLocalPort() + " agent-inter 100 source 127.0.0.2");
        engine = HealthCheckEngine.builder(HaproxyConfig.parse("haproxy.cfg", config)).build();
        engine.start();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(peers).isNotEmpty());
        assertThat(peers).containsOnly("127.0.0.2");
    }

    @Test
    void aSourceThatIsNoLocalAddressFailsAtLayer4WithHaproxysText() {
        // haproxy 2.6.12 with "source 10.9.9.9": L4CON, info "Can't bind to source address (Cannot assign
        // requested address)"
        engine = start("source 10.9.9.9");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(engine.server("b", "s").orElseThrow().lastOutcome()).hasValueSatisfying(outcome -> {
                    assertThat(outcome.status()).isEqualTo(CheckStatus.L4CON);
                    assertThat(outcome.info()).isEqualTo("Can't bind to source address (Cannot assign requested"
                            + " address)");
                }));
        assertThat(peers).isEmpty();
    }

    private HealthCheckEngine start(String serverSource, String... backendLines) {
        String config = String.join("\n",
                "backend b",
                "  option httpchk GET /health",
                String.join("\n", backendLines),
                "  server s 127.0.0.1:" + listener.getLocalPort() + " check inter 100 rise 1 fall 1 " + serverSource);
        HealthCheckEngine started = HealthCheckEngine.builder(HaproxyConfig.parse("haproxy.cfg", config)).build();
        started.start();
        return started;
    }

    /** Answers each connection once: 200 to 127.0.0.2, 403 to anyone else. */
    private void serve() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                acceptor.execute(() -> answer(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void answer(Socket socket) {
        try (socket) {
            String peer = socket.getInetAddress().getHostAddress();
            peers.add(peer);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int read = 0;
            while (read < buffer.length) {
                int n = in.read(buffer, read, buffer.length - read);
                if (n < 0 || new String(buffer, 0, read + n, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    break;
                }
                read += n;
            }
            String status = peer.equals("127.0.0.2") ? "200 OK" : "403 Forbidden";
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.0 " + status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException ignored) {
            // the check gave up first; its outcome says so
        }
    }
}
