package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.time.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.haprobe.testing.Configs.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The planned and actual start of each health check, on virtual time (where a check is never late). */
class CheckStartRecorderTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<String> starts = new ArrayList<>();
    private final List<HealthEvent> events = new ArrayList<>();
    private HealthCheckEngine engine;

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void reportsEachHealthCheckAtItsPlannedStartCountedFromTheEndOfThePreviousCheck() {
        // a is refused at once (check duration 0); b never answers, so each of its checks lasts timeout connect
        // (300 ms, with timeout check set) and its next one is planned inter after that end, as HAProxy counts intervals
        start(CheckStartRecorderTest.this::record, Map.of("be/b", ServerScript.of(Behaviour.blackhole())),
                "defaults",
                "  timeout connect 300ms",
                "  timeout check 300ms",
                "backend be",
                "  server a 127.0.0.1:9001 check inter 1s fall 100",
                "  server b 127.0.0.1:9002 check inter 1s fall 100");
        scheduler.runUntil(3900 * MS);

        assertThat(starts).containsExactly(
                "be/a planned=0ms actual=0ms",
                "be/b planned=500ms actual=500ms",
                "be/a planned=1000ms actual=1000ms",
                "be/b planned=1800ms actual=1800ms",
                "be/a planned=2000ms actual=2000ms",
                "be/a planned=3000ms actual=3000ms",
                "be/b planned=3100ms actual=3100ms");
    }

    @Test
    void aPausedCheckThatOnlyWakesUpIsNotReported() {
        start(this::record, Map.of(),
                "backend be",
                "  server a 127.0.0.1:9001 check inter 1s disabled",
                "  server b 127.0.0.1:9002 check inter 1s");
        scheduler.runUntil(2500 * MS);

        assertThat(starts).allMatch(line -> line.startsWith("be/b ")).hasSize(3);
    }

    @Test
    void aRecorderThatThrowsBreaksNoCheck() {
        start((backend, server, planned, actual) -> {
            throw new IllegalStateException("broken recorder");
        }, Map.of(), "backend be", "  server a 127.0.0.1:9001 check inter 1s fall 1 rise 1");
        scheduler.runUntil(2500 * MS);

        assertThat(events).filteredOn(HealthEvent.CheckCompleted.class::isInstance).hasSize(3);
    }

    @Test
    void theBuilderRefusesNull() {
        HealthCheckEngine.Builder builder = HealthCheckEngine.builder(HaproxyConfig.parse("haproxy.cfg",
                "backend be\n  server a 127.0.0.1:9001 check\n"));
        assertThatThrownBy(() -> builder.checkStarts(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("recorder");
    }

    private void record(String backend, String server, long planned, long actual) {
        starts.add(backend + "/" + server + " planned=" + planned / MS + "ms actual=" + actual / MS + "ms");
    }

    private void start(CheckStartRecorder recorder, Map<String, ServerScript> scripts, String... lines) {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", String.join("\n", lines) + "\n");
        engine = HealthCheckEngine.builder(config)
                .transport(new SimulatedTransport(scheduler, scripts, new SplittableRandom(1)))
                .listenerExecutor(Runnable::run)
                .listener(events::add)
                .checkStarts(recorder)
                .build();
        engine.start();
    }
}
