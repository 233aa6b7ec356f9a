package io.haprobe.tls;

import io.haprobe.CheckOutcome;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.Simulation;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbook's "SSL mismatch" cases, each run twice from one table: as a simulation scenario with a scripted TLS
 * backend, and with that same script played on a real socket by {@link LoopbackBackends} and checked live. Each must
 * print the line HAProxy 2.6.12 printed for the case (recorded against {@code openssl s_server}; durations masked):
 * the simulation reproduces HAProxy's outcome, and the loopback player plays a script as the simulation does.
 */
class TlsRunbookCasesTest {

    @TempDir
    static Path files;

    static List<Case> cases() {
        String failed = "Health check for server be/s failed, reason: ";
        String down = ", check duration: <n>ms, status: 0/2 DOWN.";
        String up = ", check duration: <n>ms, status: 3/3 UP.";
        return List.of(
                new Case("trusted certificate, verify required", "ssl verify required ca-file CA", "",
                        "tls: {names: [srv.example]}",
                        "Health check for server be/s succeeded, reason: Layer6 check passed" + up),
                new Case("self-signed certificate, verify required", "ssl verify required ca-file CA", "",
                        "tls: {certificate: self-signed, names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("expired certificate, verify required", "ssl verify required ca-file CA", "",
                        "tls: {certificate: expired, names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("TLS-only backend checked in plain text", "", "option httpchk GET /",
                        "tls: {then: {http: {status: 200}}}",
                        failed + "Layer7 invalid response" + down),
                new Case("ssl on a plain HTTP backend", "ssl verify none", "",
                        "http: {status: 200}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("ssl on a plain backend that closes", "ssl verify none", "",
                        "close: true",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("ssl on a silent plain backend", "ssl verify none", "",
                        "hang: true",
                        failed + "Layer6 timeout" + down),
                // the check cannot tell a TLS server that has not answered its ClientHello yet from a silent one
                new Case("TLS backend slower than the check", "ssl verify required ca-file CA", "",
                        "tls: {delay: 5s}",
                        failed + "Layer6 timeout" + down),
                new Case("TLSv1.3-only backend, ssl-max-ver TLSv1.2", "ssl verify none ssl-max-ver TLSv1.2", "",
                        "tls: {min-version: TLSv1.3}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("SNI the certificate does not carry", "ssl verify required ca-file CA check-sni other.example",
                        "",
                        "tls: {names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"Server presented an SSL certificate different from"
                                + " the expected one\"" + down),
                new Case("verifyhost the certificate does not carry",
                        "ssl verify required ca-file CA verifyhost other.example", "",
                        "tls: {names: [srv.example]}",
                        failed + "Layer6 invalid response, info: \"Server presented an SSL certificate different from"
                                + " the configured one\"" + down),
                new Case("client certificate required, TLS 1.2", "ssl verify none", "",
                        "tls: {max-version: TLSv1.2, client-certificate: required}",
                        failed + "Layer6 invalid response, info: \"SSL handshake failure\"" + down),
                new Case("client certificate required, TLS 1.3, connect only", "ssl verify none", "",
                        "tls: {min-version: TLSv1.3, client-certificate: required}",
                        "Health check for server be/s succeeded, reason: Layer6 check passed" + up),
                new Case("client certificate required, TLS 1.3, httpchk", "ssl verify none", "option httpchk GET /",
                        "tls: {min-version: TLSv1.3, client-certificate: required, then: {http: {status: 200}}}",
                        failed + "Socket error, info: \"SSL fatal error\"" + down),
                new Case("client certificate from crt", "ssl verify required ca-file CA crt CRT",
                        "option httpchk GET /",
                        "tls: {min-version: TLSv1.3, client-certificate: required, then: {http: {status: 200}}}",
                        "Health check for server be/s succeeded, reason: Layer7 check passed, code: 200" + up),
                new Case("httpchk over TLS", "ssl verify required ca-file CA", "option httpchk GET /health",
                        "tls: {then: {http: {status: 200}}}",
                        "Health check for server be/s succeeded, reason: Layer7 check passed, code: 200" + up),
                new Case("ssl with port: a plain check", "ssl verify none port PORT", "",
                        "tls: true",
                        "Health check for server be/s succeeded, reason: Layer4 check passed" + up));
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

    @Tag("live")
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
     * @param behaviour     the scripted backend's behaviour, in scenario YAML
     * @param line          the first line HAProxy 2.6.12 logs, durations masked
     */
    record Case(String name, String serverOptions, String backendLine, String behaviour,
                String line) {


        String config(int port, Path caFile, Path crt) {
            String options = serverOptions.replace("CA", caFile.toString()).replace("CRT", crt.toString())
                    .replace("PORT", Integer.toString(port));
            int serverPort = serverOptions.contains("PORT") ? 1 : port;
            return backendLine.isEmpty() ? LiveChecks.backend(serverPort, options)
                    : LiveChecks.backend(serverPort, options, backendLine);
        }

        String scenario() {
            StringBuilder yaml = new StringBuilder("duration: 2s\nhaproxy: |\n");
            // a simulation reads no file: every ca-file stands for its CA, every crt for its client certificate
            config(8443, Path.of("ca.pem"), Path.of("client.pem")).lines().forEach(line -> yaml.append("  ").append(line).append('\n'));
            return yaml.append("servers:\n  be/s:\n    - at: 0s\n      ").append(behaviour).append('\n').toString();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
