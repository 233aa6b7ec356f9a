package io.haprobe.sim;

import io.haprobe.CheckOutcome;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Simulation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the simulated transport does with scripts beyond one behaviour per server: scripts for one port of a
 * server's host (a {@code tcp-check connect port}, an {@code agent-port}), and long responses. The table of every
 * check kind against scripted backends, simulated and live, is testkit's {@code CheckKinds}.
 */
class CheckKindsTest {

    @Test
    void aScriptForOnePortAnswersConnectionsToThatPortOnly() {
        // tcp-check talks to the server's port, then to port 9999 of the same host: each has its own script
        Simulation sim = Simulation.builder(HaproxyConfig.parse("test.cfg", """
                backend app_backend
                    option tcp-check
                    tcp-check connect
                    tcp-check send PING\\r\\n
                    tcp-check expect string PONG
                    tcp-check connect port 9999
                    tcp-check send STATUS\\n
                    tcp-check expect string ready
                    server web01 10.0.0.1:6379 check inter 1s fall 1
                """))
                .script("app_backend/web01", ServerScript.of(dialogue(false, ex("PING\r\n", "+PONG\r\n"))))
                .script("app_backend/web01:9999", ServerScript.of(dialogue(false, ex("STATUS\n", "ready\n"))))
                .build();

        sim.runFor(Duration.ofMillis(500));

        // the server's own script would never answer STATUS: the check passes only through the port's script
        CheckOutcome outcome = sim.timeline().checks("app_backend/web01").get(0).outcome();
        assertThat(outcome.status().tag() + " " + outcome.info()).isEqualTo("L7OK (tcp-check)");
    }

    @Test
    void aHeaderRuleFindsAHeaderBehindMany() {
        java.util.LinkedHashMap<String, String> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            headers.put("X-Filler-" + i, "v" + i);
        }
        headers.put("X-Status", "ready");
        Simulation sim = Simulation.builder(HaproxyConfig.parse("test.cfg", """
                backend app_backend
                    option httpchk GET /health
                    http-check expect hdr name x-status value ready
                    server web01 10.0.0.1:80 check inter 1s fall 1
                """))
                .script("app_backend/web01", ServerScript.of(new Behaviour.Http(200, null, headers, "", Delay.NONE)))
                .build();

        sim.runFor(Duration.ofMillis(500));

        assertThat(sim.timeline().checks("app_backend/web01").get(0).outcome().status().tag()).isEqualTo("L7OK");
    }

    @Test
    void anAgentIsScriptedOnItsPortApartFromTheServer() {
        HaproxyConfig config = HaproxyConfig.parse("test.cfg", """
                backend app_backend
                    option httpchk GET /health
                    option log-health-checks
                    server web01 10.0.0.1:80 check inter 1s agent-check agent-port 9101 agent-inter 1s
                """);
        Simulation sim = Simulation.builder(config)
                .script("app_backend/web01", ServerScript.of(Behaviour.http(200)))
                .script("app_backend/web01:9101", ServerScript.of(new Behaviour.Tcp(ascii("drain\n"), Delay.NONE,
                        true, true)))
                .build();

        sim.runFor(Duration.ofMillis(1200));

        assertThat(sim.timeline().checks("app_backend/web01")).extracting(c -> c.outcome().status().tag())
                .containsExactly("L7OK", "L7OK");
        assertThat(sim.timeline().logLines()).containsExactly(
                "t=0ms Health check for server app_backend/web01 succeeded, reason: Layer7 check passed, code: 200,"
                        + " check duration: 0ms, status: 3/3 UP.",
                "t=500ms Server app_backend/web01 enters drain state. 0 active and 0 backup servers online."
                        + " 0 sessions requeued, 0 total in queue.",
                "t=500ms backend app_backend has no server available!");
        assertThat(sim.server("app_backend/web01").orElseThrow().statusText()).isEqualTo("DRAIN (agent)");
        assertThatThrownBy(() -> Simulation.builder(config).script("app_backend/web02:9101",
                ServerScript.of(Behaviour.hang())).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server: 'app_backend/web02:9101' (expected: one of [app_backend/web01]");
    }

    private static Behaviour.Dialogue dialogue(boolean close, Behaviour.Dialogue.Exchange... exchanges) {
        return new Behaviour.Dialogue(List.of(exchanges), close, false);
    }

    private static Behaviour.Dialogue.Exchange ex(String await, String reply) {
        return new Behaviour.Dialogue.Exchange(ascii(await), ascii(reply), Delay.NONE);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
