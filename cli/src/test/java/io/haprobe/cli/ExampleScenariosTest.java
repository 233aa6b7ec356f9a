package io.haprobe.cli;

import io.haprobe.engine.Simulation;
import io.haprobe.engine.Timeline;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenarios under {@code examples/scenarios}: each replays byte for byte, in this JVM and in another, and
 * each makes exactly the transitions HAProxy 2.6's timing rules give (spec §1.3, §2.1–§2.4), derived by hand
 * below. Simulated backends answer in 0 ms unless a delay is scripted, so a check's duration is 0 ms, its
 * scripted delay, or its timeout.
 */
class ExampleScenariosTest {

    private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples/scenarios");

    @TempDir
    Path dir;

    @Test
    void everyExampleReplaysByteForByte() throws IOException {
        List<Path> scenarios = scenarios();

        assertThat(scenarios).hasSizeGreaterThanOrEqualTo(6);
        for (Path scenario : scenarios) {
            String first = simulate(scenario);
            String second = simulate(scenario);
            assertThat(second).as(scenario.toString()).isEqualTo(first);
            assertThat(first).as(scenario.toString()).contains("backend/server");
            assertThat(scenario.resolveSibling("README.md")).as("README of " + scenario).isRegularFile();
        }
    }

    @Test
    void anotherJvmPrintsTheSameBytes() throws Exception {
        Path scenario = EXAMPLES.resolve("backup-takeover/scenario.yaml");
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.haprobe.cli.Main", "simulate", scenario.toString())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the second JVM finished").isTrue();
            assertThat(process.exitValue()).as(Files.readString(stderr)).isEqualTo(2);
        } finally {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }

        String inProcess = simulate(scenario);
        assertThat(new String(Files.readAllBytes(stdout), StandardCharsets.UTF_8)).isEqualTo(inProcess);
        assertThat(inProcess).contains("Running on backup.").contains("backend app_backend has no server available!");
    }

    /*
     * wrong-status: inter 2s, rise 2, fall 3, no fastinter/downinter; 2 checks.
     * Boot (§1.3, §2.3): health = rise = 2 < H = 4, so the boot interval is fastinter, unset, hence inter 2000;
     * globalmin = 2000; first checks at 2000*0/2 = 0 (web01) and 2000*1/2 = 1000 (web02).
     * web01: 0 OK (health jumps to 4), then every 0 + 2000 (§2.2): 2000 4000 6000 8000 OK; the 204 release at
     * 9s: 10000 fails (3, UP 2/3), 12000 fails (2), 14000 fails (1 < rise, so 0): DOWN at 14000.
     */
    @Test
    void wrongStatus() {
        assertThat(transitions("wrong-status")).containsExactly(
                "t=14000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"");
    }

    /*
     * ssl-mismatch: 3 checks at inter 2s: web01 first at 0, web02 at 2000*1/3 = 666, web03 at 2000*2/3 = 1333.
     * web02's certificate lacks the check-sni name and web03's listener is TLSv1.3-only against ssl-max-ver
     * TLSv1.2: at boot health = rise, so their first failure takes them DOWN (§1.3). web01 turns self-signed at
     * 9s: 10000, 12000, 14000 fail (health 4 -> 3 -> 2 -> 1 < rise, so 0): DOWN at 14000, as wrong-status.
     */
    @Test
    void sslMismatch() {
        assertThat(transitions("ssl-mismatch")).containsExactly(
                "t=666ms app_backend/web02 UP->DOWN L6RSP \"Server presented an SSL certificate different from the"
                        + " expected one\"",
                "t=1333ms app_backend/web03 UP->DOWN L6RSP \"SSL handshake failure\"",
                "t=14000ms app_backend/web01 UP->DOWN L6RSP \"SSL handshake failure\"");
    }

    /*
     * rstatus-fix: the same times as wrong-status, but 204 matches (2|3)[0-9][0-9]: no transition at all, and
     * the last check is L7OK 204.
     */
    @Test
    void rstatusFix() {
        assertThat(transitions("rstatus-fix")).isEmpty();
        assertThat(simulate(EXAMPLES.resolve("rstatus-fix/scenario.yaml")))
                .containsPattern("app_backend/web01 +UP +L7OK +204 ");
    }

    /*
     * port-mismatch: 2 checks at inter 2s: api01 first at 0, api02 at 1000. api01's first check is refused;
     * at boot health = rise, so one failure is enough (§1.3): DOWN at 0 with L4CON "Connection refused".
     */
    @Test
    void portMismatch() {
        assertThat(transitions("port-mismatch")).containsExactly(
                "t=0ms api_backend/api01 UP->DOWN L4CON \"Connection refused\"");
    }

    /*
     * timeout-too-low: one check, inter 2s, timeout check 2s, answers after 150 ms until 8s, then after 3s.
     * The interval counts from the end of a check (§2.2): 0..150 OK, 2150..2300, 4300..4450, 6450..6600 OK;
     * 8600: connected at once, deadline 8600 + timeout check 2000 (§2.4), the answer would come at 11600:
     * L7TOUT at 10600 (health 3); next 10600 + 2000 = 12600, L7TOUT at 14600 (2); 16600, L7TOUT at 18600:
     * DOWN at 18600, check duration 2000ms.
     */
    @Test
    void timeoutTooLow() {
        assertThat(transitions("timeout-too-low")).containsExactly("t=18600ms app_backend/app01 UP->DOWN L7TOUT");
        assertThat(simulate(EXAMPLES.resolve("timeout-too-low/scenario.yaml")))
                .contains("t=18600ms Server app_backend/app01 is DOWN, reason: Layer7 timeout, "
                        + "check duration: 2000ms.");
    }

    /*
     * crash-recovery: inter 2s, fastinter 1s, downinter 5s, rise 2, fall 3; 2 checks.
     * Boot interval = fastinter 1000 (health 2 < 4), which is >= 1000 so globalmin = 1000: app01 at 0, app02 at
     * 1000*1/2 = 500. app01: 0 OK (4), inter: 2000 4000 6000 8000 OK; crash at 9s: 10000 refused (3), fastinter:
     * 11000 refused (2), 12000 refused: DOWN at 12000. While DOWN, downinter: 17000, 22000 refused; restart at
     * 25s: 27000 OK (health 1, DOWN 1/2), fastinter: 28000 OK: UP at 28000.
     */
    @Test
    void crashRecovery() {
        assertThat(transitions("crash-recovery")).containsExactly(
                "t=12000ms app_backend/app01 UP->DOWN L4CON \"Connection refused\"",
                "t=28000ms app_backend/app01 DOWN->UP L7OK 200");
    }

    /*
     * flapping: inter 2s, fastinter 1s, rise 2, fall 3; 2 checks, boot interval fastinter 1000, globalmin 1000:
     * web01 at 0, web02 at 500; the sequences start at 5s, counted per connection from then.
     * web01 (503, 503, 200): 0 2000 4000 OK; 6000 503 (3), fastinter 7000 503 (2), 8000 200 (back to 4), inter
     * 10000 503 ... a success always comes before a third failure: never DOWN.
     * web02 (503, 503, 503, 200, 200): 500 2500 4500 OK; 6500 503 (3), 7500 503 (2), 8500 503: DOWN at 8500;
     * DOWN uses downinter, unset, so inter: 10500 200 (1), fastinter 11500 200: UP at 11500; then inter:
     * 13500 503, 14500 503, 15500 503: DOWN; 17500, 18500: UP. The cycle repeats every 7000 ms.
     */
    @Test
    void flapping() {
        assertThat(transitions("flapping")).containsExactly(
                "t=8500ms app_backend/web02 UP->DOWN L7STS 503 \"Service Unavailable\"",
                "t=11500ms app_backend/web02 DOWN->UP L7OK 200",
                "t=15500ms app_backend/web02 UP->DOWN L7STS 503 \"Service Unavailable\"",
                "t=18500ms app_backend/web02 DOWN->UP L7OK 200",
                "t=22500ms app_backend/web02 UP->DOWN L7STS 503 \"Service Unavailable\"",
                "t=25500ms app_backend/web02 DOWN->UP L7OK 200",
                "t=29500ms app_backend/web02 UP->DOWN L7STS 503 \"Service Unavailable\"",
                "t=32500ms app_backend/web02 DOWN->UP L7OK 200",
                "t=36500ms app_backend/web02 UP->DOWN L7STS 503 \"Service Unavailable\"",
                "t=39500ms app_backend/web02 DOWN->UP L7OK 200");
    }

    /*
     * backup-takeover: inter 2s, rise 2, fall 3; 3 checks (the backup counts too): web01 at 0, web02 at
     * 2000*1/3 = 666, sorry01 at 2000*2/3 = 1333, each every 2000 after.
     * web01 answers 500 from 9s: 10000, 12000, 14000 fail: DOWN at 14000 (1 active and 1 backup left).
     * web02 answers 500 from 15s: 16666, 18666, 20666 fail: DOWN at 20666, no active server left and the
     * backup is usable: "Running on backup." sorry01 refuses from 29s: 29333, 31333, 33333 fail: DOWN at
     * 33333 and the backend has no server available.
     */
    @Test
    void backupTakeover() {
        assertThat(transitions("backup-takeover")).containsExactly(
                "t=14000ms app_backend/web01 UP->DOWN L7STS 500 \"Internal Server Error\"",
                "t=20666ms app_backend/web02 UP->DOWN L7STS 500 \"Internal Server Error\"",
                "t=33333ms app_backend/sorry01 UP->DOWN L4CON \"Connection refused\"");
        assertThat(simulate(EXAMPLES.resolve("backup-takeover/scenario.yaml"))).contains(
                "t=20666ms Server app_backend/web02 is DOWN, reason: Layer7 wrong status, code: 500, info: "
                        + "\"Internal Server Error\", check duration: 0ms. 0 active and 1 backup servers left. "
                        + "Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue.\n",
                "t=33333ms Backup Server app_backend/sorry01 is DOWN, reason: Layer4 connection problem, info: "
                        + "\"Connection refused\", check duration: 0ms. 0 active and 0 backup servers left. "
                        + "0 sessions active, 0 requeued, 0 remaining in queue.\n"
                        + "t=33333ms backend app_backend has no server available!\n");
    }

    /*
     * firewall-drop: plain TCP checks, inter 2s, timeout connect 3s, no timeout check; pg01 at 0, pg02 at 1000.
     * Without timeout check the whole check must finish within inter (§2.4), so a dropped SYN is L4TOUT after
     * 2000 ms. pg01: 0 2000 4000 6000 OK; SYNs dropped from 7s: 8000..10000 L4TOUT (3), 12000..14000 (2),
     * 16000..18000: DOWN at 18000.
     */
    @Test
    void firewallDrop() {
        assertThat(transitions("firewall-drop")).containsExactly("t=18000ms pg_backend/pg01 UP->DOWN L4TOUT");
    }

    /**
     * Drain at 5100, maintenance at 10100 (NOTICE: it was drained), ready at 25100: UP at once with health rise,
     * no check-driven transition while the deploy refused (paused).
     */
    @Test
    void drainForMaintenance() {
        assertThat(transitions("drain-for-maintenance")).isEmpty();
        assertThat(simulate(EXAMPLES.resolve("drain-for-maintenance/scenario.yaml"))).contains("""
                t=5100ms > set server app_backend/web01 state drain
                t=5100ms Server app_backend/web01 enters drain state. 1 active and 0 backup servers online. \
                0 sessions requeued, 0 total in queue.
                t=10100ms > set server app_backend/web01 state maint
                t=10100ms Server app_backend/web01 is going DOWN for maintenance. 1 active and 0 backup servers \
                left. 0 sessions active, 0 requeued, 0 remaining in queue.
                """).contains("3 app_backend 1 web01 10.0.1.11 0 1 1 1 0 15 3 0 14 0 0 0 - 8080 - 0 0 - - 0\n")
                .contains("""
                t=25100ms > set server app_backend/web01 state ready
                t=25100ms Server app_backend/web01 is UP/READY (leaving forced maintenance).
                t=25200ms > get weight app_backend/web01
                1 (initial 1)
                """);
    }

    /** 50% of 100, then 10, a refused 300, 0 (still UP, out of the BACKEND's count), then 100% again. */
    @Test
    void shiftWeight() {
        String out = simulate(EXAMPLES.resolve("shift-weight/scenario.yaml"));
        assertThat(out).contains("t=3200ms > get weight app_backend/web01\n50 (initial 100)\n",
                "t=6200ms > get weight app_backend/web01\n10 (initial 100)\n",
                "t=9100ms > set weight app_backend/web01 300\n"
                        + "Absolute weight can only be between 0 and 256 inclusive.\n",
                "app_backend,web01,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,0,1,0,",
                "app_backend,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,UP,200,2,0,",
                "t=15200ms > get weight app_backend/web01\n100 (initial 100)\n");
    }

    /** web02 and web03 DOWN on their first checks; maintenance on web01 empties the backend at 8100. */
    @Test
    void lastServerMaintenance() {
        assertThat(simulate(EXAMPLES.resolve("last-server-maintenance/scenario.yaml"))).contains("""
                t=8100ms > disable server app_backend/web01
                t=8100ms Server app_backend/web01 is going DOWN for maintenance. 0 active and 0 backup servers \
                left. 0 sessions active, 0 requeued, 0 remaining in queue.
                t=8100ms backend app_backend has no server available!
                """).contains("app_backend,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,DOWN,0,0,0,,1,")
                .contains("t=14100ms Server app_backend/web01 is UP/READY (leaving forced maintenance).");
    }

    private static List<String> transitions(String example) {
        Scenario scenario = Scenario.parse(EXAMPLES.resolve(example).resolve("scenario.yaml"));
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            return simulation.timeline().transitions().stream().map(Timeline.Transition::toString).toList();
        }
    }

    private static List<Path> scenarios() throws IOException {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            return dirs.map(d -> d.resolve("scenario.yaml")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The numbers the traffic examples' READMEs and the main README quote. */
    @Test
    void trafficExamplesGiveTheNumbersTheReadmesQuote() {
        assertThat(simulate(EXAMPLES.resolve("traffic-cascade/scenario.yaml")))
                .contains("t=7000ms Server app/web01 is DOWN, reason: Layer4 connection problem, info: \"Connection "
                        + "refused\", check duration: 0ms. 2 active and 0 backup servers left. 10 sessions active, 0 "
                        + "requeued, 0 remaining in queue.")
                .contains("t=8833ms backend app has no server available!")
                .contains("app/BACKEND     1750  151   0     1021      657       657   0       657");
        assertThat(simulate(EXAMPLES.resolve("traffic-cascade-maxconn/scenario.yaml")))
                .doesNotContain(" is DOWN")
                .contains("app/BACKEND     1750  374   350   1177      201       201   0       201");
        assertThat(simulate(EXAMPLES.resolve("traffic-all-down/scenario.yaml")))
                .contains("app/BACKEND     300   1     0     100       200       149   0       149");
        assertThat(simulate(EXAMPLES.resolve("traffic-maxconn-queue/scenario.yaml")))
                .contains("app/web01       600   200   0     600       0         0     0       0")
                .contains("app/BACKEND     1000  1000  800   600       400       400   0       400");
        assertThat(simulate(EXAMPLES.resolve("traffic-slowstart/scenario.yaml")))
                .contains("t=21500ms Server app/web02 is UP, reason: Layer7 check passed")
                .contains("t=51500ms Server app/web02 is UP. 2 active and 0 backup servers online.");
        assertThat(simulate(EXAMPLES.resolve("traffic-httplog/scenario.yaml")))
                .contains("t=3000ms 127.0.0.1:32769 [06/Dec/2026:08:00:01.000] fe_main app/web02 0/0/0/-1/2000 504 198 "
                        + "- - sH-- 4/4/3/3/0 0/0 \"GET / HTTP/1.1\"")
                .contains("t=9400ms 127.0.0.1:32775 [06/Dec/2026:08:00:06.400] fe_main app/web02 0/0/-1/-1/3000 503 217 "
                        + "- - SC-- 1/1/0/0/3 0/0 \"GET /cart?id=7 HTTP/1.1\"");
    }

    private static String simulate(Path scenario) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "simulate", scenario.toString());
        assertThat(err.toString()).as("stderr of " + scenario).isEmpty();
        return out.toString();
    }
}
