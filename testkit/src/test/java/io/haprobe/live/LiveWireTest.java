package io.haprobe.live;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.sim.Behaviour;
import io.haprobe.testkit.RecordedConnection;
import io.haprobe.testkit.RecordedConnection.CheckerClose;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.haprobe.live.LiveConfigs.appBackend;
import static io.haprobe.live.Scripts.answer;
import static io.haprobe.live.Scripts.answerAfter;
import static io.haprobe.live.Scripts.readThenClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the checker does on the wire against a scripted backend: the exact request bytes (spec §4.3), how it
 * closes (spec §5.1), the {@code timeout check} bound (spec §2.4), and the per-check log lines (spec §8.2).
 */
class LiveWireTest extends LiveTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    @Test
    void httpchkGetHealthSendsAnHttp10RequestWithoutHeaders() throws InterruptedException {
        engine = LiveEngine.start(appBackend(serve(answer(OK)), "inter 1s", "option httpchk GET /health"));

        assertThat(takeConnection().receivedText()).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
    }

    @Test
    void http11WithAHostHeaderSendsLowercaseHostThenConnectionClose() throws InterruptedException {
        engine = LiveEngine.start(appBackend(serve(answer(OK)), "inter 1s", "option httpchk GET /health HTTP/1.1",
                "http-check send hdr Host www.example.com"));

        assertThat(takeConnection().receivedText())
                .isEqualTo("GET /health HTTP/1.1\r\nhost: www.example.com\r\nconnection: close\r\n\r\n");
    }

    @Test
    void checkerResetsTheConnectionOnceTheVerdictIsKnown() throws InterruptedException {
        engine = LiveEngine.start(appBackend(serve(answer(OK)), "inter 1s", "option httpchk GET /health"));

        assertThat(takeConnection().checkerClose()).isEqualTo(CheckerClose.RST);
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L7OK);
    }

    @Test
    void checkerResetsATimedOutConnection() throws InterruptedException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 300ms", "option httpchk GET /health"));

        assertThat(takeConnection().checkerClose()).isEqualTo(CheckerClose.RST);
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L7TOUT);
    }

    @Test
    void checkerClosesWithAFinWhenItReadTheServersFinFirst() throws InterruptedException {
        engine = LiveEngine.start(appBackend(serve(readThenClose()), "inter 1s", "option httpchk GET /health"));

        RecordedConnection connection = takeConnection();
        assertThat(connection.receivedText()).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
        assertThat(connection.checkerClose()).isEqualTo(CheckerClose.FIN);
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L7RSP);
    }

    @Test
    void timeoutCheckBoundsTheWaitForTheAnswerOnceConnected() throws InterruptedException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 3s", "option httpchk GET /health",
                "timeout check 300ms"));

        CheckOutcome outcome = engine.awaitFirstOutcome();
        assertThat(outcome.status()).isEqualTo(CheckStatus.L7TOUT);
        assertThat(outcome.durationMillis()).isBetween(300L, 1500L);
    }

    @Test
    void anAnswerWithinTimeoutCheckPassesAndALaterOneTimesOut() throws InterruptedException {
        // 2.6.12 may accept the late answer (spec §2.6, fixed upstream by 7c788f098); haprobe implements the
        // documented bound of spec §2.4.
        // the first connection answers at once, every later one too late
        engine = LiveEngine.start(appBackend(serve(firstThenAlways(answerAfter(Duration.ofMillis(50), OK),
                answerAfter(Duration.ofMillis(1500), OK))), "inter 300ms", "option httpchk GET /health",
                "timeout check 400ms", "option log-health-checks"));

        LiveEngine.eventually().until(() -> engine.outcomes().size() >= 2);
        assertThat(engine.outcomes().subList(0, 2)).extracting(CheckOutcome::status)
                .containsExactly(CheckStatus.L7OK, CheckStatus.L7TOUT);
        assertThat(engine.outcomes().get(1).durationMillis()).isBetween(400L, 1400L);
    }

    @Test
    void logHealthChecksWritesALineWheneverStatusOrHealthChanges() throws InterruptedException {
        String unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
        engine = LiveEngine.start(appBackend(serve(firstThenAlways(answer(OK), answer(unavailable))), "inter 200ms", "option httpchk GET /health",
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

    /** Plays {@code first} on the first connection and {@code then} on the next nineteen: more than a test sees. */
    private static Behaviour firstThenAlways(Behaviour first, Behaviour then) {
        List<Behaviour> steps = new ArrayList<>(Collections.nCopies(20, then));
        steps.set(0, first);
        return new Behaviour.Sequence(steps);
    }
}
