package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.fuzz.FuzzReport;
import io.haprobe.fuzz.Labels;
import io.haprobe.fuzz.MutationFuzzer;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Fuzzes the runtime API's command parser and commands (docs/fuzzing.md): any line, of any bytes, run against a
 * simulation with active, backup, unchecked, disabled and agent-checked servers, must give a reply (never an
 * exception), keep the engine consistent (every server's {@code show stat} row and {@code show servers state}
 * line still render) and let the checks go on afterwards.
 */
class RuntimeApiFuzzTest {

    /** The default budget; {@code -Dfuzz.seconds} overrides it. */
    private static final double SECONDS = 5;

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
                server s2 127.0.0.1:18099 check inter 1s agent-check agent-port 18090 agent-inter 1s
                server b1 127.0.0.1:18081 check inter 1s backup
                server s4 127.0.0.1:18081
                server d1 127.0.0.1:18081 check inter 1s disabled
            backend st
                balance source
                server x1 127.0.0.1:18081 check weight 10
            """;

    private static final List<String> SEEDS = List.of("show stat", "show stat be 4 -1 up", "show servers state be",
            "show info", "help", "disable server be/s1", "enable server be/s1", "set server be/s1 state drain",
            "set server be/s2 agent down", "set server be/b1 health stopping", "set weight be/s1 50%",
            "set server be/s1 weight 300", "get weight be/#1", "disable health be/s1;enable health be/s1",
            "set server be/s1 addr 127.0.0.2 port 18082", "disable agent be/s2", "set weight st/x1 5",
            "set server be/s1\\ state ready", "", ";;;", "prompt", "quit");

    private static final List<String> TOKENS = List.of("show", "stat", "servers", "state", "info", "set", "get",
            "server", "weight", "health", "agent", "addr", "port", "enable", "disable", "ready", "drain", "maint",
            "up", "down", "stopping", "be/s1", "be/s2", "be/b1", "be/s4", "be/d1", "st/x1", "be/", "/s1", "#1", "#0",
            "%", "-1", "256", "257", "99999999999999999999", "127.0.0.1", "::1", "+1", ";", "\\", " ", "\t", "\n");

    @Test
    void anyCommandLineGetsAReplyAndLeavesTheEngineWorking() {
        MutationFuzzer fuzzer = MutationFuzzer.builder("runtime API commands", (input, random) -> {
                    String line = new String(input, StandardCharsets.ISO_8859_1);
                    try (Simulation simulation = simulation()) {
                        simulation.runFor(Duration.ofMillis(1500));
                        String reply = simulation.engine().execute(line);
                        if (reply == null) {
                            throw new AssertionError("null reply to " + line);
                        }
                        simulation.runFor(Duration.ofSeconds(2));
                        String stat = simulation.engine().showStat();
                        if (!stat.startsWith(StatsReport.HEADER) || stat.split("\n").length != 10) {
                            throw new AssertionError("show stat broken after '" + line + "':\n" + stat);
                        }
                        simulation.engine().showServersState();
                        return Labels.of(reply.isEmpty() ? "ok" : reply.lines().findFirst().orElse(""));
                    }
                })
                .seeds(SEEDS.stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList())
                .dictionary(TOKENS)
                .seconds(SECONDS)
                .maxInputBytes(512)
                .build();
        FuzzReport report = fuzzer.run();
        report.assertNoCrash();
    }

    private static Simulation simulation() {
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse("fuzz.cfg", CONFIG));
        for (String server : List.of("be/s1", "be/b1", "be/s4", "be/d1", "st/x1")) {
            builder.script(server, ServerScript.of(Behaviour.http(200)));
        }
        builder.script("be/s2", ServerScript.of(Behaviour.http(200)));
        builder.script("be/s2:18090", ServerScript.of(Behaviour.refuse()));
        return builder.build();
    }
}
