package io.haprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * {@code haprobe check --record} against real loopback backends, replayed with {@code haprobe replay}; and
 * {@code check --format json} and {@code --until-stable} live.
 */
@Tag("live")
class RecordReplayLiveTest {

    private static final String SERVER = "app/web1";

    @TempDir
    Path dir;

    private LoopbackBackends backend;

    @AfterEach
    void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void aRecordedFlappingServerReplaysToTheSameLinesAndWithFall5NeverGoesDown() throws Exception {
        // four passes, three failures, forever: with fall 3 it goes DOWN then UP again each cycle
        backend = LoopbackBackends.builder().script(SERVER, ServerScript.of(new Behaviour.Sequence(List.of(
                Behaviour.http(200), Behaviour.http(200), Behaviour.http(200), Behaviour.http(200),
                Behaviour.http(503), Behaviour.http(503), Behaviour.http(503))))).bind();
        // inter 300ms: a check started up to 120 ms late (40% of it, a loaded machine) is still replayed as recorded
        Path cfg = config(backend.port(SERVER), "inter 300ms rise 2 fall 3");
        Path trace = dir.resolve("trace.jsonl");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        CompletableFuture<Integer> check = CompletableFuture.supplyAsync(() -> run(out, err, "check", "-f",
                cfg.toString(), "--duration", "5s", "--timestamps", "--record", trace.toString()));
        int exit = await().atMost(Duration.ofSeconds(15)).until(check::join, code -> code != null);

        assertThat(exit).isIn(0, 2);
        List<String> header = Files.readAllLines(trace);
        JsonNode first = new ObjectMapper().readTree(header.get(0));
        assertThat(first.path("haprobe_trace").asInt()).isEqualTo(1);
        assertThat(first.path("config").asText()).isEqualTo(cfg.toString());
        assertThat(first.path("servers").get(0).path("fall").asInt()).isEqualTo(3);
        assertThat(first.path("servers").get(0).path("inter_ms").asLong()).isEqualTo(300);
        JsonNode check1 = new ObjectMapper().readTree(header.get(1));
        assertThat(check1.path("kind").asText()).isEqualTo("health");
        assertThat(check1.path("status").asText()).isEqualTo("L7OK");
        assertThat(header.size()).isGreaterThan(10);
        List<String> liveTransitions = out.toString().lines()
                .filter(l -> l.contains(" is DOWN") || l.contains(" is UP") || l.contains("no server available"))
                .toList();
        assertThat(liveTransitions).anyMatch(l -> l.contains("is DOWN"));

        StringWriter same = new StringWriter();
        assertThat(run(same, new StringWriter(), "replay", trace.toString())).isIn(0, 2);
        List<String> replayed = same.toString().lines().filter(l -> l.startsWith("t=")).toList();
        // the same lines; the times agree within 5 ms (a live line is stamped when the engine logs it, just after
        // its check ends, which the trace records)
        assertThat(withoutTimes(replayed)).isEqualTo(withoutTimes(liveTransitions));
        for (int i = 0; i < replayed.size(); i++) {
            assertThat(timeOf(replayed.get(i))).isCloseTo(timeOf(liveTransitions.get(i)), within(5L));
        }
        assertThat(same.toString()).contains("every outcome as recorded");

        StringWriter fall5 = new StringWriter();
        assertThat(run(fall5, new StringWriter(), "replay", trace.toString(), "--set", "fall=5")).isZero();
        assertThat(fall5.toString()).doesNotContain("is DOWN").contains("with fall 5; 0 transitions");
    }

    @Test
    void checkFormatJsonPrintsOnlyTheDocumentAndUntilStableStopsEarlyWithoutAProgressLine() throws Exception {
        backend = LoopbackBackends.builder().script(SERVER, ServerScript.of(Behaviour.http(503))).bind();
        // inter 300ms: a check started up to 120 ms late (40% of it, a loaded machine) is still replayed as recorded
        Path cfg = config(backend.port(SERVER), "inter 300ms rise 2 fall 3");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        CompletableFuture<Integer> check = CompletableFuture.supplyAsync(() -> run(out, err, "check", "-f",
                cfg.toString(), "--duration", "30s", "--until-stable", "--format", "json"));
        int exit = await().atMost(Duration.ofSeconds(15)).until(check::join, code -> code != null);

        assertThat(exit).isEqualTo(2);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("run").path("mode").asText()).isEqualTo("live");
        assertThat(doc.path("run").path("until_stable").asBoolean()).isTrue();
        // DOWN after 2 failures from boot, then 3 more: about 0.5s, far from the 30s bound
        assertThat(doc.path("run").path("duration_ms").asLong()).isLessThan(10_000);
        JsonNode web1 = doc.path("servers").get(0);
        assertThat(web1.path("state").asText()).isEqualTo("DOWN");
        assertThat(web1.path("check_status").asText()).isEqualTo("L7STS");
        assertThat(web1.path("code").asInt()).isEqualTo(503);
        assertThat(web1.path("transitions").get(0).path("to").asText()).isEqualTo("DOWN");
        assertThat(web1.path("transitions").get(0).path("line").asText()).startsWith("Server app/web1 is DOWN");
        assertThat(web1.has("diagnosis")).isTrue();
        assertThat(err.toString()).doesNotContain("\r").doesNotContain("servers checked enough");
    }

    private Path config(int port, String settings) throws IOException {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, """
                defaults
                    mode http
                    timeout connect 2s
                    timeout check 2s

                backend app
                    option httpchk GET /health
                    server web1 127.0.0.1:%d check %s
                """.formatted(port, settings));
        return file;
    }

    private static List<String> withoutTimes(List<String> lines) {
        return lines.stream().map(l -> l.replaceFirst("^t=\\d+ms ", "")).toList();
    }

    private static long timeOf(String line) {
        return Long.parseLong(line.substring(2, line.indexOf("ms ")));
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
