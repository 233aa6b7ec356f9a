package io.haprobe.runtime;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code /metrics} over a real loopback socket, read with the JDK's HTTP client. */
@Tag("live")
class MetricsServerTest {

    private static final String CSV = "# pxname,svname,status,weight,type,check_status,check_code,mode,\n"
            + "be,s1,UP,1,2,L7OK,200,http,\nbe,BACKEND,UP,1,1,,,http,\n\n";
    private static final String INFO = "Name: HAProxy\nUptime_sec: 7\nBuild info: 2.6.12 (haprobe)\n\n";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesTheExpositionWithHaproxysHeaders() {
        AtomicInteger scrapes = new AtomicInteger();
        try (MetricsServer server = MetricsServer.bind("127.0.0.1:0", () -> {
            scrapes.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> CSV); // completes on another thread, as the engine's does
        }, () -> CompletableFuture.completedFuture(INFO))) {
            AtomicReference<HttpResponse<String>> response = new AtomicReference<>();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> response.set(get(server, "/metrics")));

            assertThat(response.get().statusCode()).isEqualTo(200);
            assertThat(response.get().headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4");
            assertThat(response.get().headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(response.get().body()).isEqualTo(PrometheusExposition.render(CSV, INFO))
                    .contains("haproxy_server_status{proxy=\"be\",server=\"s1\",state=\"UP\"} 1\n")
                    .contains("haproxy_process_uptime_seconds 7\n");
            assertThat(scrapes).hasValue(1);
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        }
    }

    @Test
    void otherPathsAre404AndOtherMethods405() {
        try (MetricsServer server = MetricsServer.bind("localhost:0", () -> CompletableFuture.completedFuture(CSV),
                () -> CompletableFuture.completedFuture(INFO))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(get(server, "/").statusCode()).isEqualTo(404);
                assertThat(get(server, "/metricsx").statusCode()).isEqualTo(404);
                assertThat(get(server, "/metrics?scope=server").statusCode()).isEqualTo(200);
                HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri(server, "/metrics"))
                        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(post.statusCode()).isEqualTo(405);
            });
        }
    }

    @Test
    void aFailedSourceAnswers503WithTheReason() {
        try (MetricsServer server = MetricsServer.bind("127.0.0.1:0",
                () -> CompletableFuture.failedFuture(new IllegalStateException("engine is closed")),
                () -> CompletableFuture.completedFuture(INFO))) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> response = get(server, "/metrics");
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.body()).isEqualTo("haprobe: cannot read the stats: engine is closed\n");
            });
        }
    }

    @Test
    void refusesAddressesThatAreNotLoopback() {
        java.util.function.Supplier<CompletionStage<String>> none = () -> CompletableFuture.completedFuture("");
        assertThatThrownBy(() -> MetricsServer.bind("0.0.0.0:9101", none, none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metrics address: '0.0.0.0:9101' is not loopback (expected: 127.0.0.1, ::1 or "
                        + "localhost; /metrics is served without authentication)");
        assertThatThrownBy(() -> MetricsServer.bind("192.0.2.1:9101", none, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not loopback");
        assertThatThrownBy(() -> MetricsServer.bind("9101", none, none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metrics address: '9101' (expected: HOST:PORT on loopback, such as 127.0.0.1:9101)");
        assertThatThrownBy(() -> MetricsServer.bind("127.0.0.1:70000", none, none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a port in 0..65535");
        assertThat(MetricsServer.loopbackAddress("[::1]:9101").getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void aPortInUseIsAClearError() {
        java.util.function.Supplier<CompletionStage<String>> none = () -> CompletableFuture.completedFuture("");
        try (MetricsServer first = MetricsServer.bind("127.0.0.1:0", none, none)) {
            String taken = "127.0.0.1:" + first.address().getPort();
            assertThatThrownBy(() -> MetricsServer.bind(taken, none, none))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageStartingWith("metrics: cannot listen on " + taken + ": ");
        }
    }

    private HttpResponse<String> get(MetricsServer server, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(server, path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(MetricsServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    }
}
