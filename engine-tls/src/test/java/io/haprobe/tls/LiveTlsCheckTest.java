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
 * The runbook's "SSL mismatch" cases against real TLS servers on loopback (the JDK's TLS on the server side,
 * certificates made in the test), each with the status, info and log line HAProxy 2.6.12 printed for the same
 * case against {@code openssl s_server} (recorded in this class's comments and in spec §3.1, §6.2).
 */
class LiveTlsCheckTest {

    private static final String DOWN = ". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0"
            + " remaining in queue.";

    @TempDir
    static Path files;
    private static TestCertificates.Authority ca;
    private static TestCertificates.Identity server;
    private static Path caFile;

    private TlsBackend backend;
    private LiveChecks checks;

    @BeforeAll
    static void makeCertificates() throws IOException {
        ca = TestCertificates.authority("test CA");
        server = ca.issue(TestCertificates.KeyType.EC, "srv.example");
        caFile = ca.writePem(files.resolve("ca.pem"));
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
    void handshakeWithATrustedCertificateIsL6okWithoutInfo() {
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s succeeded, reason: Layer6"
                + " check passed, check duration: <n>ms, status: 3/3 UP.");
        // the client Finished went out before the RST: the server completed its handshake too
        LiveChecks.eventually().until(() -> backend.handshakes() > 0);
    }

    @Test
    void selfSignedCertificateAgainstVerifyRequiredIsAHandshakeFailure() {
        // HAProxy 2.6.12 against openssl s_server with a self-signed certificate:
        // Health check for server b_selfsigned/s failed, reason: Layer6 invalid response, info: "SSL handshake
        // failure", check duration: 10ms, status: 0/2 DOWN.
        backend = TlsBackend.start(Tls.of(TestCertificates.selfSigned(TestCertificates.KeyType.EC, "srv.example")),
                Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
        assertThat(checks.awaitLogLines(3)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " invalid response, info: \"SSL handshake failure\", check duration: <n>ms, status: 0/2 DOWN.",
                "Server be/s is DOWN" + DOWN, "backend be has no server available!");
    }

    @Test
    void theDownLineCarriesTheReasonWithoutLogHealthChecks() {
        backend = TlsBackend.start(Tls.of(TestCertificates.selfSigned(TestCertificates.KeyType.EC, "srv.example")),
                Answer.SILENT);
        checks = LiveChecks.start("backend be\n  server s 127.0.0.1:" + backend.port()
                + " check inter 300ms ssl ca-file " + caFile + "\n");

        assertThat(checks.awaitLogLines(2)).containsExactly("Server be/s is DOWN, reason: Layer6 invalid response,"
                + " info: \"SSL handshake failure\", check duration: <n>ms" + DOWN,
                "backend be has no server available!");
    }

    @Test
    void selfSignedCertificateWithVerifyNoneIsL6ok() {
        backend = TlsBackend.start(Tls.of(TestCertificates.selfSigned(TestCertificates.KeyType.RSA, "srv.example")),
                Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
    }

    @Test
    void globalSslServerVerifyNoneAppliesToServersThatDoNotSay() {
        backend = TlsBackend.start(Tls.of(TestCertificates.selfSigned(TestCertificates.KeyType.EC, "srv.example")),
                Answer.SILENT);
        checks = LiveChecks.start("global\n  ssl-server-verify none\n"
                + LiveChecks.backend(backend.port(), "ssl"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void tlsOnlyBackendCheckedInPlainTextIsL7rspWithoutInfo() {
        // HAProxy 2.6.12, option httpchk without ssl against openssl s_server: Layer7 invalid response, no info
        backend = TlsBackend.start(Tls.of(server), Answer.HTTP_OK);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "", "option httpchk GET /"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7RSP, 0, "");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer7"
                + " invalid response, check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void sslOnAPlainHttpServerIsAHandshakeFailure() {
        // HAProxy 2.6.12, ssl verify none against a plain server answering 400: the same for a plain server that
        // closes at once or resets: Layer6 invalid response, info: "SSL handshake failure"
        backend = TlsBackend.start(null, Answer.BAD_REQUEST);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " invalid response, info: \"SSL handshake failure\", check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void sslOnAPlainServerThatClosesIsAHandshakeFailure() {
        backend = TlsBackend.start(null, Answer.CLOSE);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
    }

    @Test
    void peerSilentDuringTheHandshakeIsL6toutAfterInter() {
        // HAProxy 2.6.12: Health check for server b_plain_silent/s failed, reason: Layer6 timeout, check duration:
        // 1000ms, status: 0/2 DOWN. (inter 1s, no timeout check)
        backend = TlsBackend.start(null, Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none"));

        CheckOutcome outcome = checks.awaitFirstOutcome();
        assertThat(outcome).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6TOUT, "");
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " timeout, check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void theHandshakeStaysUnderTheConnectBoundWhenTimeoutCheckIsSet() {
        // HAProxy 2.6.12 with timeout connect 1500ms, timeout check 3s, inter 10s: Layer6 timeout after 1501ms
        backend = TlsBackend.start(null, Answer.SILENT);
        checks = LiveChecks.start("defaults\n  timeout connect 400ms\n  timeout check 3s\nbackend be\n"
                + "  server s 127.0.0.1:" + backend.port() + " check inter 10s ssl verify none\n");

        CheckOutcome outcome = checks.awaitFirstOutcome();
        assertThat(outcome.status()).isEqualTo(CheckStatus.L6TOUT);
        assertThat(outcome.durationMillis()).isBetween(400L, 1500L);
    }

    @Test
    void tls13OnlyServerAgainstSslMaxVerTls12IsAHandshakeFailure() {
        // HAProxy 2.6.12 against openssl s_server -tls1_3 with ssl-max-ver TLSv1.2: "SSL handshake failure"
        backend = TlsBackend.start(Tls.of(server).protocols("TLSv1.3"), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none ssl-max-ver TLSv1.2"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
    }

    @Test
    void tls12ServerAgainstSslMinVerTls13IsAHandshakeFailure() {
        backend = TlsBackend.start(Tls.of(server).protocols("TLSv1.2"), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none ssl-min-ver TLSv1.3"));

        assertThat(checks.awaitFirstOutcome().info()).isEqualTo("SSL handshake failure");
    }

    @Test
    void sniTheCertificateDoesNotCarryIsACertificateDifferentFromTheExpectedOne() {
        // HAProxy 2.6.12, check-sni other.example against a certificate for srv.example, verify required:
        // info: "Server presented an SSL certificate different from the expected one"
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile
                + " check-sni other.example"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "Server presented an SSL certificate different from the expected"
                        + " one");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " invalid response, info: \"Server presented an SSL certificate different from the expected one\","
                + " check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void verifyhostTheCertificateDoesNotCarryIsACertificateDifferentFromTheConfiguredOne() {
        // HAProxy 2.6.12: verifyhost other.example: "... different from the configured one"
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile
                + " verifyhost other.example"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "Server presented an SSL certificate different from the"
                        + " configured one");
    }

    @Test
    void theSniWinsOverVerifyhostAndNamesMatchWithoutCase() {
        // HAProxy 2.6.12: check-sni srv.example verifyhost other.example passes; check-sni SRV.example passes
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile
                + " check-sni SRV.example verifyhost other.example"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void verifyNoneIgnoresVerifyhost() {
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none verifyhost other.example"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void theServersSniKeywordIsNotUsedByChecks() {
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile
                + " sni str(other.example)"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void clientCertificateRequiredOverTls12IsAHandshakeFailure() {
        // HAProxy 2.6.12 against s_server -tls1_2 -Verify 1 without crt: "SSL handshake failure"
        backend = TlsBackend.start(Tls.of(server).protocols("TLSv1.2").requireClientCertificate(ca), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
    }

    @Test
    void clientCertificateRequiredOverTls13PassesAConnectOnlyCheck() {
        // HAProxy 2.6.12 against s_server -tls1_3 -Verify 1 without crt: Layer6 check passed. In TLS 1.3 the
        // client's handshake is over before the server judges the client's (empty) certificate.
        backend = TlsBackend.start(Tls.of(server).protocols("TLSv1.3").requireClientCertificate(ca), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
    }

    @Test
    void clientCertificateRequiredOverTls13FailsAnHttpCheckWithSslFatalError() {
        // HAProxy 2.6.12, option httpchk, same server: Socket error, info: "SSL fatal error"
        backend = TlsBackend.start(Tls.of(server).protocols("TLSv1.3").requireClientCertificate(ca), Answer.HTTP_OK);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none", "option httpchk GET /"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.SOCKERR, "SSL fatal error");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Socket"
                + " error, info: \"SSL fatal error\", check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void clientCertificateFromCrtPassesAnHttpCheck() throws IOException {
        // HAProxy 2.6.12 with crt: Layer7 check passed, code: 200
        Path crt = ca.issue(TestCertificates.KeyType.EC, "check.example").writePem(files.resolve("client.pem"));
        backend = TlsBackend.start(Tls.of(server).protocols("TLSv1.3").requireClientCertificate(ca), Answer.HTTP_OK);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile
                + " crt " + crt, "option httpchk GET /"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7OK, 200, "");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s succeeded, reason: Layer7"
                + " check passed, code: 200, check duration: <n>ms, status: 3/3 UP.");
    }

    @Test
    void httpCheckOverTlsGivesTheNormalLayer7Result() {
        backend = TlsBackend.start(Tls.of(server), Answer.HTTP_OK);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify required ca-file " + caFile,
                "option httpchk GET /health"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code)
                .containsExactly(CheckStatus.L7OK, 200);
    }

    @Test
    void portMakesTheCheckPlainUnlessCheckSsl() {
        // HAProxy 2.6.12: ssl + port => Layer4 check passed; ssl + port + check-ssl => Layer6 check passed
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(1, "ssl verify none port " + backend.port()));
        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L4OK);
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(1, "ssl verify none port " + backend.port() + " check-ssl"));
        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void noCheckSslMakesTheCheckPlain() {
        backend = TlsBackend.start(Tls.of(server), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none no-check-ssl"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L4OK);
    }

    @Test
    void theServerAlpnIsOfferedUnlessCheckAlpnReplacesIt() {
        // spec §6.2, verified: alpn h2 on the server => the check negotiated h2; with check-alpn http/1.1 => http/1.1
        backend = TlsBackend.start(Tls.of(server).alpn("h2", "http/1.1"), Answer.SILENT);
        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none alpn h2"));
        checks.awaitFirstOutcome();
        LiveChecks.eventually().until(() -> !backend.protocols().isEmpty());
        assertThat(backend.protocols().get(0)).isEqualTo("h2");
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(backend.port(), "ssl verify none alpn h2 check-alpn http/1.1"));
        checks.awaitFirstOutcome();
        LiveChecks.eventually().until(() -> backend.protocols().size() >= 2);
        assertThat(backend.protocols()).last().isEqualTo("http/1.1");
    }
}
