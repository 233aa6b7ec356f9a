package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.diagnosis.CheckRecord;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.ServerHistory;
import io.haprobe.diagnosis.TransitionDiagnosis;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.Firewall;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * A {@link ServerHistory} keeps what the diagnoses read of a server's checks (counts, statuses, the last failure,
 * alternations, the failing run at a DOWN transition), not the checks; a simulation's diagnoses are the same
 * whether or not its timeline records the checks, and the same as those read from a recorded timeline.
 */
class ServerHistoryTest {

    private static final CheckOutcome OK = CheckOutcome.of(CheckStatus.L7OK, 200, "OK", 1_000_000);
    private static final CheckOutcome REFUSED = CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0);
    private static final CheckOutcome TIMEOUT = CheckOutcome.of(CheckStatus.L4TOUT, 0, "", 2_000_000_000L);
    private static final CheckOutcome WRONG = CheckOutcome.of(CheckStatus.L7STS, 503, "Service Unavailable", 0);

    @Test
    void theBuilderKeepsCountsStatusesInFirstFailureOrderTheLastFailureAndAlternations() {
        ServerHistory history = ServerHistory.of(List.of(new CheckRecord(0, OK), new CheckRecord(1000, WRONG),
                new CheckRecord(2000, REFUSED), new CheckRecord(3000, OK), new CheckRecord(4000, WRONG),
                new CheckRecord(5000, TIMEOUT)), 4000);

        assertThat(history.checks()).isEqualTo(6);
        assertThat(history.failures()).isEqualTo(4);
        assertThat(history.failureStatuses()).containsExactly(entry(CheckStatus.L7STS, 2L),
                entry(CheckStatus.L4CON, 1L), entry(CheckStatus.L4TOUT, 1L));
        assertThat(history.lastFailure()).isEqualTo(TIMEOUT);
        assertThat(history.alternations()).isEqualTo(3); // OK (no change), fail, OK, fail
        assertThat(history.connectFailure()).isTrue();
        assertThat(history.failingSinceMillis()).isEqualTo(4000);
        assertThat(history.wasUp()).isTrue();
        assertThat(history.lastUpMillis()).isEqualTo(4000);
    }

    @Test
    void anEmptyHistoryHasNoFailureAndWasNeverUp() {
        ServerHistory history = ServerHistory.builder().build();

        assertThat(history.checks()).isZero();
        assertThat(history.lastFailure()).isNull();
        assertThat(history.failureStatuses()).isEmpty();
        assertThat(history.failingSinceMillis()).isEqualTo(-1);
        assertThat(history.wasUp()).isFalse();
        assertThat(history).isEqualTo(ServerHistory.of(List.of(), -1));
    }

    @Test
    void theFailingRunStopsAtTheDownTransitionsMillisecondButLaterChecksStillCount() {
        ServerHistory.Builder builder = ServerHistory.builder()
                .check(0, OK).check(1000, REFUSED).check(2000, REFUSED).downAt(2000)
                .check(2000, OK) // the same millisecond as the transition: it still moves the failing run
                .check(3000, REFUSED).check(4000, OK);

        ServerHistory history = builder.build();

        assertThat(history.failingSinceMillis()).isEqualTo(-1);
        assertThat(history.checks()).isEqualTo(6);
        assertThat(history.failures()).isEqualTo(3);

        ServerHistory later = ServerHistory.builder().check(0, OK).check(1000, REFUSED).check(2000, REFUSED)
                .downAt(2000).check(3000, OK).check(4000, REFUSED).build();
        assertThat(later.failingSinceMillis()).isEqualTo(1000);
    }

    @Test
    void aBuiltHistoryDoesNotChangeWhenTheBuilderGoesOn() {
        ServerHistory.Builder builder = ServerHistory.builder().check(0, WRONG);
        ServerHistory first = builder.build();

        builder.check(1000, REFUSED).lastUpMillis(500);

        assertThat(first.checks()).isEqualTo(1);
        assertThat(first.failureStatuses()).containsOnlyKeys(CheckStatus.L7STS);
        assertThat(first.lastUpMillis()).isEqualTo(-1);
        assertThat(builder.build().checks()).isEqualTo(2);
    }

    @Test
    void aCopyHoldsWhatTheBuilderTookAndThenGoesOnAlone() {
        ServerHistory.Builder builder = ServerHistory.builder().check(0, OK).check(1000, REFUSED).check(2000, WRONG);
        ServerHistory.Builder copy = builder.copy();

        assertThat(copy.build()).isEqualTo(builder.build());

        copy.downAt(2000).lastUpMillis(2000).check(3000, WRONG).check(4000, OK);
        builder.check(3000, TIMEOUT);

        assertThat(builder.build()).isEqualTo(ServerHistory.builder().check(0, OK).check(1000, REFUSED)
                .check(2000, WRONG).check(3000, TIMEOUT).build());
        assertThat(copy.build()).isEqualTo(ServerHistory.builder().check(0, OK).check(1000, REFUSED)
                .check(2000, WRONG).downAt(2000).lastUpMillis(2000).check(3000, WRONG).check(4000, OK).build());
        assertThat(copy.build().failureStatuses()).containsExactly(entry(CheckStatus.L4CON, 1L),
                entry(CheckStatus.L7STS, 2L));
        assertThat(ServerHistory.builder().check(0, OK).copy().build().failureStatuses()).isEmpty();
    }

    private static final String HTTP = """
            defaults
                mode http
                timeout connect 2s
            %s
            backend be
                option httpchk GET /health
                http-check expect status 200
                default-server inter 1s fall 2 rise 2
            %s
            """;

    /** The scenarios of {@code DiagnosesSimulationTest}, one per cause, and flapping servers. */
    static Stream<Arguments> scenarios() {
        ServerScript dropsOthers = new ServerScript(List.of(new Phase(0, Behaviour.http(200),
                new Firewall(List.of("10.9.0.0/16"), Firewall.Action.DROP))));
        return Stream.of(
                Arguments.of("misconfigured", "", "    server s1 10.0.0.1:8080 check",
                        Map.of("be/s1", ServerScript.of(new Behaviour.Http(204, "No Content", Map.of(), "",
                                Delay.NONE)))),
                Arguments.of("port mismatch", "", "    server s1 10.0.0.1:8080 check\n"
                                + "    server s2 10.0.0.1:8081 check",
                        Map.of("be/s1", ServerScript.of(Behaviour.refuse()), "be/s1:8081",
                                ServerScript.of(Behaviour.http(200)), "be/s2", ServerScript.of(Behaviour.http(200)))),
                Arguments.of("crash", "", "    server s1 10.0.0.1:8080 check",
                        Map.of("be/s1", ServerScript.builder().at(Duration.ZERO, Behaviour.http(200))
                                .at(Duration.ofSeconds(5), Behaviour.refuse()).build())),
                Arguments.of("timeout", "    timeout check 1s", "    server s1 10.0.0.1:8080 check",
                        Map.of("be/s1", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                                Delay.of(Duration.ofMillis(3000)))))),
                Arguments.of("firewall", "", "    server s1 10.0.0.1:8080 check\n"
                                + "    server s2 10.0.0.2:8080 check source 10.8.0.5",
                        Map.of("be/s1", dropsOthers, "be/s2", dropsOthers)),
                Arguments.of("exhaustion", "", "    server s1 10.0.0.1:8080 check",
                        Map.of("be/s1", ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(200),
                                Behaviour.refuse(), Behaviour.refuse()))))),
                Arguments.of("recovered and down again", "", "    server s1 10.0.0.1:8080 check\n"
                                + "    server s2 10.0.0.2:8080 check",
                        Map.of("be/s1", ServerScript.builder().at(Duration.ZERO, Behaviour.http(204))
                                        .at(Duration.ofMillis(5_500), Behaviour.http(200))
                                        .at(Duration.ofMillis(10_500), Behaviour.blackhole()).build(),
                                "be/s2", ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(503),
                                        Behaviour.http(503), Behaviour.http(503), Behaviour.http(200),
                                        Behaviour.http(200)))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void diagnosesAreTheSameWithAndWithoutRecordedChecks(String name, String defaults, String servers,
                                                         Map<String, ServerScript> scripts) {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", HTTP.formatted(defaults, servers));

        Run recorded = run(config, scripts, true);
        Run counted = run(config, scripts, false);

        assertThat(recorded.diagnoses()).isNotEmpty().isEqualTo(counted.diagnoses());
        assertThat(counted.transitions()).isEqualTo(recorded.transitions());
        // a live run's way: the histories read back from the recorded timeline
        assertThat(recorded.fromTimeline()).isEqualTo(recorded.fromHistories()).isEqualTo(counted.fromHistories());
        assertThat(counted.timeline().events()).noneMatch(HealthEvent.CheckCompleted.class::isInstance);
        assertThat(counted.timeline().logLines()).isEqualTo(recorded.timeline().logLines());
    }

    @Test
    void theHistoriesFedAsChecksCompleteEqualThoseReadFromTheTimeline() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", HTTP.formatted("",
                "    server s1 10.0.0.1:8080 check\n    server s2 10.0.0.2:8080 check"));
        CheckHistories fed = new CheckHistories();
        long[] origin = {0};
        try (Simulation simulation = Simulation.builder(config)
                .script("be/s1", ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(200),
                        Behaviour.refuse(), Behaviour.refuse(), Behaviour.http(503)))))
                .script("be/s2", ServerScript.builder().at(Duration.ZERO, Behaviour.http(200))
                        .at(Duration.ofSeconds(7), Behaviour.blackhole()).build())
                .listener(event -> fed.add(event, (event.timeNanos() - origin[0]) / 1_000_000))
                .build()) {
            origin[0] = simulation.engine().startNanos();
            simulation.runFor(Duration.ofSeconds(60));
            CheckHistories read = CheckHistories.of(simulation.timeline());

            Map<String, ServerHistory> fedHistories = new LinkedHashMap<>();
            fedHistories.put("s1", fed.history("be", "s1"));
            fedHistories.put("s2", fed.history("be", "s2"));
            assertThat(fedHistories.get("s1").checks()).isEqualTo(simulation.timeline().checks("be/s1").size());
            assertThat(fedHistories.get("s2").lastFailure().status()).isEqualTo(CheckStatus.L4TOUT);
            assertThat(fedHistories).containsEntry("s1", read.history("be", "s1"))
                    .containsEntry("s2", read.history("be", "s2"));
            assertThat(fed.downs()).isNotEmpty().isEqualTo(read.downs());
            assertThat(fed.history("be", "nope")).isEqualTo(ServerHistory.builder().build());
        }
    }

    /**
     * One run's diagnoses: {@code transitions} from the simulation, {@code fromTimeline} and {@code fromHistories}
     * without the transport (the configured sources only) from its timeline and from its histories, all taken at
     * the end of the run, before the servers' diagnoses advance the clock.
     */
    private record Run(List<Diagnosis> diagnoses, List<TransitionDiagnosis> transitions,
                       List<TransitionDiagnosis> fromTimeline, List<TransitionDiagnosis> fromHistories,
                       Timeline timeline) {
    }

    private static Run run(HaproxyConfig config, Map<String, ServerScript> scripts, boolean recordChecks) {
        Simulation.Builder builder = Simulation.builder(config).recordChecks(recordChecks);
        scripts.forEach(builder::script);
        try (Simulation simulation = builder.build()) {
            simulation.runFor(Duration.ofSeconds(20));
            Timeline timeline = simulation.timeline();
            List<TransitionDiagnosis> transitions = simulation.transitionDiagnoses();
            List<TransitionDiagnosis> fromTimeline = Diagnoses.transitions(config, timeline);
            List<TransitionDiagnosis> fromHistories = Diagnoses.transitions(config, simulation.histories(), null);
            return new Run(simulation.diagnoses(true), transitions, fromTimeline, fromHistories, timeline);
        }
    }
}
