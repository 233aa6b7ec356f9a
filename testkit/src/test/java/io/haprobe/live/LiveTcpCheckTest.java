package io.haprobe.live;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.testkit.RecordedConnection;
import io.haprobe.testkit.RecordedConnection.CheckerClose;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Map;

import static io.haprobe.live.LiveConfigs.appBackend;
import static io.haprobe.live.Scripts.ascii;
import static io.haprobe.live.Scripts.banner;
import static io.haprobe.live.Scripts.dialogue;
import static io.haprobe.live.Scripts.ex;
import static io.haprobe.live.Scripts.replyToAnything;
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
    void tcpCheckPassesWithCodeZeroAndTcpCheckInfo() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(dialogue(false, ex("PING\r\n", "+PONG\r\n"))), "inter 200ms",
                "option log-health-checks",
                PING_PONG[0], PING_PONG[1], PING_PONG[2]));

        assertOutcome(CheckStatus.L7OK, 0, "(tcp-check)");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer7 check passed, code: 0, info: \"(tcp-check)\", check duration: <n>ms, status: 3/3 UP.");
        assertThat(takeConnection().checkerClose()).isEqualTo(CheckerClose.RST);
    }

    @Test
    void tcpCheckMismatchNamesThePatternAndTheStep() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(dialogue(true, ex("PING\r\n", "-ERR\r\n"))), "inter 200ms", PING_PONG));

        assertOutcome(CheckStatus.L7RSP, 0, "TCPCHK did not match content 'PONG' at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 invalid "
                + "response, info: \"TCPCHK did not match content 'PONG' at step 2\", check duration: <n>ms"
                + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void tcpCheckTimeoutInfoStartsWithASpaceAndNamesTheWaitingExpect() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 300ms", PING_PONG));

        CheckOutcome outcome = assertOutcome(CheckStatus.L7TOUT, 0, " at step 2 of tcp-check (expect string 'PONG')");
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "timeout, info: \" at step 2 of tcp-check (expect string 'PONG')\", check duration: <n>ms"
                + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void tcpCheckRefusedConnectIsAtTheInitialConnectionStep() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", PING_PONG));

        assertOutcome(CheckStatus.L4CON, 0, "Connection refused at initial connection step of tcp-check");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer4 "
                + "connection problem, info: \"Connection refused at initial connection step of tcp-check\", check "
                + "duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void tcpCheckCloseBeforeTheAnswerIsAnEmptyResponse() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(dialogue(true, ex("PING\r\n", ""))), "inter 200ms", PING_PONG));

        assertOutcome(CheckStatus.L7RSP, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 invalid "
                + "response, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms" + DOWN_COUNTS,
                NO_SERVER);
        assertThat(takeConnection().checkerClose()).isEqualTo(CheckerClose.FIN);
    }

    @Test
    void tcpCheckConnectPortOverridesTheServerPortAndNamesItWhenRefused() throws IOException, InterruptedException {
        int closed = LiveConfigs.closedPort();
        engine = LiveEngine.start(appBackend(serve(dialogue(false, ex("PING\r\n", "+PONG\r\n"))), "inter 200ms",
                "option tcp-check", "tcp-check connect port " + closed + " comment cp", "tcp-check send PING\\r\\n",
                "tcp-check expect string PONG"));

        assertOutcome(CheckStatus.L4CON, 0, "Connection refused at step 1 of tcp-check (connect port " + closed
                + ") comment: 'cp'");
        assertThat(backends.recordedConnections(SERVER)).isEmpty();
    }

    @Test
    void tcpCheckRunsABannerDialogueOverTwoConnectionsOneAfterTheOther() throws IOException, InterruptedException {
        serve(Map.of(SERVER, dialogue(false, ex("", "+OK hello\r\n"), ex("PING\r\n", "+PONG\r\n")),
                "second/web01", dialogue(false, ex("STATUS\n", "ready\n"))));
        engine = LiveEngine.start(appBackend(backends.port(SERVER), "inter 200ms", "option tcp-check",
                "tcp-check connect", "tcp-check expect string +OK", "tcp-check send PING\\r\\n",
                "tcp-check expect rstring ^\\\\+PONG", "tcp-check connect port " + backends.port("second/web01")
                        + " linger", "tcp-check send STATUS\\n", "tcp-check expect binary 7265616479"));

        assertOutcome(CheckStatus.L7OK, 0, "(tcp-check)");
        assertThat(takeConnection().receivedText()).isEqualTo("PING\r\n");
        RecordedConnection second = backends.takeConnection("second/web01", LiveEngine.AT_MOST);
        assertThat(second.receivedText()).isEqualTo("STATUS\n");
        assertThat(second.checkerClose()).isEqualTo(CheckerClose.FIN);
    }

    @Test
    void sslHelloChkSendsTheSslv3ClientHelloAndTakesAnAlertAsHealthy() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(replyToAnything(HexFormat.of().parseHex("15030100020228"), false)), "inter 200ms", "option log-health-checks",
                "option ssl-hello-chk"));

        assertOutcome(CheckStatus.L6OK, 0, "");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer6 check passed, check duration: <n>ms, status: 3/3 UP.");
        byte[] hello = takeConnection().received();
        assertThat(hello).hasSize(126);
        assertThat(HexFormat.of().formatHex(hello, 0, 11)).isEqualTo("160300007901000075" + "0300");
        assertThat(new String(hello, 15, 28, java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo("HAPROXYSSLCHK\nHAPROXYSSLCHK\n");
        assertThat(HexFormat.of().formatHex(hello, 120, 126)).isEqualTo("0039003a0100");
    }

    @Test
    void sslHelloChkOnAPlainHttpAnswerIsL6rspWithoutInfo() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(replyToAnything(ascii("HTTP/1.0 400 Bad Request\r\n\r\n"), false)), "inter 200ms", "option ssl-hello-chk"));

        assertOutcome(CheckStatus.L6RSP, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer6 invalid "
                + "response, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void sslHelloChkSilentServerIsL6tout() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 300ms", "option ssl-hello-chk"));

        assertOutcome(CheckStatus.L6TOUT, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer6 "
                + "timeout, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void sslHelloChkRefusedAndClosedBeforeTheAnswer() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", "option ssl-hello-chk"));
        assertOutcome(CheckStatus.L4CON, 0, "Connection refused");
        engine.close();

        engine = LiveEngine.start(appBackend(serve(replyToAnything(new byte[0], true)), "inter 200ms", "option ssl-hello-chk"));
        assertOutcome(CheckStatus.L6RSP, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer6 invalid "
                + "response, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms" + DOWN_COUNTS,
                NO_SERVER);
    }

    @Test
    void redisCheckPassesOnPong() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(dialogue(false, ex("*1\r\n$4\r\nPING\r\n", "+PONG\r\n"))), "inter 200ms", "option log-health-checks",
                "option redis-check"));

        assertOutcome(CheckStatus.L7OK, 0, "Redis server is ok");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer7 check passed, code: 0, info: \"Redis server is ok\", check duration: <n>ms, "
                + "status: 3/3 UP.");
    }

    @Test
    void redisCheckErrorAnswerIsL7stsWithTheFirstLine() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(dialogue(true, ex("*1\r\n$4\r\nPING\r\n", "-ERR no way\r\n"))), "inter 200ms", "option redis-check"));

        assertOutcome(CheckStatus.L7STS, 0, "-ERR no way");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 wrong "
                + "status, code: 0, info: \"-ERR no way\", check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void redisCheckErrorOnAnOpenConnectionWaitsForTheTimeout() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(dialogue(false, ex("*1\r\n$4\r\nPING\r\n", "-ERR no way\r\n"))), "inter 300ms", "option redis-check"));

        assertOutcome(CheckStatus.L7TOUT, 0, "");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 "
                + "timeout, check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void redisCheckRefusedAndClosedBeforeTheAnswer() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", "option redis-check"));
        assertOutcome(CheckStatus.L4CON, 0, "Connection refused");
        engine.close();

        engine = LiveEngine.start(appBackend(serve(dialogue(true, ex("*1\r\n$4\r\nPING\r\n", ""))), "inter 200ms", "option redis-check"));
        assertOutcome(CheckStatus.L7STS, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 wrong "
                + "status, code: 0, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms"
                + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void smtpchkGreetsQuitsAndReportsTheQuitAnswer() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(dialogue(false, ex("", "220 mx.example ESMTP ready\r\n"),
                ex("EHLO checker.example\r\n", "250-mx.example Hello\r\n250 HELP\r\n"), ex("QUIT\r\n", "221 bye\r\n"))), "inter 200ms", "option log-health-checks",
                "option smtpchk EHLO checker.example"));

        assertOutcome(CheckStatus.L7OK, 221, "bye");
        assertThat(engine.awaitLogLines(1)).containsExactly("Health check for server app_backend/web01 succeeded, "
                + "reason: Layer7 check passed, code: 221, info: \"bye\", check duration: <n>ms, status: 3/3 UP.");
        // smtpchk's connect has 'linger': the check ends with a FIN, not an RST
        RecordedConnection connection = takeConnection();
        assertThat(connection.receivedText()).isEqualTo("EHLO checker.example\r\nQUIT\r\n");
        assertThat(connection.checkerClose()).isEqualTo(CheckerClose.FIN);
    }

    @Test
    void smtpchkRejectingBannerIsL7stsWithItsCodeAndText() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(banner("554 go away\r\n")), "inter 200ms", "option smtpchk"));

        assertOutcome(CheckStatus.L7STS, 554, "go away");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 wrong "
                + "status, code: 554, info: \"go away\", check duration: <n>ms" + DOWN_COUNTS, NO_SERVER);
    }

    @Test
    void smtpchkSilentServerTimesOutWithoutInfo() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 300ms", "option smtpchk"));

        assertOutcome(CheckStatus.L7TOUT, 0, "");
    }

    @Test
    void smtpchkRefusedAndClosedBeforeTheBanner() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(LiveConfigs.closedPort(), "inter 200ms", "option smtpchk"));
        assertOutcome(CheckStatus.L4CON, 0, "Connection refused");
        engine.close();

        engine = LiveEngine.start(appBackend(serve(new Behaviour.Close(Delay.NONE)), "inter 200ms", "option smtpchk"));
        assertOutcome(CheckStatus.L7RSP, 0, "TCPCHK got an empty response at step 2");
        assertThat(engine.awaitLogLines(2)).containsExactly("Server app_backend/web01 is DOWN, reason: Layer7 invalid "
                + "response, info: \"TCPCHK got an empty response at step 2\", check duration: <n>ms" + DOWN_COUNTS,
                NO_SERVER);
    }

    @Test
    void mysqlCheckReportsTheServerVersionOrTheErrorPacket() throws IOException, InterruptedException {
        engine = LiveEngine.start(appBackend(serve(banner(HexFormat.of().parseHex(
                "0f000000" + "0a" + "352e372e39392d66616b6500" + "0700"))), "inter 200ms", "option mysql-check"));
        assertOutcome(CheckStatus.L7OK, 0, "5.7.99-fake");
        engine.close();
        backends.close();

        engine = LiveEngine.start(appBackend(serve(banner(HexFormat.of().parseHex("1a000000ff6a04"
                + HexFormat.of().formatHex(ascii("Host 'x' is not allowed"))))),
                "inter 200ms", "option mysql-check"));
        assertOutcome(CheckStatus.L7STS, 1130, "Host 'x' is not allowed");
    }

    private CheckOutcome assertOutcome(CheckStatus status, int code, String info) {
        CheckOutcome outcome = engine.awaitFirstOutcome();
        assertThat(outcome).extracting(CheckOutcome::status, CheckOutcome::code, CheckOutcome::info)
                .containsExactly(status, code, info);
        return outcome;
    }
}
