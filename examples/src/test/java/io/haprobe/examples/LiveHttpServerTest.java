package io.haprobe.examples;

import com.sun.net.httpserver.HttpServer;
import io.haprobe.ServerState;
import io.haprobe.junit.HaprobeExtension;
import io.haprobe.junit.LiveHaproxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/**
 * Live checks against a real HTTP server on 127.0.0.1: it answers {@code 200}, then {@code 503}, and the
 * test waits (bounded, never sleeping) for HAProxy's verdict. The extension stops the checks after each test;
 * the test stops its server.
 */
@Tag("live")
class LiveHttpServerTest {

    @RegisterExtension
    final HaprobeExtension haprobe = new HaprobeExtension();

    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer web01;

    @BeforeEach
    void startWeb01() throws IOException {
        web01 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web01.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        web01.start();
    }

    @AfterEach
    void stopWeb01() {
        web01.stop(0);
    }

    @Test
    void web01GoesDownWhenItStartsAnswering503() {
        LiveHaproxy live = haprobe.liveText("""
                defaults
                    mode http
                    timeout connect 1s
                    timeout check 2s
                backend app_backend
                    option httpchk GET /health
                    server web01 127.0.0.1:%d check inter 100ms rise 2 fall 2
                """.formatted(web01.getAddress().getPort()));
        await().atMost(5, SECONDS).until(() -> live.lastCheck("app_backend/web01"), is("L7OK 200"));

        status.set(503);

        await().atMost(5, SECONDS).until(() -> live.state("app_backend/web01"), is(ServerState.DOWN));
        assertThat(live.lastCheck("app_backend/web01")).isEqualTo("L7STS 503 \"Service Unavailable\"");
        assertThat(live.statusText("app_backend/web01")).isEqualTo("DOWN");
    }
}
