package io.haprobe.testkit;

import io.haprobe.CheckOutcome;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cases of {@link CheckKinds}, played by {@link LoopbackBackends} on real 127.0.0.1 sockets and checked
 * by the live engine: the same behaviour definitions must give the same status, code, info and log line
 * (durations masked) as on virtual time ({@link CheckKindsSimulatedTest}). The backends are strict: the checker
 * sends nothing the scripts do not expect and leaves no connection open.
 */
@Tag("live")
class CheckKindsLiveTest {

    private LoopbackBackends backends;
    private HealthCheckEngine engine;

    static Stream<CheckKinds.Case> cases() {
        return CheckKinds.cases();
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsWhatTheSimulationReports(CheckKinds.Case c) {
        backends = LoopbackBackends.builder().script("app_backend/web01", ServerScript.of(c.backend())).bind();
        String cfg = CheckKinds.config(c, "127.0.0.1:" + backends.port("app_backend/web01"), "300ms");
        List<HealthEvent> events = new CopyOnWriteArrayList<>();
        engine = HealthCheckEngine.builder(HaproxyConfig.parse("test.cfg", cfg)).listener(events::add).build();
        backends.start();
        engine.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e instanceof HealthEvent.CheckCompleted));
        CheckOutcome first = events.stream().filter(e -> e instanceof HealthEvent.CheckCompleted)
                .map(e -> ((HealthEvent.CheckCompleted) e).outcome()).findFirst().orElseThrow();
        CheckKinds.assertOutcome(c, first);
        if (c.reason() != null) {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.logMessage() != null));
            String line = events.stream().filter(e -> e.logMessage() != null).findFirst().orElseThrow().logMessage();
            assertThat(line).isEqualTo(CheckKinds.downLine(c, first.durationMillis()));
        }
        assertThat(backends.errors()).isEmpty();
    }
}
