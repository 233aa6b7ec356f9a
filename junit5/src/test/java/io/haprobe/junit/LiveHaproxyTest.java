package io.haprobe.junit;

import com.sun.net.httpserver.HttpServer;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

/** The live half of the JUnit API: getters that Awaitility polls while a real loopback server goes DOWN. */
@Tag("live")
class LiveHaproxyTest {

    /** Generous for a loaded 2-core build machine; checks run every 100 ms. */
    private static final Duration AT_MOST = Duration.ofSeconds(5);

    @RegisterExtension
    final HaprobeExtension haprobe = new HaprobeExtension();

    private HttpServer backend;

    @AfterEach
    void stopBackend() {
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    void seesAnHttpServerGoDownWhenItStartsAnswering503() throws IOException {
        AtomicInteger status = new AtomicInteger(200);
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        backend.start();

        LiveHaproxy live = haprobe.liveText(cfg(backend.getAddress().getPort(), "option httpchk GET /health"));
        await().atMost(AT_MOST).until(() -> live.lastCheck("be/srv"), is("L7OK 200"));
        assertThat(live.state("be/srv")).isEqualTo(ServerState.UP);

        status.set(503);

        await().atMost(AT_MOST).until(() -> live.state("be/srv"), is(ServerState.DOWN));
        assertThat(live.lastCheck("be/srv")).isEqualTo("L7STS 503 \"Service Unavailable\"");
        assertThat(live.lastStatus("be/srv")).isEqualTo(CheckStatus.L7STS);
        assertThat(live.statusText("be/srv")).isEqualTo("DOWN");
        // events reach the listener thread after the state changes: wait for the two lines of the transition
        await().atMost(AT_MOST).until(live::logMessages, hasSize(2));
        assertThat(live.outcomes("be/srv")).extracting(o -> o.code()).startsWith(200).endsWith(503, 503);
        assertThat(live.logMessages().get(0)).startsWith("Server be/srv is DOWN, reason: Layer7 wrong status, "
                + "code: 503, info: \"Service Unavailable\", check duration: ");
        assertThat(live.logMessages().get(1)).isEqualTo("backend be has no server available!");
        assertThat(live.timeline().transitions()).hasSize(1);
    }

    @Test
    void seesARefusedPortGoDownOnTheFirstCheck() throws IOException {
        LiveHaproxy live = haprobe.liveText(cfg(closedPort(), ""));

        await().atMost(AT_MOST).until(() -> live.state("be/srv"), is(ServerState.DOWN));

        assertThat(live.lastCheck("be/srv")).isEqualTo("L4CON \"Connection refused\"");
        assertThat(live.lastOutcome("be/srv")).hasValueSatisfying(o -> assertThat(o.status()).isEqualTo(CheckStatus.L4CON));
    }

    private static String cfg(int port, String backendLine) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout check 2s
                backend be
                    %s
                    server srv 127.0.0.1:%d check inter 100ms fall 2 rise 2
                """.formatted(backendLine, port);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
