package io.haprobe.cli;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code haprobe check} end to end: real config files, real loopback backends, exit codes and output. */
@Tag("live")
class CheckCommandTest {

    @TempDir
    Path dir;

    private static final String SERVER = "app_backend/web01";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private LoopbackBackends backend;

    @AfterEach
    void stopBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void runbookWrongStatusGoesDownWithHaproxysLinesAndExits2() throws IOException {
        backend = answering(204);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "1500ms");

        assertThat(exit).isEqualTo(2);
        assertThat(masked(out.toString())).startsWith(
                "Server app_backend/web01 is DOWN, reason: Layer7 wrong status, code: 204, info: \"No Content\", "
                        + "check duration: Nms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
                        + "0 remaining in queue.\n"
                        + "backend app_backend has no server available!\n");
        assertThat(out.toString()).containsPattern("app_backend/web01 +DOWN +L7STS +204 +\"No Content\" +\\d+ms");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void threadsRunsTheSameChecksOnSeveralLoops() throws IOException {
        backend = answering(204);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "1500ms", "--threads", "3", "--no-probe");

        assertThat(exit).isEqualTo(2);
        assertThat(masked(out.toString())).startsWith(
                "Server app_backend/web01 is DOWN, reason: Layer7 wrong status, code: 204, info: \"No Content\", "
                        + "check duration: Nms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
                        + "0 remaining in queue.\n"
                        + "backend app_backend has no server available!\n");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void latenessPrintsThePercentilesOfHowLateTheChecksStartedAfterTheSummary() throws IOException {
        backend = answering(200);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200")
                .replace("inter 2s", "inter 100ms"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "1500ms", "--lateness", "--no-probe");

        assertThat(exit).isZero();
        String[] lines = out.toString().split("\n");
        // the lines come last; their figures depend on the machine's load, so only their shape is checked
        String figures = " \\((\\d+) checks\\): mean \\d+\\.\\d{3} ms, p50 \\d+\\.\\d{3} ms, "
                + "p90 \\d+\\.\\d{3} ms, p99 \\d+\\.\\d{3} ms, "
                + "p99\\.9 \\d+\\.\\d{3} ms, max \\d+\\.\\d{3} ms";
        assertThat(lines[lines.length - 2]).matches("lateness of check starts" + figures);
        assertThat(lines[lines.length - 1]).matches("lateness after the first checks" + figures);
        // the first check at 100 ms is planned in the first round (inter 100ms), the later ones after it
        long all = Long.parseLong(lines[lines.length - 2].replaceAll(".*\\((\\d+) checks.*", "$1"));
        long steady = Long.parseLong(lines[lines.length - 1].replaceAll(".*\\((\\d+) checks.*", "$1"));
        assertThat(steady).isPositive().isLessThan(all);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void warmupChecksAResponderOfItsOwnFirstAndNoServerOfTheConfig() throws IOException {
        backend = answering(200);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200")
                .replace("inter 2s", "inter 100ms"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "1s", "--warmup", "500ms", "--lateness",
                "--no-probe");

        assertThat(exit).isZero();
        assertThat(err.toString()).isEqualTo(
                "haprobe: warming up for 500 ms on 127.0.0.1 before the first checks (--warmup 0: none)\n");
        String[] lines = out.toString().split("\n");
        long checks = Long.parseLong(lines[lines.length - 2].replaceAll(".*\\((\\d+) checks.*", "$1"));
        // about 10 checks in 1 s: the warm-up's thousands went elsewhere
        assertThat(checks).isBetween(1L, 20L);
        // every connection the server saw is one of the run's checks (the last may still be on its way)
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.accepted(SERVER) == checks);
    }

    @Test
    void latenessGoesToTheJsonDocumentsRun() throws IOException {
        backend = answering(200);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200")
                .replace("inter 2s", "inter 100ms"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "1500ms", "--lateness", "--format", "json");

        assertThat(exit).isZero();
        com.fasterxml.jackson.databind.JsonNode lateness = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString()).path("run").path("lateness");
        assertThat(lateness.path("checks").asLong()).isPositive();
        assertThat(lateness.path("p50_ms").asDouble()).isLessThanOrEqualTo(lateness.path("p99_ms").asDouble());
        assertThat(lateness.path("p99_ms").asDouble()).isLessThanOrEqualTo(lateness.path("max_ms").asDouble());
        assertThat(lateness.has("p90_ms")).isTrue();
        assertThat(lateness.has("p99_9_ms")).isTrue();
        com.fasterxml.jackson.databind.JsonNode steady = lateness.path("after_first_checks");
        assertThat(steady.path("checks").asLong()).isPositive().isLessThan(lateness.path("checks").asLong());
        assertThat(steady.path("p50_ms").asDouble()).isLessThanOrEqualTo(steady.path("max_ms").asDouble());
    }

    @Test
    void withoutLatenessTheJsonRunHasNone() throws IOException {
        backend = answering(200);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));

        run("check", "-f", cfg.toString(), "--duration", "300ms", "--format", "json");

        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString()).path("run")
                .has("lateness")).isFalse();
    }

    @Test
    void negativeThreadsIsAUsageError() throws IOException {
        Path cfg = write(runbook(18080, "http-check expect status 200"));

        assertThat(run("check", "-f", cfg.toString(), "--threads", "-1")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: --threads -1: expected a number of threads >= 1 (0: the "
                + "default)\n");
    }

    @Test
    void eachServerNotUpGetsItsDiagnosisUnderTheSummary() throws IOException {
        backend = answering(204);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "1500ms");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).containsPattern("(?s)backend/server .*\n\ndiagnosis app_backend/web01: "
                + "check-misconfigured\n  evidence: 127.0.0.1:\\d+ answered 204 \"No Content\" \\(L7STS\\) on 1 of 1 "
                + "checks\n  evidence: rejected by 'http-check expect status 200' \\(" + java.util.regex.Pattern.quote(
                cfg.toString()) + ":10:5\\)\n  fix: .*\n    - http-check expect status 200\n"
                + "    \\+ http-check expect status 204\n");
    }

    @Test
    void aDownTransitionTheServerRecoveredFromGetsItsDiagnosisInTextAndJson() throws IOException {
        backend = LoopbackBackends.builder().script(SERVER, ServerScript.builder()
                .at(java.time.Duration.ZERO, Behaviour.http(200))
                .at(java.time.Duration.ofMillis(500), Behaviour.refuse())
                .at(java.time.Duration.ofMillis(1300), Behaviour.http(200)).build()).bind();
        backend.start();
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200")
                .replace("inter 2s fall 3 rise 2", "inter 100ms fall 2 rise 2"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "2500ms", "--format", "json");

        assertThat(exit).isZero();
        com.fasterxml.jackson.databind.JsonNode web01 = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString()).path("servers").get(0);
        assertThat(web01.path("state").asText()).isEqualTo("UP");
        assertThat(web01.path("diagnosis").isNull()).isTrue();
        com.fasterxml.jackson.databind.JsonNode down = web01.path("transitions").get(0);
        assertThat(down.path("to").asText()).isEqualTo("DOWN");
        assertThat(down.path("diagnosis").path("cause").asText()).isEqualTo("backend-down");
        assertThat(down.path("diagnosis").path("evidence").get(0).asText()).matches("DOWN at t="
                + down.path("time_ms").asLong() + "ms \\(failing since t=\\d+ms\\), UP again at t="
                + web01.path("transitions").get(1).path("time_ms").asLong() + "ms");
        assertThat(web01.path("transitions").get(1).path("diagnosis").isNull()).isTrue();
    }

    @Test
    void noProbeDiagnosesFromTheChecksAlone() throws IOException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path cfg = write(runbook(port, "http-check expect status 200"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "500ms", "--no-probe");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).contains("diagnosis app_backend/web01: backend-down\n",
                "  evidence: no follow-up probe (--no-probe): other ports not tried\n");
    }

    @Test
    void runbookRstatusFixStaysUpAndExits0() throws IOException {
        backend = answering(204);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect rstatus (2|3)[0-9][0-9]"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "1500ms");

        assertThat(exit).isZero();
        assertThat(out.toString()).doesNotContain("is DOWN");
        assertThat(out.toString()).containsPattern("app_backend/web01 +UP +L7OK +204 +- +\\d+ms");
    }

    @Test
    void timestampsPrefixEachLineWithTheTimeSinceStart() throws IOException {
        backend = answering(204);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));

        run("check", "-f", cfg.toString(), "--duration", "800ms", "--timestamps");

        assertThat(out.toString()).containsPattern("(?m)^t=\\d+ms Server app_backend/web01 is DOWN, reason: ");
    }

    @Test
    void metricsServesHaproxysExporterFromTheRunningChecks() throws Exception {
        backend = answering(200);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));
        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run("check", "-f", cfg.toString(), "--duration", "4s", "--metrics", "127.0.0.1:0"));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();

        String body = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    java.util.regex.Matcher port = java.util.regex.Pattern
                            .compile("serving http://127\\.0\\.0\\.1:(\\d+)/metrics").matcher(err.toString());
                    if (!port.find()) {
                        return "";
                    }
                    var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + port.group(1) + "/metrics")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    return response.statusCode() == 200 ? response.body() : "";
                }, text -> text.contains("state=\"L7OK\"} 1"));

        assertThat(body).startsWith("# HELP haproxy_process_nbthread Number of started threads (global.nbthread)\n")
                .contains("haproxy_server_status{proxy=\"app_backend\",server=\"web01\",state=\"UP\"} 1\n")
                .contains("haproxy_server_check_status{proxy=\"app_backend\",server=\"web01\",state=\"L7OK\"} 1\n")
                .contains("haproxy_backend_active_servers{proxy=\"app_backend\"} 1\n");
        assertThat(exit.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    }

    @Test
    void metricsOnANonLoopbackAddressExits1WithoutStackTrace() throws IOException {
        Path cfg = write(runbook(1, "http-check expect status 200"));

        int exit = run("check", "-f", cfg.toString(), "--metrics", "0.0.0.0:9101");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: metrics address: '0.0.0.0:9101' is not loopback (expected: "
                + "127.0.0.1, ::1 or localhost; /metrics is served without authentication)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void backendOptionRestrictsTheChecks() throws IOException {
        backend = answering(200);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200") + """

                backend other
                    server o1 127.0.0.1:1 check
                """);

        int exit = run("check", "-f", cfg.toString(), "--duration", "800ms", "--backend", "app_backend");

        assertThat(exit).isZero();
        assertThat(out.toString()).doesNotContain("other/o1");
    }

    @Test
    void aRunEndingBeforeAnyCheckCompletesExits3NotCheckedInsteadOfTheBootState() throws IOException {
        backend = LoopbackBackends.builder().script(SERVER, ServerScript.of(new Behaviour.Http(200, null, Map.of(),
                "", Delay.of(Duration.ofSeconds(2))))).strict(false).bind();
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));

        int exit = run("check", "-f", cfg.toString(), "--duration", "100ms");

        assertThat(exit).isEqualTo(3);
        assertThat(out.toString()).containsPattern("app_backend/web01 +not checked +- +- +- +-\n")
                .doesNotContain("INI");
        assertThat(err.toString()).isEqualTo("haprobe: 1 server not checked: no check of theirs completed within "
                + "the run's 100ms (a check lasts up to timeout connect, then timeout check); make --duration "
                + "longer\n");
    }

    @Test
    void aConfigWithoutCheckExits1NamingTheFile() throws IOException {
        Path cfg = write("""
                backend app_backend
                    server web01 127.0.0.1:8080
                backend other
                    server o1 127.0.0.1:8081 check
                """);

        int exit = run("check", "-f", cfg.toString(), "--backend", "app_backend");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: " + cfg + ":1:1: no server to check in app_backend "
                + "(expected: a server line with 'check' in a backend or listen section)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void malformedKeywordIsReportedWithFileLineColumnAndExits1WithoutStackTrace() throws IOException {
        Path cfg = write("""
                backend app_backend
                    server web01 127.0.0.1:8080 check fal 3
                """);

        int exit = run("check", "-f", cfg.toString(), "--duration", "1s");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("[ALERT] " + cfg + ":2:39: unknown keyword 'fal'")
                .endsWith("haprobe: " + cfg + ": 1 error, HAProxy 2.6.12 would not start with this file\n");
        assertThat(err.toString()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void missingFileExits1() {
        int exit = run("check", "-f", dir.resolve("nope.cfg").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("haprobe: " + dir.resolve("nope.cfg") + ":1:1: ");
    }

    @Test
    void unknownBackendExits1() throws IOException {
        Path cfg = write(runbook(1, "http-check expect status 200"));

        int exit = run("check", "-f", cfg.toString(), "--backend", "nope");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("haprobe: backend: 'nope' (expected: one of [app_backend])");
    }

    @Test
    void usageErrorsExit1() {
        assertThat(run("check")).isEqualTo(1);
        assertThat(err.toString()).contains("Missing required option: '--file=FILE'");
        assertThat(run("check", "-f", "x.cfg", "--duration", "soon")).isEqualTo(1);
        assertThat(err.toString()).contains("'soon' (expected: a time such as 2s or 500ms)");
    }

    @Test
    void demoReproducesEveryRootCauseAndExits0() {
        int exit = run("demo");

        assertThat(exit).as(out.toString()).isZero();
        assertThat(masked(out.toString()))
                .contains("Server wrong_status/web01 is DOWN, reason: Layer7 wrong status, code: 204, "
                        + "info: \"No Content\", check duration: Nms.")
                .contains("Server port_mismatch/api01 is DOWN, reason: Layer4 connection problem, "
                        + "info: \"Connection refused\", check duration: Nms.")
                .contains("Server slow_backend/slow01 is DOWN, reason: Layer7 timeout, check duration: Nms.")
                .contains("Server crash_recover/app01 is DOWN, reason: Layer4 connection problem")
                .contains("Server crash_recover/app01 is UP, reason: Layer7 check passed, code: 200");
        assertThat(out.toString()).doesNotContain("UNEXPECTED")
                .contains("diagnosis wrong_status/web01: check-misconfigured\n",
                        "diagnosis port_mismatch/api01: port-mismatch\n",
                        "diagnosis slow_backend/slow01: timeout-too-low\n")
                .containsPattern("    \\+ server api01 127.0.0.1:(\\d+) check port \\1\n")
                .containsPattern("diagnosis crash_recover/app01 DOWN at t=\\d+ms: backend-down\n  evidence: DOWN at "
                        + "t=\\d+ms \\(failing since t=\\d+ms\\), UP again at t=\\d+ms\n")
                .doesNotContain("diagnosis rstatus_fix", "diagnosis crash_recover/app01: ");
    }

    @Test
    void statsSocketServesHaproxysRuntimeApiWhileTheChecksRun() throws Exception {
        backend = answering(200);
        Path cfg = write(runbook(backend.port(SERVER), "http-check expect status 200"));
        Path socket = dir.resolve("hp.sock");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("check", "-f", cfg.toString(),
                "--duration", "8s", "--stats-socket", socket.toString()));

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket) || exit.isDone());
        String stat = command(socket, "show stat");
        assertThat(stat).startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,")
                .contains("\napp_backend,web01,").endsWith(",\n\n");
        assertThat(command(socket, "set server app_backend/web01 state maint")).isEqualTo("\n");
        assertThat(command(socket, "set server app_backend/web01 state bogus"))
                .isEqualTo("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");

        // a server in maintenance is not counted DOWN (as the config's 'disabled' servers are not)
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains("Server app_backend/web01 is going DOWN for maintenance. 0 active and 0 "
                + "backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.\n"
                + "backend app_backend has no server available!\n")
                .containsPattern("app_backend/web01 +MAINT ");
        assertThat(err.toString()).startsWith("haprobe: runtime API on " + socket);
        assertThat(socket).doesNotExist();
    }

    @Test
    void statsSocketRefusesTheConfigsOwnSocketAndNonLoopbackAddresses() throws IOException {
        Path cfg = write("""
                global
                    stats socket %s/admin.sock mode 660 level admin
                backend app_backend
                    server web01 127.0.0.1:1 check
                """.formatted(dir));

        assertThat(run("check", "-f", cfg.toString(), "--stats-socket", dir + "/admin.sock")).isEqualTo(1);
        assertThat(err.toString()).contains("--stats-socket " + dir + "/admin.sock: this is the 'stats socket "
                + dir + "/admin.sock' of " + cfg + ", which belongs to the HAProxy of this host")
                .doesNotContain("Exception");
        err.getBuffer().setLength(0);

        assertThat(run("check", "-f", cfg.toString(), "--stats-socket", "0.0.0.0:9999")).isEqualTo(1);
        assertThat(err.toString()).contains("0.0.0.0:9999").doesNotContain("Exception").doesNotContain("\tat ");
    }

    /**
     * Sends one command as {@code echo CMD | socat stdio SOCKET} does (the command, then shutdown(SHUT_WR)) and
     * returns every byte until the close.
     */
    private static String command(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                reply.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return reply.toString(StandardCharsets.US_ASCII);
        }
    }

    private static LoopbackBackends answering(int status) {
        return LoopbackBackends.builder().script(SERVER, ServerScript.of(Behaviour.http(status))).bind();
    }

    private static String runbook(int port, String expect) {
        return """
                global
                    log stdout format raw local0

                defaults
                    mode http
                    timeout connect 5s

                backend app_backend
                    option httpchk GET /status
                    %s
                    server web01 127.0.0.1:%d check inter 2s fall 3 rise 2
                """.formatted(expect, port);
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, text);
        return file;
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static String masked(String output) {
        return output.replaceAll("^t=\\d+ms ", "").replaceAll("(?m)^t=\\d+ms ", "")
                .replaceAll("check duration: \\d+ms", "check duration: Nms");
    }
}
