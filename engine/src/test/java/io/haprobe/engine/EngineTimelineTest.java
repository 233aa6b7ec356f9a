package io.haprobe.engine;

import io.haprobe.config.CheckTiming;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.HealthCheck;
import io.haprobe.config.ProxyProtocol;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.SourceLocation;
import io.haprobe.config.TrafficSettings;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.time.VirtualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static io.haprobe.testing.Configs.MS;
import static io.haprobe.testing.Configs.backend;
import static io.haprobe.testing.Configs.config;
import static io.haprobe.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;

/** The engine on virtual time: boot state, spreading, intervals counted from the end of each check, log lines. */
class EngineTimelineTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final Map<String, ServerScript> scripts = new HashMap<>();
    private SimulatedTransport transport;
    private final List<String> timeline = new ArrayList<>();
    private final List<HealthEvent> events = new ArrayList<>();
    private HealthCheckEngine engine;

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void refusedPortGoesDownOnTheFirstCheckAtBoot() {
        start(config(backend("be", List.of(server("s1", 9001, 2000, 0, 0, 2, 3)), List.of(), 0, 0, false)));
        scheduler.runUntil(5000 * MS);
        assertThat(timeline).containsExactly(
                "t=0ms Server be/s1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
                        + "check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
                        + "0 remaining in queue.",
                "t=0ms backend be has no server available!");
        assertThat(engine.server("be", "s1").orElseThrow().statusText()).isEqualTo("DOWN");
    }

    @Test
    void followsInterFastinterDowninterFromTheEndOfEachCheck() {
        // up until 10 s, refused until 20 s, up again: inter 1s, fastinter 300ms, downinter 2s, rise 2, fall 3
        scripts.put("be/s1", ServerScript.builder().at(Duration.ZERO, Behaviour.hang())
                .at(Duration.ofSeconds(10), Behaviour.refuse()).at(Duration.ofSeconds(20), Behaviour.hang()).build());
        start(config(backend("be", List.of(server("s1", 9001, 1000, 300, 2000, 2, 3)), List.of(), 0, 0, true)));
        scheduler.runUntil(25_000 * MS);
        assertThat(timeline).containsExactly(
                "t=0ms Health check for server be/s1 succeeded, reason: Layer4 check passed, check duration: 0ms, "
                        + "status: 3/3 UP.",
                "t=10000ms Health check for server be/s1 failed, reason: Layer4 connection problem, "
                        + "info: \"Connection refused\", check duration: 0ms, status: 2/3 UP.",
                "t=10300ms Health check for server be/s1 failed, reason: Layer4 connection problem, "
                        + "info: \"Connection refused\", check duration: 0ms, status: 1/3 UP.",
                "t=10600ms Health check for server be/s1 failed, reason: Layer4 connection problem, "
                        + "info: \"Connection refused\", check duration: 0ms, status: 0/2 DOWN.",
                "t=10600ms Server be/s1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, "
                        + "0 requeued, 0 remaining in queue.",
                "t=10600ms backend be has no server available!",
                "t=20600ms Health check for server be/s1 succeeded, reason: Layer4 check passed, "
                        + "check duration: 0ms, status: 1/2 DOWN.",
                "t=20900ms Health check for server be/s1 succeeded, reason: Layer4 check passed, "
                        + "check duration: 0ms, status: 3/3 UP.",
                "t=20900ms Server be/s1 is UP. 1 active and 0 backup servers online. 0 sessions requeued, "
                        + "0 total in queue.");
        assertThat(checkTimes()).startsWith(0L, 1000L, 2000L).contains(10_000L, 10_300L, 10_600L, 12_600L,
                14_600L, 16_600L, 18_600L, 20_600L, 20_900L, 21_900L);
    }

    @Test
    void aCheckThatTimesOutIsBoundedByInterAndTheNextStartsAfterItsEnd() {
        scripts.put("be/s1", ServerScript.of(Behaviour.blackhole()));
        start(config(backend("be", List.of(server("s1", 9001, 1000, 0, 0, 2, 3)), List.of(), 0, 0, false)));
        scheduler.runUntil(6000 * MS);
        assertThat(timeline.get(0)).isEqualTo("t=1000ms Server be/s1 is DOWN, reason: Layer4 timeout, "
                + "check duration: 1000ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
                + "0 remaining in queue.");
        assertThat(checkTimes()).containsExactly(0L, 2000L, 4000L);
    }

    @Test
    void timeoutConnectBoundsTheConnectOnlyWhenTimeoutCheckIsSet() {
        scripts.put("be/s1", ServerScript.of(Behaviour.blackhole()));
        start(config(backend("be", List.of(server("s1", 9001, 2000, 0, 0, 2, 3)), List.of(), 500, 300, false)));
        scheduler.runUntil(1000 * MS);
        assertThat(timeline.get(0)).contains("reason: Layer4 timeout, check duration: 300ms.");
    }

    @Test
    void spreadsTheFirstChecksOverTheServersAtBoot() {
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        scripts.put("be/s2", ServerScript.of(Behaviour.hang()));
        start(config(backend("be", List.of(server("s1", 9001, 1000, 0, 0, 2, 3),
                server("s2", 9002, 1000, 0, 0, 2, 3)), List.of(), 0, 0, false)));
        scheduler.runUntil(1200 * MS);
        assertThat(events).filteredOn(e -> e instanceof HealthEvent.CheckCompleted)
                .extracting(e -> ((HealthEvent.CheckCompleted) e).server() + "@" + e.timeNanos() / MS)
                .containsExactly("s1@0", "s2@500", "s1@1000");
    }

    @Test
    void serversStartUpWithInitStatusUntilTheirFirstCheck() {
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        scripts.put("be/s2", ServerScript.of(Behaviour.hang()));
        start(config(backend("be", List.of(server("s1", 9001, 1000, 0, 0, 2, 3),
                server("s2", 9002, 1000, 0, 0, 2, 3)), List.of(), 0, 0, false)));
        scheduler.runUntil(100 * MS);
        ServerSnapshot s2 = engine.server("be", "s2").orElseThrow();
        assertThat(s2.statusText()).isEqualTo("UP 1/3");
        assertThat(s2.lastOutcome()).isEmpty();
        assertThat(engine.server("be", "s1").orElseThrow().statusText()).isEqualTo("UP");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheChecks() {
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        HaproxyConfig cfg = config(backend("be", List.of(server("s1", 9001, 1000, 0, 0, 2, 3)), List.of(), 0, 0,
                false));
        engine = HealthCheckEngine.builder(cfg).transport(transport()).listenerExecutor(Runnable::run)
                .listener(event -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(events::add)
                .build();
        engine.start();
        scheduler.runUntil(3000 * MS);
        assertThat(events).hasSize(4);
    }

    @Test
    void aSlowListenerDelaysOnlyItsEventsNeverTheChecks() throws InterruptedException {
        scripts.put("be/s1", ServerScript.builder().at(Duration.ZERO, Behaviour.hang())
                .at(Duration.ofSeconds(2), Behaviour.refuse()).build());
        CountDownLatch release = new CountDownLatch(1);
        List<String> delivered = new CopyOnWriteArrayList<>();
        HaproxyConfig cfg = config(backend("be", List.of(server("s1", 9001, 1000, 0, 0, 2, 3)), List.of(), 0, 0,
                false));
        engine = HealthCheckEngine.builder(cfg).transport(transport())
                .listener(event -> {
                    awaitUninterruptibly(release);
                    delivered.add(event.getClass().getSimpleName() + "@" + event.timeNanos() / MS);
                })
                .build();
        engine.start();

        scheduler.runUntil(5000 * MS);

        assertThat(engine.server("be", "s1").orElseThrow().statusText()).isEqualTo("DOWN");
        assertThat(delivered).isEmpty();
        release.countDown();
        engine.close();
        assertThat(delivered).containsExactly("CheckCompleted@0", "CheckCompleted@1000", "CheckCompleted@2000",
                "CheckCompleted@3000", "CheckCompleted@4000", "StateChanged@4000", "NoServerAvailable@4000",
                "CheckCompleted@5000");
    }

    @Test
    void disabledServersAreNotCheckedButCountInTheSpreading() {
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        scripts.put("be/s3", ServerScript.of(Behaviour.hang()));
        ServerConfig disabled = ServerConfig.builder("s2", "127.0.0.1", 9002, new SourceLocation("test.cfg", 2, 1))
                .check(HealthCheck.ENABLED).timing(new CheckTiming(1000 * MS, 0, 0, 2, 3))
                .traffic(TrafficSettings.of(1, 0, 0, false, true, ProxyProtocol.NONE)).build();
        start(config(backend("be", List.of(server("s1", 9001, 1000, 0, 0, 2, 3), disabled,
                server("s3", 9003, 1000, 0, 0, 2, 3)), List.of(), 0, 0, false)));
        scheduler.runUntil(900 * MS);
        assertThat(events).extracting(e -> ((HealthEvent.CheckCompleted) e).server() + "@" + e.timeNanos() / MS)
                .containsExactly("s1@0", "s3@666");
        assertThat(engine.server("be", "s2").orElseThrow().statusText()).isEqualTo("MAINT");
    }

    private void start(HaproxyConfig cfg) {
        engine = HealthCheckEngine.builder(cfg).transport(transport()).listenerExecutor(Runnable::run).listener(event -> {
            events.add(event);
            if (event.logMessage() != null) {
                timeline.add("t=" + event.timeNanos() / MS + "ms " + event.logMessage());
            }
        }).build();
        engine.start();
    }

    private SimulatedTransport transport() {
        transport = new SimulatedTransport(scheduler, scripts, new SplittableRandom(1));
        return transport;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Long> checkTimes() {
        List<Long> times = new ArrayList<>();
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.CheckCompleted completed) {
                times.add((completed.timeNanos() - completed.outcome().durationNanos()) / MS);
            }
        }
        return times;
    }
}
