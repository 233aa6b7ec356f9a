package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The planned and actual starts of live checks on real loopback sockets, on two event loops: every check is
 * reported once, never before it was due, and each server's next check is planned after the previous one started.
 * No bound on the lateness itself: a loaded machine may delay any check.
 */
@Tag("live")
class CheckStartLiveTest {

    private final ExecutorService acceptor = Executors.newSingleThreadExecutor();
    private final Map<String, List<long[]>> starts = new ConcurrentHashMap<>();
    private ServerSocket listener;
    private HealthCheckEngine engine;

    @BeforeEach
    void startBackend() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor.execute(this::acceptAndClose);
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
    void reportsEveryLiveCheckNeverBeforeItWasDue() {
        int port = listener.getLocalPort();
        String config = String.join("\n",
                "backend b",
                "  server s1 127.0.0.1:" + port + " check inter 100",
                "  server s2 127.0.0.1:" + port + " check inter 100",
                "  server s3 127.0.0.1:" + port + " check inter 100",
                "");
        engine = HealthCheckEngine.builder(HaproxyConfig.parse("haproxy.cfg", config))
                .threads(2)
                .checkStarts((backend, server, planned, actual) -> starts
                        .computeIfAbsent(backend + "/" + server, k -> new CopyOnWriteArrayList<>())
                        .add(new long[] {planned, actual}))
                .build();
        engine.start();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(starts).containsOnlyKeys("b/s1", "b/s2", "b/s3");
            assertThat(starts.values()).allSatisfy(list -> assertThat(list).hasSizeGreaterThanOrEqualTo(3));
        });
        engine.close();
        for (List<long[]> server : starts.values()) {
            long previousActual = Long.MIN_VALUE;
            for (long[] start : server) {
                assertThat(start[1]).as("actual start").isGreaterThanOrEqualTo(start[0]);
                assertThat(start[0]).as("planned after the previous check's start").isGreaterThan(previousActual);
                previousActual = start[1];
            }
        }
        long completed = engine.servers().stream().mapToLong(s -> s.lastOutcome().isPresent() ? 1 : 0).sum();
        assertThat(completed).isEqualTo(3);
    }

    private void acceptAndClose() {
        while (!listener.isClosed()) {
            try (Socket socket = listener.accept()) {
                socket.setSoLinger(true, 0);
            } catch (IOException closed) {
                return;
            }
        }
    }
}
