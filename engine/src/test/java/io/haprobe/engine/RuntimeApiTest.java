package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeApiTest {

    private static final String CONFIG = """
            global
                stats socket /tmp/x.sock level admin
            defaults
                mode http
                timeout connect 2s
                timeout check 1s
            frontend fe
                bind 127.0.0.1:18080
                default_backend be
            backend be
                option httpchk GET /
                option log-health-checks
                server s1 127.0.0.1:18081 check inter 1s
                server s2 127.0.0.1:18099 check inter 1s
                server b1 127.0.0.1:18081 check inter 1s backup
                server s4 127.0.0.1:18081
                server w20 127.0.0.1:18081 check inter 1s weight 20
                server d1 127.0.0.1:18081 check inter 1s disabled
            """;

    private Simulation simulation() {
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse("h.cfg", CONFIG));
        for (String s : new String[] {"s1", "b1", "s4", "w20", "d1"}) {
            builder.script("be/" + s, ServerScript.of(Behaviour.http(200)));
        }
        builder.script("be/s2", ServerScript.of(Behaviour.refuse()));
        return builder.build();
    }

    @Test
    void showStatRowsLikeHaproxy() {
        try (Simulation sim = simulation()) {
            sim.runFor(Duration.ofSeconds(25));
            String csv = sim.engine().showStat();
            assertThat(csv).startsWith(StatsReport.HEADER + "\n");
            assertThat(csv).contains(
                    "be,s1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,25,0,,1,3,1,,0,,2,0,,0,L7OK,200,0,0,0,0,0,0,0,,,,0,0,0,,,,,-1,,,0,0,0,0,,,,Layer7 check passed,,2,3,4,,,,127.0.0.1:18081,,http,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,\n");
        }
    }

    @Test
    void commandsLogLikeHaproxy() {
        try (Simulation sim = simulation()) {
            sim.runFor(Duration.ofSeconds(5));
            assertThat(sim.engine().execute("disable server be/s1")).isEmpty();
            assertThat(sim.engine().execute("get weight be/w20")).isEqualTo("20 (initial 20)\n");
            assertThat(sim.engine().execute("set weight be/s1 300"))
                    .isEqualTo("Absolute weight can only be between 0 and 256 inclusive.\n");
            assertThat(sim.engine().execute("get weight nosuch/s1")).isEqualTo("No such backend.\n");
            assertThat(sim.engine().execute("enable health be/s4"))
                    .isEqualTo("Health check was not configured on this server, cannot enable.\n");
            sim.engine().execute("enable server be/s1");
            sim.engine().execute("set server be/w20 health down");
            sim.engine().execute("set server be/w20 state drain");
            sim.engine().execute("set server be/w20 state maint");
            sim.engine().execute("set server be/w20 state drain");
            sim.engine().execute("set server be/w20 state ready");
            assertThat(sim.timeline().logLines()).contains(
                    "t=5000ms > disable server be/s1",
                    "t=5000ms Server be/s1 is going DOWN for maintenance. 2 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.",
                    "t=5000ms Server be/s1 is UP/READY (leaving forced maintenance).",
                    "t=5000ms Server be/w20 is DOWN, changed from CLI. 2 active and 1 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.");
        }
    }

    @Test
    void typedMethodsRunTheCommandsAndThrowHaproxysErrors() {
        try (Simulation sim = simulation()) {
            sim.runFor(Duration.ofSeconds(3));
            HealthCheckEngine engine = sim.engine();
            engine.setServerState("be", "s1", io.haprobe.health.AdminRequest.DRAIN);
            engine.setWeight("be", "w20", 5);
            engine.setServerHealth("be", "b1", io.haprobe.ServerState.NOLB);

            assertThat(engine.server("be", "s1").orElseThrow().statusText()).isEqualTo("DRAIN");
            assertThat(engine.weight("be", "w20")).isEqualTo(5);
            assertThat(engine.server("be", "b1").orElseThrow().statusText()).isEqualTo("NOLB");
            assertThat(sim.timeline().logLines()).contains("t=3000ms Backup Server be/b1 is stopping, changed from "
                    + "CLI. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.setWeight("be", "w20", 300))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Absolute weight can only be between 0 and 256 inclusive.");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.weight("be", "nope"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("No such server.");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.setServerState("b e;x", "s1",
                    io.haprobe.health.AdminRequest.MAINT)).hasMessage("No such backend.");
        }
    }
}
