package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.diagnosis.Cause;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.TransitionDiagnosis;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every cause the diagnosis names, on simulated backends and virtual time. */
class DiagnosesSimulationTest {

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

    private static List<Diagnosis> run(String defaults, String servers, Map<String, ServerScript> scripts) {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", HTTP.formatted(defaults, servers));
        Simulation.Builder builder = Simulation.builder(config);
        scripts.forEach(builder::script);
        try (Simulation simulation = builder.build()) {
            simulation.runFor(Duration.ofSeconds(20));
            return simulation.diagnoses(true);
        }
    }

    @Test
    void checkMisconfiguredNamesTheStatusAndTheRuleAndExpectsWhatTheServerAnswers() {
        List<Diagnosis> diagnoses = run("", "    server s1 10.0.0.1:8080 check",
                Map.of("be/s1", ServerScript.of(new Behaviour.Http(204, "No Content", Map.of(), "", Delay.NONE))));
        assertThat(diagnoses).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.CHECK_MISCONFIGURED);
            assertThat(d.evidence().get(0)).contains("10.0.0.1:8080 answered 204 \"No Content\" (L7STS)");
            assertThat(d.evidence().get(1)).contains("'http-check expect status 200' (haproxy.cfg:7");
            assertThat(d.fix().before()).isEqualTo("http-check expect status 200");
            assertThat(d.fix().after()).isEqualTo("http-check expect status 204");
        });
    }

    @Test
    void portMismatchFindsTheOtherPortTheConfigNamesForTheHost() {
        List<Diagnosis> diagnoses = run("", "    server s1 10.0.0.1:8080 check\n    server s2 10.0.0.1:8081 check",
                Map.of("be/s1", ServerScript.of(Behaviour.refuse()), "be/s1:8081", ServerScript.of(Behaviour.http(200)),
                        "be/s2", ServerScript.of(Behaviour.http(200))));
        assertThat(diagnoses).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.PORT_MISMATCH);
            assertThat(d.evidence()).contains("10.0.0.1:8081: accepts connections");
            assertThat(d.fix().before()).isEqualTo("server s1 10.0.0.1:8080 check");
            assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:8081 check");
        });
    }

    @Test
    void backendDownWhenEveryNamedPortRefuses() {
        List<Diagnosis> diagnoses = run("", "    server s1 10.0.0.1:8080 check port 9000",
                Map.of("be/s1", ServerScript.of(Behaviour.refuse())));
        assertThat(diagnoses).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
            assertThat(d.evidence()).contains("10.0.0.1:9000 refused the connection (L4CON) on 21 of 21 checks: "
                    + "nothing listens there");
            assertThat(d.evidence()).anyMatch(e -> e.startsWith("10.0.0.1:8080: L4CON"));
            assertThat(d.fix().changesConfig()).isFalse();
        });
    }

    @Test
    void backendDownAfterACrashSaysWhenItWasLastUp() {
        List<Diagnosis> diagnoses = run("", "    server s1 10.0.0.1:8080 check",
                Map.of("be/s1", ServerScript.builder().at(Duration.ZERO, Behaviour.http(200))
                        .at(Duration.ofSeconds(5), Behaviour.refuse()).build()));
        assertThat(diagnoses).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
            assertThat(d.evidence()).anyMatch(e -> e.matches("the server was UP until \\d+ms into the run, then "
                    + "refused: it crashed or was stopped"));
            assertThat(d.fix().summary()).startsWith("restart the service on 10.0.0.1:8080");
        });
    }

    @Test
    void timeoutTooLowMeasuresTheLatencyWithTheLongProbe() {
        List<Diagnosis> diagnoses = run("    timeout check 1s", "    server s1 10.0.0.1:8080 check",
                Map.of("be/s1", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofMillis(3000))))));
        assertThat(diagnoses).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.TIMEOUT_TOO_LOW);
            assertThat(d.evidence()).contains("the timeout that applied: timeout check 1000ms");
            assertThat(d.evidence()).anyMatch(e -> e.contains("a follow-up check with a long timeout got L7OK 200")
                    && e.endsWith("in 3000ms"));
            assertThat(d.fix().before()).isEqualTo("timeout check 1000ms");
            assertThat(d.fix().after()).isEqualTo("timeout check 6000ms");
        });
    }

    @Test
    void networkBlockedWhenNoSynIsAnswered() {
        List<Diagnosis> diagnoses = run("", "    server s1 10.0.0.1:8080 check",
                Map.of("be/s1", ServerScript.of(Behaviour.blackhole())));
        assertThat(diagnoses).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.NETWORK_BLOCKED);
            assertThat(d.evidence()).anyMatch(e -> e.startsWith("a follow-up connect with a long timeout got no "
                    + "answer either (L4TOUT"));
            assertThat(d.evidence()).contains("the checks leave from 127.0.0.1 (no 'source' is set: the host's "
                    + "address for the route to 10.0.0.1)");
            assertThat(d.fix().summary()).startsWith("allow 127.0.0.1 on the backend's firewall, or make the checks "
                    + "leave from an allowed address with 'source'");
            assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:8080 check source <allowed-address>");
        });
    }

    @Test
    void networkBlockedByAFirewallNamesTheSourceTheSimulatedChecksCarry() {
        ServerScript dropsOthers = new ServerScript(List.of(new io.haprobe.sim.Phase(0, Behaviour.http(200),
                new io.haprobe.sim.Firewall(List.of("10.9.0.0/16"), io.haprobe.sim.Firewall.Action.DROP))));
        List<Diagnosis> diagnoses = run("", "    server s1 10.0.0.1:8080 check\n    server s2 10.0.0.2:8080 check"
                + " source 10.8.0.5", Map.of("be/s1", dropsOthers, "be/s2", dropsOthers));

        assertThat(diagnoses).hasSize(2);
        assertThat(diagnoses.get(0).cause()).isEqualTo(Cause.NETWORK_BLOCKED);
        assertThat(diagnoses.get(0).evidence()).contains("the checks leave from 127.0.0.1 (no 'source' is set: the "
                + "host's address for the route to 10.0.0.1)");
        assertThat(diagnoses.get(1).cause()).isEqualTo(Cause.NETWORK_BLOCKED);
        assertThat(diagnoses.get(1).evidence()).contains("the checks leave from 10.8.0.5 ('source')");
        assertThat(diagnoses.get(1).fix().summary()).isEqualTo("allow 10.8.0.5 to reach 10.0.0.2:8080 on the "
                + "backend's firewall, or set 'source' to an address it allows");
        assertThat(diagnoses.get(1).fix().changesConfig()).isFalse();
    }

    @Test
    void aRejectingFirewallAtADownTransitionNamesTheSourceToo() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", HTTP.formatted("",
                "    server s1 10.0.0.1:8080 check"));
        ServerScript script = new ServerScript(List.of(new io.haprobe.sim.Phase(0, Behaviour.http(200)),
                new io.haprobe.sim.Phase(Duration.ofMillis(4_500).toNanos(), Behaviour.http(200),
                        new io.haprobe.sim.Firewall(List.of("10.9.0.0/16"), io.haprobe.sim.Firewall.Action.REJECT)),
                new io.haprobe.sim.Phase(Duration.ofMillis(9_500).toNanos(), Behaviour.http(200))));
        try (Simulation simulation = Simulation.builder(config).script("be/s1", script).build()) {
            simulation.runFor(Duration.ofSeconds(15));

            assertThat(simulation.transitionDiagnoses()).singleElement().satisfies(t -> {
                assertThat(t.recovered()).isTrue();
                assertThat(t.diagnosis().cause()).isEqualTo(Cause.NETWORK_BLOCKED);
                assertThat(t.diagnosis().evidence()).contains("the checks leave from 127.0.0.1 (no 'source' is set: "
                        + "the host's address for the route to 10.0.0.1)");
            });
        }
    }

    @Test
    void resourceExhaustionWhenChecksPassAndFailByTurnsWithRefusals() {
        List<Diagnosis> diagnoses = run("", "    server s1 10.0.0.1:8080 check",
                Map.of("be/s1", ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(200),
                        Behaviour.refuse(), Behaviour.refuse())))));
        assertThat(diagnoses).singleElement().satisfies(d -> {
            assertThat(d.cause()).isEqualTo(Cause.RESOURCE_EXHAUSTION);
            assertThat(d.evidence().get(0)).containsPattern("10.0.0.1:8080 passed \\d+ and failed \\d+ of \\d+ checks");
            assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:8080 check maxconn 100");
        });
    }

    @Test
    void noProbeStillDiagnosesFromTheHistory() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", HTTP.formatted("",
                "    server s1 10.0.0.1:8080 check"));
        try (Simulation simulation = Simulation.builder(config).script("be/s1", ServerScript.of(Behaviour.refuse()))
                .build()) {
            simulation.runFor(Duration.ofSeconds(10));
            long before = simulation.elapsed().toMillis();
            assertThat(simulation.diagnoses(false)).singleElement().satisfies(d -> {
                assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
                assertThat(d.evidence()).contains("no follow-up probe (--no-probe): other ports not tried");
            });
            assertThat(simulation.elapsed().toMillis()).isEqualTo(before);
        }
    }

    @Test
    void aDownTransitionTheServerRecoveredFromIsDiagnosedFromTheChecksAroundIt() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", HTTP.formatted("",
                "    server s1 10.0.0.1:8080 check"));
        try (Simulation simulation = Simulation.builder(config).script("be/s1", ServerScript.builder()
                .at(Duration.ZERO, Behaviour.http(200))
                .at(Duration.ofMillis(10_500), Behaviour.refuse())
                .at(Duration.ofMillis(20_500), Behaviour.http(200)).build()).build()) {
            simulation.runFor(Duration.ofSeconds(40));
            assertThat(simulation.diagnoses(true)).isEmpty();

            List<TransitionDiagnosis> transitions = Diagnoses.transitions(config, simulation.timeline());

            assertThat(transitions).singleElement().satisfies(t -> {
                assertThat(t.downAtMillis()).isEqualTo(12_000);
                assertThat(t.recoveredAtMillis()).isEqualTo(22_000);
                assertThat(t.recovered()).isTrue();
                Diagnosis d = t.diagnosis();
                assertThat(d.server()).isEqualTo("s1");
                assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
                assertThat(d.evidence()).containsExactly(
                        "DOWN at t=12000ms (failing since t=11000ms), UP again at t=22000ms",
                        "10.0.0.1:8080 refused the connection (L4CON) on 10 of 23 checks: nothing listens there",
                        "the server was UP until 12000ms into the run, then refused: it crashed or was stopped");
                assertThat(d.fix().summary()).isEqualTo("find why the service on 10.0.0.1:8080 stopped (its logs, "
                        + "the OOM killer); it answered again at t=22000ms");
            });
        }
    }

    @Test
    void everyDownTransitionGetsItsOwnDiagnosisTheLastOneStillDown() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", HTTP.formatted("",
                "    server s1 10.0.0.1:8080 check"));
        try (Simulation simulation = Simulation.builder(config).script("be/s1", ServerScript.builder()
                .at(Duration.ZERO, Behaviour.http(204))
                .at(Duration.ofMillis(5_500), Behaviour.http(200))
                .at(Duration.ofMillis(10_500), Behaviour.blackhole()).build()).build()) {
            simulation.runFor(Duration.ofSeconds(20));

            List<TransitionDiagnosis> transitions = Diagnoses.transitions(config, simulation.timeline());

            assertThat(transitions).hasSize(2);
            assertThat(transitions.get(0).diagnosis().cause()).isEqualTo(Cause.CHECK_MISCONFIGURED);
            assertThat(transitions.get(0).diagnosis().evidence().get(0)).matches(
                    "DOWN at t=\\d+ms \\(failing since t=\\d+ms\\), UP again at t=\\d+ms");
            assertThat(transitions.get(0).diagnosis().fix().after()).isEqualTo("http-check expect status 204");
            assertThat(transitions.get(1).recovered()).isFalse();
            assertThat(transitions.get(1).diagnosis().cause()).isEqualTo(Cause.NETWORK_BLOCKED);
            assertThat(transitions.get(1).diagnosis().evidence().get(0)).endsWith(", still DOWN at the end of the run");
            assertThat(transitions.get(0).downAtMillis()).isLessThan(transitions.get(1).downAtMillis());
        }
    }
}
