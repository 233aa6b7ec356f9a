package io.haprobe.tls;

import io.haprobe.CheckOutcome;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.Simulation;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.testkit.Scenario;
import io.haprobe.tls.TlsBackend.Answer;
import io.haprobe.tls.TlsBackend.Tls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbook's "SSL mismatch" cases, each run three times from one table: against a real TLS server on loopback,
 * as a simulation scenario with a scripted TLS backend, and with that same script played on a real socket by
 * {@link LoopbackBackends}. Each must print the line HAProxy 2.6.12 printed for the case (recorded against
 * {@code openssl s_server}; durations masked): the simulation reproduces the live outcome, and the loopback player
 * plays a script as the simulation does.
 */
class TlsRunbookCasesTest {

    @TempDir
    static Path files;
    private static TestCertificates.Authority ca;
    private static TestCertificates.Identity server;
    private static Path caFile;
    private static Path crt;

    @BeforeAll
    static void makeCertificates() throws IOException {
        ca = TestCertificates.authority("test CA");
        server = ca.issue(TestCertificates.KeyType.RSA, "srv.example");
        caFile = ca.writePem(files.resolve("ca.pem"));
        crt = ca.issue(TestCertificates.KeyType.EC, "check.example").writePem(files.resolve("client.pem"));
    }

    static List<Case> cases() {
        String failed = "Health check for server be/s failed, reason: ";
        String down = ", check duration: <n>ms, status: 0/2 DOWN.";
        String up = ", check duration: <n>ms, status: 3/3 UP.";
        return List.of(
                new Case("trusted certificate, verify required", "ssl verify required ca-file CA", "",
                        () -> TlsBackend.start(Tls.of(server), Answer.SILENT),
                        "tls: {names: [srv.example]}",
                        "Health check for server be/s succeeded, reason: Layer6 check passed" + up),
                new Case("self-signed certificate, verify required", "ssl verify required ca-file CA", "",
                        () -> TlsBackend.start(Tls.of(TestCertificates.selfSigned(TestCertificates.KeyType.RSA,
                                "srv.example")), Answer.SILENT),
                        "tls: {certificate: self-signed, names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("expired certificate, verify required", "ssl verify required ca-file CA", "",
                        () -> TlsBackend.start(Tls.of(ca.issueExpired(TestCertificates.KeyType.EC, "srv.example")),
                                Answer.SILENT),
                        "tls: {certificate: expired, names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("TLS-only backend checked in plain text", "", "option httpchk GET /",
                        () -> TlsBackend.start(Tls.of(server), Answer.HTTP_OK),
                        "tls: {then: {http: {status: 200}}}",
                        failed + "Layer7 invalid response" + down),
                new Case("ssl on a plain HTTP backend", "ssl verify none", "",
                        () -> TlsBackend.start(null, Answer.BAD_REQUEST),
                        "http: {status: 200}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("ssl on a plain backend that closes", "ssl verify none", "",
                        () -> TlsBackend.start(null, Answer.CLOSE),
                        "close: true",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("ssl on a silent plain backend", "ssl verify none", "",
                        () -> TlsBackend.start(null, Answer.SILENT),
                        "hang: true",
                        failed + "Layer6 timeout" + down),
                // the check cannot tell a TLS server that has not answered its ClientHello yet from a silent one
                new Case("TLS backend slower than the check", "ssl verify required ca-file CA", "",
                        () -> TlsBackend.start(null, Answer.SILENT),
                        "tls: {delay: 5s}",
                        failed + "Layer6 timeout" + down),
                new Case("TLSv1.3-only backend, ssl-max-ver TLSv1.2", "ssl verify none ssl-max-ver TLSv1.2", "",
                        () -> TlsBackend.start(Tls.of(server).protocols("TLSv1.3"), Answer.SILENT),
                        "tls: {min-version: TLSv1.3}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("SNI the certificate does not carry", "ssl verify required ca-file CA check-sni other.example",
                        "", () -> TlsBackend.start(Tls.of(server), Answer.SILENT),
                        "tls: {names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"Server presented an SSL certificate different from"
                                + " the expected one\"" + down),
                new Case("verifyhost the certificate does not carry",
                        "ssl verify required ca-file CA verifyhost other.example", "",
                        () -> TlsBackend.start(Tls.of(server), Answer.SILENT),
                        "tls: {names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"Server presented an SSL certificate different from"
                                + " the configured one\"" + down),
                new Case("client certificate required, TLS 1.2", "ssl verify none", "",
                        () -> TlsBackend.start(Tls.of(server).protocols("TLSv1.2").requireClientCertificate(ca),
                                Answer.SILENT),
                        "tls: {max-version: TLSv1.2, client-certificate: required}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("client certificate required, TLS 1.3, connect only", "ssl verify none", "",
                        () -> TlsBackend.start(Tls.of(server).protocols("TLSv1.3").requireClientCertificate(ca),
                                Answer.SILENT),
                        "tls: {min-version: TLSv1.3, client-certificate: required}",
                        "Health check for server be/s succeeded, reason: Layer6 check passed" + up),
                new Case("client certificate required, TLS 1.3, httpchk", "ssl verify none", "option httpchk GET /",
                        () -> TlsBackend.start(Tls.of(server).protocols("TLSv1.3").requireClientCertificate(ca),
                                Answer.HTTP_OK),
                        "tls: {min-version: TLSv1.3, client-certificate: required, then: {http: {status: 200}}}",
                        failed + "Socket error, info: \"SSL fatal error\"" + down),
                new Case("client certificate from crt", "ssl verify required ca-file CA crt CRT",
                        "option httpchk GET /",
                        () -> TlsBackend.start(Tls.of(server).protocols("TLSv1.3").requireClientCertificate(ca),
                                Answer.HTTP_OK),
                        "tls: {min-version: TLSv1.3, client-certificate: required, then: {http: {status: 200}}}",
                        "Health check for server be/s succeeded, reason: Layer7 check passed, code: 200" + up),
                new Case("httpchk over TLS", "ssl verify required ca-file CA", "option httpchk GET /health",
                        () -> TlsBackend.start(Tls.of(server), Answer.HTTP_OK),
                        "tls: {then: {http: {status: 200}}}",
                        "Health check for server be/s succeeded, reason: Layer7 check passed, code: 200" + up),
                new Case("ssl with port: a plain check", "ssl verify none port PORT", "",
                        () -> TlsBackend.start(Tls.of(server), Answer.SILENT),
                        "tls: true",
                        "Health check for server be/s succeeded, reason: Layer4 check passed" + up));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void liveAgainstARealTlsServer(Case runbook) {
        try (TlsBackend backend = runbook.live().get();
             LiveChecks checks = LiveChecks.start(runbook.config(backend.port()))) {
            assertThat(checks.awaitLogLines(1)).containsExactly(runbook.line());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void simulatedAgainstAScriptedTlsBackend(Case runbook) {
        Scenario scenario = Scenario.parse("runbook.yaml", runbook.scenario(), files);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runFor(Duration.ofSeconds(2));
            assertThat(simulation.timeline().logLines()).first().asString()
                    .satisfies(line -> assertThat(line.replaceFirst("^t=\\d+ms ", "")
                            .replaceAll("check duration: \\d+ms", "check duration: <n>ms")).isEqualTo(runbook.line()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void playedOnLoopbackAndCheckedLiveLikeSimulated(Case runbook, @TempDir Path dir) throws IOException {
        Scenario scenario = Scenario.parse("runbook.yaml", runbook.scenario(), files);
        CheckOutcome simulated;
        String simulatedLine;
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runFor(Duration.ofSeconds(2));
            List<HealthEvent.CheckCompleted> checks = simulation.timeline().checks("be/s");
            assertThat(checks).as("simulated checks").isNotEmpty();
            simulated = checks.get(0).outcome();
            simulatedLine = simulation.timeline().logLines().get(0).replaceFirst("^t=\\d+ms ", "")
                    .replaceAll("check duration: \\d+ms", "check duration: <n>ms");
        }

        LoopbackBackends.Builder player = LoopbackBackends.builder();
        scenario.scripts().forEach(player::script);
        try (LoopbackBackends backends = player.bind()) {
            Path playerCa = backends.writeCaFile(dir.resolve("ca.pem"));
            Path playerCrt = backends.writeCrtFile(dir.resolve("client.pem"));
            backends.start();
            try (LiveChecks checks = LiveChecks.start(runbook.config(backends.port("be/s"), playerCa, playerCrt))) {
                List<String> lines = checks.awaitLogLines(1);
                CheckOutcome live = checks.awaitFirstOutcome();

                assertThat(live.status()).isEqualTo(simulated.status());
                assertThat(live.code()).isEqualTo(simulated.code());
                assertThat(live.info()).isEqualTo(simulated.info());
                assertThat(lines).containsExactly(simulatedLine);
                assertThat(simulatedLine).isEqualTo(runbook.line());
            }
            assertThat(backends.errors()).isEmpty();
        }
    }

    /**
     * One runbook case.
     *
     * @param name          what it shows
     * @param serverOptions the server line's options; {@code CA}, {@code CRT} and {@code PORT} stand for the CA file,
     *                      the client certificate file and the backend's port
     * @param backendLine   one more backend line, or empty
     * @param live          starts the real backend
     * @param behaviour     the scripted backend's behaviour, in scenario YAML
     * @param line          the first line HAProxy 2.6.12 logs, durations masked
     */
    record Case(String name, String serverOptions, String backendLine, Supplier<TlsBackend> live, String behaviour,
                String line) {

        String config(int port) {
            return config(port, caFile, crt);
        }

        String config(int port, Path caFile, Path crt) {
            String options = serverOptions.replace("CA", caFile.toString()).replace("CRT", crt.toString())
                    .replace("PORT", Integer.toString(port));
            int serverPort = serverOptions.contains("PORT") ? 1 : port;
            return backendLine.isEmpty() ? LiveChecks.backend(serverPort, options)
                    : LiveChecks.backend(serverPort, options, backendLine);
        }

        String scenario() {
            StringBuilder yaml = new StringBuilder("duration: 2s\nhaproxy: |\n");
            config(8443).lines().forEach(line -> yaml.append("  ").append(line).append('\n'));
            return yaml.append("servers:\n  be/s:\n    - at: 0s\n      ").append(behaviour).append('\n').toString();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
