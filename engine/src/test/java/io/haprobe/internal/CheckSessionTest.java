package io.haprobe.internal;

import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckVerdict;
import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The interpreter alone: connection events in, verdicts out (spec §3.1), without sockets or clocks. */
class CheckSessionTest {

    private static final CheckProgram HTTP = CheckProgram.compile(HaproxyConfig.parse("test.cfg", """
            backend be
                option httpchk GET /health
                http-check expect status 200
                server s1 127.0.0.1:80 check
            """).proxies().get(0));

    private final List<String> written = new ArrayList<>();

    @Test
    void connectOnlyProgramPassesWithL4okAndNoInfoOnceConnected() {
        CheckSession session = new CheckSession(CheckProgram.connectOnly());
        assertThat(session.connected(bytes -> written.add("unexpected"))).isEqualTo(verdict(CheckStatus.L4OK, 0, ""));
        assertThat(written).isEmpty();
        assertThat(session.isDone()).isTrue();
    }

    @Test
    void errorsAreL4conBeforeTheConnectionAndSockerrAfter() {
        assertThat(new CheckSession(HTTP).failed("Connection refused"))
                .isEqualTo(verdict(CheckStatus.L4CON, 0, "Connection refused"));
        CheckSession connected = new CheckSession(HTTP);
        connected.connected(this::record);
        assertThat(connected.failed("Connection reset by peer"))
                .isEqualTo(verdict(CheckStatus.SOCKERR, 0, "Connection reset by peer"));
    }

    @Test
    void timeoutsAreL4toutBeforeTheConnectionAndL7toutAfterWithoutInfo() {
        assertThat(new CheckSession(HTTP).timedOut()).isEqualTo(verdict(CheckStatus.L4TOUT, 0, ""));
        CheckSession connected = new CheckSession(HTTP);
        connected.connected(this::record);
        assertThat(connected.timedOut()).isEqualTo(verdict(CheckStatus.L7TOUT, 0, ""));
    }

    @Test
    void sendsTheRequestOnConnectAndJudgesTheAnswerWhenItsHeadersAreComplete() {
        CheckSession session = new CheckSession(HTTP);
        assertThat(session.connected(this::record)).isNull();
        assertThat(written).containsExactly("GET /health HTTP/1.0\r\n\r\n");
        assertThat(receive(session, "HTTP/1.1 204 No")).isNull();
        assertThat(receive(session, " Content\r\n\r\n")).isEqualTo(verdict(CheckStatus.L7STS, 204, "No Content"));
        assertThat(session.isPeerClosed()).isFalse();
    }

    @Test
    void aFirstReadIsJudgedInTheCallersArrayAndKeptOnlyWhenTheRulesWaitForMore() {
        // the caller reuses its read array (a channel's scratch array): what the session waits on must be its own
        byte[] scratch = new byte[64];
        CheckSession session = new CheckSession(HTTP);
        session.connected(this::record);
        int n = copy("HTTP/1.1 200 O", scratch);
        assertThat(session.received(scratch, 0, n)).isNull();
        java.util.Arrays.fill(scratch, (byte) 'X');
        n = copy("K\r\n\r\n", scratch);
        assertThat(session.received(scratch, 0, n)).isEqualTo(verdict(CheckStatus.L7OK, 200, ""));

        CheckSession whole = new CheckSession(HTTP);
        whole.connected(this::record);
        n = copy("HTTP/1.1 503 Busy\r\n\r\n", scratch);
        assertThat(whole.received(scratch, 0, n)).isEqualTo(verdict(CheckStatus.L7STS, 503, "Busy"));
        // judged in place: after the verdict the caller's array is the caller's again
        java.util.Arrays.fill(scratch, (byte) 0);
        assertThat(whole.timedOut()).isNull();
    }

    private static int copy(String text, byte[] into) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, into, 0, bytes.length);
        return bytes.length;
    }

    @Test
    void aCloseBeforeAnyAnswerIsL7rspWithoutInfoAndMarksThePeerClosed() {
        CheckSession session = new CheckSession(HTTP);
        session.connected(this::record);
        assertThat(session.peerClosed()).isEqualTo(verdict(CheckStatus.L7RSP, 0, ""));
        assertThat(session.isPeerClosed()).isTrue();
    }

    @Test
    void eventsAfterTheVerdictAreIgnored() {
        CheckSession session = new CheckSession(HTTP);
        session.connected(this::record);
        assertThat(session.timedOut()).isNotNull();
        assertThat(receive(session, "HTTP/1.1 200 OK\r\n\r\n")).isNull();
        assertThat(session.peerClosed()).isNull();
        assertThat(session.failed("Broken pipe")).isNull();
        assertThat(session.timedOut()).isNull();
    }

    @Test
    void anAnswerThatNeverEndsItsHeadersIsJudgedWhenTheSixteenKibBufferIsFull() {
        CheckSession session = new CheckSession(HTTP);
        session.connected(this::record);
        assertThat(receive(session, "HTTP/1.1 200 OK\r\nX-Long: ")).isNull();
        String filler = "a".repeat(CheckSession.MAX_BUFFER_BYTES);
        assertThat(receive(session, filler)).isEqualTo(verdict(CheckStatus.L7RSP, 0, ""));
    }

    /**
     * A session reset for every check of a server (the verdict of a program's last expect goes to its success as an
     * argument, not through a field) reports what its own run earned, whatever the runs before it gave.
     */
    @Test
    void aResetSessionReportsOnlyWhatItsOwnRunEarned() {
        CheckSession session = new CheckSession(HTTP);
        for (int run = 0; run < 3; run++) {
            // from the second run on, the same bytes give the judge's remembered verdict
            session.reset(HTTP, 0);
            session.connected(this::record);
            assertThat(receive(session, "HTTP/1.1 200 OK\r\n\r\n")).isEqualTo(verdict(CheckStatus.L7OK, 200, ""));
        }
        session.reset(HTTP, 0);
        session.connected(this::record);
        assertThat(session.peerClosed()).isEqualTo(verdict(CheckStatus.L7RSP, 0, ""));
        session.reset(HTTP, 0);
        assertThat(session.timedOut()).isEqualTo(verdict(CheckStatus.L4TOUT, 0, ""));
        session.reset(HTTP, 0);
        session.connected(this::record);
        assertThat(session.timedOut()).isEqualTo(verdict(CheckStatus.L7TOUT, 0, ""));
        session.reset(HTTP, 0);
        session.connected(this::record);
        assertThat(receive(session, "HTTP/1.1 503 Busy\r\n\r\n")).isEqualTo(verdict(CheckStatus.L7STS, 503, "Busy"));
        session.reset(HTTP, 0);
        session.connected(this::record);
        assertThat(receive(session, "HTTP/1.1 200 OK\r\n\r\n")).isEqualTo(verdict(CheckStatus.L7OK, 200, ""));
        assertThat(written).hasSize(7).containsOnly("GET /health HTTP/1.0\r\n\r\n");
    }

    private void record(byte[] bytes) {
        written.add(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    private static CheckVerdict receive(CheckSession session, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return session.received(bytes, 0, bytes.length);
    }

    private static CheckVerdict verdict(CheckStatus status, int code, String info) {
        return new CheckVerdict(status, code, info);
    }
}
