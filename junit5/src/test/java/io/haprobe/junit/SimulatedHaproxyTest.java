package io.haprobe.junit;

import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.config.ConfigException;
import io.haprobe.sim.Behaviour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The simulated half of the JUnit API: loading configs, scripting backends, and assertions that pass and fail. */
class SimulatedHaproxyTest {

    private static final String CFG = "io/haprobe/junit/wrong-status.cfg";
    private static final String WEB01 = "app_backend/web01";
    private static final String WEB02 = "app_backend/web02";
    private static final String WEB01_DOWN = "t=6000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"";
    private static final String DOWN_LINE = "t=6000ms Server app_backend/web01 is DOWN, reason: Layer7 wrong status, "
            + "code: 204, info: \"No Content\", check duration: 0ms. 1 active and 0 backup servers left. "
            + "0 sessions active, 0 requeued, 0 remaining in queue.";

    @RegisterExtension
    final HaprobeExtension haprobe = new HaprobeExtension();

    @Test
    void assertTransitionsPassesOnTheExactTimeline() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s().runFor("20s");

        sim.assertTransitions(WEB01_DOWN);
        assertThat(sim.transitions()).containsExactly(WEB01_DOWN);
    }

    @Test
    void assertTransitionsFailsWithExpectedActualAndTheWholeTimeline() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s().runFor("20s");

        AssertionFailedError failure = assertThrows(AssertionFailedError.class,
                () -> sim.assertTransitions("t=4000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\""));

        assertThat(failure.getExpected().getValue())
                .isEqualTo("t=4000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"");
        assertThat(failure.getActual().getValue()).isEqualTo(WEB01_DOWN);
        assertThat(failure.getMessage()).isEqualTo("transitions differ\n"
                + "expected:\n  t=4000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"\n"
                + "actual:\n  " + WEB01_DOWN + "\n"
                + "whole timeline (log lines):\n  " + DOWN_LINE);
    }

    @Test
    void assertTransitionsFailsWhenAnythingElseHappened() {
        SimulatedHaproxy sim = haprobe.config(CFG)
                .server(WEB01, s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
                .server(WEB02, s -> s.at("0s").http(200).at("9s").refuse())
                .start()
                .runFor("20s");

        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> sim.assertTransitions(WEB01_DOWN));

        assertThat(failure.getActual().getValue()).isEqualTo(WEB01_DOWN + "\n"
                + "t=9000ms app_backend/web02 UP->DOWN L4CON \"Connection refused\"");
        assertThat(failure.getMessage()).contains("t=9000ms backend app_backend has no server available!");
        sim.assertTransitionsOf(WEB01, WEB01_DOWN);
    }

    @Test
    void expectedLinesMayComeAsOneTextBlock() {
        SimulatedHaproxy sim = haprobe.config(CFG)
                .server(WEB01, s -> s.at("0s").http(200).at("5s").http(204, "No Content").at("11s").http(200))
                .server(WEB02, s -> s.http(200))
                .start()
                .runFor("20s");

        sim.assertTransitions("""
                t=6000ms app_backend/web01 UP->DOWN L7STS 204 "No Content"
                t=14000ms app_backend/web01 DOWN->UP L7OK 200
                """);
    }

    @Test
    void assertNoTransitionPassesUntilAServerChangesState() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s().runFor("5s");
        sim.assertNoTransition().assertNoTransition(WEB01);

        sim.runFor("5s");

        sim.assertNoTransition(WEB02);
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, sim::assertNoTransition);
        assertThat(failure.getExpected().getValue()).isEqualTo("");
        assertThat(failure.getActual().getValue()).isEqualTo(WEB01_DOWN);
        assertThrows(AssertionFailedError.class, () -> sim.assertNoTransition(WEB01));
    }

    @Test
    void assertsAServersStateStatusTextAndLastCheck() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s();
        assertThat(sim.lastCheck(WEB01)).isEqualTo("INI");
        sim.assertLastStatus(WEB01, CheckStatus.INI);

        sim.runFor("1s");
        sim.assertState(WEB01, ServerState.UP).assertLastCheck(WEB01, "L7OK 200")
                .assertLastStatus(WEB01, CheckStatus.L7OK);
        sim.runFor("9s");

        sim.assertState(WEB01, ServerState.DOWN)
                .assertStatusText(WEB01, "DOWN")
                .assertLastCheck(WEB01, "L7STS 204 \"No Content\"")
                .assertLastStatus(WEB01, CheckStatus.L7STS)
                .assertStatusText(WEB02, "UP");
        assertThat(sim.state(WEB01)).isEqualTo(ServerState.DOWN);
        assertThat(sim.lastOutcome(WEB01)).hasValueSatisfying(o -> assertThat(o.code()).isEqualTo(204));
    }

    @Test
    void stateAssertionsFailWithTheValuesAndTheTimeline() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s().runFor("10s");

        AssertionFailedError state = assertThrows(AssertionFailedError.class,
                () -> sim.assertState(WEB01, ServerState.UP));
        AssertionFailedError status = assertThrows(AssertionFailedError.class,
                () -> sim.assertStatusText(WEB01, "UP"));
        AssertionFailedError check = assertThrows(AssertionFailedError.class,
                () -> sim.assertLastCheck(WEB01, "L7STS 503"));
        AssertionFailedError lastStatus = assertThrows(AssertionFailedError.class,
                () -> sim.assertLastStatus(WEB01, CheckStatus.L7OK));

        assertThat(state.getExpected().getValue()).isEqualTo(ServerState.UP);
        assertThat(state.getActual().getValue()).isEqualTo(ServerState.DOWN);
        assertThat(state.getMessage()).startsWith("state of app_backend/web01: expected <UP> but was <DOWN>\n")
                .contains(DOWN_LINE);
        assertThat(status.getMessage()).startsWith("status of app_backend/web01: expected <UP> but was <DOWN>");
        assertThat(check.getMessage()).startsWith("last check of app_backend/web01: expected <L7STS 503> but was "
                + "<L7STS 204 \"No Content\">");
        assertThat(lastStatus.getActual().getValue()).isEqualTo(CheckStatus.L7STS);
    }

    @Test
    void assertsLogLines() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s().runFor("20s");

        sim.assertLogLines(DOWN_LINE).assertLogged(DOWN_LINE);
        AssertionFailedError missing = assertThrows(AssertionFailedError.class,
                () -> sim.assertLogged("t=6000ms backend app_backend has no server available!"));
        AssertionFailedError differ = assertThrows(AssertionFailedError.class, sim::assertLogLines);

        assertThat(missing.getMessage()).startsWith("log line not found; log lines differ\n");
        assertThat(missing.getActual().getValue()).isEqualTo(DOWN_LINE);
        assertThat(differ.getActual().getValue()).isEqualTo(DOWN_LINE);
    }

    @Test
    void theCompactOutcomeIsTheTailOfTheTransition() {
        SimulatedHaproxy sim = haprobe.config(CFG)
                .server(WEB01, s -> s.at("0s").http(200).at("5s").refuse())
                .server(WEB02, s -> s.at("0s").http(200).at("5s").http(503))
                .start()
                .runFor("10s");

        sim.assertTransitions("""
                t=5000ms app_backend/web02 UP->DOWN L7STS 503 "Service Unavailable"
                t=6000ms app_backend/web01 UP->DOWN L4CON "Connection refused"
                """);
        sim.assertLastCheck(WEB01, "L4CON \"Connection refused\"")
                .assertLastCheck(WEB02, "L7STS 503 \"Service Unavailable\"");
    }

    @Test
    void scriptsEveryBehaviourOfTheSimulation() {
        SimulatedHaproxy sim = haprobe.config(CFG)
                .server(WEB01, s -> s.at("0s").sequence(Behaviour.http(200), Behaviour.http(503))
                        .at("4s").httpAfter("3s", 200)
                        .at("8s").blackhole()
                        .at("12s").hang()
                        .at("16s").reset()
                        .at("20s").close()
                        .at("24s").tcp("HTTP/1.0 200 OK\r\n\r\n"))
                .server(WEB02, s -> s.play(Behaviour.http(200)))
                .start();

        assertThat(sim.runFor("3s").lastCheck(WEB01)).isEqualTo("L7STS 503 \"Service Unavailable\"");
        assertThat(sim.runFor("4s").lastCheck(WEB01)).isEqualTo("L7TOUT");
        assertThat(sim.runFor("4s").lastCheck(WEB01)).isEqualTo("L4TOUT");
        assertThat(sim.runFor("4s").lastCheck(WEB01)).isEqualTo("L7TOUT");
        assertThat(sim.runFor("4s").lastCheck(WEB01)).isEqualTo("SOCKERR \"Connection reset by peer\"");
        assertThat(sim.runFor("4s").lastCheck(WEB01)).isEqualTo("L7RSP");
        assertThat(sim.runFor("4s").lastCheck(WEB01)).isEqualTo("L7OK 200");
    }

    @Test
    void loadsTheConfigFromAResourceAFileOrText(@TempDir Path dir) throws IOException {
        String text = Files.readString(Path.of("src/test/resources", CFG));
        Path file = Files.writeString(dir.resolve("haproxy.cfg"), text);

        for (SimulatedHaproxy.Builder setup : new SimulatedHaproxy.Builder[] {haprobe.config("/" + CFG),
                haprobe.config(file), haprobe.config(file.toString()), haprobe.configText(text)}) {
            setup.server(WEB01, s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
                    .server(WEB02, s -> s.http(200))
                    .start()
                    .runFor("20s")
                    .assertTransitions(WEB01_DOWN);
        }
    }

    @Test
    void configErrorsNameTheResourceOrTheInlineText() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> haprobe.config("no-such.cfg"));
        ConfigException inline = assertThrows(ConfigException.class,
                () -> haprobe.configText("backend be\n    server s1 127.0.0.1:80 check fal 3\n"));

        assertThat(missing.getMessage()).startsWith("config: 'no-such.cfg' (expected: a classpath resource or a "
                + "file; working directory ");
        assertThat(inline.getMessage()).startsWith("inline.cfg:2:");
    }

    @Test
    void unknownServersAreArgumentErrorsListingTheKnownOnes() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s();

        IllegalArgumentException state = assertThrows(IllegalArgumentException.class, () -> sim.state("web01"));
        IllegalArgumentException script = assertThrows(IllegalArgumentException.class,
                () -> haprobe.config(CFG).server("app_backend/web03", s -> s.http(200)).start());

        assertThat(state).hasMessage("server: 'web01' (expected: one of [app_backend/web01, app_backend/web02])");
        assertThat(script).hasMessageStartingWith("server: 'app_backend/web03' (expected: one of ");
    }

    @Test
    void scriptsRejectPhasesOutOfOrderOrWithoutATime() {
        SimulatedHaproxy.Builder setup = haprobe.config(CFG);

        assertThat(assertThrows(IllegalArgumentException.class, () -> setup.server(WEB01, s -> s.at("5s").http(200))))
                .hasMessage("time: 5000ms (expected: the first phase at 0s)");
        assertThat(assertThrows(IllegalArgumentException.class,
                () -> setup.server(WEB01, s -> s.http(200).at("5s").http(503).at("5s").refuse())))
                .hasMessage("time: 5000ms (expected: after the previous phase at 5000ms)");
        assertThat(assertThrows(IllegalStateException.class, () -> setup.server(WEB01, s -> s.http(200).refuse())))
                .hasMessage("phase 2 (refuse) has no at(...) (expected: at(time) before each behaviour after the "
                        + "first)");
        assertThat(assertThrows(IllegalStateException.class, () -> setup.server(WEB01, s -> s.http(200).at("5s"))))
                .hasMessage("at(5000ms) has no behaviour (expected: a behaviour such as http(200) after each at)");
        assertThat(assertThrows(IllegalStateException.class, () -> setup.server(WEB01, s -> { })))
                .hasMessageStartingWith("the script is empty");
        assertThat(assertThrows(IllegalArgumentException.class, () -> setup.server(WEB01, s -> s.at("soon"))))
                .hasMessage("time: 'soon' (expected: a time such as 2s or 500ms)");
    }

    @Test
    void aClosedRunCannotAdvance() {
        SimulatedHaproxy sim = wrongStatusOnWeb01At5s();
        sim.close();
        sim.close();

        assertThat(assertThrows(IllegalStateException.class, () -> sim.runFor("1s")))
                .hasMessageStartingWith("simulation is closed");
    }

    @Test
    void atThenExecuteRunsARuntimeCommandAtThatVirtualTime() {
        SimulatedHaproxy sim = haprobe.config(CFG).server(WEB01, s -> s.http(200)).server(WEB02, s -> s.http(200))
                .start();

        assertThat(sim.at("3s").execute("set server app_backend/web01 state drain")).isEmpty();
        assertThat(sim.execute("get weight app_backend/web01")).isEqualTo("1 (initial 1)\n");
        assertThat(sim.execute("set server app_backend/nope state drain")).isEqualTo("No such server.\n");

        sim.assertStatusText(WEB01, "DRAIN");
        assertThat(sim.logLines()).containsSubsequence(
                "t=3000ms > set server app_backend/web01 state drain",
                "t=3000ms Server app_backend/web01 enters drain state. 1 active and 0 backup servers online. "
                        + "0 sessions requeued, 0 total in queue.",
                "t=3000ms > get weight app_backend/web01",
                "1 (initial 1)");
        assertThat(assertThrows(IllegalArgumentException.class, () -> sim.at("1s")))
                .hasMessageContaining("before the current virtual time 3000ms");
    }

    @Test
    void commandsGivenToTheBuilderRunAtTheirTime() {
        SimulatedHaproxy sim = haprobe.config(CFG).server(WEB01, s -> s.http(200)).server(WEB02, s -> s.http(200))
                .command("2500ms", "disable server app_backend/web02")
                .start()
                .runFor("4s");

        sim.assertStatusText(WEB02, "MAINT");
        assertThat(sim.logLines()).contains("t=2500ms > disable server app_backend/web02",
                "t=2500ms Server app_backend/web02 is going DOWN for maintenance. 1 active and 0 backup servers "
                        + "left. 0 sessions active, 0 requeued, 0 remaining in queue.");
    }

    private SimulatedHaproxy wrongStatusOnWeb01At5s() {
        return haprobe.config(CFG)
                .server(WEB01, s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
                .server(WEB02, s -> s.http(200))
                .seed(7)
                .start();
    }
}
