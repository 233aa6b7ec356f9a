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

/**
 * The interpreter over a TLS connection: the layer 6 statuses of spec §3.1 while the handshake runs, {@code L6OK}
 * for a connect that ends the program, and the normal results once the handshake is done (spec §6.2; texts and
 * steps verified on HAProxy 2.6.12).
 */
class TlsCheckSessionTest {

    private static final String HANDSHAKE_FAILURE = "SSL handshake failure";

    private final List<String> written = new ArrayList<>();

    @Test
    void aConnectOnlyCheckWaitsForTheHandshakeThenPassesWithL6okWithoutInfo() {
        CheckSession session = new CheckSession(CheckProgram.connectOnly());
        assertThat(session.tlsHandshakeStarted()).isNull();
        assertThat(session.isDone()).isFalse();
        assertThat(session.pendingConnect()).isNull();

        assertThat(session.tlsEstablished(this::record)).isEqualTo(new CheckVerdict(CheckStatus.L6OK, 0, ""));
        assertThat(written).isEmpty();
    }

    @Test
    void aFailedHandshakeIsL6rspWithTheTlsLayersText() {
        CheckSession session = new CheckSession(CheckProgram.connectOnly());
        session.tlsHandshakeStarted();
        assertThat(session.tlsFailed(HANDSHAKE_FAILURE))
                .isEqualTo(new CheckVerdict(CheckStatus.L6RSP, 0, HANDSHAKE_FAILURE));
        assertThat(session.isDone()).isTrue();
    }

    @Test
    void aSilentHandshakeIsL6toutWithoutInfo() {
        CheckSession session = new CheckSession(program("option httpchk GET /"));
        session.tlsHandshakeStarted();
        assertThat(session.timedOut()).isEqualTo(new CheckVerdict(CheckStatus.L6TOUT, 0, ""));
    }

    @Test
    void rawConnectionEventsDuringTheHandshakeAreLayer6Too() {
        CheckSession closed = new CheckSession(CheckProgram.connectOnly());
        closed.tlsHandshakeStarted();
        assertThat(closed.peerClosed().status()).isEqualTo(CheckStatus.L6RSP);
        CheckSession reset = new CheckSession(CheckProgram.connectOnly());
        reset.tlsHandshakeStarted();
        assertThat(reset.failed("Connection reset by peer").status()).isEqualTo(CheckStatus.L6RSP);
    }

    @Test
    void anHttpCheckSendsItsRequestOnlyOnceTheHandshakeIsDone() {
        CheckSession session = new CheckSession(program("option httpchk GET /health"));
        session.tlsHandshakeStarted();
        assertThat(session.connected(this::record)).isNull();
        assertThat(written).isEmpty();

        assertThat(session.tlsEstablished(this::record)).isNull();
        assertThat(written).containsExactly("GET /health HTTP/1.0\r\n\r\n");
        byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(session.received(answer, 0, answer.length)).isEqualTo(new CheckVerdict(CheckStatus.L7OK, 200,
                ""));
    }

    @Test
    void aTlsErrorAfterTheHandshakeIsASocketErrorWithItsText() {
        // HAProxy 2.6.12, httpchk against a TLS 1.3 server that wants a client certificate: Socket error, info:
        // "SSL fatal error"
        CheckSession session = new CheckSession(program("option httpchk GET /"));
        session.tlsHandshakeStarted();
        session.tlsEstablished(this::record);
        assertThat(session.tlsFailed("SSL fatal error"))
                .isEqualTo(new CheckVerdict(CheckStatus.SOCKERR, 0, "SSL fatal error"));
    }

    @Test
    void tcpCheckTlsFailuresCarryTheStepSuffix() {
        // HAProxy 2.6.12: Layer6 invalid response, info: "SSL handshake failure at step 1 of tcp-check (connect)";
        // Layer6 timeout, info: " at step 1 of tcp-check (connect)"; Layer6 check passed, info: "(tcp-check)"
        CheckProgram connectSsl = program("option tcp-check", "tcp-check connect ssl");
        CheckSession failed = new CheckSession(connectSsl);
        failed.tlsHandshakeStarted();
        assertThat(failed.tlsFailed(HANDSHAKE_FAILURE)).isEqualTo(new CheckVerdict(CheckStatus.L6RSP, 0,
                "SSL handshake failure at step 1 of tcp-check (connect)"));
        CheckSession silent = new CheckSession(connectSsl);
        silent.tlsHandshakeStarted();
        assertThat(silent.timedOut()).isEqualTo(new CheckVerdict(CheckStatus.L6TOUT, 0,
                " at step 1 of tcp-check (connect)"));
        CheckSession passed = new CheckSession(connectSsl);
        passed.tlsHandshakeStarted();
        assertThat(passed.tlsEstablished(this::record)).isEqualTo(new CheckVerdict(CheckStatus.L6OK, 0,
                "(tcp-check)"));
    }

    @Test
    void anImplicitTlsConnectOfAnEmptyTcpCheckPassesWithoutInfo() {
        // HAProxy 2.6.12, option tcp-check without rules on an ssl server: Layer6 check passed, no info
        CheckSession session = new CheckSession(program("option tcp-check"));
        session.tlsHandshakeStarted();
        assertThat(session.tlsEstablished(this::record)).isEqualTo(new CheckVerdict(CheckStatus.L6OK, 0, ""));
    }

    @Test
    void aPlainConnectionAfterATlsOneEndsWithL4ok() {
        CheckSession session = new CheckSession(program("option tcp-check", "tcp-check connect ssl",
                "tcp-check connect port 80"));
        session.tlsHandshakeStarted();
        assertThat(session.tlsEstablished(this::record)).isNull();
        assertThat(session.pendingConnect().port()).isEqualTo(80);
        assertThat(session.connected(this::record)).isEqualTo(new CheckVerdict(CheckStatus.L4OK, 0, "(tcp-check)"));
    }

    private void record(byte[] bytes) {
        written.add(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    private static CheckProgram program(String... backendLines) {
        StringBuilder cfg = new StringBuilder("backend be\n");
        for (String line : backendLines) {
            cfg.append("  ").append(line).append('\n');
        }
        cfg.append("  server s 127.0.0.1:443 check ssl verify none\n");
        return CheckProgram.compile(HaproxyConfig.parse("test.cfg", cfg.toString()).proxies().get(0));
    }
}
