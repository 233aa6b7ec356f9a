package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import io.haprobe.config.ConfigWarning;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scenario file: a haproxy.cfg, a seed, a duration and the scripted backend behind each server, everything
 * {@code haprobe simulate} needs to replay a run. The file is YAML:
 *
 * <pre>{@code
 * config: haproxy.cfg          # a path relative to the scenario file, or
 * haproxy: |                   # the haproxy.cfg text inline (exactly one of config and haproxy)
 *   backend app_backend
 *     ...
 * seed: 7                      # optional, default 0
 * epoch: 2026-12-06T08:00:00Z  # optional, the date of t=0 in httplog lines, default 1970-01-01T00:00:00Z
 * duration: 60s                # required, HAProxy time units: us ms s m h d (a bare number is ms)
 * servers:
 *   app_backend/web01:         # backend/server as in the haproxy.cfg
 *     - at: 0s                 # the first phase starts at 0s, the next ones strictly later
 *       http: { status: 200 }
 *     - at: 10s
 *       http: { status: 204, reason: "No Content", headers: {X-A: b}, body: "", delay: 300ms }
 *     - at: 30s
 *       refuse: true
 *     - at: 40s
 *       sequence: [ {http: {status: 503}}, {http: {status: 503}}, {http: {status: 200}} ]
 * commands:                    # optional: runtime API commands, as sent to HAProxy's stats socket, in time order
 *   - at: 15s                  # from the boot, as the phases
 *     command: "set server app_backend/web01 state drain"
 *   - at: 25s
 *     command: "set weight app_backend/web01 50%"
 * }</pre>
 *
 * <table>
 *   <caption>Behaviours (one per phase; see {@link Behaviour} for what HAProxy reports for each)</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code http}</td><td>{@code status} (required, 100..999), {@code reason} (default: the standard
 *       phrase), {@code headers} (a mapping), {@code body} (default empty), {@code delay}</td></tr>
 *   <tr><td>{@code tcp}</td><td>{@code reply} (text; {@code \r \n \t \\ \xHH} escapes are decoded) or
 *       {@code reply-hex} (hex digits), {@code close} (FIN after the reply, default false), {@code banner}
 *       (reply on accept instead of after the first bytes, default false), {@code delay}</td></tr>
 *   <tr><td>{@code refuse}, {@code blackhole}, {@code hang}</td><td>{@code true}</td></tr>
 *   <tr><td>{@code reset}, {@code close}</td><td>{@code true}, or {@code {delay: TIME}}</td></tr>
 *   <tr><td>{@code sequence}</td><td>a list of one-behaviour mappings, played in turn by successive check
 *       connections, round and round</td></tr>
 * </table>
 *
 * <p>A delay is a time ({@code 300ms}, fixed) or a range {@code 100ms..300ms} drawn uniformly from the seeded
 * source for each connection ({@link Delay#between}). A checked server without a script finds nothing
 * listening (every connect is refused); {@link #warnings()} says so.
 *
 * <pre>{@code
 * Scenario scenario = Scenario.parse(Path.of("examples/scenarios/wrong-status/scenario.yaml"));
 * try (Simulation sim = scenario.simulation().build()) {
 *     sim.runUntil(scenario.duration());
 *     sim.timeline().logLines().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param file          the scenario's name in messages, as given to the parser (a path or a label); never null
 * @param config        the haproxy.cfg, read from {@code config:} or {@code haproxy:}; never null
 * @param seed          the seed of every random draw ({@code seed:}, default 0)
 * @param durationNanos how long to run ({@code duration:}), nanoseconds, {@code > 0}
 * @param scripts       the scripted backends by {@code backend/server}, in file order; never null
 * @param commands      the runtime API commands ({@code commands:}), in time order; never null
 * @param traffic       the client traffic ({@code traffic:}), in file order; never null, empty without traffic
 * @param warnings      what the scenario accepted but may not mean, in file order (the haproxy.cfg's own
 *                      warnings are in {@link HaproxyConfig#warnings()}); never null
 * @param epoch         the wall-clock date of t=0 ({@code epoch:}), what {@code option httplog} lines print as
 *                      their accept date; never null, default {@link Instant#EPOCH}
 */
public record Scenario(String file, HaproxyConfig config, long seed, long durationNanos,
                       Map<String, ServerScript> scripts, List<Command> commands, List<Traffic> traffic,
                       List<ConfigWarning> warnings, Instant epoch) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException     if an argument, a key, a script or a command is null
     * @throws IllegalArgumentException if {@code durationNanos <= 0}, or the commands are not in time order
     */
    public Scenario {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(epoch, "epoch");
        if (durationNanos <= 0) {
            throw new IllegalArgumentException("durationNanos: " + durationNanos + " (expected: > 0)");
        }
        Map<String, ServerScript> copy = new LinkedHashMap<>();
        scripts.forEach((server, script) -> copy.put(Objects.requireNonNull(server, "server"),
                Objects.requireNonNull(script, "script")));
        scripts = Collections.unmodifiableMap(copy);
        commands = List.copyOf(commands);
        traffic = List.copyOf(traffic);
        for (int i = 1; i < commands.size(); i++) {
            if (commands.get(i).at().compareTo(commands.get(i - 1).at()) < 0) {
                throw new IllegalArgumentException("commands: " + commands.get(i) + " after " + commands.get(i - 1)
                        + " (expected: in time order)");
            }
        }
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads and parses a scenario file (UTF-8). A {@code config:} path is relative to the file's directory.
     *
     * @param file the scenario file; never null
     * @return the scenario
     * @throws ConfigException if the file cannot be read or is malformed, or the haproxy.cfg it names is; the
     *                         message is {@code file:line:column: detail (expected: ...)}, with the haproxy.cfg's
     *                         own file and line for errors inside it. Nothing else is thrown, whatever the input.
     */
    public static Scenario parse(Path file) {
        return ScenarioParser.parse(file);
    }

    /**
     * Parses scenario text.
     *
     * @param fileName the scenario's name in messages, e.g. {@code scenario.yaml}; never null
     * @param text     the YAML text; never null
     * @param baseDir  the directory a {@code config:} path is relative to; never null
     * @return the scenario
     * @throws ConfigException as {@link #parse(Path)}. Nothing else is thrown, whatever the input.
     */
    public static Scenario parse(String fileName, String text, Path baseDir) {
        return new ScenarioParser(fileName, baseDir).parse(text);
    }

    /**
     * Returns the run's length.
     *
     * @return the duration, {@code > 0}
     */
    public Duration duration() {
        return Duration.ofNanos(durationNanos);
    }

    /**
     * Returns this scenario with another seed, as {@code haprobe simulate --seed} does.
     *
     * @param seed any value
     * @return a scenario differing only by its seed
     */
    public Scenario withSeed(long seed) {
        return new Scenario(file, config, seed, durationNanos, scripts, commands, traffic, warnings, epoch);
    }

    /**
     * Returns this scenario with another duration, as {@code haprobe simulate --duration} does.
     *
     * @param durationNanos the run's length in nanoseconds, {@code > 0}
     * @return a scenario differing only by its duration
     * @throws IllegalArgumentException if {@code durationNanos <= 0}
     */
    public Scenario withDurationNanos(long durationNanos) {
        return new Scenario(file, config, seed, durationNanos, scripts, commands, traffic, warnings, epoch);
    }

    /**
     * Starts a simulation builder set up with this scenario's config, seed, epoch, scripts and commands; add listeners or
     * restrict the backends, then {@link Simulation.Builder#build()} boots it at t=0. Running it is up to the
     * caller: {@code sim.runUntil(scenario.duration())}.
     *
     * @return a new builder
     */
    public Simulation.Builder simulation() {
        Simulation.Builder builder = Simulation.builder(config).seed(seed).epoch(epoch);
        scripts.forEach(builder::script);
        commands.forEach(command -> builder.command(command.at(), command.command()));
        traffic.forEach(builder::traffic);
        return builder;
    }

    /**
     * One runtime API command of a scenario, as HAProxy's stats socket reads it.
     *
     * @param at      when it runs, from the boot (the origin of the scripts' phases); {@code >= 0}
     * @param command the command line, e.g. {@code set weight be/s1 20}; one line, not blank
     */
    public record Command(Duration at, String command) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if {@code at} is negative or {@code command} is blank or has a line break
         */
        public Command {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(command, "command");
            if (at.isNegative()) {
                throw new IllegalArgumentException("at: " + at + " (expected: >= 0)");
            }
            if (command.isBlank() || command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("command: '" + command + "' (expected: one line, not blank)");
            }
        }
    }
}
