package io.haprobe.tls;

import io.haprobe.engine.Simulation;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Scripted TLS backends on virtual time: timelines, determinism, and what the backend presents and accepts. */
class SimulatedTlsTest {

    @TempDir
    Path dir;

    @Test
    void aCertificateRotatedToASelfSignedOneTakesTheServerDownAtFallChecks() {
        List<String> lines = run("""
                duration: 30s
                haproxy: |
                  backend be
                    server s 10.0.0.1:443 check inter 2s ssl ca-file /etc/haproxy/ca.pem
                servers:
                  be/s:
                    - at: 0s
                      tls: {names: [app.internal]}
                    - at: 10s
                      tls: {certificate: self-signed, names: [app.internal]}
                """);

        assertThat(lines).containsExactly("t=14000ms Server be/s is DOWN, reason: Layer6 invalid response, info: \"SSL"
                + " handshake failure\", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0"
                + " requeued, 0 remaining in queue.", "t=14000ms backend be has no server available!");
    }

    @Test
    void theSameScenarioGivesTheSameTimeline() {
        String scenario = """
                duration: 60s
                seed: 11
                haproxy: |
                  global
                    spread-checks 20
                  backend be
                    option httpchk GET /
                    option log-health-checks
                    server s 10.0.0.1:443 check inter 1s ssl verify none
                servers:
                  be/s:
                    - at: 0s
                      sequence:
                        - tls: {delay: 10ms..90ms, then: {http: {status: 200}}}
                        - tls: {delay: 10ms..90ms, then: {http: {status: 200}}}
                        - tls: {certificate: expired}
                        - hang: true
                """;

        List<String> first = run(scenario);
        assertThat(first).hasSizeGreaterThan(4);
        assertThat(run(scenario)).isEqualTo(first);
    }

    @Test
    void aStrictSniServerRefusesAnotherNameAndAnswersNoSni() {
        String scenario = """
                duration: 3s
                haproxy: |
                  backend be
                    option log-health-checks
                    server s 10.0.0.1:443 check inter 1s ssl verify none %s
                servers:
                  be/s:
                    - at: 0s
                      tls: {names: [app.internal], sni: [app.internal]}
                """;

        assertThat(run(scenario.formatted("check-sni other.internal"))).first().asString()
                .contains("Layer6 invalid response, info: \"SSL handshake failure\"");
        assertThat(run(scenario.formatted(""))).first().asString().contains("Layer6 check passed");
        assertThat(run(scenario.formatted("check-sni APP.internal"))).first().asString()
                .contains("Layer6 check passed");
    }

    @Test
    void aHandshakeDelayShowsInTheCheckDuration() {
        List<String> lines = run("""
                duration: 3s
                haproxy: |
                  backend be
                    option log-health-checks
                    option httpchk GET /
                    server s 10.0.0.1:443 check inter 1s ssl verify none
                servers:
                  be/s:
                    - at: 0s
                      tls: {delay: 40ms, then: {http: {status: 200, delay: 25ms}}}
                """);

        assertThat(lines).first().asString().endsWith("Health check for server be/s succeeded, reason: Layer7 check"
                + " passed, code: 200, check duration: 65ms, status: 3/3 UP.");
    }

    @Test
    void aHandshakeSlowerThanTheCheckIsL6tout() {
        List<String> lines = run("""
                duration: 3s
                haproxy: |
                  defaults
                    timeout connect 500ms
                    timeout check 2s
                  backend be
                    option log-health-checks
                    server s 10.0.0.1:443 check inter 10s ssl verify none
                servers:
                  be/s:
                    - at: 0s
                      tls: {delay: 800ms}
                """);

        assertThat(lines).first().asString().endsWith("Health check for server be/s failed, reason: Layer6 timeout,"
                + " check duration: 500ms, status: 0/2 DOWN.");
    }

    @Test
    void ecdsaAndRsaCertificatesBothServeAVerifiedCheck() {
        for (String key : List.of("rsa", "ec")) {
            assertThat(run("""
                    duration: 2s
                    haproxy: |
                      backend be
                        option log-health-checks
                        server s 10.0.0.1:443 check inter 1s ssl ca-file ca.pem verifyhost app.internal
                    servers:
                      be/s:
                        - at: 0s
                          tls: {key: %s, names: ["*.internal"]}
                    """.formatted(key))).first().asString().contains("Layer6 check passed");
        }
    }

    private List<String> run(String yaml) {
        Scenario scenario = Scenario.parse("scenario.yaml", yaml, dir);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runFor(scenario.duration());
            return simulation.timeline().logLines();
        }
    }
}
