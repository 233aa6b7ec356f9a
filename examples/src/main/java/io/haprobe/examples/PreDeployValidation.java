package io.haprobe.examples;

import io.haprobe.ServerState;
import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.HaproxyTime;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.engine.Simulation;
import io.haprobe.engine.Timeline;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validates a haproxy.cfg before it is deployed: how long does HAProxy take to take a server out when its
 * backend fails? For every checked server, two simulated runs on virtual time (milliseconds of wall time):
 * the backend answers {@code 200} until t=10s, then either crashes (nothing listens: {@code refuse}) or hangs
 * (the connect never completes: {@code blackhole}); every other server stays healthy. It prints HAProxy's log
 * lines of each run and how long the server took to go DOWN, against a budget.
 *
 * <pre>{@code
 * $ java io.haprobe.examples.PreDeployValidation configs/app.cfg 10s
 * # app_backend/web01: healthy until t=10000ms, then refuse
 * t=12000ms Server app_backend/web01 is DOWN, reason: Layer4 connection problem, ...
 * # app_backend/web01 refuse: DOWN 2000ms after the failure (budget 10000ms): ok
 * ...
 * }</pre>
 *
 * <p>Exit codes: 0 when every server goes DOWN within the budget, 1 when one does not (or fails its check while
 * healthy), 2 for bad arguments or an invalid config. The runs are deterministic: the same config always
 * prints the same lines.
 */
public final class PreDeployValidation {

    /** When the backend fails, since the start of each run. */
    static final Duration FAILURE_AT = Duration.ofSeconds(10);
    /** The default detection budget when none is given. */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);
    /** The seed of every run, so that the output never changes for a given config. */
    static final long SEED = 1;

    private PreDeployValidation() {
    }

    /**
     * Runs the validation and exits with its code.
     *
     * @param args {@code <haproxy.cfg> [budget]}, the budget in haproxy.cfg's time format, default {@code 10s}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the validation.
     *
     * @param args {@code <haproxy.cfg> [budget]}; never null
     * @param out  where the log lines and verdicts go; never null
     * @param err  where usage and config errors go; never null
     * @return 0 if every server goes DOWN within the budget, 1 if one does not, 2 for bad arguments or config
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1 || args.length > 2) {
            err.println("usage: PreDeployValidation <haproxy.cfg> [budget, e.g. 10s]");
            return 2;
        }
        Duration budget = DEFAULT_BUDGET;
        if (args.length == 2) {
            try {
                budget = Duration.ofMillis(HaproxyTime.parseMillis(args[1]));
            } catch (IllegalArgumentException e) {
                err.println("budget: " + e.getMessage());
                return 2;
            }
        }
        HaproxyConfig config;
        try {
            config = HaproxyConfig.parse(Path.of(args[0]));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        List<String> servers = checkedServers(config);
        int failed = 0;
        for (String server : servers) {
            for (Behaviour failure : List.of(Behaviour.refuse(), Behaviour.blackhole())) {
                if (!validate(config, servers, server, failure, budget, out)) {
                    failed++;
                }
            }
        }
        out.println("# " + (servers.size() * 2 - failed) + " of " + servers.size() * 2
                + " failures detected within " + budget.toMillis() + "ms");
        return failed == 0 ? 0 : 1;
    }

    /** Runs one case and prints its lines and verdict; returns whether it is within the budget. */
    private static boolean validate(HaproxyConfig config, List<String> servers, String failing, Behaviour failure,
                                    Duration budget, PrintStream out) {
        Simulation.Builder setup = Simulation.builder(config).seed(SEED);
        for (String server : servers) {
            setup.script(server, ServerScript.of(Behaviour.http(200)));
        }
        setup.script(failing, ServerScript.builder()
                .at(Duration.ZERO, Behaviour.http(200))
                .at(FAILURE_AT, failure)
                .build());
        out.println("# " + failing + ": healthy until t=" + FAILURE_AT.toMillis() + "ms, then " + failure.kind());
        try (Simulation sim = setup.build()) {
            sim.runUntil(FAILURE_AT.plus(budget));
            Timeline timeline = sim.timeline();
            timeline.logLines().forEach(out::println);
            String verdict = verdict(timeline, failing, budget);
            out.println("# " + failing + " " + failure.kind() + ": " + verdict);
            return verdict.endsWith(": ok");
        }
    }

    private static String verdict(Timeline timeline, String server, Duration budget) {
        Optional<Timeline.Transition> down = timeline.transitions(server).stream()
                .filter(t -> t.to() == ServerState.DOWN).findFirst();
        if (down.isEmpty()) {
            return "still UP " + budget.toMillis() + "ms after the failure: over budget";
        }
        long afterFailure = down.get().atMillis() - FAILURE_AT.toMillis();
        if (afterFailure < 0) {
            return "DOWN at t=" + down.get().atMillis() + "ms while healthy (" + down.get()
                    + "): the check does not pass against a 200";
        }
        return "DOWN " + afterFailure + "ms after the failure (budget " + budget.toMillis() + "ms): ok";
    }

    /** Returns {@code backend/server} of every server that is checked and not {@code disabled}, in order. */
    private static List<String> checkedServers(HaproxyConfig config) {
        List<String> ids = new ArrayList<>();
        for (ProxyConfig proxy : config.proxies()) {
            for (ServerConfig server : proxy.servers()) {
                if (server.check().enabled() && !server.traffic().disabled()) {
                    ids.add(proxy.name() + '/' + server.name());
                }
            }
        }
        return ids;
    }
}
