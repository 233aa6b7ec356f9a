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
 * What a scripted TLS backend does once the handshake is done ({@code then}: close, reset, a banner, a sequence),
 * played on a real socket by {@link LoopbackBackends} and checked by the live engine, gives the outcome the
 * simulation gives for the same script. The runbook's handshake cases are in {@link TlsRunbookCasesTest}.
 */
class LoopbackTlsTest {

    static List<Case> cases() {
        return List.of(
                new Case("close_notify and FIN instead of an HTTP answer", "option httpchk GET /",
                        "tls: {then: {close: {delay: 20ms}}}", "L7RSP"),
                new Case("RST after the handshake", "option httpchk GET /",
                        "tls: {then: {reset: true}}", "SOCKERR"),
                new Case("a banner over TLS", "option tcp-check\n  tcp-check expect string +OK",
                        "tls: {then: {tcp: {reply: \"+OK ready\\r\\n\", banner: true}}}", "L7OK"),
                new Case("a reply to the check's bytes over TLS",
                        "option tcp-check\n  tcp-check send PING\\r\\n\n  tcp-check expect string PONG",
                        "tls: {then: {tcp: {reply: \"PONG\\r\\n\"}}}", "L7OK"),
                new Case("an HTTP answer slower than the handshake", "option httpchk GET /",
                        "tls: {delay: 30ms, then: {http: {status: 503, delay: 20ms}}}", "L7STS"),
                new Case("a sequence of TLS servers: the first connection's",
                        "option httpchk GET /",
                        "sequence: [{tls: {then: {http: {status: 200}}}}, {tls: {certificate: self-signed}}]",
                        "L7OK"));
    }

    @Tag("live")
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void playedOnLoopbackAndCheckedLiveLikeSimulated(Case c, @TempDir Path dir) throws IOException {
        Scenario scenario = Scenario.parse("loopback.yaml", c.scenario(), dir);
        CheckOutcome simulated;
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runFor(Duration.ofSeconds(2));
            List<HealthEvent.CheckCompleted> checks = simulation.timeline().checks("be/s");
            assertThat(checks).as("simulated checks").isNotEmpty();
            simulated = checks.get(0).outcome();
        }

        LoopbackBackends.Builder player = LoopbackBackends.builder();
        scenario.scripts().forEach(player::script);
        try (LoopbackBackends backends = player.bind()) {
            backends.start();
            try (LiveChecks checks = LiveChecks.start(c.config(backends.port("be/s"), backends.writeCaFile(
                    dir.resolve("ca.pem"))))) {
                CheckOutcome live = checks.awaitFirstOutcome();

                assertThat(simulated.status().tag()).isEqualTo(c.status());
                assertThat(live.status()).isEqualTo(simulated.status());
                assertThat(live.code()).isEqualTo(simulated.code());
                assertThat(live.info()).isEqualTo(simulated.info());
            }
            assertThat(backends.errors()).isEmpty();
        }
    }

    /**
     * One case.
     *
     * @param name        what it shows
     * @param backendLine the backend's check lines
     * @param behaviour   the scripted backend's first phase, in scenario YAML
     * @param status      the status tag the first check has, simulated and live
     */
    record Case(String name, String backendLine, String behaviour, String status) {

        String config(int port, Path caFile) {
            return LiveChecks.backend(port, "ssl verify required ca-file " + caFile, backendLine);
        }

        String scenario() {
            StringBuilder yaml = new StringBuilder("duration: 2s\nhaproxy: |\n");
            config(8443, Path.of("ca.pem")).lines().forEach(line -> yaml.append("  ").append(line).append('\n'));
            return yaml.append("servers:\n  be/s:\n    - at: 0s\n      ").append(behaviour).append('\n').toString();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
