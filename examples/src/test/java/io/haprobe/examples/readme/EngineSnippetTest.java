package io.haprobe.examples.readme;

import com.sun.net.httpserver.HttpServer;
import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The main README's Java API snippet, run as written against the README's haproxy.cfg ({@code examples/haproxy.cfg},
 * read from the module's directory) and a real HTTP server on 127.0.0.1:18080 that answers {@code 204 No Content}
 * to the health check, as in the README's {@code haprobe check} transcript.
 */
@Tag("live")
class EngineSnippetTest {

    private HttpServer web01;

    @BeforeEach
    void startWeb01() throws IOException {
        try {
            web01 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 18080), 0);
        } catch (BindException e) {
            // the README's config names a fixed port; another run of this test on the machine may hold it
            abort("127.0.0.1:18080 is in use: " + e.getMessage());
        }
        web01.createContext("/status", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        web01.start();
    }

    @AfterEach
    void stopWeb01() {
        if (web01 != null) {
            web01.stop(0);
        }
    }

    @Test
    void printsHaproxysLinesUntilWeb01IsDown() throws IOException {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            snippet();
        } finally {
            System.setOut(stdout);
        }
        stdout.print(printed.toString(StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("Server app_backend/web01 is DOWN, reason: "
                + "Layer7 wrong status, code: 204, info: \"No Content\", check duration: ");
    }

    private static void snippet() {
        // README.md: begin
        HaproxyConfig config = HaproxyConfig.parse(Path.of("haproxy.cfg"));
        try (HealthCheckEngine engine = HealthCheckEngine.builder(config)
                .backends(List.of("app_backend"))
                .listener(event -> {
                    if (event.logMessage() != null) System.out.println(event.logMessage());
                })
                .build()) {
            engine.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> engine.server("app_backend", "web01").orElseThrow().state() == ServerState.DOWN);
        }
        // README.md: end
    }
}
