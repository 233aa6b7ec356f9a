package io.haprobe.tls;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.TlsVersion;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.spi.TlsBackend;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.testkit.RecordedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import static io.haprobe.tls.TlsServers.alpn;
import static io.haprobe.tls.TlsServers.answering200;
import static io.haprobe.tls.TlsServers.only;
import static io.haprobe.tls.TlsServers.requiringClientCertificate;
import static io.haprobe.tls.TlsServers.selfSigned;
import static io.haprobe.tls.TlsServers.silent;
import static io.haprobe.tls.TlsServers.trusted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbook's "SSL mismatch" cases against scripted TLS servers on loopback ({@link LoopbackBackends} playing
 * {@code tls} behaviours: a real server TLS engine, certificates from the backends' CA), each with the status, info
 * and log line HAProxy 2.6.12 printed for the same case against {@code openssl s_server} (recorded in this class's
 * comments and in spec §3.1, §6.2).
 */
@Tag("live")
class LiveTlsCheckTest {

    private static final String DOWN = ". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0"
            + " remaining in queue.";

    private static final String SERVER = "be/s";
    private static final TlsBackend SRV = trusted(TlsBackend.KeyType.EC, "srv.example");

    @TempDir
    Path files;
    private Path caFile;
    private LoopbackBackends backends;
    private LiveChecks checks;

    @AfterEach
    void closeEverything() {
        if (checks != null) {
            checks.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    @Test
    void handshakeWithATrustedCertificateIsL6okWithoutInfo() throws IOException {
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s succeeded, reason: Layer6"
                + " check passed, check duration: <n>ms, status: 3/3 UP.");
        // the client Finished went out before the RST: the server completed its handshake too
        LiveChecks.eventually().until(() -> backends.recordedConnections(SERVER).stream()
                .anyMatch(RecordedConnection::handshakeCompleted));
    }

    @Test
    void selfSignedCertificateAgainstVerifyRequiredIsAHandshakeFailure() throws IOException {
        // HAProxy 2.6.12 against openssl s_server with a self-signed certificate:
        // Health check for server b_selfsigned/s failed, reason: Layer6 invalid response, info: "SSL handshake
        // failure", check duration: 10ms, status: 0/2 DOWN.
        int port = serve(silent(selfSigned(TlsBackend.KeyType.EC, "srv.example")));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
        assertThat(checks.awaitLogLines(3)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " invalid response, info: \"SSL handshake failure\", check duration: <n>ms, status: 0/2 DOWN.",
                "Server be/s is DOWN" + DOWN, "backend be has no server available!");
    }

    @Test
    void theDownLineCarriesTheReasonWithoutLogHealthChecks() throws IOException {
        int port = serve(silent(selfSigned(TlsBackend.KeyType.EC, "srv.example")));
        checks = LiveChecks.start("backend be\n  server s 127.0.0.1:" + port
                + " check inter 300ms ssl ca-file " + caFile + "\n");

        assertThat(checks.awaitLogLines(2)).containsExactly("Server be/s is DOWN, reason: Layer6 invalid response,"
                + " info: \"SSL handshake failure\", check duration: <n>ms" + DOWN,
                "backend be has no server available!");
    }

    @Test
    void selfSignedCertificateWithVerifyNoneIsL6ok() throws IOException {
        int port = serve(silent(selfSigned(TlsBackend.KeyType.RSA, "srv.example")));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
    }

    @Test
    void globalSslServerVerifyNoneAppliesToServersThatDoNotSay() throws IOException {
        int port = serve(silent(selfSigned(TlsBackend.KeyType.EC, "srv.example")));
        checks = LiveChecks.start("global\n  ssl-server-verify none\n"
                + LiveChecks.backend(port, "ssl"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void tlsOnlyBackendCheckedInPlainTextIsL7rspWithoutInfo() throws IOException {
        // HAProxy 2.6.12, option httpchk without ssl against openssl s_server: Layer7 invalid response, no info
        int port = serve(answering200(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "", "option httpchk GET /"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7RSP, 0, "");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer7"
                + " invalid response, check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void sslOnAPlainHttpServerIsAHandshakeFailure() throws IOException {
        // HAProxy 2.6.12, ssl verify none against a plain server answering 400: the same for a plain server that
        // closes at once or resets: Layer6 invalid response, info: "SSL handshake failure"
        int port = serve(Behaviour.http(200));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " invalid response, info: \"SSL handshake failure\", check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void sslOnAPlainServerThatClosesIsAHandshakeFailure() throws IOException {
        int port = serve(new Behaviour.Close(Delay.NONE));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
    }

    @Test
    void peerSilentDuringTheHandshakeIsL6toutAfterInter() throws IOException {
        // HAProxy 2.6.12: Health check for server b_plain_silent/s failed, reason: Layer6 timeout, check duration:
        // 1000ms, status: 0/2 DOWN. (inter 1s, no timeout check)
        int port = serve(Behaviour.hang());
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none"));

        CheckOutcome outcome = checks.awaitFirstOutcome();
        assertThat(outcome).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6TOUT, "");
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " timeout, check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void theHandshakeStaysUnderTheConnectBoundWhenTimeoutCheckIsSet() throws IOException {
        // HAProxy 2.6.12 with timeout connect 1500ms, timeout check 3s, inter 10s: Layer6 timeout after 1501ms
        int port = serve(Behaviour.hang());
        checks = LiveChecks.start("defaults\n  timeout connect 400ms\n  timeout check 3s\nbackend be\n"
                + "  server s 127.0.0.1:" + port + " check inter 10s ssl verify none\n");

        CheckOutcome outcome = checks.awaitFirstOutcome();
        assertThat(outcome.status()).isEqualTo(CheckStatus.L6TOUT);
        assertThat(outcome.durationMillis()).isBetween(400L, 1500L);
    }

    @Test
    void tls13OnlyServerAgainstSslMaxVerTls12IsAHandshakeFailure() throws IOException {
        // HAProxy 2.6.12 against openssl s_server -tls1_3 with ssl-max-ver TLSv1.2: "SSL handshake failure"
        int port = serve(silent(only(SRV, TlsVersion.TLSV1_3)));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none ssl-max-ver TLSv1.2"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
    }

    @Test
    void tls12ServerAgainstSslMinVerTls13IsAHandshakeFailure() throws IOException {
        int port = serve(silent(only(SRV, TlsVersion.TLSV1_2)));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none ssl-min-ver TLSv1.3"));

        assertThat(checks.awaitFirstOutcome().info()).isEqualTo("SSL handshake failure");
    }

    @Test
    void sniTheCertificateDoesNotCarryIsACertificateDifferentFromTheExpectedOne() throws IOException {
        // HAProxy 2.6.12, check-sni other.example against a certificate for srv.example, verify required:
        // info: "Server presented an SSL certificate different from the expected one"
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile
                + " check-sni other.example"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "Server presented an SSL certificate different from the expected"
                        + " one");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Layer6"
                + " invalid response, info: \"Server presented an SSL certificate different from the expected one\","
                + " check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void verifyhostTheCertificateDoesNotCarryIsACertificateDifferentFromTheConfiguredOne() throws IOException {
        // HAProxy 2.6.12: verifyhost other.example: "... different from the configured one"
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile
                + " verifyhost other.example"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "Server presented an SSL certificate different from the"
                        + " configured one");
    }

    @Test
    void theSniWinsOverVerifyhostAndNamesMatchWithoutCase() throws IOException {
        // HAProxy 2.6.12: check-sni srv.example verifyhost other.example passes; check-sni SRV.example passes
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile
                + " check-sni SRV.example verifyhost other.example"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void verifyNoneIgnoresVerifyhost() throws IOException {
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none verifyhost other.example"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void theServersSniKeywordIsNotUsedByChecks() throws IOException {
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile
                + " sni str(other.example)"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void clientCertificateRequiredOverTls12IsAHandshakeFailure() throws IOException {
        // HAProxy 2.6.12 against s_server -tls1_2 -Verify 1 without crt: "SSL handshake failure"
        int port = serve(silent(requiringClientCertificate(only(SRV, TlsVersion.TLSV1_2))));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure");
    }

    @Test
    void clientCertificateRequiredOverTls13PassesAConnectOnlyCheck() throws IOException {
        // HAProxy 2.6.12 against s_server -tls1_3 -Verify 1 without crt: Layer6 check passed. In TLS 1.3 the
        // client's handshake is over before the server judges the client's (empty) certificate.
        int port = serve(silent(requiringClientCertificate(only(SRV, TlsVersion.TLSV1_3))));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
    }

    @Test
    void clientCertificateRequiredOverTls13FailsAnHttpCheckWithSslFatalError() throws IOException {
        // HAProxy 2.6.12, option httpchk, same server: Socket error, info: "SSL fatal error"
        int port = serve(answering200(requiringClientCertificate(only(SRV, TlsVersion.TLSV1_3))));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none", "option httpchk GET /"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.SOCKERR, "SSL fatal error");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s failed, reason: Socket"
                + " error, info: \"SSL fatal error\", check duration: <n>ms, status: 0/2 DOWN.");
    }

    @Test
    void clientCertificateFromCrtPassesAnHttpCheck() throws IOException {
        // HAProxy 2.6.12 with crt: Layer7 check passed, code: 200
        int port = serve(answering200(requiringClientCertificate(only(SRV, TlsVersion.TLSV1_3))));
        Path crt = backends.writeCrtFile(files.resolve("client.pem"));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile
                + " crt " + crt, "option httpchk GET /"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7OK, 200, "");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s succeeded, reason: Layer7"
                + " check passed, code: 200, check duration: <n>ms, status: 3/3 UP.");
    }

    @Test
    void httpCheckOverTlsGivesTheNormalLayer7Result() throws IOException {
        int port = serve(answering200(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify required ca-file " + caFile,
                "option httpchk GET /health"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code)
                .containsExactly(CheckStatus.L7OK, 200);
    }

    @Test
    void portMakesTheCheckPlainUnlessCheckSsl() throws IOException {
        // HAProxy 2.6.12: ssl + port => Layer4 check passed; ssl + port + check-ssl => Layer6 check passed
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(1, "ssl verify none port " + port));
        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L4OK);
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(1, "ssl verify none port " + port + " check-ssl"));
        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    @Test
    void noCheckSslMakesTheCheckPlain() throws IOException {
        int port = serve(silent(SRV));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none no-check-ssl"));

        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L4OK);
    }

    @Test
    void theServerAlpnIsOfferedUnlessCheckAlpnReplacesIt() throws IOException {
        // spec §6.2, verified: alpn h2 on the server => the check negotiated h2; with check-alpn http/1.1 => http/1.1
        int port = serve(silent(alpn(SRV, "h2", "http/1.1")));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none alpn h2"));
        checks.awaitFirstOutcome();
        LiveChecks.eventually().until(() -> !protocols().isEmpty());
        assertThat(protocols().get(0)).isEqualTo("h2");
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none alpn h2 check-alpn http/1.1"));
        int before = backends.recordedConnections(SERVER).size();
        checks.awaitFirstOutcome();
        LiveChecks.eventually().until(() -> backends.recordedConnections(SERVER).stream().skip(before)
                .anyMatch(RecordedConnection::handshakeCompleted));
        assertThat(backends.recordedConnections(SERVER).stream().skip(before)
                .filter(RecordedConnection::handshakeCompleted).findFirst().orElseThrow().applicationProtocol())
                .isEqualTo("http/1.1");
    }

    /**
     * Starts strict loopback backends where {@code be/s} plays {@code behaviour}, and writes their CA to
     * {@link #caFile}.
     */
    private int serve(Behaviour behaviour) throws IOException {
        backends = LoopbackBackends.builder().script(SERVER, ServerScript.of(behaviour)).bind();
        caFile = backends.writeCaFile(files.resolve("ca.pem"));
        backends.start();
        return backends.port(SERVER);
    }

    /** The ALPN protocol of each completed handshake so far, in order. */
    private List<String> protocols() {
        return backends.recordedConnections(SERVER).stream().filter(RecordedConnection::handshakeCompleted)
                .map(RecordedConnection::applicationProtocol).filter(Objects::nonNull).toList();
    }
}
