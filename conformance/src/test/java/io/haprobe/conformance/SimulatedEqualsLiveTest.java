package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.Simulation;
import io.haprobe.engine.Timeline;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same scripted behaviours, run once simulated ({@link Simulation} on virtual time) and once live (the
 * engine's real transport against {@link LoopbackBackends} on 127.0.0.1), give the same checks and transitions:
 * statuses, codes, info strings, health counters and log lines in the same order, at the same times and with the
 * same check durations within ±(50 ms + 10%), counted from each server's first check (which may start up to
 * 250 ms late live: an event loop stalled at start-up on a loaded machine delays all its servers alike).
 *
 * <p>Short intervals (inter 200ms, fastinter 100ms, downinter 300ms, fall 2, rise 2) keep the live run under 3 s;
 * every scripted server has a section of its own, so one run of each side covers every behaviour. Live checks
 * only ever lag the simulated ones (each takes a millisecond or more, timers never fire early), so every phase
 * change comes just before a simulated check and long after the previous one, which the test verifies on the
 * simulated side: which phase a live check meets must not depend on scheduling jitter. The live JVM is warmed up
 * by a throwaway run first, so that class loading does not stretch the first check.
 *
 * <p>Here, not in the engine, because it needs the loopback backends of the testkit, and because it compares
 * timings, like the rest of this module.
 */
@Tag("live")
class SimulatedEqualsLiveTest {

    /** Checks compared per server: those the simulation starts before this time; the live run goes past it. */
    private static final long COMPARED_UNTIL_MILLIS = 2_600;
    private static final Duration SIMULATED_RUN = Duration.ofMillis(3_000);
    /** How long before the next check a phase change comes, at least: live checks are never early. */
    private static final long PHASE_BEFORE_CHECK_MILLIS = 5;
    /** How long after the previous check a phase change comes, at least: live checks lag by their durations. */
    private static final long PHASE_AFTER_CHECK_MILLIS = 80;
    /**
     * The fixed part of the time tolerance: a single live check on a loaded 2-core build machine was seen to stall
     * for 31 to 40 ms, so 30 ms failed about one run in four.
     */
    private static final long TOLERANCE_MILLIS = 50;
    private static final double TOLERANCE_FRACTION = 0.10;
    /** How late a server's first live check may start, ms: its loop's start-up stall, not a timing difference. */
    private static final long START_LAG_MILLIS = 250;
    private static final Duration AT_MOST = Duration.ofSeconds(15);
    private static final Map<String, ServerScript> SCRIPTS = scripts();

    private static LoopbackBackends backends;
    private static Timeline simulated;
    private static Timeline live;

    @BeforeAll
    static void runSimulatedThenLive() {
        LoopbackBackends.Builder player = LoopbackBackends.builder().seed(7);
        SCRIPTS.forEach(player::script);
        backends = player.bind();
        HaproxyConfig config = HaproxyConfig.parse("equivalence.cfg", config(backends.ports()));
        warmUp();
        simulated = simulate(config);
        live = runLive(config);
    }

    @AfterAll
    static void closeBackends() {
        if (backends != null) {
            backends.close();
            assertThat(backends.errors()).as("what the loopback backends could not play").isEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyServerHasTheSameChecksAndTransitionsSimulatedAndLive() {
        return SCRIPTS.keySet().stream().map(server -> DynamicTest.dynamicTest(server, () -> {
            List<Entry> expected = entries(simulated, server, comparedChecks(server));
            List<Entry> actual = entries(live, server, comparedChecks(server));

            assertThat(actual.stream().map(Entry::text).toList()).as("what happened to " + server + " live: " + actual + "\nsimulated: " + expected)
                    .isEqualTo(expected.stream().map(Entry::text).toList());
            // an event loop that starts late (a JIT or GC stall on a loaded machine, seen at 100 to 115 ms for
            // every server of one loop) shifts all its servers' checks alike: the start is bounded on its own,
            // the times after it are compared from it
            long startLag = expected.isEmpty() ? 0 : actual.get(0).atMillis() - expected.get(0).atMillis();
            assertThat(startLag).as("how late the first check of " + server + " starts live, ms")
                    .isBetween(-TOLERANCE_MILLIS, START_LAG_MILLIS);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).atMillis() - startLag).as("time of " + expected.get(i))
                        .isCloseTo(expected.get(i).atMillis(), within(expected.get(i).atMillis()));
                assertThat(actual.get(i).durationMillis()).as("check duration of " + expected.get(i))
                        .isCloseTo(expected.get(i).durationMillis(), within(expected.get(i).durationMillis()));
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyPhaseChangeComesShortlyBeforeACheckAndLongAfterThePreviousOne() {
        return SCRIPTS.entrySet().stream().map(script -> DynamicTest.dynamicTest(script.getKey(), () -> {
            for (Phase phase : script.getValue().phases().subList(1, script.getValue().phases().size())) {
                long phaseMillis = phase.atNanos() / 1_000_000;
                for (HealthEvent.CheckCompleted check : simulated.checks(script.getKey())) {
                    long startMillis = simulated.millisOf(check) - check.outcome().durationMillis();
                    assertThat(startMillis > phaseMillis - PHASE_AFTER_CHECK_MILLIS
                            && startMillis < phaseMillis + PHASE_BEFORE_CHECK_MILLIS)
                            .as("a check starts at " + startMillis + "ms, near the phase change at " + phaseMillis + "ms")
                            .isFalse();
                }
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> theScenarioCoversEveryBehaviourAndOutcome() {
        return Stream.of(
                DynamicTest.dynamicTest("wrong status, then back", () -> assertThat(transitions("http_status/web01"))
                        .containsExactly("UP->DOWN L7STS 204 \"No Content\"", "DOWN->UP L7OK 200")),
                DynamicTest.dynamicTest("refused", () -> assertThat(transitions("refused/web01"))
                        .containsExactly("UP->DOWN L4CON \"Connection refused\"")),
                DynamicTest.dynamicTest("blackholed", () -> assertThat(transitions("blackholed/web01"))
                        .containsExactly("UP->DOWN L4TOUT")),
                DynamicTest.dynamicTest("hanging", () -> assertThat(transitions("hanging/web01"))
                        .containsExactly("UP->DOWN L7TOUT")),
                DynamicTest.dynamicTest("resetting", () -> assertThat(transitions("resetting/web01"))
                        .containsExactly("UP->DOWN SOCKERR \"Connection reset by peer\"")),
                DynamicTest.dynamicTest("closing", () -> assertThat(transitions("closing/web01"))
                        .containsExactly("UP->DOWN L7RSP")),
                DynamicTest.dynamicTest("flapping", () -> assertThat(transitions("flapping/web01"))
                        .startsWith("UP->DOWN L7STS 503 \"Service Unavailable\"", "DOWN->UP L7OK 200",
                                "UP->DOWN L7STS 503 \"Service Unavailable\"", "DOWN->UP L7OK 200")),
                DynamicTest.dynamicTest("crash and restart", () -> assertThat(transitions("crashing/web01"))
                        .containsExactly("UP->DOWN L4CON \"Connection refused\"", "DOWN->UP L7OK 200")),
                DynamicTest.dynamicTest("plain connect checks pass whatever comes after the handshake", () -> {
                    for (String server : List.of("connect_only/http", "connect_only/hang", "connect_only/reset")) {
                        assertThat(simulated.checks(server)).isNotEmpty()
                                .allSatisfy(check -> assertThat(check.outcome().status().tag()).isEqualTo("L4OK"));
                    }
                }));
    }

    private static Map<String, ServerScript> scripts() {
        Map<String, ServerScript> scripts = new LinkedHashMap<>();
        scripts.put("http_status/web01", ServerScript.builder()
                .at(Duration.ZERO, Behaviour.http(200))
                .at(Duration.ofMillis(785), Behaviour.http(204))
                .at(Duration.ofMillis(1485), Behaviour.http(200))
                .build());
        scripts.put("refused/web01", ServerScript.of(Behaviour.refuse()));
        scripts.put("blackholed/web01", afterHealthy(Behaviour.blackhole()));
        scripts.put("hanging/web01", afterHealthy(Behaviour.hang()));
        scripts.put("resetting/web01", afterHealthy(new Behaviour.Reset(Delay.NONE)));
        scripts.put("closing/web01", afterHealthy(new Behaviour.Close(Delay.of(Duration.ofMillis(10)))));
        scripts.put("flapping/web01", ServerScript.of(new Behaviour.Sequence(List.of(
                Behaviour.http(503), Behaviour.http(503), Behaviour.http(200), Behaviour.http(200)))));
        scripts.put("crashing/web01", ServerScript.builder()
                .at(Duration.ZERO, Behaviour.http(200))
                .at(Duration.ofMillis(785), Behaviour.refuse())
                .at(Duration.ofMillis(1485), Behaviour.http(200))
                .build());
        scripts.put("connect_only/http", ServerScript.of(Behaviour.http(503)));
        scripts.put("connect_only/hang", ServerScript.of(Behaviour.hang()));
        scripts.put("connect_only/reset", ServerScript.of(new Behaviour.Reset(Delay.NONE)));
        return onEachServersCheckGrid(scripts);
    }

    /**
     * Shifts the phase changes of the n-th server by its boot offset, n × fastinter / number of checks (spec §2.3),
     * so that they keep their place between that server's checks.
     */
    private static Map<String, ServerScript> onEachServersCheckGrid(Map<String, ServerScript> scripts) {
        Map<String, ServerScript> shifted = new LinkedHashMap<>();
        long position = 0;
        for (Map.Entry<String, ServerScript> script : scripts.entrySet()) {
            long offsetNanos = Duration.ofMillis(100 * position++ / scripts.size()).toNanos();
            List<Phase> phases = new ArrayList<>();
            for (Phase phase : script.getValue().phases()) {
                phases.add(phase.atNanos() == 0 ? phase : new Phase(phase.atNanos() + offsetNanos, phase.behaviour()));
            }
            shifted.put(script.getKey(), new ServerScript(phases));
        }
        return shifted;
    }

    private static ServerScript afterHealthy(Behaviour failing) {
        return ServerScript.builder().at(Duration.ZERO, Behaviour.http(200)).at(Duration.ofMillis(785), failing).build();
    }

    /** One section per scripted server, ports in {@link #SCRIPTS} order. */
    private static String config(Map<String, Integer> ports) {
        return """
                defaults
                    default-server inter 200ms fastinter 100ms downinter 300ms fall 2 rise 2

                backend http_status
                    option httpchk GET /health
                    http-check expect status 200
                    server web01 127.0.0.1:%d check

                backend refused
                    server web01 127.0.0.1:%d check

                backend blackholed
                    server web01 127.0.0.1:%d check

                backend hanging
                    option httpchk GET /health
                    server web01 127.0.0.1:%d check

                backend resetting
                    option httpchk GET /health
                    server web01 127.0.0.1:%d check

                backend closing
                    option httpchk GET /health
                    server web01 127.0.0.1:%d check

                backend flapping
                    option httpchk GET /health
                    http-check expect status 200
                    server web01 127.0.0.1:%d check

                backend crashing
                    option httpchk GET /health
                    server web01 127.0.0.1:%d check

                backend connect_only
                    server http 127.0.0.1:%d check
                    server hang 127.0.0.1:%d check
                    server reset 127.0.0.1:%d check
                """.formatted(ports.values().toArray());
    }

    private static Timeline simulate(HaproxyConfig config) {
        Simulation.Builder builder = Simulation.builder(config).seed(7);
        SCRIPTS.forEach(builder::script);
        try (Simulation simulation = builder.build()) {
            simulation.runFor(SIMULATED_RUN);
            return simulation.timeline();
        }
    }

    private static Timeline runLive(HaproxyConfig config) {
        List<HealthEvent> events = new CopyOnWriteArrayList<>();
        try (HealthCheckEngine engine = HealthCheckEngine.builder(config).listener(events::add).build()) {
            backends.start();
            engine.start();
            await().atMost(AT_MOST).pollInterval(Duration.ofMillis(20)).until(() -> SCRIPTS.keySet().stream()
                    .allMatch(server -> checksOf(events, server) > comparedChecks(server)));
            return new Timeline(engine.startNanos(), events);
        }
    }

    /** Runs every kind of check once live, against a throwaway player, to load and compile the code involved. */
    private static void warmUp() {
        try (LoopbackBackends warm = LoopbackBackends.builder()
                .script("http/web01", ServerScript.of(Behaviour.http(200)))
                .script("tcp/web01", ServerScript.of(Behaviour.refuse()))
                .bind()) {
            String cfg = """
                    backend http
                        option httpchk GET /health
                        server web01 127.0.0.1:%d check inter 50ms
                    backend tcp
                        server web01 127.0.0.1:%d check inter 50ms
                    """.formatted(warm.port("http/web01"), warm.port("tcp/web01"));
            List<HealthEvent> events = new CopyOnWriteArrayList<>();
            try (HealthCheckEngine engine = HealthCheckEngine.builder(HaproxyConfig.parse("warm-up.cfg", cfg))
                    .listener(events::add).build()) {
                warm.start();
                engine.start();
                await().atMost(AT_MOST).until(() -> checksOf(events, "http/web01") >= 5
                        && checksOf(events, "tcp/web01") >= 5);
            }
        }
    }

    private static long checksOf(List<HealthEvent> events, String server) {
        return events.stream().filter(e -> e instanceof HealthEvent.CheckCompleted c
                && server.equals(c.backend() + '/' + c.server())).count();
    }

    private static int comparedChecks(String server) {
        return (int) simulated.checks(server).stream()
                .filter(c -> simulated.millisOf(c) - c.outcome().durationMillis() < COMPARED_UNTIL_MILLIS).count();
    }

    /** What happened to a server during its first {@code checks} checks, in order. */
    private static List<Entry> entries(Timeline timeline, String server, int checks) {
        List<Entry> entries = new ArrayList<>();
        int seen = 0;
        for (HealthEvent event : timeline.events()) {
            if (event instanceof HealthEvent.CheckCompleted check && server.equals(check.backend() + '/' + check.server())) {
                if (++seen > checks) {
                    break;
                }
                entries.add(new Entry(timeline.millisOf(event), check.outcome().durationMillis(), "check "
                        + check.outcome().status().tag() + ' ' + check.outcome().code() + " \"" + check.outcome().info()
                        + "\" health " + check.before().health() + "->" + check.after().health()));
            } else if (event instanceof HealthEvent.StateChanged change
                    && server.equals(change.backend() + '/' + change.server())) {
                entries.add(new Entry(timeline.millisOf(event), change.cause() == null ? -1 : change.cause().durationMillis(),
                        masked(change.logMessage())));
            } else if (event instanceof HealthEvent.NoServerAvailable none && server.startsWith(none.backend() + '/')) {
                entries.add(new Entry(timeline.millisOf(event), 0, none.logMessage()));
            }
        }
        return entries;
    }

    private static List<String> transitions(String server) {
        return simulated.transitions(server).stream()
                .map(t -> t.toString().substring(t.toString().indexOf(' ', t.toString().indexOf(' ') + 1) + 1))
                .toList();
    }

    private static String masked(String line) {
        return line.replaceAll("check duration: \\d+ms", "check duration: <n>ms");
    }

    private static Offset<Long> within(long expectedMillis) {
        return Offset.offset(TOLERANCE_MILLIS + (long) (expectedMillis * TOLERANCE_FRACTION));
    }

    /** One check, transition or "no server available", with its time since t=0 and its check duration. */
    private record Entry(long atMillis, long durationMillis, String text) {

        @Override
        public String toString() {
            return "t=" + atMillis + "ms (" + durationMillis + "ms) " + text;
        }
    }
}
