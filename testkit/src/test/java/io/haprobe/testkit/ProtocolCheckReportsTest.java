package io.haprobe.testkit;

import io.haprobe.engine.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * mysql-check and ldap-check report a passing check twice, as HAProxy 2.6.12 does: first the protocol parser's
 * {@code L7OK} with the server version (or {@code Success}), then, at the end of the rules, {@code L7OK} with no
 * info. One good check therefore moves {@code health} two steps, and a server with {@code rise 3} is UP after its
 * second good check. The expected lines are the ones 2.6.12 logged for these very scripts (the conformance suite
 * found the behaviour; its probes {@code rise 3 fall 1} gave {@code 1/3 DOWN} then {@code 2/3 DOWN} from one
 * check). pgsql-check and redis-check report once.
 */
class ProtocolCheckReportsTest {

    private static final String DOWN_AT_BOOT = List.of(
            "t=0ms Health check for server be/s1 failed, reason: Layer4 connection problem, info: \"Connection"
                    + " refused\", check duration: 0ms, status: 0/3 DOWN.",
            "t=0ms Server be/s1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0"
                    + " remaining in queue.",
            "t=0ms backend be has no server available!").toString();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "option mysql-check | '0f0000000a352e372e39392d66616b65000700' | 5.7.99-fake",
            "option ldap-check  | '300c02010161070a010004000400'           | Success"})
    void aPassingCheckMovesHealthTwice(String option, String replyHex, String info) {
        List<String> lines = run(option, replyHex);

        assertThat(lines.subList(0, 3).toString()).isEqualTo(DOWN_AT_BOOT);
        assertThat(lines.subList(3, lines.size())).containsExactly(
                "t=2000ms Health check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, info: \""
                        + info + "\", check duration: 0ms, status: 1/3 DOWN.",
                "t=2000ms Health check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, check"
                        + " duration: 0ms, status: 2/3 DOWN.",
                "t=3000ms Health check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, info: \""
                        + info + "\", check duration: 0ms, status: 1/1 UP.",
                "t=3000ms Server be/s1 is UP. 1 active and 0 backup servers online. 0 sessions requeued, 0 total"
                        + " in queue.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "option pgsql-check user haproxy | '520000000800000000' | PostgreSQL server is ok",
            "option redis-check              | '2b504f4e470d0a'     | Redis server is ok"})
    void otherProtocolChecksReportOnce(String option, String replyHex, String info) {
        List<String> lines = run(option, replyHex);

        assertThat(lines.subList(3, lines.size())).containsExactly(
                "t=2000ms Health check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, info: \""
                        + info + "\", check duration: 0ms, status: 1/3 DOWN.",
                "t=3000ms Health check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, info: \""
                        + info + "\", check duration: 0ms, status: 2/3 DOWN.",
                "t=4000ms Health check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, info: \""
                        + info + "\", check duration: 0ms, status: 1/1 UP.",
                "t=4000ms Server be/s1 is UP. 1 active and 0 backup servers online. 0 sessions requeued, 0 total"
                        + " in queue.");
    }

    /** Refused until 1500 ms, then the reply on every connection; checks every second, rise 3, fall 1. */
    private static List<String> run(String option, String replyHex) {
        Scenario scenario = Scenario.parse("reports.yaml", """
                haproxy: |
                  backend be
                      option log-health-checks
                      %s
                      server s1 10.0.0.1:80 check inter 1s fall 1 rise 3
                duration: 4500ms
                servers:
                  be/s1:
                    - at: 0s
                      refuse: true
                    - at: 1500ms
                      tcp: {banner: true, reply-hex: "%s"}
                """.formatted(option, replyHex), Path.of("."));
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            return simulation.timeline().logLines();
        }
    }
}
