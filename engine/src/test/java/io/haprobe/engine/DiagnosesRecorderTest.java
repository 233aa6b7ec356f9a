package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.TransitionDiagnosis;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.time.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.haprobe.testing.Configs.MS;
import static org.assertj.core.api.Assertions.assertThat;

/** A recorder that keeps only the servers' histories diagnoses a run as one that keeps every check. */
class DiagnosesRecorderTest {

    @Test
    void theStreamingRecorderGivesTheSameDiagnosesAndKeepsOnlyTheStateChanges() {
        VirtualScheduler scheduler = new VirtualScheduler();
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                backend be
                    option httpchk GET /health
                    default-server inter 1s fall 2 rise 2
                    server ok 10.0.0.1:8080 check
                    server refused 10.0.0.2:8080 check
                    server flapping 10.0.0.3:8080 check
                    server silent 10.0.0.4:8080 check
                """);
        SimulatedTransport transport = new SimulatedTransport(scheduler, Map.of(
                "be/ok", ServerScript.of(Behaviour.http(200)),
                "be/refused", ServerScript.of(Behaviour.refuse()),
                // DOWN at about 10 s, UP again at about 20 s: a transition diagnosed though the server ends UP
                "be/flapping", ServerScript.builder().at(Duration.ZERO, Behaviour.http(200))
                        .at(Duration.ofSeconds(9), Behaviour.refuse())
                        .at(Duration.ofSeconds(18), Behaviour.http(200)).build(),
                "be/silent", ServerScript.of(Behaviour.blackhole())), new SplittableRandom(1));
        Diagnoses.Recorder everything = new Diagnoses.Recorder();
        HealthCheckEngine[] engine = new HealthCheckEngine[1];
        Diagnoses.Recorder histories = new Diagnoses.Recorder(() -> engine[0].startNanos());
        // a live run's: the servers' states made ahead of their first checks, which must change nothing
        Diagnoses.Recorder expecting = new Diagnoses.Recorder(() -> engine[0].startNanos());
        engine[0] = HealthCheckEngine.builder(config).transport(transport).listenerExecutor(Runnable::run)
                .listener(everything).listener(histories).listener(expecting).build();
        expecting.expect(engine[0].servers());
        engine[0].start();
        scheduler.runUntil(40_000 * MS);

        Timeline timeline = everything.timeline(engine[0].startNanos());
        List<Diagnosis> fromTimeline = Diagnoses.live(engine[0], timeline, transport, false);
        List<Diagnosis> fromHistories = Diagnoses.live(engine[0], histories, transport, false);
        List<TransitionDiagnosis> transitionsFromTimeline = Diagnoses.transitions(config, timeline, transport);
        List<TransitionDiagnosis> transitionsFromHistories = Diagnoses.transitions(engine[0], histories, transport);
        List<Diagnosis> fromExpecting = Diagnoses.live(engine[0], expecting, transport, false);
        List<TransitionDiagnosis> transitionsFromExpecting = Diagnoses.transitions(engine[0], expecting, transport);
        engine[0].close();

        assertThat(fromTimeline).hasSize(2);
        assertThat(fromHistories).hasToString(fromTimeline.toString());
        assertThat(transitionsFromTimeline).hasSize(3);
        assertThat(transitionsFromHistories).hasToString(transitionsFromTimeline.toString());
        assertThat(fromExpecting).hasToString(fromTimeline.toString());
        assertThat(transitionsFromExpecting).hasToString(transitionsFromTimeline.toString());
        assertThat(timeline.events()).anyMatch(HealthEvent.CheckCompleted.class::isInstance);
        assertThat(histories.timeline(engine[0].startNanos()).events())
                .isNotEmpty()
                .allMatch(HealthEvent.StateChanged.class::isInstance)
                .isEqualTo(timeline.events().stream().filter(HealthEvent.StateChanged.class::isInstance).toList());
    }
}
