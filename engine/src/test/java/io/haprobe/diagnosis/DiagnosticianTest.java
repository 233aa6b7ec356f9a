package io.haprobe.diagnosis;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure decision: cause, evidence and fix from a config, a history and follow-ups, no I/O. */
class DiagnosticianTest {

    private static final long MS = 1_000_000L;

    private static Diagnosis diagnose(String backendLines, String serverLine, List<CheckOutcome> outcomes,
                                      long lastUp, List<FollowUp> followUps, boolean probed) {
        String text = "defaults\n    mode http\n    timeout connect 2s\nbackend be\n" + backendLines + "    "
                + serverLine + "\n";
        HaproxyConfig config = HaproxyConfig.parse("mem.cfg", text);
        ProxyConfig proxy = config.proxies().get(0);
        ServerConfig server = proxy.servers().get(0);
        List<CheckRecord> checks = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            checks.add(new CheckRecord(i * 1000L, outcomes.get(i)));
        }
        List<String> lines = text.lines().toList();
        return Diagnostician.diagnose(proxy, server, null, ServerHistory.of(checks, lastUp), followUps, probed,
                location -> location.line() <= lines.size() ? lines.get(location.line() - 1).trim() : null);
    }

    private static List<CheckOutcome> times(int n, CheckOutcome outcome) {
        return java.util.Collections.nCopies(n, outcome);
    }

    @Test
    void notFoundIsAWrongPath() {
        Diagnosis d = diagnose("    option httpchk GET /healthz\n", "server s1 10.0.0.1:80 check",
                times(3, CheckOutcome.of(CheckStatus.L7STS, 404, "Not Found", MS)), -1, List.of(), true);
        assertThat(d.cause()).isEqualTo(Cause.CHECK_MISCONFIGURED);
        assertThat(d.evidence()).contains("rejected by option httpchk's implicit 'http-check expect status 200-399'",
                "the check's path does not exist on the server");
        assertThat(d.fix().changesConfig()).isFalse();
    }

    @Test
    void notFoundWithAnotherConfiguredPathThatAnswersProposesThatPath() {
        CheckOutcome notFound = CheckOutcome.of(CheckStatus.L7STS, 404, "Not Found", MS);
        Diagnosis d = diagnose("    option httpchk GET /healthz HTTP/1.1\n", "server s1 10.0.0.1:80 check",
                times(3, notFound), -1, List.of(
                        new FollowUp(FollowUp.Kind.PATH, "10.0.0.1", 80, notFound, "/status"),
                        new FollowUp(FollowUp.Kind.PATH, "10.0.0.1", 80,
                                CheckOutcome.of(CheckStatus.L7OK, 200, "OK", 2 * MS), "/ready")), true);

        assertThat(d.cause()).isEqualTo(Cause.CHECK_MISCONFIGURED);
        assertThat(d.evidence()).contains(
                "the same check with '/status' (another check's path in the config): L7STS 404 \"Not Found\" in 1ms",
                "the same check with '/ready' (another check's path in the config): L7OK 200 \"OK\" in 2ms, the server"
                        + " serves it");
        assertThat(d.fix().summary()).isEqualTo("check the path the server serves (/ready, which another check in "
                + "the config uses)");
        assertThat(d.fix().before()).isEqualTo("option httpchk GET /healthz HTTP/1.1");
        assertThat(d.fix().after()).isEqualTo("option httpchk GET /ready HTTP/1.1");
    }

    @Test
    void notFoundEverywhereKeepsTheBackendSideFix() {
        CheckOutcome notFound = CheckOutcome.of(CheckStatus.L7STS, 404, "Not Found", MS);
        Diagnosis d = diagnose("    option httpchk\n    http-check send meth GET uri /healthz ver HTTP/1.1\n",
                "server s1 10.0.0.1:80 check", times(3, notFound), -1,
                List.of(new FollowUp(FollowUp.Kind.PATH, "10.0.0.1", 80, notFound, "/status")), true);

        assertThat(d.evidence()).contains("the same check with '/status' (another check's path in the config): L7STS"
                + " 404 \"Not Found\" in 1ms");
        assertThat(d.fix().changesConfig()).isFalse();
    }

    @Test
    void anHttpCheckSendUriIsTheLineTheFixChanges() {
        CheckOutcome notFound = CheckOutcome.of(CheckStatus.L7STS, 404, "Not Found", MS);
        Diagnosis d = diagnose("    option httpchk\n    http-check send meth GET uri /healthz ver HTTP/1.1\n",
                "server s1 10.0.0.1:80 check", times(3, notFound), -1,
                List.of(new FollowUp(FollowUp.Kind.PATH, "10.0.0.1", 80,
                        CheckOutcome.of(CheckStatus.L7STS, 301, "Moved", MS), "/health/")), true);

        assertThat(d.fix().before()).isEqualTo("http-check send meth GET uri /healthz ver HTTP/1.1");
        assertThat(d.fix().after()).isEqualTo("http-check send meth GET uri /health/ ver HTTP/1.1");
    }

    @Test
    void aRedirectUnderAStatusRuleIsFixedWithTheRange() {
        Diagnosis d = diagnose("    option httpchk GET /\n    http-check expect status 200\n",
                "server s1 10.0.0.1:80 check", times(3, CheckOutcome.of(CheckStatus.L7STS, 301, "Moved", MS)), -1,
                List.of(), true);
        assertThat(d.fix().before()).isEqualTo("http-check expect status 200");
        assertThat(d.fix().after()).isEqualTo("http-check expect status 200-399");
    }

    @Test
    void aServerErrorIsTheBackendsProblem() {
        Diagnosis d = diagnose("    option httpchk GET /\n", "server s1 10.0.0.1:80 check",
                times(3, CheckOutcome.of(CheckStatus.L7STS, 503, "Service Unavailable", MS)), -1, List.of(), true);
        assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
        assertThat(d.fix().summary()).startsWith("the application reports itself unhealthy (503)");
    }

    @Test
    void anIcmpUnreachableIsNetworkBlocked() {
        Diagnosis d = diagnose("", "server s1 10.0.0.1:80 check",
                times(3, CheckOutcome.of(CheckStatus.L4CON, 0, "No route to host", MS)), -1, List.of(), true);
        assertThat(d.cause()).isEqualTo(Cause.NETWORK_BLOCKED);
        assertThat(d.evidence().get(0)).endsWith("(an ICMP unreachable)");
    }

    @Test
    void aTimeoutWithoutProbesIsUnknownAndSaysWhy() {
        Diagnosis d = diagnose("    option httpchk GET /\n", "server s1 10.0.0.1:80 check inter 3s",
                times(3, CheckOutcome.of(CheckStatus.L7TOUT, 0, "", 3000 * MS)), -1, List.of(), false);
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(d.evidence()).contains("the timeout that applied: inter (no timeout check) 3000ms",
                "no follow-up probe (--no-probe): cannot tell a slow server from a hung one");
    }

    @Test
    void aTimeoutWithoutTimeoutCheckAddsOneToTheBackend() {
        Diagnosis d = diagnose("    option httpchk GET /\n", "server s1 10.0.0.1:80 check",
                times(3, CheckOutcome.of(CheckStatus.L7TOUT, 0, "", 2000 * MS)), -1,
                List.of(new FollowUp(FollowUp.Kind.LONG_TIMEOUT, "10.0.0.1", 80,
                        CheckOutcome.of(CheckStatus.L7OK, 200, "OK", 2400 * MS), null)), true);
        assertThat(d.cause()).isEqualTo(Cause.TIMEOUT_TOO_LOW);
        assertThat(d.fix().before()).isEqualTo("backend be");
        assertThat(d.fix().after()).isEqualTo("backend be\n    timeout check 5000ms");
    }

    @Test
    void aPlainCheckAnsweredInTlsAddsCheckSsl() {
        Diagnosis d = diagnose("", "server s1 10.0.0.1:443 check",
                times(3, CheckOutcome.of(CheckStatus.L6RSP, 0, "SSL handshake failure", MS)), -1, List.of(), true);
        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:443 check check-ssl verify none");
    }

    @Test
    void theServerLineIsRebuiltWhenTheFileCannotBeRead() {
        HaproxyConfig config = HaproxyConfig.parse("mem.cfg", "backend be\n    server s1 10.0.0.1:80 check port 81\n");
        ProxyConfig proxy = config.proxies().get(0);
        Diagnosis d = Diagnostician.diagnose(proxy, proxy.servers().get(0), null,
                ServerHistory.of(List.of(new CheckRecord(0, CheckOutcome.of(CheckStatus.L4CON, 0,
                        "Connection refused", 0))), -1),
                List.of(new FollowUp(FollowUp.Kind.PORT, "10.0.0.1", 80, CheckOutcome.of(CheckStatus.L4OK, 0, "", 0), null)),
                true, location -> null);
        assertThat(d.cause()).isEqualTo(Cause.PORT_MISMATCH);
        assertThat(d.fix().before()).isEqualTo("server s1 10.0.0.1:80 check port 81");
        assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:80 check port 80");
    }

    @Test
    void noCheckIsUnknown() {
        Diagnosis d = diagnose("", "server s1 10.0.0.1:80 check", List.of(), -1, List.of(), true);
        assertThat(d.cause()).isEqualTo(Cause.UNKNOWN);
        assertThat(d.evidence()).containsExactly("no check of 10.0.0.1:80 completed during the run");
    }
}
