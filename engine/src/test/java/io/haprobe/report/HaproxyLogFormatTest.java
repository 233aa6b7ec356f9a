package io.haprobe.report;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.health.HealthCounter;
import io.haprobe.report.HaproxyLogFormat.Counts;
import io.haprobe.report.HaproxyLogFormat.ServerName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HaproxyLogFormatTest {

    private static final long MS = 1_000_000L;

    @Test
    void downLineWithReasonCodeInfoAndDuration() {
        String line = HaproxyLogFormat.transition(new ServerName("app_backend", "web01", false), ServerState.DOWN,
                CheckOutcome.of(CheckStatus.L7STS, 204, "No Content", 0), Counts.of(0, 0));
        assertThat(line).isEqualTo("Server app_backend/web01 is DOWN, reason: Layer7 wrong status, code: 204, "
                + "info: \"No Content\", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, "
                + "0 requeued, 0 remaining in queue.");
    }

    @Test
    void timeoutHasNoInfoAndNoCode() {
        String line = HaproxyLogFormat.transition(new ServerName("be", "s2", false), ServerState.DOWN,
                CheckOutcome.of(CheckStatus.L7TOUT, 0, "", 1006 * MS), Counts.of(0, 0));
        assertThat(line).isEqualTo("Server be/s2 is DOWN, reason: Layer7 timeout, check duration: 1006ms. "
                + "0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.");
    }

    @Test
    void upLineSaysOnlineAndTotalInQueue() {
        String line = HaproxyLogFormat.transition(new ServerName("be", "s1", false), ServerState.UP,
                CheckOutcome.of(CheckStatus.L7OK, 200, "", 0), Counts.of(1, 0));
        assertThat(line).isEqualTo("Server be/s1 is UP, reason: Layer7 check passed, code: 200, check duration: 0ms. "
                + "1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.");
    }

    @Test
    void backupServerUpWithRunningOnBackupAndNoReason() {
        String line = HaproxyLogFormat.transition(new ServerName("be", "bk", true), ServerState.UP, null,
                Counts.of(0, 1));
        assertThat(line).isEqualTo("Backup Server be/bk is UP. 0 active and 1 backup servers online. "
                + "Running on backup. 0 sessions requeued, 0 total in queue.");
    }

    @Test
    void stoppingLineForAConditionalPass() {
        String line = HaproxyLogFormat.transition(new ServerName("nolb", "n1", false), ServerState.NOLB,
                CheckOutcome.of(CheckStatus.L7OKC, 404, "", 0), Counts.of(1, 0));
        assertThat(line).isEqualTo("Server nolb/n1 is stopping, reason: Layer7 check conditionally passed, "
                + "code: 404, check duration: 0ms. 1 active and 0 backup servers online. 0 sessions requeued, "
                + "0 total in queue.");
    }

    @Test
    void connectionProblemCarriesTheErrnoText() {
        String line = HaproxyLogFormat.transition(new ServerName("be", "s2", false), ServerState.DOWN,
                CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0), Counts.of(1, 0));
        assertThat(line).startsWith("Server be/s2 is DOWN, reason: Layer4 connection problem, "
                + "info: \"Connection refused\", check duration: 0ms. 1 active");
    }

    @Test
    void infoEscapesAngleBracketsQuotesAndEachServerByteAboveAscii() {
        // HAProxy 2.6.12, reason phrase bytes "Bad \xff\xe9\x01\x7f\" x\\y": info: "Bad <FF><E9><01><7F><22> x\y"
        StringBuilder line = HaproxyLogFormat.appendReason(new StringBuilder(),
                CheckOutcome.of(CheckStatus.L7STS, 500, "<x> \"q\" \u00e9\t\u00ff\u007f\\", 0));
        assertThat(line.toString()).isEqualTo(", reason: Layer7 wrong status, code: 500, "
                + "info: \"<3C>x<3E> <22>q<22> <E9><09><FF><7F>\\\", check duration: 0ms");
    }

    @Test
    void configTextAboveLatin1IsPrintedAsItsUtf8Bytes() {
        assertThat(HaproxyLogFormat.appendEscaped(new StringBuilder(), "\u20ac").toString())
                .isEqualTo("<E2><82><AC>");
    }

    @Test
    void perCheckLinesOfLogHealthChecks() {
        ServerName s1 = new ServerName("be", "s1", false);
        assertThat(HaproxyLogFormat.healthCheck(s1, CheckOutcome.of(CheckStatus.L7OK, 200, "", MS),
                new HealthCounter(2, 3, 4), 1)).isEqualTo("Health check for server be/s1 succeeded, reason: "
                + "Layer7 check passed, code: 200, check duration: 1ms, status: 3/3 UP.");
        assertThat(HaproxyLogFormat.healthCheck(s1, CheckOutcome.of(CheckStatus.L7STS, 503, "Reason503", 0),
                new HealthCounter(2, 3, 3), 1)).isEqualTo("Health check for server be/s1 failed, reason: "
                + "Layer7 wrong status, code: 503, info: \"Reason503\", check duration: 0ms, status: 2/3 UP.");
        assertThat(HaproxyLogFormat.healthCheck(s1, CheckOutcome.of(CheckStatus.L7STS, 503, "Reason503", 0),
                new HealthCounter(2, 3, 0), 1)).endsWith(", status: 0/2 DOWN.");
        assertThat(HaproxyLogFormat.healthCheck(s1, CheckOutcome.of(CheckStatus.L7OK, 200, "", 0),
                new HealthCounter(2, 3, 1), 1)).endsWith(", status: 1/2 DOWN.");
    }

    @Test
    void perCheckLineSaysDrainForWeightZeroAndBackupServer() {
        ServerName backup = new ServerName("be_w", "w1", true);
        assertThat(HaproxyLogFormat.healthCheck(backup, CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0),
                new HealthCounter(2, 3, 3), 0)).isEqualTo("Health check for backup server be_w/w1 failed, reason: "
                + "Layer4 connection problem, info: \"Connection refused\", check duration: 0ms, status: 2/3 DRAIN.");
        assertThat(HaproxyLogFormat.healthCheck(backup, CheckOutcome.of(CheckStatus.L7OKC, 404, "", 0),
                new HealthCounter(2, 3, 4), 1)).contains("conditionally succeeded");
    }

    @Test
    void noServerAvailableNamesBackendOrProxy() {
        assertThat(HaproxyLogFormat.noServerAvailable("backend", "app_backend"))
                .isEqualTo("backend app_backend has no server available!");
        assertThat(HaproxyLogFormat.noServerAvailable("proxy", "li")).isEqualTo("proxy li has no server available!");
    }
}
