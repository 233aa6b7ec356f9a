package io.haprobe.live;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.live.ScriptedBackend.Behaviour;
import io.haprobe.live.ScriptedBackend.CheckerClose;
import io.haprobe.live.ScriptedBackend.Step;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static io.haprobe.live.LiveConfigs.appBackend;
import static io.haprobe.live.LiveEngine.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code option tcp-check}, {@code ssl-hello-chk}, {@code redis-check}, {@code smtpchk} and {@code mysql-check}
 * over real loopback sockets against scripted backends: for each, a pass, a mismatch, a timeout, a refused
 * connect and a close before the answer, with the status, code, info and log line HAProxy 2.6.12 prints for
 * the same exchange (observed on loopback, spec §5, §6.1).
 */
class LiveTcpCheckTest extends LiveTest {

    private static final String DOWN_COUNTS = ". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
            + "0 remaining in queue.";
    private static final String NO_SERVER = "backend app_backend has no server available!";
    private static final String[] PING_PONG = {"option tcp-check", "tcp-check send PING\\r\\n",
            "tcp-check expect string PONG"};

    @Test
    void tcpCheckPassesWithCodeZeroAndTcpCheckInfo() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read("PING\r\n"), Step.write("+PONG\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option log-health-checks",
                PING_PONG[0], PING_PONG[1], PING_PONG[2]));

        assertOutcome(CheckStatus.L7OK, 0, "(tcp-check)");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer7 check passed, code: 0, info: \"(tcp-check)\", check duration: <n>ms, status: 3/3 UP.");
        eventually().until(() -> !backend.finishedConnections().isEmpty());
        assertThat(backend.finishedConnections().get(0).checkerClose()).isEqualTo(CheckerClose.RST);
    }

    @Test
    void tcpCheckMismatchNamesThePatternAndTheStep() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogueThenClose(Step.read("PING\r\n"), Step.write("-ERR\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", PING_PONG));

        assertOutcome(CheckStatus.L7RSP, 0, "TCPCHK did not match content 'PONG' at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 invalid "
                + "response, info: \"TCPCHK did not match content 'PONG' at step 2\", check duration: <n>ms"
                + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void tcpCheckTimeoutInfoStartsWithASpaceAndNamesTheWaitingExpect() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read("PING\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 300ms", PING_PONG));

        CheckOutcome outcome = assertOutcome(CheckStatus.L7TOUT, 0, " at step 2 of tcp-check (expect string 'PONG')");
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "timeout, info: \" at step 2 of tcp-check (expect string 'PONG')\", check duration: <n>ms"
                + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void tcpCheckRefusedConnectIsAtTheInitialConnectionStep() throws IOException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", PING_PONG));

        assertOutcome(CheckStatus.L4CON, 0, "Connection refused at initial connection step of tcp-check");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer4 "
                + "connection problem, info: \"Connection refused at initial connection step of tcp-check\", check "
                + "duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void tcpCheckCloseBeforeTheAnswerIsAnEmptyResponse() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogueThenClose(Step.read("PING\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", PING_PONG));

        assertOutcome(CheckStatus.L7RSP, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 invalid "
                + "response, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms" + DOWN_COUNTS,
                NO_SERVER);
        eventually().until(() -> !backend.finishedConnections().isEmpty());
        assertThat(backend.finishedConnections().get(0).checkerClose()).isEqualTo(CheckerClose.FIN);
    }

    @Test
    void tcpCheckConnectPortOverridesTheServerPortAndNamesItWhenRefused() throws IOException {
        int closed = LiveConfigs.closedPort();
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read("PING\r\n"), Step.write("+PONG\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option tcp-check",
                "tcp-check connect port " + closed + " comment cp", "tcp-check send PING\\r\\n",
                "tcp-check expect string PONG"));

        assertOutcome(CheckStatus.L4CON, 0, "Connection refused at step 1 of tcp-check (connect port " + closed
                + ") comment: 'cp'");
        assertThat(backend.connections()).isEmpty();
    }

    @Test
    void tcpCheckRunsABannerDialogueOverTwoConnectionsOneAfterTheOther() throws IOException {
        try (ScriptedBackend second = ScriptedBackend.start(Behaviour.dialogue(Step.read("STATUS\n"),
                Step.write("ready\n")))) {
            backend = ScriptedBackend.start(Behaviour.dialogue(Step.write("+OK hello\r\n"), Step.read("PING\r\n"),
                    Step.write("+PONG\r\n")));
            engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option tcp-check",
                    "tcp-check connect", "tcp-check expect string +OK", "tcp-check send PING\\r\\n",
                    "tcp-check expect rstring ^\\\\+PONG", "tcp-check connect port " + second.port() + " linger",
                    "tcp-check send STATUS\\n", "tcp-check expect binary 7265616479"));

            assertOutcome(CheckStatus.L7OK, 0, "(tcp-check)");
            eventually().until(() -> !second.finishedConnections().isEmpty());
            assertThat(backend.connections().get(0).request()).isEqualTo("PING\r\n");
            assertThat(second.finishedConnections().get(0).request()).isEqualTo("STATUS\n");
            assertThat(second.finishedConnections().get(0).checkerClose()).isEqualTo(CheckerClose.FIN);
            engine.close();
        }
    }

    @Test
    void sslHelloChkSendsTheSslv3ClientHelloAndTakesAnAlertAsHealthy() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read(126),
                Step.write(HexFormat.of().parseHex("15030100020228"))));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option log-health-checks",
                "option ssl-hello-chk"));

        assertOutcome(CheckStatus.L6OK, 0, "");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer6 check passed, check duration: <n>ms, status: 3/3 UP.");
        byte[] hello = backend.connections().get(0).request().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HexFormat.of().formatHex(hello, 0, 11)).isEqualTo("160300007901000075" + "0300");
        assertThat(new String(hello, 15, 28, StandardCharsets.ISO_8859_1))
                .isEqualTo("HAPROXYSSLCHK\nHAPROXYSSLCHK\n");
        assertThat(HexFormat.of().formatHex(hello, 120, 126)).isEqualTo("0039003a0100");
    }

    @Test
    void sslHelloChkOnAPlainHttpAnswerIsL6rspWithoutInfo() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read(126),
                Step.write("HTTP/1.0 400 Bad Request\r\n\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option ssl-hello-chk"));

        assertOutcome(CheckStatus.L6RSP, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer6 invalid "
                + "response, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void sslHelloChkSilentServerIsL6tout() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read(126)));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 300ms", "option ssl-hello-chk"));

        assertOutcome(CheckStatus.L6TOUT, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer6 "
                + "timeout, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void sslHelloChkRefusedAndClosedBeforeTheAnswer() throws IOException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", "option ssl-hello-chk"));
        assertOutcome(CheckStatus.L4CON, 0, "Connection refused");
        engine.close();

        backend = ScriptedBackend.start(Behaviour.dialogueThenClose(Step.read(126)));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option ssl-hello-chk"));
        assertOutcome(CheckStatus.L6RSP, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer6 invalid "
                + "response, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms" + DOWN_COUNTS,
                NO_SERVER);
    }

    @Test
    void redisCheckPassesOnPong() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read("*1\r\n$4\r\nPING\r\n"), Step.write("+PONG\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option log-health-checks",
                "option redis-check"));

        assertOutcome(CheckStatus.L7OK, 0, "Redis server is ok");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer7 check passed, code: 0, info: \"Redis server is ok\", check duration: <n>ms, "
                + "status: 3/3 UP.");
    }

    @Test
    void redisCheckErrorAnswerIsL7stsWithTheFirstLine() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogueThenClose(Step.read("*1\r\n$4\r\nPING\r\n"),
                Step.write("-ERR no way\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option redis-check"));

        assertOutcome(CheckStatus.L7STS, 0, "-ERR no way");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 wrong "
                + "status, code: 0, info: \"-ERR no way\", check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void redisCheckErrorOnAnOpenConnectionWaitsForTheTimeout() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.read("*1\r\n$4\r\nPING\r\n"),
                Step.write("-ERR no way\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 300ms", "option redis-check"));

        assertOutcome(CheckStatus.L7TOUT, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "timeout, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void redisCheckRefusedAndClosedBeforeTheAnswer() throws IOException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", "option redis-check"));
        assertOutcome(CheckStatus.L4CON, 0, "Connection refused");
        engine.close();

        backend = ScriptedBackend.start(Behaviour.dialogueThenClose(Step.read("*1\r\n$4\r\nPING\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option redis-check"));
        assertOutcome(CheckStatus.L7STS, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 wrong "
                + "status, code: 0, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms"
                + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void smtpchkGreetsQuitsAndReportsTheQuitAnswer() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.write("220 mx.example ESMTP ready\r\n"),
                Step.read("EHLO checker.example\r\n"), Step.write("250-mx.example Hello\r\n250 HELP\r\n"),
                Step.read("QUIT\r\n"), Step.write("221 bye\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option log-health-checks",
                "option smtpchk EHLO checker.example"));

        assertOutcome(CheckStatus.L7OK, 221, "bye");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer7 check passed, code: 221, info: \"bye\", check duration: <n>ms, status: 3/3 UP.");
        // smtpchk's connect has 'linger': the check ends with a FIN, not an RST
        eventually().until(() -> !backend.finishedConnections().isEmpty());
        assertThat(backend.finishedConnections().get(0).checkerClose()).isEqualTo(CheckerClose.FIN);
    }

    @Test
    void smtpchkRejectingBannerIsL7stsWithItsCodeAndText() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.write("554 go away\r\n")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option smtpchk"));

        assertOutcome(CheckStatus.L7STS, 554, "go away");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 wrong "
                + "status, code: 554, info: \"go away\", check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void smtpchkSilentServerTimesOutWithoutInfo() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue());
        engine = LiveEngine.start(appBackend(backend.port(), "inter 300ms", "option smtpchk"));

        assertOutcome(CheckStatus.L7TOUT, 0, "");
    }

    @Test
    void smtpchkRefusedAndClosedBeforeTheBanner() throws IOException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", "option smtpchk"));
        assertOutcome(CheckStatus.L4CON, 0, "Connection refused");
        engine.close();

        backend = ScriptedBackend.start(Behaviour.dialogueThenClose());
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option smtpchk"));
        assertOutcome(CheckStatus.L7RSP, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 invalid "
                + "response, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms" + DOWN_COUNTS,
                NO_SERVER);
    }

    @Test
    void mysqlCheckReportsTheServerVersionOrTheErrorPacket() throws IOException {
        backend = ScriptedBackend.start(Behaviour.dialogue(Step.write(HexFormat.of().parseHex(
                "0f000000" + "0a" + "352e372e39392d66616b6500" + "0700"))));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option mysql-check"));
        assertOutcome(CheckStatus.L7OK, 0, "5.7.99-fake");
        engine.close();
        backend.close();

        backend = ScriptedBackend.start(Behaviour.dialogue(Step.write(HexFormat.of().parseHex("1a000000ff6a04")),
                Step.write("Host 'x' is not allowed")));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option mysql-check"));
        assertOutcome(CheckStatus.L7STS, 1130, "Host 'x' is not allowed");
    }

    private CheckOutcome assertOutcome(CheckStatus status, int code, String info) {
        CheckOutcome outcome = engine.awaitFirstOutcome();
        assertThat(outcome).extracting(CheckOutcome::status, CheckOutcome::code, CheckOutcome::info)
                .containsExactly(status, code, info);
        return outcome;
    }
}
