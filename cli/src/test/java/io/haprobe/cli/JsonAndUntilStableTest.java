package io.haprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code haprobe simulate --format json} and {@code --until-stable}, on virtual time: exact documents and times. */
class JsonAndUntilStableTest {

    private static final Path WRONG_STATUS = Path.of("").toAbsolutePath().getParent()
            .resolve("examples/scenarios/wrong-status/scenario.yaml");
    private static final Path CRASH_RECOVERY = WRONG_STATUS.getParent().resolveSibling("crash-recovery")
            .resolve("scenario.yaml");

    /** s1 always answers 200; s2 answers 503 from 1.2s on: it goes DOWN at 3.5s. inter 1s, rise 2, fall 3. */
    private static final String GOING_DOWN = """
            haproxy: |
              backend b
                  option httpchk GET /health
                  default-server inter 1s fall 3 rise 2
                  server s1 10.0.0.1:80 check
                  server s2 10.0.0.2:80 check
            duration: 60s
            servers:
              b/s1:
                - at: 0s
                  http: { status: 200 }
              b/s2:
                - at: 0s
                  http: { status: 200 }
                - at: 1200ms
                  http: { status: 503 }
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void jsonIsOneDocumentWithTheRunEachServerItsTransitionsAndItsDiagnosis() throws IOException {
        int exit = run("simulate", WRONG_STATUS.toString(), "--format", "json");

        assertThat(exit).isEqualTo(2);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("run").path("mode").asText()).isEqualTo("simulated");
        assertThat(doc.path("run").path("config").asText()).endsWith("wrong-status/scenario.yaml");
        assertThat(doc.path("run").path("duration_ms").asLong()).isEqualTo(30000);
        assertThat(doc.path("run").path("seed").isNumber()).isTrue();
        assertThat(doc.path("run").path("exit_code").asInt()).isEqualTo(2);
        JsonNode web01 = doc.path("servers").get(0);
        assertThat(web01.path("backend").asText()).isEqualTo("app_backend");
        assertThat(web01.path("server").asText()).isEqualTo("web01");
        assertThat(web01.path("address").asText()).contains(":");
        assertThat(web01.path("state").asText()).isEqualTo("DOWN");
        assertThat(web01.path("check_status").asText()).isEqualTo("L7STS");
        assertThat(web01.path("code").asInt()).isEqualTo(204);
        assertThat(web01.path("info").asText()).isEqualTo("No Content");
        assertThat(web01.path("duration_ms").asLong()).isZero();
        JsonNode down = web01.path("transitions").get(0);
        assertThat(down.path("time_ms").asLong()).isEqualTo(14000);
        assertThat(down.path("from").asText()).isEqualTo("UP");
        assertThat(down.path("to").asText()).isEqualTo("DOWN");
        assertThat(down.path("cause").path("status").asText()).isEqualTo("L7STS");
        assertThat(down.path("cause").path("code").asInt()).isEqualTo(204);
        assertThat(down.path("line").asText()).startsWith("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "wrong status, code: 204, info: \"No Content\"");
        assertThat(web01.path("diagnosis").path("cause").asText()).isEqualTo("check-misconfigured");
        assertThat(web01.path("diagnosis").path("evidence").size()).isPositive();
        assertThat(web01.path("diagnosis").path("fix").path("after").asText()).contains("http-check expect");
        assertThat(down.path("diagnosis")).as("the last DOWN of a server still DOWN carries its end diagnosis")
                .isEqualTo(web01.path("diagnosis"));
        JsonNode web02 = doc.path("servers").get(1);
        assertThat(web02.path("state").asText()).isEqualTo("UP");
        assertThat(web02.path("code").asInt()).isEqualTo(200);
        assertThat(web02.path("transitions").size()).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aDownTransitionOfAServerUpAtTheEndCarriesItsOwnDiagnosisInJson() throws IOException {
        int exit = run("simulate", CRASH_RECOVERY.toString(), "--format", "json");

        assertThat(exit).isZero();
        JsonNode app01 = new ObjectMapper().readTree(out.toString()).path("servers").get(0);
        assertThat(app01.path("state").asText()).isEqualTo("UP");
        assertThat(app01.path("diagnosis").isNull()).isTrue();
        JsonNode down = app01.path("transitions").get(0);
        assertThat(down.path("to").asText()).isEqualTo("DOWN");
        assertThat(down.path("time_ms").asLong()).isEqualTo(12000);
        assertThat(down.path("diagnosis").path("cause").asText()).isEqualTo("backend-down");
        assertThat(down.path("diagnosis").path("evidence").get(0).asText())
                .isEqualTo("DOWN at t=12000ms (failing since t=10000ms), UP again at t=28000ms");
        assertThat(down.path("diagnosis").path("evidence").get(2).asText())
                .isEqualTo("the server was UP until 12000ms into the run, then refused: it crashed or was stopped");
        assertThat(down.path("diagnosis").path("fix").path("summary").asText())
                .startsWith("find why the service on 10.0.4.41:8080 stopped");
        JsonNode up = app01.path("transitions").get(1);
        assertThat(up.path("to").asText()).isEqualTo("UP");
        assertThat(up.path("diagnosis").isNull()).isTrue();
    }

    @Test
    void textModePrintsTheDiagnosisOfADownTransitionUnderTheSummary() {
        int exit = run("simulate", CRASH_RECOVERY.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).endsWith("""
                app_backend/app02  UP      L7OK          200   -     0ms

                diagnosis app_backend/app01 DOWN at t=12000ms: backend-down
                  evidence: DOWN at t=12000ms (failing since t=10000ms), UP again at t=28000ms
                  evidence: 10.0.4.41:8080 refused the connection (L4CON) on 5 of 12 checks: nothing listens there
                  evidence: the server was UP until 12000ms into the run, then refused: it crashed or was stopped
                  fix: find why the service on 10.0.4.41:8080 stopped (its logs, the OOM killer); it answered again at t=28000ms
                """);
    }

    @Test
    void untilStableStopsAtTheCheckThatSettlesTheLastServer() throws IOException {
        Path scenario = write(GOING_DOWN);

        int exit = run("simulate", scenario.toString(), "--until-stable", "--format", "json");

        // s1 is checked at 0, 1s, 2s...; s2 at 0.5s (200), 1.5s, 2.5s, 3.5s (503: DOWN at 3.5s), then 4.5s, 5.5s
        // and 6.5s: three failures since its transition, max(rise 2, fall 3)
        assertThat(exit).isEqualTo(2);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("run").path("duration_ms").asLong()).isEqualTo(6500);
        assertThat(doc.path("run").path("until_stable").asBoolean()).isTrue();
        assertThat(doc.path("servers").get(1).path("transitions").get(0).path("time_ms").asLong()).isEqualTo(3500);
        assertThat(doc.path("servers").get(1).path("status").asText()).isEqualTo("DOWN");
        assertThat(err.toString()).doesNotContain("\r");
    }

    @Test
    void untilStableWithAllServersUpStopsAfterMaxRiseFallChecksOfTheLastOne() throws IOException {
        Path scenario = write(GOING_DOWN.replace("status: 503", "status: 200"));

        int exit = run("simulate", scenario.toString(), "--until-stable", "--format", "json");

        assertThat(exit).isZero();
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        // s2's third check, at 2.5s
        assertThat(doc.path("run").path("duration_ms").asLong()).isEqualTo(2500);
    }

    @Test
    void untilStableIsBoundedByTheDurationWhenAServerNeverSettles() throws IOException {
        Path scenario = write(GOING_DOWN.replace("http: { status: 503 }",
                "sequence: [ {http: {status: 503}}, {http: {status: 200}} ]"));

        run("simulate", scenario.toString(), "--until-stable", "--duration", "9s", "--format", "json");

        assertThat(new ObjectMapper().readTree(out.toString()).path("run").path("duration_ms").asLong())
                .isEqualTo(9000);
    }

    @Test
    void untilStableInTextModePrintsNoProgressLineWhenNotOnATerminal() throws IOException {
        Path scenario = write(GOING_DOWN);

        run("simulate", scenario.toString(), "--until-stable");

        assertThat(ProgressLine.onTerminal()).isFalse();
        assertThat(ProgressLine.onTerminal(new PrintWriter(err))).isNull();
        assertThat(out.toString()).startsWith("t=3500ms Server b/s2 is DOWN").doesNotContain("\r");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void progressLineSaysHowManyServersAreSettledAndRewritesItselfInPlace() {
        StabilityTracker tracker = new StabilityTracker();
        assertThat(tracker.progress(12_345)).isEqualTo("0/0 servers checked enough, 0 UP, 0 DOWN, 13s left");

        StringWriter terminal = new StringWriter();
        ProgressLine line = ProgressLine.on(new PrintWriter(terminal));
        line.show("2/3 servers checked enough, 2 UP, 1 DOWN, 10s left");
        line.show("3/3 servers checked enough, 2 UP, 1 DOWN, 9s left");
        line.clear();

        assertThat(terminal.toString()).isEqualTo("\r2/3 servers checked enough, 2 UP, 1 DOWN, 10s left"
                + "\r3/3 servers checked enough, 2 UP, 1 DOWN, 9s left "
                + "\r" + " ".repeat(49) + "\r");
    }

    @Test
    void aRecordFileThatCannotBeWrittenIsAUsageErrorBeforeAnyCheck() throws IOException {
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, "backend b\n    server s1 127.0.0.1:9 check\n");

        int exit = run("check", "-f", cfg.toString(), "--record", dir.resolve("no/such/dir/t.jsonl").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--record: cannot write").contains("no such directory")
                .doesNotContain("Exception");
        assertThat(out.toString()).isEmpty();
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("scenario.yaml");
        Files.writeString(file, text);
        return file;
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
