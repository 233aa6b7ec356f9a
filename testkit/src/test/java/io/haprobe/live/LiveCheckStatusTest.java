package io.haprobe.live;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static io.haprobe.live.LiveConfigs.appBackend;
import static io.haprobe.live.Scripts.answer;
import static io.haprobe.live.Scripts.readThenClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each check status HAProxy 2.6 reports, produced by the engine over real loopback sockets against a scripted
 * backend (spec §3, §3.1, §4.5), with the exact log lines of §8.
 */
class LiveCheckStatusTest extends LiveTest {

    private static final String DOWN_COUNTS = ". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
            + "0 remaining in queue.";
    private static final String NO_SERVER = "backend app_backend has no server available!";

    @Test
    void plainCheckPassesWithL4okOnceConnected() throws IOException {
        int port = serve(Behaviour.hang());
        engine = LiveEngine.start(appBackend(port, "inter 1s", "option log-health-checks"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L4OK, 0, "");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer4 check passed, check duration: <n>ms, status: 3/3 UP.");
        // Like HAProxy, the check delays the handshake's last ACK and aborts with an RST as soon as the SYN-ACK
        // is in (SYN, SYN-ACK, RST, spec §5.1): the backend's accept() never returns.
        assertThat(backends.recordedConnections(SERVER)).isEmpty();
    }

    @Test
    void closedPortIsL4conConnectionRefused() throws IOException {
        int port = LiveConfigs.closedPort();
        engine = LiveEngine.start(appBackend(port, "inter 1s", "option httpchk GET /health"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L4CON, 0, "Connection refused");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer4 "
                + "connection problem, info: \"Connection refused\", check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void blackholedConnectIsL4toutWithoutInfoAfterInter() {
        engine = LiveEngine.start(appBackend(serve(Behaviour.blackhole()), "inter 300ms",
                "option httpchk GET /health"));

        CheckOutcome outcome = engine.awaitFirstOutcome();
        assertThat(outcome).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L4TOUT, "");
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer4 "
                + "timeout, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
        assertThat(backends.accepted(SERVER)).isZero();
    }

    @Test
    void serverThatResetsRightAfterAcceptIsSockerrConnectionResetByPeer() throws IOException {
        engine = LiveEngine.start(appBackend(serve(new Behaviour.Reset(Delay.NONE)), "inter 1s", "option httpchk GET /health"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.SOCKERR, 0, "Connection reset by peer");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Socket error, "
                + "info: \"Connection reset by peer\", check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void serverThatClosesRightAfterAcceptIsL7rspOrSockerrByWhichPacketIsReadFirst() throws IOException {
        // HAProxy's recipe (a C close() with the request unread) sends a lone RST: SOCKERR "Connection reset by
        // peer", which resetsRightAfterAccept reproduces exactly. A close that leaves unread bytes sends a FIN
        // right before that RST; the scripted close keeps reading and sends the FIN alone. A checker that reads the
        // end of stream first judges it as HAProxy does any FIN read before a verdict, L7RSP without info (spec
        // §4.5); one that reads after an RST landed gets ECONNRESET, as HAProxy's recv() would. Both are exact
        // HAProxy outcomes.
        engine = LiveEngine.start(appBackend(serve(new Behaviour.Close(Delay.NONE)), "inter 1s", "option httpchk GET /health"));

        CheckOutcome outcome = engine.awaitFirstOutcome();
        assertThat(List.of(outcome.status(), outcome.code(), outcome.info())).isIn(
                List.of(CheckStatus.L7RSP, 0, ""), List.of(CheckStatus.SOCKERR, 0, "Connection reset by peer"));
        assertThat(engine.awaitLogLines(2)).containsExactly(outcome.status() == CheckStatus.L7RSP
                        ? "Server app_backend/web01 is DOWN, reason: Layer7 invalid response, check duration: <n>ms"
                        + DOWN_COUNTS
                        : "Server app_backend/web01 is DOWN, reason: Socket error, info: \"Connection reset by peer\", "
                        + "check duration: <n>ms" + DOWN_COUNTS,
                NO_SERVER);
    }

    @Test
    void status200IsL7okWithItsCode() throws IOException {
        engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")), "inter 1s", "option httpchk GET /health",
                "option log-health-checks"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7OK, 200, "");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer7 check passed, code: 200, check duration: <n>ms, status: 3/3 UP.");
    }

    @Test
    void status204PassesAnRstatusForTwoAndThreeHundreds() throws IOException {
        engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.1 204 No Content\r\n\r\n")), "inter 1s", "option httpchk GET /health",
                "http-check expect rstatus (2|3)[0-9][0-9]"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7OK, 204, "");
        assertThat(engine.logLines()).isEmpty();
    }

    @Test
    void status204AgainstExpectStatus200TakesTheServerDownWithL7sts() throws IOException {
        engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.1 204 No Content\r\n\r\n")), "inter 1s", "option httpchk GET /health",
                "http-check expect status 200"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7STS, 204, "No Content");
        assertThat(engine.awaitLogLines(2)).containsExactly(
                "Server app_backend/web01 is DOWN, reason: Layer7 wrong status, code: 204, info: \"No Content\", "
                        + "check duration: <n>ms. 0 active and 0 backup servers left. 0 sessions active, "
                        + "0 requeued, 0 remaining in queue.",
                "backend app_backend has no server available!");
        assertThat(engine.engine().server("app_backend", "web01").orElseThrow().statusText()).isEqualTo("DOWN");
    }

    @Test
    void garbageAnswerIsL7rspWithoutInfo() throws IOException {
        engine = LiveEngine.start(appBackend(serve(answer("blah blah\r\n\r\n")), "inter 1s", "option httpchk GET /health"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7RSP, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "invalid response, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void closeAfterReadingTheRequestIsL7rspWithoutInfo() throws IOException {
        engine = LiveEngine.start(appBackend(serve(readThenClose()), "inter 1s", "option httpchk GET /health"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7RSP, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "invalid response, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void silentServerIsL7toutWithoutInfoWithinInter() throws IOException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 300ms", "option httpchk GET /health"));

        CheckOutcome outcome = engine.awaitFirstOutcome();
        assertThat(outcome).extracting(CheckOutcome::status, CheckOutcome::code, CheckOutcome::info)
                .containsExactly(CheckStatus.L7TOUT, 0, "");
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "timeout, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void bodyWithoutTheExpectedStringIsL7rspContentCheckDidNotMatch() throws IOException {
        // HAProxy keeps the HTTP status as the check's code (tcpcheck_eval_expect_http) but prints no code for
        // L7RSP, which is below L57DATA (spec §3).
        engine = LiveEngine.start(appBackend(serve(answer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nDOWN")), "inter 1s", "option httpchk GET /health",
                "http-check expect string UP"));

        assertThat(engine.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7RSP, 200, "HTTP content check did not match");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "invalid response, info: \"HTTP content check did not match\", check duration: <n>ms"
                + DOWN_COUNTS, NO_SERVER);
    }
}
