package io.haprobe.live;

import io.haprobe.ServerState;
import io.haprobe.engine.HealthEvent;
import io.haprobe.sim.Behaviour;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.haprobe.live.LiveConfigs.appBackend;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime API on a live engine (spec §10.3): commands from other threads run on the event loop, between
 * checks, with HAProxy's replies and lines, and the checks go on as HAProxy's do after them (a server leaving
 * maintenance comes back UP with health {@code rise}, its next check then completes the counter).
 */
class LiveRuntimeApiTest extends LiveTest {

    @Test
    void maintenanceAndBackFromAnotherThreadWhileChecksRun() throws IOException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.http(200)), "inter 200ms",
                "option httpchk GET /", "option log-health-checks"));
        LiveEngine.eventually().until(() -> !engine.outcomes().isEmpty());

        assertThat(engine.engine().execute("set server app_backend/web01 state maint")).isEmpty();
        assertThat(engine.engine().server("app_backend", "web01").orElseThrow().maintenance()).isTrue();
        assertThat(engine.engine().execute("show servers state app_backend")).contains(" web01 127.0.0.1 0 1 1 1 ");
        assertThat(engine.engine().execute("enable server app_backend/web01")).isEmpty();
        assertThat(engine.engine().server("app_backend", "web01").orElseThrow().statusText()).isEqualTo("UP 1/3");

        LiveEngine.eventually().until(() -> engine.logLines().contains("Health check for server app_backend/web01 "
                + "succeeded, reason: Layer7 check passed, code: 200, check duration: <n>ms, status: 3/3 UP."));
        assertThat(engine.logLines()).containsSubsequence(
                "Server app_backend/web01 is going DOWN for maintenance. 0 active and 0 backup servers left. "
                        + "0 sessions active, 0 requeued, 0 remaining in queue.",
                "backend app_backend has no server available!",
                "Server app_backend/web01 is UP/READY (leaving forced maintenance).");
        List<HealthEvent> events = engine.events();
        assertThat(events).filteredOn(HealthEvent.CommandExecuted.class::isInstance).hasSize(3);
    }

    @Test
    void concurrentCommandsEachGetTheirOwnReply() throws Exception {
        engine = LiveEngine.start(appBackend(serve(Behaviour.http(200)), "inter 200ms weight 20",
                "option httpchk GET /"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<String>> replies = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String command = i % 2 == 0 ? "get weight app_backend/web01" : "get weight app_backend/nope";
                replies.add(CompletableFuture.supplyAsync(() -> engine.engine().execute(command), pool));
            }
            for (int i = 0; i < replies.size(); i++) {
                assertThat(replies.get(i).get()).isEqualTo(i % 2 == 0 ? "20 (initial 20)\n" : "No such server.\n");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(engine.engine().server("app_backend", "web01").orElseThrow().state()).isEqualTo(ServerState.UP);
    }
}
