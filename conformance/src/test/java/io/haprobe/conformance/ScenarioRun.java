package io.haprobe.conformance;

import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.testkit.Scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Plays one {@link ConformanceScenario} three ways and compares them: real HAProxy and haprobe live, each against
 * its own {@link LoopbackBackends} player of the scenario's scripts and at the same time, and haprobe simulated on
 * virtual time. Every run leaves its configs, logs, trace and differences under its artifact directory.
 */
final class ScenarioRun {

    /**
     * What one scenario gave.
     *
     * @param scenario the scenario
     * @param haproxy  what HAProxy concluded (null if its run failed)
     * @param live     how haprobe live compared with HAProxy (its player's errors count as conclusions)
     * @param sim      how haprobe simulated compared with HAProxy
     * @param own      how haprobe simulated compared with haprobe live (what counts for scenarios with a
     *                 divergence, where HAProxy's differences are reported, not failed)
     * @param error    why the run itself failed, or null
     * @param first    the first attempt, when this is the scenario's second (see {@link #retry}), else null
     */
    record Result(ConformanceScenario scenario, Observation haproxy, Comparison.Outcome live,
                  Comparison.Outcome sim, Comparison.Outcome own, String error, Result first) {

        private static final Comparison.Outcome NONE = new Comparison.Outcome(List.of(), List.of(), List.of());

        /**
         * Whether a second attempt may decide: the run itself worked and the comparisons that decide differ only
         * in timings, never in what was concluded.
         */
        boolean onlyTimingsDiffer() {
            return error == null && !(livePasses() && simPasses())
                    && deciding().stream().allMatch(outcome -> outcome.conclusions().isEmpty());
        }

        /** Whether this is a second attempt. */
        boolean retried() {
            return first != null;
        }

        boolean divergent() {
            return !scenario.divergences().isEmpty();
        }

        /** How haprobe live differed from HAProxy. */
        List<String> liveDiffs() {
            return live.all();
        }

        /** How haprobe simulated differed from HAProxy. */
        List<String> simDiffs() {
            return sim.all();
        }

        /** How haprobe simulated differed from haprobe live. */
        List<String> ownDiffs() {
            return own.all();
        }

        boolean livePasses() {
            return error == null && (divergent() ? own.agrees() : live.agrees());
        }

        boolean simPasses() {
            return error == null && (divergent() ? own.agrees() : sim.agrees());
        }

        /** The comparisons that decide the verdicts: with HAProxy, or between the haprobe sides for a divergence. */
        List<Comparison.Outcome> deciding() {
            return divergent() ? List.of(own) : List.of(live, sim);
        }
    }

    private ScenarioRun() {
    }

    /**
     * Runs the scenario, its artifacts under {@code artifacts/<scenario>/}; {@code pool} runs haprobe live while
     * this thread runs HAProxy.
     */
    static Result run(ConformanceScenario scenario, Path artifacts, ExecutorService pool) {
        return run(scenario, artifacts.resolve(scenario.name()), pool, null);
    }

    /**
     * Runs a scenario a second time, its artifacts under {@code artifacts/<scenario>/retry/}, after a first
     * attempt whose deciding comparisons differed only in timings ({@link Result#onlyTimingsDiffer()}): the second
     * attempt's result is the scenario's, and carries the first.
     *
     * @throws IllegalArgumentException if the first attempt differed in what it concluded, or failed to run
     */
    static Result retry(Result first, Path artifacts, ExecutorService pool) {
        if (!first.onlyTimingsDiffer()) {
            throw new IllegalArgumentException(first.scenario().name() + ": only a run whose timings alone differ"
                    + " may be retried");
        }
        return run(first.scenario(), artifacts.resolve(first.scenario().name()).resolve("retry"), pool, first);
    }

    private static Result run(ConformanceScenario scenario, Path dir, ExecutorService pool, Result first) {
        try {
            Files.createDirectories(dir);
            return play(scenario, dir, pool, first);
        } catch (Exception | AssertionError e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            try {
                Files.writeString(dir.resolve("error.txt"), error + "\n" + stackTrace(e));
            } catch (IOException ignored) {
                // the result still carries it
            }
            return new Result(scenario, null, Result.NONE, Result.NONE, Result.NONE, error, first);
        }
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        return trace.toString();
    }

    private static Result play(ConformanceScenario scenario, Path dir, ExecutorService pool, Result first)
            throws Exception {
        long durationNanos = scenario.scenario().durationNanos();
        HaproxyConfig original = scenario.scenario().config();
        Comparison comparison = new Comparison(original);

        Observation simulated = simulate(scenario);
        Files.write(dir.resolve("haprobe-sim.log"), simulated.log());

        Map<String, ServerScript> scripts = LiveConfig.playerScripts(scenario);
        Path socketDir = Files.createTempDirectory("haprobe-conformance-");
        try (LoopbackBackends haproxyPlayer = player(scenario, scripts);
             LoopbackBackends livePlayer = player(scenario, scripts)) {
            String haproxyLive = liveText(scenario, haproxyPlayer, dir.resolve("haproxy-player"));
            String liveText = liveText(scenario, livePlayer, dir.resolve("live-player"));
            Files.writeString(dir.resolve("haprobe-live.cfg"), liveText);
            Set<String> series = new HashSet<>();
            Set<Integer> grouped = new HashSet<>();
            Map<Integer, String> roles = roles(HaproxyConfig.parse("haproxy.cfg", haproxyLive), series, grouped);
            movedChecks(scenario, haproxyPlayer.ports(), roles);

            CompletableFuture<Observation> liveRun = CompletableFuture.supplyAsync(
                    () -> runLive(scenario, liveText, livePlayer, durationNanos, portNames(scenario, livePlayer)),
                    pool);
            HaproxyRun.Result haproxy;
            try {
                haproxy = HaproxyRun.run(LiveConfig.forHaproxy(haproxyLive, socketDir.resolve("stats.sock")), dir,
                        socketDir.resolve("stats.sock"), durationNanos, roles, grouped,
                        Set.copyOf(haproxyPlayer.ports().values()), portNames(scenario, haproxyPlayer),
                        haproxyPlayer::start, scenario.scenario().commands(),
                        command -> LiveConfig.command(command, haproxyPlayer.ports()));
            } finally {
                liveRun.exceptionally(failure -> null).join();
            }
            Observation liveObservation;
            try {
                liveObservation = liveRun.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            Files.write(dir.resolve("haproxy.log"), haproxy.observation().log());
            Files.write(dir.resolve("haprobe-live.log"), liveObservation.log());
            for (Observation side : List.of(haproxy.observation(), liveObservation, simulated)) {
                List<String> starts = new ArrayList<>();
                side.checkStarts().forEach((key, times) -> starts.add(key + ": " + times.stream()
                        .map(t -> String.format(java.util.Locale.ROOT, "%.1f", t)).toList()));
                Files.write(dir.resolve(side.side() + ".checks"), starts);
            }

            Comparison.Outcome live = comparison.compare(haproxy.observation(), liveObservation, series);
            List<String> playerErrors = new ArrayList<>();
            for (LoopbackBackends player : List.of(haproxyPlayer, livePlayer)) {
                player.errors().forEach(error -> playerErrors.add("player: " + error));
            }
            if (!playerErrors.isEmpty()) {
                List<String> conclusions = new ArrayList<>(live.conclusions());
                conclusions.addAll(playerErrors);
                live = new Comparison.Outcome(conclusions, live.timings(), live.margins());
            }
            Comparison.Outcome sim = comparison.compare(haproxy.observation(), simulated, series);
            Set<String> ownSeries = new LinkedHashSet<>(simulated.checkStarts().keySet());
            Comparison.Outcome own = comparison.compare(liveObservation, simulated, ownSeries);
            List<String> report = new ArrayList<>();
            report.add("# haproxy vs haprobe-live");
            report.addAll(live.all());
            report.add("# haproxy vs haprobe-sim");
            report.addAll(sim.all());
            report.add("# haprobe-live vs haprobe-sim");
            report.addAll(own.all());
            Files.write(dir.resolve("differences.txt"), report);
            // every timing compared and how much of its allowance it used: how close a run came to failing
            List<String> margins = new ArrayList<>();
            live.margins().forEach(margin -> margins.add("haproxy vs haprobe-live: " + margin));
            sim.margins().forEach(margin -> margins.add("haproxy vs haprobe-sim: " + margin));
            own.margins().forEach(margin -> margins.add("haprobe-live vs haprobe-sim: " + margin));
            Files.write(dir.resolve("margins.txt"), margins);
            return new Result(scenario, haproxy.observation(), live, sim, own, null, first);
        } finally {
            Files.deleteIfExists(socketDir.resolve("stats.sock"));
            Files.deleteIfExists(socketDir);
        }
    }

    /**
     * Plays the first {@code nanos} of a scenario through haprobe live only, its artifacts under {@code dir} and
     * its result dropped: the first run of a JVM loads and compiles the live path (sockets, TLS, the players, the
     * listener thread), which took the first scenarios' checks 150 ms and more late on a loaded machine.
     */
    static void warmUp(ConformanceScenario scenario, Path dir, long nanos) throws IOException {
        Files.createDirectories(dir);
        try (LoopbackBackends player = player(scenario, LiveConfig.playerScripts(scenario))) {
            String liveText = liveText(scenario, player, dir.resolve("live-player"));
            runLive(scenario, liveText, player, nanos, UnaryOperator.identity());
        }
    }

    /** What haprobe simulated concludes, on virtual time. */
    static Observation simulate(ConformanceScenario scenario) {
        try (Simulation simulation = scenario.scenario().simulation().recordChecks(true).build()) {
            List<Observation.Shown> shown = new ArrayList<>();
            for (Scenario.Command command : scenario.scenario().commands()) {
                if (command.at().toNanos() > scenario.scenario().durationNanos()) {
                    break;
                }
                // the command runs at its time, so the state right after it is the state at its time
                simulation.runUntil(command.at());
                shown.add(new Observation.Shown(command.command(), simulation.engine().showStat(),
                        simulation.engine().showServersState()));
            }
            simulation.runUntil(scenario.scenario().duration());
            return Observation.ofEvents("haprobe-sim", simulation.timeline().events(),
                    scenario.scenario().durationNanos(), simulation.engine().servers(), UnaryOperator.identity(),
                    nanos -> 0, shown);
        }
    }

    private static LoopbackBackends player(ConformanceScenario scenario, Map<String, ServerScript> scripts) {
        LoopbackBackends.Builder builder = LoopbackBackends.builder().seed(scenario.scenario().seed())
                // HAProxy's checks are compared, not held to the scripts: what they do differently is a finding
                .strict(false);
        scripts.forEach(builder::script);
        return builder.bind();
    }

    /** The scenario's config for one player, its CA and client certificate written under {@code prefix}. */
    private static String liveText(ConformanceScenario scenario, LoopbackBackends player, Path prefix)
            throws IOException {
        Path ca = Path.of(prefix + "-ca.pem").toAbsolutePath();
        Path crt = Path.of(prefix + "-crt.pem").toAbsolutePath();
        String text = scenario.haproxyText();
        if (text.contains("ca-file") || text.contains(" crt ")) {
            player.writeCaFile(ca);
            player.writeCrtFile(crt);
        }
        return LiveConfig.rewrite(text, scenario.scenario().config(), player.ports(), ca, crt);
    }

    private static Observation runLive(ConformanceScenario scenario, String liveText, LoopbackBackends player,
                                       long durationNanos, UnaryOperator<String> normalize) {
        HaproxyConfig config = HaproxyConfig.parse(scenario.name() + ".live.cfg", liveText);
        List<HealthEvent> events = Collections.synchronizedList(new ArrayList<>());
        List<ServerSnapshot> servers;
        List<Observation.Shown> shown;
        try (TimedTransport transport = new TimedTransport()) {
            try (HealthCheckEngine engine = HealthCheckEngine.builder(config).transport(transport)
                    .listener(events::add).build()) {
                player.start();
                engine.start();
                shown = command(engine, scenario.scenario().commands(), durationNanos,
                        command -> LiveConfig.command(command, player.ports()));
                long deadline = engine.startNanos() + durationNanos;
                await().atMost(Duration.ofNanos(durationNanos).plusSeconds(10)).pollInterval(Duration.ofMillis(10))
                        .until(() -> System.nanoTime() - deadline >= 0);
                servers = engine.servers();
            }
            synchronized (events) {
                return Observation.ofEvents("haprobe-live", List.copyOf(events), durationNanos, servers, normalize,
                        transport::lateMillisAt, shown);
            }
        }
    }

    /**
     * Runs each command on the live engine at its time after the engine's start, and reads {@code show stat} and
     * {@code show servers state} right after it; a command after the run's end is not run.
     */
    private static List<Observation.Shown> command(HealthCheckEngine engine, List<Scenario.Command> commands,
                                                   long durationNanos, UnaryOperator<String> toPlayer) {
        List<Observation.Shown> shown = new ArrayList<>();
        for (Scenario.Command command : commands) {
            if (command.at().toNanos() > durationNanos) {
                break;
            }
            long due = engine.startNanos() + command.at().toNanos();
            await().atMost(command.at().plusSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> System.nanoTime() - due >= 0);
            engine.execute(toPlayer.apply(command.command()));
            shown.add(new Observation.Shown(command.command(), engine.showStat(), engine.showServersState()));
        }
        return shown;
    }

    /**
     * Turns each player port a text names (e.g. {@code (connect port 41234)} in an info) back into the port the
     * scenario gave: {@code N} for a {@code backend/server:N} script, the server line's port otherwise.
     */
    static UnaryOperator<String> portNames(ConformanceScenario scenario, LoopbackBackends player) {
        Map<Pattern, String> names = new HashMap<>();
        player.ports().forEach((key, port) -> {
            int colon = key.lastIndexOf(':');
            String original;
            if (colon > key.indexOf('/')) {
                original = key.substring(colon + 1);
            } else {
                String[] id = key.split("/", 2);
                original = Integer.toString(scenario.scenario().config().proxy(id[0]).orElseThrow()
                        .server(id[1]).orElseThrow().port());
            }
            names.put(Pattern.compile("(?<![0-9])" + port + "(?![0-9])"), original);
        });
        return text -> {
            String named = text;
            for (Map.Entry<Pattern, String> name : names.entrySet()) {
                named = name.getKey().matcher(named).replaceAll(name.getValue());
            }
            return named;
        };
    }

    /**
     * Which check series a connection to each player port starts: the port of a server's health check (its first
     * connect rule's port, or its check port) and of its agent. A port two series share is left out. {@code series}
     * receives the series whose checks are compared one by one, and {@code grouped} the ports of checks that open
     * several connections: HAProxy's trace tells their checks apart by the timer that starts each, well enough for
     * the distance between the two sides' check starts, not for comparing each check.
     */
    static Map<Integer, String> roles(HaproxyConfig config, Set<String> series, Set<Integer> grouped) {
        Map<Integer, String> roles = new HashMap<>();
        Set<Integer> shared = new HashSet<>();
        for (ProxyConfig proxy : config.proxies()) {
            CheckProgram program = CheckProgram.compile(proxy);
            int connects = 0;
            int firstPort = 0;
            for (CheckRule rule : program.rules()) {
                if (rule instanceof CheckRule.Connect connect) {
                    if (connects++ == 0) {
                        firstPort = connect.port();
                    }
                }
            }
            for (ServerConfig server : proxy.servers()) {
                String id = proxy.name() + '/' + server.name();
                if (server.check().enabled()) {
                    int port = firstPort > 0 ? firstPort : server.effectiveCheckPort();
                    assign(roles, shared, port, id);
                    if (connects > 1) {
                        grouped.add(port);
                    }
                }
                if (server.agent().enabled()) {
                    assign(roles, shared, server.effectiveAgentPort(), id + " agent");
                }
            }
        }
        shared.forEach(roles::remove);
        roles.forEach((port, role) -> {
            if (!grouped.contains(port)) {
                series.add(role);
            }
        });
        return roles;
    }

    /**
     * Adds the ports that {@code set server B/S addr A port P} commands move a server's checks to: a connection to
     * the player of {@code B/S:P} then starts a check of {@code B/S}.
     */
    private static void movedChecks(ConformanceScenario scenario, Map<String, Integer> ports,
                                    Map<Integer, String> roles) {
        for (Scenario.Command command : scenario.scenario().commands()) {
            String[] tokens = command.command().strip().split("\\s+");
            if (tokens.length >= 7 && tokens[0].equals("set") && tokens[1].equals("server")
                    && tokens[3].equals("addr") && tokens[5].equals("port")) {
                Integer port = ports.get(tokens[2] + ':' + tokens[6]);
                if (port != null) {
                    roles.putIfAbsent(port, tokens[2]);
                }
            }
        }
    }

    private static void assign(Map<Integer, String> roles, Set<Integer> shared, int port, String role) {
        if (roles.containsKey(port)) {
            shared.add(port);
        } else {
            roles.put(port, role);
        }
    }
}
