package io.haprobe.tls;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.TlsVersion;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.spi.TlsBackend;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.testkit.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.haprobe.tls.TlsServers.answering200;
import static io.haprobe.tls.TlsServers.only;
import static io.haprobe.tls.TlsServers.selfSigned;
import static io.haprobe.tls.TlsServers.silent;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tcp-check connect ssl|default} and the ciphers over scripted TLS servers on loopback
 * ({@link LoopbackBackends}), with what HAProxy 2.6.12 reported for the same rules (recorded against
 * {@code openssl s_server}, see each test).
 */
@Tag("live")
class LiveTcpCheckTlsTest {

    private static final String SERVER = "be/s";
    private static final TlsBackend SELF_SIGNED = selfSigned(TlsBackend.KeyType.EC, "srv.example");

    @TempDir
    Path files;
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
    void connectSslThenSendAndExpectRunOverTls() throws IOException {
        // HAProxy 2.6.12: Layer7 check passed, code: 0, info: "(tcp-check)"
        int port = serve(answering200(SELF_SIGNED));
        checks = LiveChecks.start(LiveChecks.backend(port, "verify none", "option tcp-check",
                "tcp-check connect ssl", "tcp-check send \"GET / HTTP/1.0\\r\\n\\r\\n\"",
                "tcp-check expect rstring ^HTTP/1\\.1\\ 200"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code,
                CheckOutcome::info).containsExactly(CheckStatus.L7OK, 0, "(tcp-check)");
    }

    @Test
    void httpCheckConnectSslAndDefaultSpeakTlsAndAPlainConnectDoesNot() throws IOException {
        // HAProxy 2.6.12 against openssl s_server -www: "http-check connect ssl" and, on an ssl server,
        // "http-check connect default" passed with Layer7 check passed, code: 200; a bare "http-check connect"
        // on the ssl server was plain and failed with Layer7 invalid response (no info)
        int port = serve(answering200(SELF_SIGNED));
        checks = LiveChecks.start(LiveChecks.backend(port, "verify none", "option httpchk",
                "http-check connect ssl", "http-check send meth GET uri /", "http-check expect status 200"));
        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code)
                .containsExactly(CheckStatus.L7OK, 200);
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none", "option httpchk",
                "http-check connect default", "http-check send meth GET uri /"));
        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::code)
                .containsExactly(CheckStatus.L7OK, 200);
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none", "option httpchk",
                "http-check connect", "http-check send meth GET uri /"));
        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L7RSP, "");
    }

    @Test
    void aLastConnectSslPassesWithL6okAndTheTcpCheckInfo() throws IOException {
        // HAProxy 2.6.12: Layer6 check passed, info: "(tcp-check)"
        int port = serve(silent(SELF_SIGNED));
        checks = LiveChecks.start(LiveChecks.backend(port, "verify none", "option tcp-check",
                "tcp-check connect ssl"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "(tcp-check)");
        assertThat(checks.awaitLogLines(1)).containsExactly("Health check for server be/s succeeded, reason: Layer6"
                + " check passed, info: \"(tcp-check)\", check duration: <n>ms, status: 3/3 UP.");
    }

    @Test
    void aBareConnectIsPlainEvenOnAnSslServer() throws IOException {
        // HAProxy 2.6.12, tcp-check connect on a server with ssl and a self-signed backend: Layer4 check passed
        int port = serve(silent(SELF_SIGNED));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none", "option tcp-check",
                "tcp-check connect"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L4OK, "(tcp-check)");
    }

    @Test
    void connectDefaultTakesTheServersTlsAndFailuresCarryTheStep() throws IOException {
        // HAProxy 2.6.12: Layer6 invalid response, info: "SSL handshake failure at step 1 of tcp-check (connect)"
        int port = serve(silent(SELF_SIGNED));
        checks = LiveChecks.start("defaults\n  timeout connect 2s\nbackend be\n  option log-health-checks\n"
                + "  option tcp-check\n  tcp-check connect default\n  server s 127.0.0.1:" + port
                + " check inter 300ms ssl verify required ca-file "
                + writeCa() + "\n");

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6RSP, "SSL handshake failure at step 1 of tcp-check (connect)");
    }

    @Test
    void aSilentPeerBehindConnectSslIsL6toutWithTheStepSuffixAlone() throws IOException {
        // HAProxy 2.6.12: Layer6 timeout, info: " at step 1 of tcp-check (connect)"
        int port = serve(Behaviour.hang());
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none", "option tcp-check",
                "tcp-check connect ssl"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6TOUT, " at step 1 of tcp-check (connect)");
    }

    @Test
    void anImplicitConnectOnAnSslServerPassesWithL6okWithoutInfo() throws IOException {
        // HAProxy 2.6.12, option tcp-check without rules on an ssl server: Layer6 check passed, no info
        int port = serve(silent(SELF_SIGNED));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none", "option tcp-check"));

        assertThat(checks.awaitFirstOutcome()).extracting(CheckOutcome::status, CheckOutcome::info)
                .containsExactly(CheckStatus.L6OK, "");
    }

    @Test
    void aCipherTheServerDoesNotOfferFailsTheHandshakeAndOneItDoesPasses() throws IOException {
        int port = serve(silent(only(SELF_SIGNED, TlsVersion.TLSV1_2)));
        checks = LiveChecks.start(LiveChecks.backend(port, "ssl verify none ciphers AES128-GCM-SHA256"));
        // an ECDSA certificate cannot serve an RSA key-exchange suite
        assertThat(checks.awaitFirstOutcome().info()).isEqualTo("SSL handshake failure");
        checks.close();

        checks = LiveChecks.start(LiveChecks.backend(port,
                "ssl verify none ciphers ECDHE-ECDSA-AES128-GCM-SHA256"));
        assertThat(checks.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L6OK);
    }

    private Path writeCa() throws IOException {
        return TestCertificates.authority("unrelated CA").writePem(files.resolve("ca.pem"));
    }

    /** Starts strict loopback backends where {@code be/s} plays {@code behaviour}. */
    private int serve(Behaviour behaviour) {
        backends = LoopbackBackends.builder().script(SERVER, ServerScript.of(behaviour)).bind();
        backends.start();
        return backends.port(SERVER);
    }
}
