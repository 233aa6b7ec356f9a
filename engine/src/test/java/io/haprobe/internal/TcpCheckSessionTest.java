package io.haprobe.internal;

import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.CheckVerdict;
import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interpreter running tcp-check and protocol-check programs, without sockets or clocks: every matcher and
 * every info text of spec §3.1, §5.3, §5.4 and §6.1, and the protocol checks' texts as HAProxy 2.6.12 printed
 * them on loopback.
 */
class TcpCheckSessionTest {

    private final List<String> written = new ArrayList<>();

    @Test
    void stringMatchPassesWithCodeZeroAndTcpCheckInfo() {
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect string PONG"));
        assertThat(written).containsExactly("PING\r\n");
        assertThat(receive(session, "+PO")).isNull();
        assertThat(receive(session, "NG\r\n")).isEqualTo(verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
    }

    @Test
    void mismatchWaitsWhileOpenAndFailsAtTheCloseNamingPatternAndStep() {
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect string PONG"));
        assertThat(receive(session, "-ERR\r\n")).isNull();
        assertThat(session.peerClosed()).isEqualTo(verdict(CheckStatus.L7RSP, 0,
                "TCPCHK did not match content 'PONG' at step 2"));
    }

    @Test
    void timeoutInfoHasALeadingSpaceAndNamesTheWaitingExpect() {
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect string PONG"));
        receive(session, "-ERR\r\n");
        assertThat(session.timedOut()).isEqualTo(verdict(CheckStatus.L7TOUT, 0,
                " at step 2 of tcp-check (expect string 'PONG')"));
    }

    @Test
    void eachMatchKindHasItsFailureAndTimeoutText() {
        assertFailure("tcp-check expect binary 2b504f4e47", "-ERR\r\n",
                "TCPCHK did not match content (binary) at step 2");
        assertFailure("tcp-check expect rstring ^\\\\+PONG", "-ERR\r\n",
                "TCPCHK did not match content (regex) at step 2");
        assertFailure("tcp-check expect rbinary ^2B50", "-ERR\r\n",
                "TCPCHK did not match content (binary regex) at step 2");
        assertFailure("tcp-check expect ! string ERR", "-ERR\r\n",
                "TCPCHK matched unwanted content 'ERR' at step 2");
        assertTimeout("tcp-check expect binary 2b504f4e47", " at step 2 of tcp-check (expect binary '+PONG')");
        assertTimeout("tcp-check expect rstring PONG", " at step 2 of tcp-check (expect regex)");
        assertTimeout("tcp-check expect rbinary ^2B comment rb tout-status L6TOUT", CheckStatus.L6TOUT,
                " at step 2 of tcp-check (expect binary regex) comment: 'rb'");
    }

    @Test
    void rbinaryRunsOnTheUppercaseHexDump() {
        CheckSession upper = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect rbinary ^2B50"));
        assertThat(receive(upper, "+PONG")).isEqualTo(verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
        CheckSession lower = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect rbinary ^2b50"));
        assertThat(receive(lower, "+PONG")).isNull();
    }

    @Test
    void failureCommentsAreUnquotedAndEmptyResponseCommentsQuoted() {
        assertFailure("tcp-check expect rstring PONG comment want\\ pong", "-ERR\r\n",
                "TCPCHK did not match content (regex) at step 2 comment: want pong");
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check comment C2",
                "tcp-check expect string PONG"));
        assertThat(session.peerClosed()).isEqualTo(verdict(CheckStatus.L7RSP, 0,
                "TCPCHK got an empty response at step 3 comment: 'C2'"));
    }

    @Test
    void minRecvMakesAMismatchFinalButStillWaitsForThePatternLength() {
        CheckSession finalMismatch = start(tcpCheck("tcp-check send PING\\r\\n",
                "tcp-check expect min-recv 3 string PONG"));
        assertThat(receive(finalMismatch, "-ERR-ERR-ERR\r\n")).isEqualTo(verdict(CheckStatus.L7RSP, 0,
                "TCPCHK did not match content 'PONG' at step 2"));
        CheckSession waits = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect min-recv 3 string PONG"));
        assertThat(receive(waits, "+PO")).isNull();
        assertThat(receive(waits, "NG\r\n")).isEqualTo(verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
        CheckSession atLeastTen = start(tcpCheck("tcp-check send PING\\r\\n",
                "tcp-check expect min-recv 10 string PONG"));
        assertThat(receive(atLeastTen, "+PONG\r\n")).isNull();
        assertThat(atLeastTen.peerClosed()).isEqualTo(verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
    }

    @Test
    void statusOverridesTextsAndCodeApply() {
        CheckSession ok = start(tcpCheck("tcp-check send PING\\r\\n",
                "tcp-check expect string PONG ok-status L6OK on-success fine"));
        assertThat(receive(ok, "+PONG")).isEqualTo(verdict(CheckStatus.L6OK, 0, "fine"));
        CheckSession error = start(tcpCheck("tcp-check send PING\\r\\n",
                "tcp-check expect min-recv 1 string PONG error-status L7STS status-code int(42)"));
        assertThat(receive(error, "-ERR")).isEqualTo(verdict(CheckStatus.L7STS, 42,
                "TCPCHK did not match content 'PONG' at step 2"));
        CheckSession onError = start(tcpCheck("tcp-check send PING\\r\\n",
                "tcp-check expect min-recv 1 string PONG on-error bad\\ answer"));
        assertThat(receive(onError, "-ERR")).isEqualTo(verdict(CheckStatus.L7RSP, 0, "bad answer"));
    }

    @Test
    void connectionErrorsCarryTheStepSuffix() {
        assertThat(new CheckSession(tcpCheck("tcp-check send PING\\r\\n")).failed("Connection refused"))
                .isEqualTo(verdict(CheckStatus.L4CON, 0, "Connection refused at initial connection step of tcp-check"));
        assertThat(new CheckSession(tcpCheck()).timedOut())
                .isEqualTo(verdict(CheckStatus.L4TOUT, 0, " at initial connection step of tcp-check"));
        assertThat(new CheckSession(tcpCheck("tcp-check connect port 20999 comment second"))
                .failed("Connection refused")).isEqualTo(verdict(CheckStatus.L4CON, 0,
                "Connection refused at step 1 of tcp-check (connect port 20999) comment: 'second'"));
        CheckSession reset = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect string PONG"));
        assertThat(reset.failed("Connection reset by peer")).isEqualTo(verdict(CheckStatus.SOCKERR, 0,
                "Connection reset by peer at step 2 of tcp-check (expect string 'PONG')"));
    }

    @Test
    void bytesReceivedBeforeAnErrorAreJudgedFirst() {
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect string PONG"));
        assertThat(receive(session, "-ERR")).isNull();
        assertThat(session.failed("Connection reset by peer")).isEqualTo(verdict(CheckStatus.L7RSP, 0,
                "TCPCHK did not match content 'PONG' at step 2"));
    }

    @Test
    void lastRuleDecidesTheSuccessStatusAndInfo() {
        assertThat(new CheckSession(tcpCheck()).connected(this::record))
                .isEqualTo(verdict(CheckStatus.L4OK, 0, ""));
        assertThat(new CheckSession(tcpCheck("tcp-check connect")).connected(this::record))
                .isEqualTo(verdict(CheckStatus.L4OK, 0, "(tcp-check)"));
        assertThat(new CheckSession(tcpCheck("tcp-check send hello\\r\\n")).connected(this::record))
                .isEqualTo(verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
    }

    @Test
    void sendExpectSendExpectDropsTheFirstAnswerBeforeTheSecondSend() {
        CheckSession session = start(tcpCheck("tcp-check expect string +OK", "tcp-check send AUTH\\r\\n",
                "tcp-check expect string +OK", "tcp-check send PING\\r\\n", "tcp-check expect string PONG"));
        assertThat(written).isEmpty();
        assertThat(receive(session, "+OK ready\r\n")).isNull();
        assertThat(written).containsExactly("AUTH\r\n");
        assertThat(receive(session, "+OK\r\n")).isNull();
        assertThat(written).containsExactly("AUTH\r\n", "PING\r\n");
        assertThat(receive(session, "+PONG\r\n")).isEqualTo(verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
    }

    @Test
    void consecutiveExpectsJudgeTheSameBytesAndANegatedOneIsJudgedAgainWithMore() {
        CheckSession session = start(tcpCheck("tcp-check send INFO\\r\\n", "tcp-check expect ! string ERR",
                "tcp-check expect string READY"));
        assertThat(receive(session, "OK ")).isNull();
        assertThat(receive(session, "ERR READY")).isEqualTo(verdict(CheckStatus.L7RSP, 0,
                "TCPCHK matched unwanted content 'ERR' at step 2"));
    }

    @Test
    void aSecondConnectAsksForANewConnectionAndClearsWhatWasReceived() {
        CheckSession session = new CheckSession(tcpCheck("tcp-check connect", "tcp-check send A\\n",
                "tcp-check expect string A", "tcp-check connect port 9000 linger", "tcp-check send B\\n",
                "tcp-check expect string B"));
        assertThat(session.pendingConnect().port()).isZero();
        session.connected(this::record);
        assertThat(session.pendingConnect()).isNull();
        assertThat(receive(session, "A\n")).isNull();
        CheckRule.Connect second = session.pendingConnect();
        assertThat(second).extracting(CheckRule.Connect::port, CheckRule.Connect::linger, CheckRule.Connect::step)
                .containsExactly(9000, true, 4);
        assertThat(session.connectIndex()).isEqualTo(3);
        assertThat(session.timedOut()).isEqualTo(verdict(CheckStatus.L4TOUT, 0,
                " at step 4 of tcp-check (connect port 9000)"));

        CheckSession again = new CheckSession(tcpCheck("tcp-check connect", "tcp-check send A\\n",
                "tcp-check expect string A", "tcp-check connect port 9000", "tcp-check send B\\n",
                "tcp-check expect string B"));
        again.connected(this::record);
        receive(again, "A\n");
        written.clear();
        again.connected(this::record);
        assertThat(written).containsExactly("B\n");
        assertThat(receive(again, "A\n")).isNull();
        assertThat(receive(again, "B\n")).isEqualTo(verdict(CheckStatus.L7OK, 0, "(tcp-check)"));
    }

    @Test
    void sslHelloChkStampsTheTimeAndJudgesTheFirstByte() {
        CheckSession session = new CheckSession(option("ssl-hello-chk"), 0x6B013D2DL);
        List<byte[]> sent = new ArrayList<>();
        session.connected(sent::add);
        assertThat(HexFormat.of().formatHex(sent.get(0), 11, 15)).isEqualTo("6b013d2d");
        assertThat(session.received(new byte[] {0x16, 3}, 0, 2)).isNull();
        assertThat(session.received(new byte[] {1, 0, 5}, 0, 3)).isEqualTo(verdict(CheckStatus.L6OK, 0, ""));

        CheckSession http = start(option("ssl-hello-chk"));
        assertThat(receive(http, "HTTP/1.0 400 Bad Request\r\n\r\n")).isEqualTo(verdict(CheckStatus.L6RSP, 0, ""));
        CheckSession oneByte = start(option("ssl-hello-chk"));
        assertThat(oneByte.received(new byte[] {0x16}, 0, 1)).isNull();
        assertThat(oneByte.peerClosed()).isEqualTo(verdict(CheckStatus.L6OK, 0, ""));
        assertThat(start(option("ssl-hello-chk")).peerClosed()).isEqualTo(verdict(CheckStatus.L6RSP, 0,
                "TCPCHK got an empty response at step 2"));
        assertThat(start(option("ssl-hello-chk")).timedOut()).isEqualTo(verdict(CheckStatus.L6TOUT, 0, ""));
        assertThat(new CheckSession(option("ssl-hello-chk")).failed("Connection refused"))
                .isEqualTo(verdict(CheckStatus.L4CON, 0, "Connection refused"));
    }

    @Test
    void redisCheckTexts() {
        assertThat(receive(start(option("redis-check")), "+PONG\r\n"))
                .isEqualTo(verdict(CheckStatus.L7OK, 0, "Redis server is ok"));
        CheckSession error = start(option("redis-check"));
        assertThat(receive(error, "-ERR no way\r\n")).isNull();
        assertThat(error.peerClosed()).isEqualTo(verdict(CheckStatus.L7STS, 0, "-ERR no way"));
        assertThat(start(option("redis-check")).peerClosed()).isEqualTo(verdict(CheckStatus.L7STS, 0,
                "TCPCHK got an empty response at step 2"));
        assertThat(start(option("redis-check")).timedOut()).isEqualTo(verdict(CheckStatus.L7TOUT, 0, ""));
    }

    @Test
    void smtpchkDialogueAndItsFailures() {
        CheckSession session = start(option("smtpchk HELO localhost"));
        assertThat(written).isEmpty();
        assertThat(receive(session, "220 mx ESMTP\r\n")).isNull();
        assertThat(written).containsExactly("HELO localhost\r\n");
        assertThat(receive(session, "250-mx Hello\r\n")).isNull();
        assertThat(receive(session, "250 HELP\r\n")).isNull();
        assertThat(written).containsExactly("HELO localhost\r\n", "QUIT\r\n");
        assertThat(receive(session, "221 bye\r\n")).isEqualTo(verdict(CheckStatus.L7OK, 221, "bye"));

        assertThat(receive(start(option("smtpchk HELO localhost")), "554 go away\r\n"))
                .isEqualTo(verdict(CheckStatus.L7STS, 554, "go away"));
        assertThat(receive(start(option("smtpchk HELO localhost")), "hello there\r\n"))
                .isEqualTo(verdict(CheckStatus.L7RSP, 0, "hello there"));
        CheckSession quit = start(option("smtpchk HELO localhost"));
        receive(quit, "220 mx\r\n");
        receive(quit, "250 ok\r\n");
        assertThat(receive(quit, "500 nope\r\n")).isEqualTo(verdict(CheckStatus.L7STS, 500, "nope"));
        assertThat(start(option("smtpchk HELO localhost")).peerClosed())
                .isEqualTo(verdict(CheckStatus.L7RSP, 0, "TCPCHK got an empty response at step 2"));
    }

    @Test
    void mysqlCheckTexts() {
        String handshake = "0f000000" + "0a" + hex("5.7.99-fake\0") + "0700";
        // 2.6.12 reports a passing mysql-check twice: the parser's L7OK with the version, then L7OK with no info
        assertThat(receiveHex(start(option("mysql-check")), handshake))
                .isEqualTo(reportedTwice(verdict(CheckStatus.L7OK, 0, "5.7.99-fake")));
        assertThat(receiveHex(start(option("mysql-check")), "1a000000ff6a04"
                + hex("Host 'x' is not allowed"))).isEqualTo(verdict(CheckStatus.L7STS, 1130, "Host 'x' is not allowed"));
        CheckSession truncated = start(option("mysql-check"));
        assertThat(receiveHex(truncated, handshake.substring(0, 20))).isNull();
        assertThat(truncated.peerClosed()).isEqualTo(verdict(CheckStatus.L7RSP, 0, ""));
        CheckSession login = start(option("mysql-check user haproxy"));
        assertThat(receiveHex(login, handshake)).isNull();
        assertThat(receiveHex(login, "23000002ff1504" + hex("#28000Access denied for user 'h'")))
                .isEqualTo(verdict(CheckStatus.L7STS, 1045, "#28000Access denied for user 'h'"));
        // found by fuzzing: a packet of length 0 (a bare header) made the parser read its missing first byte
        assertThat(receiveHex(start(option("mysql-check")), "00000000"))
                .isEqualTo(reportedTwice(verdict(CheckStatus.L7OK, 0, "")));
        CheckSession loggedIn = start(option("mysql-check user haproxy"));
        assertThat(receiveHex(loggedIn, handshake + "0700000200000002000000"))
                .isEqualTo(reportedTwice(verdict(CheckStatus.L7OK, 0, "5.7.99-fake")));
    }

    @Test
    void pgsqlAndLdapCheckTexts() {
        assertThat(receiveHex(start(option("pgsql-check user pguser")), "520000000800000000"))
                .isEqualTo(verdict(CheckStatus.L7OK, 0, "PostgreSQL server is ok"));
        assertThat(receiveHex(start(option("pgsql-check user pguser")), "4500000030" + hex("SFATAL\0VFATAL\0")))
                .isEqualTo(verdict(CheckStatus.L7RSP, 0, "FATAL"));
        assertThat(receiveHex(start(option("pgsql-check user pguser")), "520000000800000001"))
                .isEqualTo(verdict(CheckStatus.L7STS, 0, "PostgreSQL unknown error"));
        assertThat(receiveHex(start(option("ldap-check")), "300c02010161070a010004000400"))
                .isEqualTo(reportedTwice(verdict(CheckStatus.L7OK, 0, "Success")));
        assertThat(receiveHex(start(option("ldap-check")), "300c02010161070a013104000400"))
                .isEqualTo(verdict(CheckStatus.L7STS, 49, "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9"));
        assertThat(receive(start(option("ldap-check")), "HTTP/1.0 400 Bad Request\r\n\r\n"))
                .isEqualTo(verdict(CheckStatus.L7RSP, 0, "Not LDAPv3 protocol"));
        // found by fuzzing: a lone 0x30 then a FIN passes the '^30' expect and the bind parser read past it
        CheckSession loneByte = start(option("ldap-check"));
        assertThat(receiveHex(loneByte, "30")).isNull();
        assertThat(loneByte.peerClosed()).isEqualTo(verdict(CheckStatus.L7RSP, 0, "Not LDAPv3 protocol"));
        // a long-form BER length of 4 bytes is more than HAProxy's parser accepts
        assertThat(receiveHex(start(option("ldap-check")), "3084000000100201016184000000070a0100040004"))
                .isEqualTo(verdict(CheckStatus.L7RSP, 0, "Not LDAPv3 protocol"));
    }

    @Test
    void aRegexThatOverflowsTheStackOnALongAnswerIsAMismatchNotAnException() {
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", "tcp-check expect min-recv 1 rstring ^(a|b)*c"));
        assertThat(receive(session, "ab".repeat(8000))).isEqualTo(verdict(CheckStatus.L7RSP, 0,
                "TCPCHK did not match content (regex) at step 2"));
    }

    private void assertFailure(String expectLine, String answer, String info) {
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", expectLine));
        CheckVerdict verdict = receive(session, answer);
        if (verdict == null) {
            verdict = session.peerClosed();
        }
        assertThat(verdict).isEqualTo(verdict(CheckStatus.L7RSP, 0, info));
    }

    private void assertTimeout(String expectLine, String info) {
        assertTimeout(expectLine, CheckStatus.L7TOUT, info);
    }

    private void assertTimeout(String expectLine, CheckStatus status, String info) {
        CheckSession session = start(tcpCheck("tcp-check send PING\\r\\n", expectLine));
        assertThat(session.timedOut()).isEqualTo(verdict(status, 0, info));
    }

    private CheckSession start(CheckProgram program) {
        written.clear();
        CheckSession session = new CheckSession(program);
        assertThat(session.connected(this::record)).isNull();
        return session;
    }

    private void record(byte[] bytes) {
        written.add(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    private static CheckVerdict receive(CheckSession session, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return session.received(bytes, 0, bytes.length);
    }

    private static CheckVerdict receiveHex(CheckSession session, String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        return session.received(bytes, 0, bytes.length);
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static CheckProgram tcpCheck(String... lines) {
        StringBuilder cfg = new StringBuilder("backend be\n    option tcp-check\n");
        for (String line : lines) {
            cfg.append("    ").append(line).append('\n');
        }
        cfg.append("    server s1 127.0.0.1:80 check\n");
        return CheckProgram.compile(HaproxyConfig.parse("test.cfg", cfg.toString()).proxies().get(0));
    }

    /** The program of a protocol check, compiled from its {@code option} line as for a backend. */
    private static CheckProgram option(String option) {
        String cfg = "backend be\n    option " + option + "\n    server s1 127.0.0.1:80 check\n";
        return CheckProgram.compile(HaproxyConfig.parse("test.cfg", cfg).proxies().get(0));
    }

    private static CheckVerdict verdict(CheckStatus status, int code, String info) {
        return new CheckVerdict(status, code, info);
    }

    /** The parser's own success report, then the end of the rules' L7OK with no info (mysql, ldap). */
    private static CheckVerdict reportedTwice(CheckVerdict parserReport) {
        return new CheckVerdict(CheckStatus.L7OK, 0, "", parserReport);
    }
}
