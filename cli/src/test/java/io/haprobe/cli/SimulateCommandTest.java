package io.haprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code haprobe simulate} end to end: output, exit codes, overrides, warnings and errors. */
class SimulateCommandTest {

    private static final Path WRONG_STATUS = Path.of("").toAbsolutePath().getParent()
            .resolve("examples/scenarios/wrong-status/scenario.yaml");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void printsEveryLogLineWithItsVirtualTimeThenTheSummaryAndTheDiagnosisAndExits2WhenAServerIsDown() {
        int exit = run("simulate", WRONG_STATUS.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEqualTo("""
                t=14000ms Server app_backend/web01 is DOWN, reason: Layer7 wrong status, code: 204, info: \
                "No Content", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, \
                0 requeued, 0 remaining in queue.

                backend/server     status  check_status  code  info          duration
                app_backend/web01  DOWN    L7STS         204   "No Content"  0ms
                app_backend/web02  UP      L7OK          200   -             0ms

                diagnosis app_backend/web01: check-misconfigured
                  evidence: 10.0.1.11:8080 answered 204 "No Content" (L7STS) on 11 of 16 checks
                  evidence: rejected by 'http-check expect status 200' (%s:19:5)
                  fix: expect what the server answers when healthy (or 'status 200-399', or 'rstatus \
                (2|3)[0-9][0-9]' for any 2xx/3xx)
                    - http-check expect status 200
                    + http-check expect status 204
                """.formatted(WRONG_STATUS.resolveSibling("haproxy.cfg")));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void statsCsvWritesTheFinalShowStat() throws IOException {
        Path csv = dir.resolve("stat.csv");
        int exit = run("simulate", WRONG_STATUS.toString(), "--stats-csv", csv.toString());

        assertThat(exit).isEqualTo(2);
        String text = Files.readString(csv);
        assertThat(text).startsWith("# pxname,svname,qcur,qmax,scur,smax,slim,stot,").endsWith(",\n");
        assertThat(text.lines().filter(line -> line.startsWith("app_backend,web01,")).findFirst().orElseThrow()
                .split(",")).satisfies(fields -> {
                    assertThat(fields[17]).isEqualTo("DOWN");
                    assertThat(fields[36]).isEqualTo("L7STS");
                    assertThat(fields[37]).isEqualTo("204");
                });
    }

    @Test
    void statsCsvThatCannotBeWrittenIsAClearError() {
        int exit = run("simulate", WRONG_STATUS.toString(), "--stats-csv", dir.resolve("no/such/dir/x.csv").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--stats-csv: cannot write").doesNotContain("Exception");
    }

    @Test
    void durationOverridesTheFile() {
        int exit = run("simulate", WRONG_STATUS.toString(), "--duration", "13s");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("\nbackend/server").contains("app_backend/web01  UP 1/3  L7STS         204");
    }

    @Test
    void seedOverridesTheFileAndTheSameSeedGivesTheSameRun() throws IOException {
        Path scenario = write("""
                haproxy: |
                  global
                      spread-checks 50
                  backend b
                      option httpchk GET /health
                      default-server inter 1s fall 1 rise 1
                      server s1 10.0.0.1:80 check
                      server s2 10.0.0.2:80 check
                duration: 20s
                servers:
                  b/s1:
                    - at: 0s
                      sequence: [ {http: {status: 200, delay: 0ms..400ms}}, {http: {status: 500}} ]
                  b/s2:
                    - at: 0s
                      sequence: [ {http: {status: 500, delay: 0ms..400ms}}, {http: {status: 200}} ]
                """);

        run("simulate", scenario.toString(), "--seed", "1");
        String seed1 = out.toString();
        out.getBuffer().setLength(0);
        run("simulate", scenario.toString(), "--seed", "2");
        String seed2 = out.toString();
        out.getBuffer().setLength(0);
        run("simulate", scenario.toString(), "--seed", "1");

        assertThat(out.toString()).isEqualTo(seed1).contains("is DOWN").contains("is UP");
        assertThat(seed2).isNotEqualTo(seed1);
    }

    @Test
    void warningsGoToStderrWithTheirPlace() throws IOException {
        Path scenario = write("""
                haproxy: |
                  backend b
                      server s1 10.0.0.1:80 check tfo
                      server s2 10.0.0.2:80 check
                duration: 3s
                servers:
                  b/s1:
                    - at: 0s
                      tcp: {}
                """);

        int exit = run("simulate", scenario.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "[WARNING] " + scenario + ":3:35: server keyword 'tfo' changes health checks but is ignored: HAProxy"
                        + " 2.6 opens the server's connections, checks included, with TCP Fast Open (the first bytes"
                        + " ride on the SYN); haprobe's checks do a plain handshake\n"
                        + "[WARNING] " + scenario + ":4:7: server b/s2 has no script in " + scenario
                        + ": nothing listens, its checks are refused\n");
        assertThat(out.toString()).contains("t=1000ms Server b/s2 is DOWN, reason: Layer4 connection problem, "
                + "info: \"Connection refused\"");
    }

    @Test
    void trafficThroughALineTheTrafficModelIgnoresIsWarnedOnceAtTheConfigLine() throws IOException {
        Path scenario = write("""
                config: haproxy.cfg
                duration: 3s
                servers:
                  app/web01:
                    - at: 0s
                      http: { status: 200 }
                traffic:
                  - at: 1s
                    frontend: fe
                    burst: 2
                  - at: 2s
                    frontend: fe
                    burst: 1
                """);
        Files.writeString(dir.resolve("haproxy.cfg"), """
                defaults
                    mode http
                    timeout connect 1s
                frontend fe
                    bind 127.0.0.1:8080
                    http-request deny if { path /admin }
                    default_backend app
                backend app
                    server web01 10.0.0.1:80 check
                """);

        int exit = run("simulate", scenario.toString());

        assertThat(exit).isZero();
        assertThat(err.toString()).isEqualTo("[WARNING] " + dir.resolve("haproxy.cfg") + ":6:5: keyword "
                + "'http-request deny' changes traffic but the traffic model ignores it: HAProxy 2.6 runs this rule "
                + "on each request before load balancing: it can answer the request itself (deny, return, redirect, "
                + "tarpit, auth), change what balancing and persistence read (path, headers, source), the queue "
                + "priority or the timeouts; haprobe forwards each request as the scenario writes it\n");
    }

    @Test
    void trafficToAModeTcpBackendExits1AtTheTrafficItem() throws IOException {
        Path scenario = write("""
                haproxy: |
                  backend db
                      server d1 10.0.0.1:5432 check
                duration: 3s
                traffic:
                  - at: 1s
                    backend: db
                    burst: 1
                """);

        int exit = run("simulate", scenario.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: " + scenario + ":7:14: backend 'db' leads to backend 'db' ("
                + scenario + ":2), in mode tcp; haprobe's traffic model is HTTP (expected: a backend in mode http)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void badScenarioExits1WithFileLineColumnAndNoStackTrace() throws IOException {
        Path scenario = write("""
                config: haproxy.cfg
                duration: 10s
                """);
        Files.writeString(dir.resolve("haproxy.cfg"), "backend b\n    server s1 10.0.0.1:80 check\n");
        Files.writeString(scenario, Files.readString(scenario) + """
                servers:
                  b/s2:
                    - at: 0s
                      refuse: true
                """);

        int exit = run("simulate", scenario.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: " + scenario + ":4:3: unknown server 'b/s2' (expected: one "
                + "of b/s1; did you mean 'b/s1'?)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void configErrorInTheReferencedFileExits1WithItsOwnPlace() throws IOException {
        Path scenario = write("config: haproxy.cfg\nduration: 10s\n");
        Files.writeString(dir.resolve("haproxy.cfg"), "backend b\n    server s1 10.0.0.1:80 check fal 3\n");

        int exit = run("simulate", scenario.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("haprobe: " + dir.resolve("haproxy.cfg")
                + ":2:33: unknown keyword 'fal' in server line (did you mean 'fall'?)");
    }

    @Test
    void usageErrorsExit1() {
        assertThat(run("simulate")).isEqualTo(1);
        assertThat(err.toString()).contains("Missing required parameter: 'SCENARIO'");
        assertThat(run("simulate", WRONG_STATUS.toString(), "--duration", "soon")).isEqualTo(1);
        assertThat(err.toString()).contains("'soon' (expected: a time such as 2s or 500ms)");
        assertThat(run("simulate", WRONG_STATUS.toString(), "--duration", "0s")).isEqualTo(1);
        assertThat(err.toString()).contains("haprobe: --duration: 0ms (expected: > 0)");
        assertThat(run("simulate", dir.resolve("none.yaml").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("haprobe: " + dir.resolve("none.yaml") + ":1:1: cannot read file: "
                + "no such file");
    }

    @Test
    void aRunShorterThanTheBootSpreadExits3WithNotCheckedRowsAndSaysByHowMuch() {
        int exit = run("simulate", WRONG_STATUS.toString(), "--duration", "5");

        assertThat(exit).isEqualTo(3);
        assertThat(out.toString()).isEqualTo("""

                backend/server     status       check_status  code  info  duration
                app_backend/web01  UP           L7OK          200   -     0ms
                app_backend/web02  not checked  -             -     -     -
                """);
        assertThat(err.toString()).isEqualTo("haprobe: 1 server not checked: the run lasted 5ms, 995ms short of "
                + "the first check of the last server, planned at 1000ms (HAProxy spreads the first checks over "
                + "inter); make --duration longer\n");
    }

    @Test
    void aConfigWithNoServerToCheckExits1NamingTheFile() throws IOException {
        Path scenario = write("""
                haproxy: |
                  backend b
                      server s1 10.0.0.1:80
                duration: 10s
                """);

        int exit = run("simulate", scenario.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).endsWith("haprobe: " + scenario + ":1:1: no server to check (expected: a server "
                + "line with 'check' in a backend or listen section)\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void endlessInputIsAnErrorNamingTheFileNotAnOutOfMemoryError() {
        assertThat(run("simulate", "/dev/zero")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("haprobe: /dev/zero:1:1: stray NUL character (expected: a text file)\n");
        assertThat(run("check", "-f", "/dev/zero")).isEqualTo(1);
        assertThat(err.toString()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Error:");
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
