package io.haprobe.tls;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.tls.TlsBackend.Answer;
import io.haprobe.tls.TlsBackend.Tls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tcp-check connect ssl|default} and the ciphers over real loopback TLS servers, with what HAProxy 2.6.12
 * reported for the same rules (recorded against {@code openssl s_server}, see each test).
 */
class LiveTcpCheckTlsTest {

    @TempDir
    static Path files;
    private static TestCertificates.Identity selfSigned;

    private TlsBackend backend;
    private LiveChecks checks;

    @BeforeAll
    static void makeCertificates() {
        selfSigned = TestCertificates.selfSigned(TestCertificates.KeyType.EC, "srv.example");
    }

    @AfterEach
    void closeEverything() {
        if (checks != null) {
            checks.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void connectSslThenSendAndExpectRunOverTls() {
        // HAProxy 2.6.12: Layer7 check passed, code: 0, info: "(tcp-check)"
        backend = TlsBackend.start(Tls.of(selfSigned), Answer.HTTP_OK);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "verify none", "option tcp-check",
                "tcp-check connect ssl", "tcp-check send \"GET / HTTP/1.0\\r\\n\\r\\n\"",
                "tcp-check expect rstring ^HTTP/1\\.1\\ 200"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7OK, 0, "(tcp-check)");
    }

    @Test
    void httpCheckConnectSslAndDefaultSpeakTlsAndAPlainConnectDoesNot() {
        // HAProxy 2.6.12 against openssl s_server -www: "http-check connect ssl" and, on an ssl server,
        // "http-check connect default" passed with Layer7 check passed, code: 200; a bare "http-check connect"
        // on the ssl server was plain and failed with Layer7 invalid response (no info)
        backend = TlsBackend.start(Tls.of(selfSigned), Answer.HTTP_OK);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "verify none", "option httpchk",
                "http-check connect ssl", "http-check send meth GET uri /", "http-check expect status 200"));
        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code)
                .containsExactly(CheckStatus.L7OK, 200);
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none", "option httpchk",
                "http-check connect default", "http-check send meth GET uri /"));
        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code)
                .containsExactly(CheckStatus.L7OK, 200);
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none", "option httpchk",
                "http-check connect", "http-check send meth GET uri /"));
        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L7RSP, "");
    }

    @Test
    void aLastConnectSslPassesWithL6okAndTheTcpCheckInfo() {
        // HAProxy 2.6.12: Layer6 check passed, info: "(tcp-check)"
        backend = TlsBackend.start(Tls.of(selfSigned), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "verify none", "option tcp-check",
                "tcp-check connect ssl"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "(tcp-check)");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s succeeded, reason: Layer6"
                + " check passed, info: \"(tcp-check)\", check duration: <n>ms, status: 3/3 UP.");
    }

    @Test
    void aBareConnectIsPlainEvenOnAnSslServer() {
        // HAProxy 2.6.12, tcp-check connect on a server with ssl and a self-signed backend: Layer4 check passed
        backend = TlsBackend.start(Tls.of(selfSigned), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none", "option tcp-check",
                "tcp-check connect"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L4OK, "(tcp-check)");
    }

    @Test
    void connectDefaultTakesTheServersTlsAndFailuresCarryTheStep() throws IOException {
        // HAProxy 2.6.12: Layer6 invalid response, info: "SSL handshake failure at step 1 of tcp-check (connect)"
        backend = TlsBackend.start(Tls.of(selfSigned), Answer.SILENT);
        checks = LiveChecks.start("defaults\n  timeout connect 2s\nbackend be\n  option log-health-checks\n"
                + "  option tcp-check\n  tcp-check connect default\n  server s 127.0.0.1:" + backend.port()
                + " check inter 300ms ssl verify required ca-file "
                + writeCa() + "\n");

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure at step 1 of tcp-check (connect)");
    }

    @Test
    void aSilentPeerBehindConnectSslIsL6toutWithTheStepSuffixAlone() {
        // HAProxy 2.6.12: Layer6 timeout, info: " at step 1 of tcp-check (connect)"
        backend = TlsBackend.start(null, Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none", "option tcp-check",
                "tcp-check connect ssl"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6TOUT, " at step 1 of tcp-check (connect)");
    }

    @Test
    void anImplicitConnectOnAnSslServerPassesWithL6okWithoutInfo() {
        // HAProxy 2.6.12, option tcp-check without rules on an ssl server: Layer6 check passed, no info
        backend = TlsBackend.start(Tls.of(selfSigned), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none", "option tcp-check"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
    }

    @Test
    void aCipherTheServerDoesNotOfferFailsTheHandshakeAndOneItDoesPasses() {
        backend = TlsBackend.start(Tls.of(selfSigned).protocols("TLSv1.2"), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none ciphers AES128-GCM-SHA256"));
        // an ECDSA certificate cannot serve an RSA key-exchange suite
        assertThat(checks.awaitFirstOutcome().info()).isEqualTo("SSL handshake failure");
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(backend.port(),
                "ssl verify none ciphers ECDHE-ECDSA-AES128-GCM-SHA256"));
        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    private static Path writeCa() throws IOException {
        return TestCertificates.authority("unrelated CA").writePem(files.resolve("ca.pem"));
    }
}
