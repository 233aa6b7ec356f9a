package io.haprobe.cli;

import io.haprobe.diagnosis.Cause;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.engine.Simulation;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diagnosis of each example scenario (one per runbook root cause), on virtual time with the follow-up probes
 * against the scripted backends: the cause, the key evidence and the fix lines.
 */
class ExampleScenarioDiagnosisTest {

    private static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples/scenarios");

    private static List<Diagnosis> diagnose(String name, Duration duration) {
        Scenario scenario = Scenario.parse(EXAMPLES.resolve(name).resolve("scenario.yaml"));
        if (duration != null) {
            scenario = scenario.withDurationNanos(duration.toNanos());
        }
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            return simulation.diagnoses(true);
        }
    }

    @Test
    void wrongStatusIsCheckMisconfiguredFixedByExpectingTheStatusTheServerAnswers() {
        assertThat(diagnose("wrong-status", null)).singleElement().satisfies(d -> {
            assertThat(d.server()).isEqualTo("web01");
            assertThat(d.cause()).isEqualTo(Cause.CHECK_MISCONFIGURED);
            assertThat(d.evidence().get(0)).isEqualTo("10.0.1.11:8080 answered 204 \"No Content\" (L7STS) on 11 of "
                    + "16 checks");
            assertThat(d.fix().before()).isEqualTo("http-check expect status 200");
            assertThat(d.fix().after()).isEqualTo("http-check expect status 204");
        });
    }

    @Test
    void rstatusFixNeedsNoDiagnosis() {
        assertThat(diagnose("rstatus-fix", null)).isEmpty();
    }

    @Test
    void portMismatchNamesTheTrafficPortThatListens() {
        assertThat(diagnose("port-mismatch", null)).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.PORT_MISMATCH);
            assertThat(d.evidence()).containsExactly(
                    "10.0.2.21:9090 refused the connection (L4CON) on 11 of 11 checks: nothing listens there",
                    "10.0.2.21:8080: accepts connections");
            assertThat(d.fix().before()).isEqualTo("server api01 10.0.2.21:8080 check port 9090");
            assertThat(d.fix().after()).isEqualTo("server api01 10.0.2.21:8080 check port 8080");
        });
    }

    @Test
    void sslMismatchTellsTheCaTheNameAndTheVersionApart() {
        List<Diagnosis> diagnoses = diagnose("ssl-mismatch", null);
        assertThat(diagnoses).extracting(Diagnosis::cause).containsOnly(Cause.SSL_MISMATCH).hasSize(3);
        assertThat(diagnoses.get(0).fix().after()).isEqualTo("server web01 10.0.1.11:8443 check ca-file "
                + "<issuing-ca.pem>");
        assertThat(diagnoses.get(0).evidence()).contains("a follow-up handshake with 'verify none': passes (L7OK 200"
                + " in 0ms)");
        assertThat(diagnoses.get(0).evidence()).anyMatch(e -> e.matches("the server presents subject "
                + "'CN=app.internal', issuer 'CN=app.internal' \\(self-signed\\), SAN \\[DNS:app.internal], valid \\S+ to"
                + " \\S+, over TLSv1.3"));
        assertThat(diagnoses.get(0).evidence()).anyMatch(e -> e.startsWith("why verification fails: unknown CA: the "
                + "chain does not lead to a CA of 'ca-file'"));
        assertThat(diagnoses.get(0).fix().summary()).contains("(it is self-signed: the certificate itself)");
        assertThat(diagnoses.get(1).evidence()).anyMatch(e -> e.startsWith("the server presents subject "
                + "'CN=web02.internal', issuer 'CN=haprobe simulation ca' (not self-signed), SAN [DNS:web02.internal]"));
        assertThat(diagnoses.get(1).evidence()).contains("why verification fails: name mismatch (the certificate does"
                + " not carry 'app.internal' (the SNI, 'check-sni'))");
        assertThat(diagnoses.get(1).fix().after()).isEqualTo("server web02 10.0.1.12:8443 check check-sni "
                + "web02.internal");
        assertThat(diagnoses.get(2).evidence()).contains("why verification fails: protocol version (the server chose"
                + " TLSv1.3, the check allows TLSv1.2)");
        assertThat(diagnoses.get(2).fix().before()).isEqualTo("server web03 10.0.1.13:8443 check ssl-max-ver "
                + "TLSv1.2");
        assertThat(diagnoses.get(2).fix().after()).isEqualTo("server web03 10.0.1.13:8443 check");
    }

    @Test
    void timeoutTooLowMeasuresTheLatencyAndDoublesIt() {
        assertThat(diagnose("timeout-too-low", null)).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.TIMEOUT_TOO_LOW);
            assertThat(d.evidence()).contains("the timeout that applied: timeout check 2000ms",
                    "a follow-up check with a long timeout got L7OK 200 in 3000ms");
            assertThat(d.fix().before()).isEqualTo("timeout check 2s");
            assertThat(d.fix().after()).isEqualTo("timeout check 6000ms");
        });
    }

    @Test
    void crashIsBackendDownWithWhenItWasLastUp() {
        assertThat(diagnose("crash-recovery", Duration.ofSeconds(20))).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
            assertThat(d.evidence()).anyMatch(e -> e.matches("the server was UP until \\d+ms into the run, then "
                    + "refused: it crashed or was stopped"));
            assertThat(d.fix().changesConfig()).isFalse();
        });
    }

    @Test
    void firewallDropIsNetworkBlocked() {
        assertThat(diagnose("firewall-drop", null)).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.NETWORK_BLOCKED);
            assertThat(d.evidence()).contains("the checks leave from 127.0.0.1 (no 'source' is set: the host's "
                    + "address for the route to 10.0.7.71)");
            assertThat(d.fix().after()).isEqualTo("server pg01 10.0.7.71:5432 check source <allowed-address>");
        });
    }

    @Test
    void flappingEndsUpWithoutDiagnosis() {
        assertThat(diagnose("flapping", null)).isEmpty();
    }

    @Test
    void backupTakeoverNamesTheFailingApplicationAndTheStoppedSorryServer() {
        List<Diagnosis> diagnoses = diagnose("backup-takeover", null);
        assertThat(diagnoses).extracting(Diagnosis::cause).containsOnly(Cause.BACKEND_DOWN);
        assertThat(diagnoses.get(0).fix().summary()).startsWith("the application reports itself unhealthy (500)");
    }
}
