package io.haprobe.cli;

import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code haprobe demo}: plays scripted backends on 127.0.0.1 ({@link LoopbackBackends}) that reproduce the
 * runbooks' first root causes, checks them exactly as {@code haprobe check} would with short intervals, and
 * verifies that each ended as HAProxy 2.6 would have it; the summary is followed by each DOWN backend's diagnosis
 * (cause, evidence, fix), and by the diagnosis of the crash the recovering backend came back from. Finishes in
 * about 18 seconds.
 */
@Command(name = "demo",
        description = {"Runs live checks against embedded backends that reproduce DOWN root causes.",
                "Loopback backends play: a wrong status, the rstatus fix, a port mismatch, a slow backend,",
                "a crash and recovery, then prints the diagnosis of each backend left DOWN and of the crash.",
                "Needs no setup.",
                "Exit status: 0 when every server ended as HAProxy 2.6 would have it."},
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {

    private static final long CRASH_AT_MILLIS = 5_000;
    private static final long RESTART_AT_MILLIS = 11_000;
    private static final long END_AT_MILLIS = 16_000;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (LoopbackBackends backends = backends()) {
            String text = config(backends.ports());
            out.println("# haprobe demo: embedded backends on 127.0.0.1, checked with this haproxy.cfg");
            text.lines().forEach(line -> out.println("#   " + line));
            out.println("# the crash_recover backend crashes at t=" + CRASH_AT_MILLIS + "ms and restarts at t="
                    + RESTART_AT_MILLIS + "ms");
            out.println();
            out.flush();
            HaproxyConfig config = HaproxyConfig.parse("demo.cfg", text);
            try (LiveSession session = new LiveSession(config, List.of(), true, out)) {
                backends.start();
                session.start();
                session.awaitMillisSinceStart(END_AT_MILLIS);
                session.finish();
                return verify(session.servers(), out);
            }
        }
    }

    /** The demo's backends, in the order of {@link #config(Map)}'s sections. */
    static LoopbackBackends backends() {
        return LoopbackBackends.builder()
                // a demo, not a test: the backends never fail it
                .strict(false)
                .script("wrong_status/web01", ServerScript.of(Behaviour.http(204)))
                .script("rstatus_fix/web01", ServerScript.of(Behaviour.http(204)))
                .script("port_mismatch/api01", ServerScript.of(Behaviour.refuse()))
                .script("port_mismatch/api01_service", ServerScript.of(Behaviour.http(200)))
                .script("slow_backend/slow01", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofMillis(1_500)))))
                .script("crash_recover/app01", ServerScript.builder()
                        .at(Duration.ZERO, Behaviour.http(200))
                        .at(Duration.ofMillis(CRASH_AT_MILLIS), Behaviour.refuse())
                        .at(Duration.ofMillis(RESTART_AT_MILLIS), Behaviour.http(200))
                        .build())
                .bind();
    }

    /** The demo's haproxy.cfg, with the ports of {@link #backends()} filled in, in their order. */
    static String config(Map<String, Integer> ports) {
        return """
                global
                    spread-checks 0

                defaults
                    timeout connect 1s
                    default-server inter 1s fastinter 500ms downinter 1s rise 2 fall 3

                # root cause 1: the health endpoint answers 204 while the config insists on 200
                backend wrong_status
                    option httpchk GET /status
                    http-check expect status 200
                    server web01 127.0.0.1:%1$d check

                # the runbook's fix: accept any 2xx or 3xx
                backend rstatus_fix
                    option httpchk GET /status
                    http-check expect rstatus (2|3)[0-9][0-9]
                    server web01 127.0.0.1:%2$d check

                # root cause 2: the check goes to a port where nothing listens (the service listens on its
                # traffic port)
                backend port_mismatch
                    server api01 127.0.0.1:%4$d check port %3$d

                # root cause 3: the backend answers after 1500ms, later than timeout check
                backend slow_backend
                    option httpchk GET /health
                    timeout check 500ms
                    server slow01 127.0.0.1:%5$d check

                # root cause 4: the backend crashes, then comes back
                backend crash_recover
                    option httpchk GET /health
                    server app01 127.0.0.1:%6$d check
                """.formatted(ports.values().toArray());
    }

    private static int verify(List<ServerSnapshot> servers, PrintWriter out) {
        List<Expectation> expectations = List.of(
                new Expectation("wrong_status/web01", ServerState.DOWN, CheckStatus.L7STS),
                new Expectation("rstatus_fix/web01", ServerState.UP, CheckStatus.L7OK),
                new Expectation("port_mismatch/api01", ServerState.DOWN, CheckStatus.L4CON),
                new Expectation("slow_backend/slow01", ServerState.DOWN, CheckStatus.L7TOUT),
                new Expectation("crash_recover/app01", ServerState.UP, CheckStatus.L7OK));
        out.println();
        boolean allMet = true;
        for (Expectation expected : expectations) {
            ServerSnapshot actual = servers.stream().filter(s -> s.id().equals(expected.server())).findFirst()
                    .orElseThrow();
            CheckStatus status = actual.lastOutcome().map(o -> o.status()).orElse(CheckStatus.INI);
            boolean met = actual.state() == expected.state() && status == expected.status();
            allMet &= met;
            out.println((met ? "as expected: " : "UNEXPECTED:  ") + expected.server() + " is "
                    + actual.state().word() + " with " + status.tag()
                    + (met ? "" : " (expected " + expected.state().word() + " with " + expected.status().tag() + ")"));
        }
        out.flush();
        return allMet ? ServerSummary.EXIT_ALL_UP : ServerSummary.EXIT_USAGE;
    }

    private record Expectation(String server, ServerState state, CheckStatus status) {
    }
}
