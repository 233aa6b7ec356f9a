package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Firewall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code firewall:} in a scenario phase, on virtual time: checks from a source outside {@code allow} are dropped
 * (L4TOUT when the connect timeout, here {@code inter} as no {@code timeout connect} is set, expires) or rejected (L4CON {@code No route to host}, an ICMP host-unreachable);
 * checks with {@code source} set to an allowed address pass. Without {@code source}, a check leaves from the
 * loopback address of its family.
 */
class FirewallScenarioTest {

    @TempDir
    Path dir;

    @Test
    void droppedChecksTimeOutAtLayer4() {
        assertThat(transitions("", "drop")).containsExactly(
                "t=1000ms b/s UP->DOWN L4TOUT");
    }

    @Test
    void rejectedChecksFailAtLayer4WithTheIcmpUnreachableText() {
        assertThat(transitions("", "reject")).containsExactly(
                "t=0ms b/s UP->DOWN L4CON \"No route to host\"");
    }

    @Test
    void checksFromAnAllowedSourcePass() {
        assertThat(transitions("source 127.0.0.2", "drop")).isEmpty();
        assertThat(transitions("source 127.0.0.2", "reject")).isEmpty();
    }

    @Test
    void theFirewallFollowsThePhases() {
        Scenario scenario = Scenario.parse("scenario.yaml", """
                haproxy: |
                  backend b
                      server s 10.0.0.1:80 check inter 1s rise 1 fall 1
                duration: 5s
                servers:
                  b/s:
                    - at: 0s
                      tcp: { }
                    - at: 2500ms
                      tcp: { }
                      firewall: { allow: [10.0.0.0/8], action: reject }
                """, dir);

        assertThat(scenario.scripts().get("b/s").phases().get(1).firewall())
                .isEqualTo(new Firewall(List.of("10.0.0.0/8"), Firewall.Action.REJECT));
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            assertThat(simulation.timeline().transitions()).extracting(Object::toString).containsExactly(
                    "t=3000ms b/s UP->DOWN L4CON \"No route to host\"");
        }
    }

    @Test
    void aBadFirewallIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> scenario("", "allow: [10.0.0.0/33], action: drop"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("scenario.yaml:9:")
                .hasMessageContaining("allow: '10.0.0.0/33'");
        assertThatThrownBy(() -> scenario("", "allow: [127.0.0.2], action: deny"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("action: 'deny' (expected: drop or reject)");
        assertThatThrownBy(() -> scenario("", "allow: [127.0.0.2]"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("firewall without action");
    }

    private List<String> transitions(String source, String action) {
        Scenario scenario = scenario(source, "allow: [127.0.0.2/32], action: " + action);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            return simulation.timeline().transitions().stream().map(Object::toString).toList();
        }
    }

    private Scenario scenario(String source, String firewall) {
        return Scenario.parse("scenario.yaml", """
                haproxy: |
                  backend b
                      timeout check 2s
                      server s 127.0.0.1:80 check inter 1s rise 1 fall 1 %s
                duration: 5s
                servers:
                  b/s:
                    - at: 0s
                      firewall: { %s }
                      tcp: { }
                """.formatted(source, firewall), dir);
    }
}
