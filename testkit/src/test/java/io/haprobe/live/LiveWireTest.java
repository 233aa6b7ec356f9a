package io.haprobe.live;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.live.ScriptedBackend.Behaviour;
import io.haprobe.live.ScriptedBackend.CheckerClose;
import io.haprobe.live.ScriptedBackend.Connection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static io.haprobe.live.LiveConfigs.appBackend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the checker does on the wire against a scripted backend: the exact request bytes (spec §4.3), how it
 * closes (spec §5.1), the {@code timeout check} bound (spec §2.4), and the per-check log lines (spec §8.2).
 */
class LiveWireTest extends LiveTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    @Test
    void httpchkGetHealthSendsAnHttp10RequestWithoutHeaders() throws IOException {
        backend = ScriptedBackend.start(Behaviour.answer(OK));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 1s", "option httpchk GET /health"));

        assertThat(firstFinishedConnection().request()).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
    }

    @Test
    void http11WithAHostHeaderSendsLowercaseHostThenConnectionClose() throws IOException {
        backend = ScriptedBackend.start(Behaviour.answer(OK));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 1s", "option httpchk GET /health HTTP/1.1",
                "http-check send hdr Host www.example.com"));

        assertThat(firstFinishedConnection().request())
                .isEqualTo("GET /health HTTP/1.1\r\nhost: www.example.com\r\nconnection: close\r\n\r\n");
    }

    @Test
    void checkerResetsTheConnectionOnceTheVerdictIsKnown() throws IOException {
        backend = ScriptedBackend.start(Behaviour.answer(OK));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 1s", "option httpchk GET /health"));

        assertThat(firstFinishedConnection().checkerClose()).isEqualTo(CheckerClose.RST);
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L7OK);
    }

    @Test
    void checkerResetsATimedOutConnection() throws IOException {
        backend = ScriptedBackend.start(Behaviour.hang());
        engine = LiveEngine.start(appBackend(backend.port(), "inter 300ms", "option httpchk GET /health"));

        assertThat(firstFinishedConnection().checkerClose()).isEqualTo(CheckerClose.RST);
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L7TOUT);
    }

    @Test
    void checkerClosesWithAFinWhenItReadTheServersFinFirst() throws IOException {
        backend = ScriptedBackend.start(Behaviour.readThenClose());
        engine = LiveEngine.start(appBackend(backend.port(), "inter 1s", "option httpchk GET /health"));

        Connection connection = firstFinishedConnection();
        assertThat(connection.request()).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
        assertThat(connection.checkerClose()).isEqualTo(CheckerClose.FIN);
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L7RSP);
    }

    @Test
    void timeoutCheckBoundsTheWaitForTheAnswerOnceConnected() throws IOException {
        backend = ScriptedBackend.start(Behaviour.hang());
        engine = LiveEngine.start(appBackend(backend.port(), "inter 3s", "option httpchk GET /health",
                "timeout check 300ms"));

        CheckOutcome outcome = engine.awaitFirstOutcome();
        assertThat(outcome.status()).isEqualTo(CheckStatus.L7TOUT);
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
    }

    @Test
    void anAnswerWithinTimeoutCheckPassesAndALaterOneTimesOut() throws IOException {
        // 2.6.12 may accept the late answer (spec §2.6, fixed upstream by 7c788f098); haprobe implements the
        // documented bound of spec §2.4.
        backend = ScriptedBackend.start(Behaviour.answerAfter(Duration.ofMillis(50), OK),
                Behaviour.answerAfter(Duration.ofMillis(1500), OK));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 300ms", "option httpchk GET /health",
                "timeout check 400ms", "option log-health-checks"));

        LiveEngine.eventually().until(() -> engine.outcomes().size() >= 2);
        assertThat(engine.outcomes().subList(0, 2)).extracting(CheckOutcome::status)
                .containsExactly(CheckStatus.L7OK, CheckStatus.L7TOUT);
        assertThat(engine.outcomes().get(1).durationMillis()).isBetween(400L, 1400L);
    }

    @Test
    void logHealthChecksWritesALineWheneverStatusOrHealthChanges() throws IOException {
        String unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
        backend = ScriptedBackend.start(Behaviour.answer(OK), Behaviour.answer(unavailable));
        engine = LiveEngine.start(appBackend(backend.port(), "inter 200ms", "option httpchk GET /health",
                "option log-health-checks"));

        assertThat(engine.awaitLogLines(6)).containsExactly(
                "Health check for server app_backend/web01 succeeded, reason: Layer7 check passed, code: 200, "
                        + "check duration: <n>ms, status: 3/3 UP.",
                "Health check for server app_backend/web01 failed, reason: Layer7 wrong status, code: 503, "
                        + "info: \"Service Unavailable\", check duration: <n>ms, status: 2/3 UP.",
                "Health check for server app_backend/web01 failed, reason: Layer7 wrong status, code: 503, "
                        + "info: \"Service Unavailable\", check duration: <n>ms, status: 1/3 UP.",
                "Health check for server app_backend/web01 failed, reason: Layer7 wrong status, code: 503, "
                        + "info: \"Service Unavailable\", check duration: <n>ms, status: 0/2 DOWN.",
                "Server app_backend/web01 is DOWN. 0 active and 0 backup servers left. 0 sessions active, "
                        + "0 requeued, 0 remaining in queue.",
                "backend app_backend has no server available!");
    }

    private Connection firstFinishedConnection() {
        LiveEngine.eventually().until(() -> !backend.finishedConnections().isEmpty());
        return backend.finishedConnections().get(0);
    }
}
