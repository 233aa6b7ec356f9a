package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import io.haprobe.config.ConfigWarning;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.Phase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scenario files: what they mean, and the exact {@code file:line:col} message of every mistake. */
class ScenarioTest {

    private static final String CFG = """
            defaults
                timeout connect 5s
                default-server inter 2s fall 3 rise 2

            backend app_backend
                option httpchk GET /health
                http-check expect status 200
                server web01 10.0.0.1:8080 check
                server web02 10.0.0.2:8080 check
                server web03 10.0.0.3:8080
            """;

    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    @BeforeEach
    void writeConfig() throws IOException {
        Files.writeString(dir.resolve("haproxy.cfg"), CFG);
    }

    @Test
    void readsConfigSeedDurationAndEveryBehaviour() {
        Scenario scenario = parse("""
                config: haproxy.cfg
                seed: 7
                duration: 1m
                servers:
                  app_backend/web01:
                    - at: 0s
                      http: { status: 200 }
                    - at: 10s
                      http: { status: 204, reason: "No Content", headers: {X-A: b}, body: "ok", delay: 300ms }
                    - at: 20s
                      tcp: { reply: "PONG\\\\r\\\\n", close: true, banner: true, delay: 100ms..300ms }
                    - at: 21s
                      tcp: { reply-hex: "2b 4f4b" }
                    - at: 30s
                      refuse: true
                    - at: 31s
                      blackhole: true
                    - at: 32s
                      hang: true
                    - at: 33s
                      reset: true
                    - at: 34s
                      reset: { delay: 1s }
                    - at: 35s
                      close: { delay: 2s }
                    - at: 36s
                      close: true
                    - at: 40s
                      sequence: [ {http: {status: 503}}, {refuse: true}, {http: {status: 200}} ]
                  app_backend/web02:
                    - at: 0s
                      hang: true
                """);

        assertThat(scenario.file()).isEqualTo("scenario.yaml");
        assertThat(scenario.config().file()).isEqualTo(dir.resolve("haproxy.cfg").toString());
        assertThat(scenario.seed()).isEqualTo(7);
        assertThat(scenario.durationNanos()).isEqualTo(60_000 * MS);
        assertThat(scenario.scripts().keySet()).containsExactly("app_backend/web01", "app_backend/web02");
        assertThat(scenario.scripts().get("app_backend/web01").phases()).containsExactly(
                new Phase(0, Behaviour.http(200)),
                new Phase(10_000 * MS, new Behaviour.Http(204, "No Content", Map.of("X-A", "b"), "ok",
                        new Delay(300 * MS, 300 * MS))),
                new Phase(20_000 * MS, new Behaviour.Tcp("PONG\r\n".getBytes(StandardCharsets.ISO_8859_1),
                        new Delay(100 * MS, 300 * MS), true, true)),
                new Phase(21_000 * MS, new Behaviour.Tcp(new byte[] {'+', 'O', 'K'}, Delay.NONE, false, false)),
                new Phase(30_000 * MS, Behaviour.refuse()),
                new Phase(31_000 * MS, Behaviour.blackhole()),
                new Phase(32_000 * MS, Behaviour.hang()),
                new Phase(33_000 * MS, new Behaviour.Reset(Delay.NONE)),
                new Phase(34_000 * MS, new Behaviour.Reset(new Delay(1_000 * MS, 1_000 * MS))),
                new Phase(35_000 * MS, new Behaviour.Close(new Delay(2_000 * MS, 2_000 * MS))),
                new Phase(36_000 * MS, new Behaviour.Close(Delay.NONE)),
                new Phase(40_000 * MS, new Behaviour.Sequence(List.of(Behaviour.http(503), Behaviour.refuse(),
                        Behaviour.http(200)))));
        assertThat(scenario.warnings()).isEmpty();
    }

    @Test
    void simulationPlaysTheScriptsOfTheScenario() {
        Scenario scenario = parse("""
                config: haproxy.cfg
                duration: 20s
                servers:
                  app_backend/web01:
                    - at: 0s
                      http: { status: 200 }
                    - at: 5s
                      http: { status: 204 }
                  app_backend/web02:
                    - at: 0s
                      http: { status: 200 }
                """);

        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());

            // web01 first at 0, then every inter 2s; the 204s at 6000, 8000 and 10000 make it DOWN (fall 3)
            assertThat(simulation.timeline().transitions()).extracting(Object::toString).containsExactly(
                    "t=10000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"");
        }
    }

    @Test
    void seedDefaultsToZeroAndOverridesGiveVariants() {
        Scenario scenario = parse("""
                config: haproxy.cfg
                duration: 500ms
                """);

        assertThat(scenario.seed()).isZero();
        assertThat(scenario.durationNanos()).isEqualTo(500 * MS);
        assertThat(scenario.withSeed(9).seed()).isEqualTo(9);
        assertThat(scenario.withDurationNanos(5 * MS).duration()).hasMillis(5);
    }

    @Test
    void checkedServersWithoutScriptRefuseAndAreWarnedAbout() {
        Scenario scenario = parse("""
                config: haproxy.cfg
                duration: 10s
                servers:
                  app_backend/web01:
                    - at: 0s
                      http: { status: 200 }
                  app_backend/web03:
                    - at: 0s
                      http: { status: 200 }
                """);

        assertThat(scenario.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "scenario.yaml:7:3: server app_backend/web03 has no 'check' in the haproxy.cfg: its script is "
                        + "never played",
                dir.resolve("haproxy.cfg") + ":9:5: server app_backend/web02 has no script in scenario.yaml: "
                        + "nothing listens, its checks are refused");
    }

    @Test
    void inlineLiteralConfigReportsItsErrorsAndWarningsAtTheScenarioLines() {
        Scenario scenario = parse("""
                seed: 1
                haproxy: |
                  backend app_backend
                      server web01 10.0.0.1:8080 check tfo

                duration: 10s
                servers:
                  app_backend/web01:
                    - at: 0s
                      http: { status: 200 }
                """);
        assertThat(scenario.config().proxy("app_backend")).isPresent();
        assertThat(scenario.config().warnings()).extracting(w -> w.location().toString())
                .containsExactly("scenario.yaml:4:40");

        assertError("""
                duration: 10s
                haproxy: |
                  backend app_backend
                      server web01 10.0.0.1:8080 check fal 3
                """, "scenario.yaml:4:40: unknown keyword 'fal' in server line (did you mean 'fall'?)");
    }

    @Test
    void inlineConfigInAnotherStyleIsNamedAfterTheScenario() {
        assertError("""
                duration: 10s
                haproxy: "backend b\\n  server s 10.0.0.1:80 check fal 3\\n"
                """, "scenario.yaml#haproxy:2:30: unknown keyword 'fal' in server line (did you mean 'fall'?)");
    }

    @Test
    void errorsInsideTheReferencedConfigKeepItsFileAndLine() throws IOException {
        Files.writeString(dir.resolve("bad.cfg"), "backend b\n    server s 10.0.0.1:80 check rise 0\n");

        assertError("""
                config: bad.cfg
                duration: 10s
                """, dir.resolve("bad.cfg") + ":2:37: rise: '0' (expected: >= 1)");
    }

    @Test
    void missingConfigFileIsNamed() {
        assertError("""
                duration: 10s
                config: nope.cfg
                """, "scenario.yaml:2:9: config file not found: " + dir.resolve("nope.cfg")
                + " (expected: a haproxy.cfg path relative to the scenario file)");
    }

    @Test
    void bothOrNeitherConfigAndHaproxy() {
        assertError("""
                config: haproxy.cfg
                duration: 10s
                haproxy: |
                  backend b
                """, "scenario.yaml:3:1: both config and haproxy (expected: exactly one: the haproxy.cfg's path, "
                + "or its text inline)");
        assertError("""
                duration: 10s
                """, "scenario.yaml:1:1: no haproxy.cfg (expected: config: a path relative to the scenario file, "
                + "or haproxy: the text inline)");
    }

    @Test
    void durationIsRequiredAndAPositiveHaproxyTime() {
        assertError("config: haproxy.cfg\n",
                "scenario.yaml:1:1: no duration (expected: duration: a time such as 60s)");
        assertError("config: haproxy.cfg\nduration: soon\n",
                "scenario.yaml:2:11: duration: 'soon' (expected: a time such as 2s or 500ms)");
        assertError("config: haproxy.cfg\nduration: 0s\n",
                "scenario.yaml:2:11: duration: '0s' (expected: a time above 0 such as 60s)");
        assertError("config: haproxy.cfg\nduration: 30d\n",
                "scenario.yaml:2:11: duration: '30d' (expected: at most 2147483647ms, HAProxy's longest time)");
        assertError("config: haproxy.cfg\nduration: [1s]\n",
                "scenario.yaml:2:11: duration: a list (expected: a time such as 2s or 500ms)");
    }

    @Test
    void seedMustBeAnInteger() {
        assertError("config: haproxy.cfg\nduration: 1s\nseed: seven\n",
                "scenario.yaml:3:7: seed: 'seven' (expected: an integer)");
    }

    @Test
    void unknownTopLevelKeySuggestsTheClosest() {
        assertError("""
                config: haproxy.cfg
                duration: 10s
                sed: 7
                """, "scenario.yaml:3:1: unknown key 'sed' (expected: one of config, haproxy, seed, epoch, duration, "
                + "servers, commands, traffic; did you mean 'seed'?)");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                backends: {}
                """, "scenario.yaml:3:1: unknown key 'backends' (expected: one of config, haproxy, seed, epoch, duration, "
                + "servers, commands, traffic)");
    }

    @Test
    void commandsAreReadInTimeOrder() {
        Scenario scenario = parse("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: 1500ms
                    command: "set weight app_backend/web01 20"
                  - at: 1500ms
                    command: get weight app_backend/web01
                  - at: 3s
                    command: "show servers state"
                """);
        assertThat(scenario.commands()).containsExactly(
                new Scenario.Command(java.time.Duration.ofMillis(1500), "set weight app_backend/web01 20"),
                new Scenario.Command(java.time.Duration.ofMillis(1500), "get weight app_backend/web01"),
                new Scenario.Command(java.time.Duration.ofSeconds(3), "show servers state"));
        assertThat(parse("""
                config: haproxy.cfg
                duration: 10s
                """).commands()).isEmpty();
        assertThat(parse("""
                config: haproxy.cfg
                duration: 10s
                commands:
                """).commands()).isEmpty();
    }

    @Test
    void badCommandsSayWhatIsWrongWhere() {
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands: "get weight app_backend/web01"
                """, "scenario.yaml:3:11: commands: 'get weight app_backend/web01' (expected: a list of "
                + "'- at: TIME' with 'command: TEXT')");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - "get weight app_backend/web01"
                """, "scenario.yaml:4:5: command: 'get weight app_backend/web01' (expected: at: TIME and command: "
                + "TEXT)");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: 1s
                    comand: "get weight app_backend/web01"
                """, "scenario.yaml:5:5: unknown key 'comand' (expected: one of at, command; did you mean "
                + "'command'?)");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: 1s
                """, "scenario.yaml:4:5: command without command (expected: at: a time such as 1500ms, and "
                + "command: a runtime API command such as 'get weight app_backend/web01')".replace(
                "app_backend/web01", "be/s1"));
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - command: "get weight app_backend/web01"
                """, "scenario.yaml:4:5: command without at (expected: at: a time such as 1500ms, and command: a "
                + "runtime API command such as 'get weight be/s1')");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: soon
                    command: "get weight app_backend/web01"
                """, "scenario.yaml:4:9: at: 'soon' (expected: a time such as 2s or 500ms)");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: 2s
                    command: "get weight app_backend/web01"
                  - at: 1s
                    command: "get weight app_backend/web02"
                """, "scenario.yaml:6:9: command at 1s is before the command at 2s on line 4 (expected: commands "
                + "in time order)");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: 1s
                    command: "  "
                """, "scenario.yaml:5:14: command: '  ' (expected: one command on one line, such as "
                + "'set weight be/s1 20')");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: 1s
                    command: "get weight a\\nget weight b"
                """, "scenario.yaml:5:14: command: 'get weight a\\nget weight b' (expected: one command on one "
                + "line, such as 'set weight be/s1 20')");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                commands:
                  - at: 1s
                    command: {get: weight}
                """, "scenario.yaml:5:14: command: a mapping (expected: a runtime API command)");
    }

    @Test
    void duplicateKeyNamesTheFirst() {
        assertError("""
                config: haproxy.cfg
                duration: 10s
                duration: 20s
                """, "scenario.yaml:3:1: duplicate key 'duration' (expected: each key once; first on line 2)");
    }

    @Test
    void unknownServerListsTheKnownOnesAndSuggestsTheClosest() {
        assertError("""
                config: haproxy.cfg
                duration: 10s
                servers:
                  app_backend/web1:
                    - at: 0s
                      http: { status: 200 }
                """, "scenario.yaml:4:3: unknown server 'app_backend/web1' (expected: one of app_backend/web01, "
                + "app_backend/web02, app_backend/web03; did you mean 'app_backend/web01'?)");
    }

    @Test
    void unknownBehaviourListsTheKnownOnes() {
        assertError(phases("""
                    - at: 0s
                      htp: { status: 200 }
                """), "scenario.yaml:6:7: unknown behaviour 'htp' (expected: one of http, tcp, dialogue, refuse, blackhole, "
                + "hang, reset, close, sequence, tls; did you mean 'http'?)");
        assertError(phases("""
                    - at: 0s
                      crash: true
                """), "scenario.yaml:6:7: unknown behaviour 'crash' (expected: one of http, tcp, dialogue, refuse, blackhole, "
                + "hang, reset, close, sequence, tls)");
    }

    @Test
    void onePhaseHasExactlyOneBehaviour() {
        assertError(phases("""
                    - at: 0s
                      http: { status: 200 }
                      refuse: true
                """), "scenario.yaml:7:7: two behaviours in one phase: 'http' and 'refuse' (expected: one; "
                + "a sequence plays several in turn)");
        assertError(phases("""
                    - at: 0s
                """), "scenario.yaml:5:7: phase without a behaviour (expected: one of http, tcp, dialogue, refuse, "
                + "blackhole, hang, reset, close, sequence, tls)");
        assertError(phases("""
                    - refuse: true
                """), "scenario.yaml:5:7: phase without at (expected: at: a time such as 0s, and one behaviour)");
    }

    @Test
    void phasesStartAtZeroAndGoForwardInTime() {
        assertError(phases("""
                    - at: 5s
                      http: { status: 200 }
                """), "scenario.yaml:5:11: first phase at 5s (expected: the first phase at 0s)");
        assertError(phases("""
                    - at: 0s
                      http: { status: 200 }
                    - at: 10s
                      refuse: true
                    - at: 10000ms
                      http: { status: 200 }
                """), "scenario.yaml:9:11: phase at 10000ms overlaps the phase at 10s on line 7 (expected: a time "
                + "after 10s)");
        assertError(phases("""
                    - at: 0s
                      http: { status: 200 }
                    - at: 10s
                      refuse: true
                    - at: 5s
                      http: { status: 200 }
                """), "scenario.yaml:9:11: phase at 5s is before the phase at 10s on line 7 (expected: phases in "
                + "time order, each after the one before)");
        assertError(phases("""
                    - at: 0s
                      http: { status: 200 }
                    - at: 0s
                      refuse: true
                """), "scenario.yaml:7:11: phase at 0s overlaps the phase at 0s on line 5 (expected: a time "
                + "after 0s)");
        assertError(phases("""
                    - at: later
                      http: { status: 200 }
                """), "scenario.yaml:5:11: at: 'later' (expected: a time such as 2s or 500ms)");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                servers:
                  app_backend/web01: []
                """, "scenario.yaml:4:22: app_backend/web01: no phase (expected: a list of phases, the first "
                + "'- at: 0s' and one behaviour)");
    }

    @Test
    void behaviourValuesAreChecked() {
        assertError(phases("""
                    - at: 0s
                      http: { status: 2000 }
                """), "scenario.yaml:6:23: status: '2000' (expected: 100 to 999)");
        assertError(phases("""
                    - at: 0s
                      http: { reason: OK }
                """), "scenario.yaml:6:13: http without status (expected: status: 100 to 999)");
        assertError(phases("""
                    - at: 0s
                      http: { status: 200, stauts: 200 }
                """), "scenario.yaml:6:28: unknown http key 'stauts' (expected: one of status, reason, headers, "
                + "body, delay; did you mean 'status'?)");
        assertError(phases("""
                    - at: 0s
                      http: { status: 200, delay: 3s..1s }
                """), "scenario.yaml:6:35: delay: '3s..1s' (expected: MIN..MAX with MIN <= MAX)");
        assertError(phases("""
                    - at: 0s
                      refuse: false
                """), "scenario.yaml:6:15: refuse: 'false' (expected: true)");
        assertError(phases("""
                    - at: 0s
                      reset: sometimes
                """), "scenario.yaml:6:14: reset: 'sometimes' (expected: true or {delay: TIME})");
        assertError(phases("""
                    - at: 0s
                      tcp: { reply: "a", reply-hex: "62" }
                """), "scenario.yaml:6:26: both reply and reply-hex (expected: one of them)");
        assertError(phases("""
                    - at: 0s
                      tcp: { reply-hex: "6" }
                """), "scenario.yaml:6:25: reply-hex: '6' (expected: pairs of hex digits)");
        assertError(phases("""
                    - at: 0s
                      tcp: { reply: 'a\\q' }
                """), "scenario.yaml:6:21: reply: 'a\\q' (expected: escapes \\r \\n \\t \\\\ or \\xHH)");
        assertError(phases("""
                    - at: 0s
                      tcp: { close: maybe }
                """), "scenario.yaml:6:21: close: 'maybe' (expected: true or false)");
        assertError(phases("""
                    - at: 0s
                      sequence: []
                """), "scenario.yaml:6:17: sequence: no step (expected: a list of behaviours, e.g. "
                + "[ {http: {status: 503}}, {http: {status: 200}} ])");
        assertError(phases("""
                    - at: 0s
                      sequence: [ {sequence: [ {hang: true} ]} ]
                """), "scenario.yaml:6:30: sequence inside a sequence (expected: plain behaviours)");
        assertError(phases("""
                    - at: 0s
                      sequence: [ {hang: true, refuse: true} ]
                """), "scenario.yaml:6:32: two behaviours in one step: 'hang' and 'refuse' (expected: one; "
                + "a sequence plays several in turn)");
    }

    @Test
    void malformedYamlIsReportedWhereTheParserStopped() {
        assertError("config: haproxy.cfg\nduration: 10s\nservers: [\n", "scenario.yaml:4:1: expected the node content, "
                + "but found '<stream end>' (expected: valid YAML)");
        assertError("", "scenario.yaml:1:1: empty scenario (expected: config or haproxy, duration and servers)");
        assertError("- a\n", "scenario.yaml:1:1: scenario: a list (expected: a mapping of config, haproxy, seed, "
                + "epoch, duration, servers, commands, traffic)");
    }

    @Test
    void parsePathResolvesTheConfigNextToTheScenario() throws IOException {
        Path file = dir.resolve("scenario.yaml");
        Files.writeString(file, "config: haproxy.cfg\nduration: 1s\n");

        Scenario scenario = Scenario.parse(file);

        assertThat(scenario.file()).isEqualTo(file.toString());
        assertThat(scenario.config().proxy("app_backend")).isPresent();
        assertThatThrownBy(() -> Scenario.parse(dir.resolve("none.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("none.yaml") + ":1:1: cannot read file: no such file");
    }

    @Test
    void aKeyWithAPortScriptsOnePortOfTheServersHost() {
        Scenario scenario = parse("""
                config: haproxy.cfg
                duration: 10s
                servers:
                  app_backend/web01:
                    - at: 0s
                      http: { status: 200 }
                  app_backend/web01:5555:
                    - at: 0s
                      tcp: { reply: "up\\n", banner: true }
                """);

        assertThat(scenario.scripts()).containsOnlyKeys("app_backend/web01", "app_backend/web01:5555");
        assertError("""
                config: haproxy.cfg
                duration: 10s
                servers:
                  app_backend/web09:5555:
                    - at: 0s
                      refuse: true
                """, "scenario.yaml:4:3: unknown server 'app_backend/web09:5555' (expected: one of app_backend/web01, "
                + "app_backend/web02, app_backend/web03; did you mean 'app_backend/web01'?)");
    }

    @Test
    void dialoguesListTheirExchangesAndMayEndWithClose() {
        Scenario scenario = parse(phases("""
                    - at: 0s
                      dialogue:
                        - send: "220 ready\\r\\n"
                        - await: "QUIT\\r\\n"
                          send-hex: "3232310d0a"
                          delay: 5ms
                        - close: true
                """));

        Behaviour.Dialogue dialogue = (Behaviour.Dialogue) scenario.scripts().get("app_backend/web01").phases().get(0)
                .behaviour();
        assertThat(dialogue.close()).isTrue();
        assertThat(dialogue.exchanges()).containsExactly(
                new Behaviour.Dialogue.Exchange(new byte[0], "220 ready\r\n".getBytes(StandardCharsets.US_ASCII),
                        Delay.NONE),
                new Behaviour.Dialogue.Exchange("QUIT\r\n".getBytes(StandardCharsets.US_ASCII),
                        "221\r\n".getBytes(StandardCharsets.US_ASCII), new Delay(5 * MS, 5 * MS)));
    }

    @Test
    void aDialogueMayEndWithAReset() {
        Scenario scenario = parse(phases("""
                    - at: 0s
                      dialogue:
                        - await: "\\r\\n\\r\\n"
                          send: "HTTP/1.1 200 OK\\r\\nContent-Le"
                        - {reset: true, delay: 50ms}
                """));

        Behaviour.Dialogue dialogue = (Behaviour.Dialogue) scenario.scripts().get("app_backend/web01").phases().get(0)
                .behaviour();
        assertThat(dialogue.reset()).isTrue();
        assertThat(dialogue.close()).isFalse();
        assertThat(dialogue.exchanges()).hasSize(2).last().isEqualTo(new Behaviour.Dialogue.Exchange(new byte[0],
                new byte[0], new Delay(50 * MS, 50 * MS)));
        assertError(phases("""
                    - at: 0s
                      dialogue:
                        - reset: true
                        - send: "x"
                """), "scenario.yaml:7:11: reset in the middle of a dialogue (expected: {reset: true} alone or with a "
                + "delay, as the last item)");
    }

    @Test
    void badDialoguesSayWhatIsWrongWhere() {
        assertError(phases("""
                    - at: 0s
                      dialogue: []
                """), "scenario.yaml:6:17: dialogue: no exchange (expected: a list of exchanges such as "
                + "{await: \"PING\", send: \"+PONG\\r\\n\"}, optionally ending with {close: true} or {reset: true})");
        assertError(phases("""
                    - at: 0s
                      dialogue:
                        - close: true
                        - send: "x"
                """), "scenario.yaml:7:11: close in the middle of a dialogue (expected: {close: true} alone, as the "
                + "last item)");
        assertError(phases("""
                    - at: 0s
                      dialogue:
                        - delay: 1s
                """), "scenario.yaml:7:11: dialogue exchange with neither await nor send (expected: at least one)");
        assertError(phases("""
                    - at: 0s
                      dialogue:
                        - send: "x"
                          send-hex: "78"
                """), "scenario.yaml:8:11: both send and send-hex (expected: one of them)");
        assertError(phases("""
                    - at: 0s
                      dialogue:
                        - await: 'x\\q'
                """), "scenario.yaml:7:18: await: 'x\\q' (expected: escapes \\r \\n \\t \\\\ or \\xHH)");
    }

    private static String phases(String phases) {
        return "config: haproxy.cfg\nduration: 10s\nservers:\n  app_backend/web01:\n" + phases;
    }

    private Scenario parse(String text) {
        return Scenario.parse("scenario.yaml", text, dir);
    }

    private void assertError(String text, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
