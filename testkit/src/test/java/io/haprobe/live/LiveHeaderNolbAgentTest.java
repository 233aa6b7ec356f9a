package io.haprobe.live;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.testkit.RecordedConnection;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static io.haprobe.live.LiveConfigs.appBackend;
import static io.haprobe.live.Scripts.answer;
import static io.haprobe.live.Scripts.banner;
import static io.haprobe.live.Scripts.readThenClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code http-check expect hdr}, {@code http-check disable-on-404} and {@code agent-check} over real loopback
 * sockets: a pass, a mismatch, a timeout, a refused connect and a close before the answer, each with its
 * status, code, info and HAProxy 2.6.12 log line (spec §4.5, §7, §8).
 */
@Tag("live")
class LiveHeaderNolbAgentTest {

    private static final String DOWN = "Server app_backend/web01 is DOWN, reason: ";
    private static final String DOWN_COUNTS = ". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
            + "0 remaining in queue.";

    @Nested
    class ExpectHdr extends LiveTest {

        private static final String[] HDR = {"option httpchk GET /h", "http-check expect hdr name X-Health value ok"};

        @Test
        void aMatchingValueAmongCommaSeparatedOnesPasses() throws IOException {
            engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.1 200 OK\r\nX-Health: bad, ok\r\nContent-Length: 0\r\n\r\n")), "inter 1s", HDR[0], HDR[1],
                    "option log-health-checks"));

            assertThat(outcome()).containsExactly(CheckStatus.L7OK, 200, "");
            assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 "
                    + "succeeded, reason: Layer7 check passed, code: 200, check duration: <n>ms, status: 3/3 UP.");
        }

        /** HAProxy 2.6.12 reports the reason phrase: {@code code: 200, info: "OK"}. */
        @Test
        void aMismatchIsAWrongStatusWithTheReasonPhrase() throws IOException {
            engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.1 200 OK\r\nX-Health: bad\r\nContent-Length: 0\r\n\r\n")), "inter 1s", HDR));

            assertThat(outcome()).containsExactly(CheckStatus.L7STS, 200, "OK");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer7 wrong status, code: 200, info: \"OK\", "
                    + "check duration: <n>ms" + DOWN_COUNTS);
        }

        @Test
        void silenceIsALayer7TimeoutAfterInter() throws IOException {
            engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 300ms", HDR));

            assertThat(outcome()).containsExactly(CheckStatus.L7TOUT, 0, "");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer7 timeout, check duration: <n>ms"
                    + DOWN_COUNTS);
        }

        @Test
        void aRefusedConnectIsL4con() throws IOException {
            engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 1s", HDR));

            assertThat(outcome()).containsExactly(CheckStatus.L4CON, 0, "Connection refused");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer4 connection problem, info: "
                    + "\"Connection refused\", check duration: <n>ms" + DOWN_COUNTS);
        }

        @Test
        void aCloseBeforeTheAnswerIsAnInvalidResponse() throws IOException {
            engine = LiveEngine.start(appBackend(serve(readThenClose()), "inter 1s", HDR));

            assertThat(outcome()).containsExactly(CheckStatus.L7RSP, 0, "");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer7 invalid response, check duration: "
                    + "<n>ms" + DOWN_COUNTS);
        }

        private java.util.List<Object> outcome() {
            CheckOutcome o = engine.awaitFirstOutcome();
            return java.util.List.of(o.status(), o.code(), o.info());
        }
    }

    @Nested
    class DisableOn404 extends LiveTest {

        private static final String[] NOLB = {"option httpchk GET /", "http-check disable-on-404"};

        /** HAProxy 2.6.12 printed exactly this line, then the backend-empty alert. */
        @Test
        void a404IsAConditionalPassThatPutsTheServerInNolb() throws IOException {
            engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.0 404 Not Found\r\n\r\n")), "inter 1s", NOLB));

            assertThat(outcome()).containsExactly(CheckStatus.L7OKC, 404, "");
            assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is stopping, reason: Layer7 "
                    + "check conditionally passed, code: 404, check duration: <n>ms. 0 active and 0 backup servers "
                    + "online. 0 sessions requeued, 0 total in queue.", "backend app_backend has no server available!");
            assertThat(engine.engine().server("app_backend", "web01").orElseThrow().statusText()).isEqualTo("NOLB");
        }

        @Test
        void anotherStatusOutsideTwoAndThreeHundredsFails() throws IOException {
            engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.0 500 Internal Server Error\r\n\r\n")), "inter 1s", NOLB));

            assertThat(outcome()).containsExactly(CheckStatus.L7STS, 500, "Internal Server Error");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer7 wrong status, code: 500, info: "
                    + "\"Internal Server Error\", check duration: <n>ms" + DOWN_COUNTS);
        }

        @Test
        void silenceIsALayer7TimeoutAfterInter() throws IOException {
            engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 300ms", NOLB));

            assertThat(outcome()).containsExactly(CheckStatus.L7TOUT, 0, "");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer7 timeout, check duration: <n>ms"
                    + DOWN_COUNTS);
        }

        @Test
        void aRefusedConnectIsL4con() throws IOException {
            engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 1s", NOLB));

            assertThat(outcome()).containsExactly(CheckStatus.L4CON, 0, "Connection refused");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer4 connection problem, info: "
                    + "\"Connection refused\", check duration: <n>ms" + DOWN_COUNTS);
        }

        @Test
        void aCloseBeforeTheAnswerIsAnInvalidResponse() throws IOException {
            engine = LiveEngine.start(appBackend(serve(readThenClose()), "inter 1s", NOLB));

            assertThat(outcome()).containsExactly(CheckStatus.L7RSP, 0, "");
            assertThat(engine.awaitLogLines(1)).containsExactly(DOWN + "Layer7 invalid response, check duration: "
                    + "<n>ms" + DOWN_COUNTS);
        }

        private java.util.List<Object> outcome() {
            CheckOutcome o = engine.awaitFirstOutcome();
            return java.util.List.of(o.status(), o.code(), o.info());
        }
    }

    @Nested
    class ConnectSequences extends LiveTest {

        /** Like HAProxy 2.6.12: {@code GET /first} on one connection, then {@code GET /second} on a new one. */
        @Test
        void twoSequencesUseTwoConnectionsAndTheLastResponseDecides() throws InterruptedException {
            serve(Map.of(SERVER, answer("HTTP/1.0 200 OK\r\n\r\n"),
                    "second/web01", answer("HTTP/1.0 204 No Content\r\n\r\n")));
            engine = LiveEngine.start(appBackend(backends.port(SERVER), "inter 1s", "option httpchk",
                    "http-check connect", "http-check send meth GET uri /first", "http-check expect status 200",
                    "http-check connect port " + backends.port("second/web01"),
                    "http-check send meth GET uri /second ver HTTP/1.1 hdr Host x", "http-check expect status 204"));

            CheckOutcome outcome = engine.awaitFirstOutcome();
            assertThat(java.util.List.of(outcome.status(), outcome.code(), outcome.info()))
                    .containsExactly(CheckStatus.L7OK, 204, "");
            RecordedConnection first = takeConnection();
            assertThat(first.receivedText()).isEqualTo("GET /first HTTP/1.0\r\n\r\n");
            assertThat(first.checkerClose()).isEqualTo(RecordedConnection.CheckerClose.RST);
            assertThat(backends.takeConnection("second/web01", LiveEngine.AT_MOST).receivedText())
                    .isEqualTo("GET /second HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        }
    }

    @Nested
    class AgentCheck extends LiveTest {

        private static final String AGENT = "Agent check for server app_backend/web01 ";

        @Test
        void upPassesAndIsLoggedOnce() throws IOException {
            engine = LiveEngine.start(agentConfig(serve(banner("up\n")), "agent-inter 300ms", "option log-health-checks"));

            assertThat(agentOutcome()).containsExactly(CheckStatus.L7OK, 0, "via agent : up");
            assertThat(engine.awaitLogLines(1)).containsExactly(AGENT + "succeeded, reason: Layer7 check passed, "
                    + "code: 0, info: \"via agent : up\", check duration: <n>ms, status: 1/1 UP.");
        }

        /** HAProxy 2.6.12: {@code Server be_b/b1 is DOWN, reason: Layer7 wrong status, code: 0, info: "via agent : down", ...}. */
        @Test
        void downTakesTheServerDownWithTheAgentAsReason() throws IOException {
            engine = LiveEngine.start(agentConfig(serve(banner("down\n")), "agent-inter 1s"));

            assertThat(agentOutcome()).containsExactly(CheckStatus.L7STS, 0, "via agent : down");
            assertThat(engine.awaitLogLines(2)).containsExactly(DOWN + "Layer7 wrong status, code: 0, info: "
                    + "\"via agent : down\", check duration: <n>ms" + DOWN_COUNTS,
                    "backend app_backend has no server available!");
            assertThat(engine.engine().server("app_backend", "web01").orElseThrow().statusText())
                    .isEqualTo("DOWN (agent)");
        }

        @Test
        void aSilentAgentTimesOutAndLeavesTheServerUp() throws IOException {
            engine = LiveEngine.start(agentConfig(serve(Behaviour.hang()), "agent-inter 300ms", "option log-health-checks"));

            assertThat(agentOutcome()).containsExactly(CheckStatus.L7TOUT, 0, "");
            assertThat(engine.awaitLogLines(1)).containsExactly(AGENT + "failed, reason: Layer7 timeout, "
                    + "check duration: <n>ms, status: 1/1 UP.");
        }

        /** HAProxy 2.6.12 printed exactly this line for a refused agent port. */
        @Test
        void aRefusedAgentIsLoggedAndLeavesTheServerUp() throws IOException {
            engine = LiveEngine.start(agentConfig(LiveConfigs.closedPort(), "agent-inter 1s",
                    "option log-health-checks"));

            assertThat(agentOutcome()).containsExactly(CheckStatus.L4CON, 0, "Connection refused");
            assertThat(engine.awaitLogLines(1)).containsExactly(AGENT + "failed, reason: Layer4 connection problem, "
                    + "info: \"Connection refused\", check duration: <n>ms, status: 1/1 UP.");
            assertThat(engine.engine().server("app_backend", "web01").orElseThrow().statusText()).isEqualTo("no check");
        }

        @Test
        void anAgentClosingWithoutAnswerIsAnEmptyResponse() throws IOException {
            engine = LiveEngine.start(agentConfig(serve(new Behaviour.Close(Delay.NONE)), "agent-inter 1s", "option log-health-checks"));

            assertThat(agentOutcome()).containsExactly(CheckStatus.L7RSP, 0, "TCPCHK got an empty response at step 2");
            assertThat(engine.awaitLogLines(1)).containsExactly(AGENT + "failed, reason: Layer7 invalid response, "
                    + "info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms, status: 1/1 UP.");
        }

        private java.util.List<Object> agentOutcome() {
            LiveEngine.eventually().until(() -> engine.events().stream()
                    .anyMatch(io.haprobe.engine.HealthEvent.AgentCheckCompleted.class::isInstance));
            CheckOutcome o = engine.events().stream().filter(io.haprobe.engine.HealthEvent.AgentCheckCompleted.class::isInstance)
                    .map(e -> ((io.haprobe.engine.HealthEvent.AgentCheckCompleted) e).outcome()).findFirst().orElseThrow();
            return java.util.List.of(o.status(), o.code(), o.info());
        }

        /** A server with only an agent check ({@code no check} for the health check), on {@code agentPort}. */
        private static String agentConfig(int agentPort, String serverOptions, String... backendLines) {
            StringBuilder cfg = new StringBuilder("defaults\n    mode http\nbackend app_backend\n");
            for (String line : backendLines) {
                cfg.append("    ").append(line).append('\n');
            }
            return cfg.append("    server web01 127.0.0.1:1 agent-check agent-port ").append(agentPort).append(' ')
                    .append(serverOptions).append('\n').toString();
        }
    }
}
