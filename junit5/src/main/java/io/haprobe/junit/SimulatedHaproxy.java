package io.haprobe.junit;

import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthListener;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.Simulation;
import io.haprobe.engine.Timeline;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.opentest4j.AssertionFailedError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A haproxy.cfg's health checks running on virtual time against scripted backends, with assertions on what
 * happened: a thin test face over {@link Simulation} and its {@link Timeline}. Nothing moves until the test
 * advances the clock with {@link #runFor(String)}; an hour of checks takes milliseconds, and the same config,
 * scripts and seed give the same timeline on every run.
 *
 * <pre>{@code
 * @RegisterExtension
 * final HaprobeExtension haprobe = new HaprobeExtension();
 *
 * @Test
 * void wrongStatusTakesWeb01Down() {
 *     // app_backend has one server, web01, with "check inter 2s fall 1"
 *     SimulatedHaproxy sim = haprobe.config("haproxy.cfg")
 *             .server("app_backend/web01", s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
 *             .seed(7)
 *             .start();
 *     sim.runFor("20s");
 *     sim.assertTransitions("t=6000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"");
 *     sim.assertState("app_backend/web01", ServerState.DOWN);
 * }
 * }</pre>
 *
 * <p>Transitions are written as {@link Timeline.Transition#toString()} does:
 * {@code t=<ms>ms <backend>/<server> <from>-><to> <status tag> [<code>] ["<info>"]}. Log lines as
 * {@link Timeline#logLines()}: {@code t=<ms>ms <the exact message HAProxy logs>}. Servers are named
 * {@code backend/server}. Assertion failures are {@link AssertionFailedError}s carrying the expected and actual
 * values, and every log line of the run in their message.
 *
 * <p>Not thread-safe: confined to the thread that started it (the test's). The {@link HaprobeExtension} that
 * made it closes it after the test.
 */
public final class SimulatedHaproxy implements HaproxyServers, AutoCloseable {

    private final Simulation simulation;
    private boolean closed;

    private SimulatedHaproxy(Simulation simulation) {
        this.simulation = simulation;
    }

    /**
     * Advances virtual time by {@code time}, running every check and backend action due.
     *
     * @param time how far to go, in haproxy.cfg's time format ({@code 20s}, {@code 1500ms}, {@code 2m}); never
     *             null
     * @return this
     * @throws NullPointerException     if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is not a time
     * @throws IllegalStateException    if closed, or called from another thread than the one that started it
     */
    public SimulatedHaproxy runFor(String time) {
        return runFor(Times.parse("time", time));
    }

    /**
     * Advances virtual time by {@code time}, running every check and backend action due.
     *
     * @param time how far to go; never null, not negative
     * @return this
     * @throws NullPointerException     if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is negative
     * @throws IllegalStateException    if closed, or called from another thread than the one that started it
     */
    public SimulatedHaproxy runFor(Duration time) {
        ensureOpen();
        simulation.runFor(time);
        return this;
    }

    /**
     * Advances virtual time up to {@code time} since the start (t=0); does nothing if it is already past.
     *
     * @param time the time to reach, in haproxy.cfg's time format; never null
     * @return this
     * @throws NullPointerException     if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is not a time
     * @throws IllegalStateException    if closed, or called from another thread than the one that started it
     */
    public SimulatedHaproxy runUntil(String time) {
        return runUntil(Times.parse("time", time));
    }

    /**
     * Advances virtual time up to {@code time} since the start (t=0); does nothing if it is already past.
     *
     * @param time the time to reach; never null
     * @return this
     * @throws NullPointerException  if {@code time} is null
     * @throws IllegalStateException if closed, or called from another thread than the one that started it
     */
    public SimulatedHaproxy runUntil(Duration time) {
        ensureOpen();
        simulation.runUntil(Objects.requireNonNull(time, "time"));
        return this;
    }

    /**
     * Advances virtual time to {@code time} since t=0, so that what follows ({@link #execute(String)}, an
     * assertion) happens at that moment: {@code haproxy.at("12s").execute("set server be/s1 state drain")}.
     *
     * @param time the moment, in haproxy.cfg's time format; never null
     * @return this
     * @throws NullPointerException     if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is not a time, or is earlier than the current virtual
     *                                  time (the run cannot go back)
     * @throws IllegalStateException    if closed, or called from another thread than the one that started it
     */
    public SimulatedHaproxy at(String time) {
        Duration moment = Times.parse("time", time);
        if (moment.compareTo(elapsed()) < 0) {
            throw new IllegalArgumentException("time: " + time + " is before the current virtual time "
                    + elapsed().toMillis() + "ms");
        }
        return runUntil(moment);
    }

    /**
     * Runs a command of HAProxy's runtime API (the stats socket, spec §10) now, at the current virtual time,
     * and returns HAProxy's reply: empty for most successful commands, an error text such as
     * {@code No such server.\n}, or a report ({@code show stat}, {@code get weight be/s1}). Its log lines join
     * the timeline at this moment. See {@link io.haprobe.engine.HealthCheckEngine#execute(String)}.
     *
     * @param command the command line, e.g. {@code set server be/s1 state maint}; never null
     * @return the reply, never null
     * @throws NullPointerException  if {@code command} is null
     * @throws IllegalStateException if closed
     */
    public String execute(String command) {
        ensureOpen();
        return simulation.engine().execute(command);
    }

    /**
     * Returns the virtual time since t=0.
     *
     * @return the elapsed virtual time, never null
     */
    public Duration elapsed() {
        return simulation.elapsed();
    }

    /**
     * Returns the simulation underneath, for what this class does not cover (its engine, its scheduler).
     *
     * @return the simulation, never null
     */
    public Simulation simulation() {
        return simulation;
    }

    /**
     * Returns what happened so far.
     *
     * @return an immutable snapshot, never null
     */
    public Timeline timeline() {
        return simulation.timeline();
    }

    /**
     * Returns every line HAProxy would have logged so far, each as {@code t=<ms>ms <message>}.
     *
     * @return the lines, in order; never null
     */
    public List<String> logLines() {
        return timeline().logLines();
    }

    /**
     * Returns every state change so far in compact form, e.g.
     * {@code t=6000ms app_backend/web01 UP->DOWN L7STS 204 "No Content"}, for assertion libraries.
     *
     * @return the transitions, in order; never null
     */
    public List<String> transitions() {
        return timeline().transitions().stream().map(Timeline.Transition::toString).toList();
    }

    /**
     * Counts the requests of the run's traffic that ended with {@code status} in a window of virtual time
     * ({@link Timeline#requests(int, Duration, Duration)}).
     *
     * @param status the HTTP status the client got, or -1 for requests whose client gave up
     * @param from   the window's start since t=0, inclusive, in haproxy.cfg's time format ({@code 10s}); never null
     * @param to     the window's end since t=0, exclusive; never null
     * @return the count
     * @throws NullPointerException     if {@code from} or {@code to} is null
     * @throws IllegalArgumentException if a time is not a time
     * @throws IllegalStateException    if closed
     */
    public long requests(int status, String from, String to) {
        ensureOpen();
        return simulation.timeline().requests(status, Times.parse("from", from), Times.parse("to", to));
    }

    /**
     * Asserts how many requests ended with {@code status} in a window: "between t=10s and t=20s, 37 requests got
     * 503" is {@code assertRequests(37, 503, "10s", "20s")}.
     *
     * @param expected the count expected
     * @param status   the HTTP status, or -1 for requests whose client gave up
     * @param from     the window's start since t=0, inclusive; never null
     * @param to       the window's end since t=0, exclusive; never null
     * @return this
     * @throws AssertionFailedError     if the count differs
     * @throws IllegalArgumentException if a time is not a time
     * @throws IllegalStateException    if closed
     */
    public SimulatedHaproxy assertRequests(long expected, int status, String from, String to) {
        return assertValue("requests with status " + status + " between t=" + from + " and t=" + to, expected,
                requests(status, from, to));
    }

    /**
     * Returns a snapshot of one server now.
     *
     * @param server {@code backend/server}; never null
     * @return the snapshot, never null
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException if no checked section has that server; the message lists those that exist
     */
    @Override
    public ServerSnapshot server(String server) {
        return ServerIds.snapshot(simulation.engine(), server);
    }

    /**
     * Asserts that the run's state changes so far are exactly {@code expected}, in order, and nothing else.
     * Each argument may hold several lines (a text block): each non-blank line, stripped, is one transition.
     *
     * @param expected the transitions in compact form, e.g.
     *                 {@code t=6000ms app_backend/web01 UP->DOWN L7STS 204 "No Content"}; never null
     * @return this
     * @throws AssertionFailedError if they differ; expected and actual are the lines joined by {@code \n}
     * @throws NullPointerException if {@code expected} or an element is null
     */
    public SimulatedHaproxy assertTransitions(String... expected) {
        return assertLines("transitions", lines(expected), transitions());
    }

    /**
     * Asserts that one server's state changes so far are exactly {@code expected}, in order; other servers'
     * transitions are ignored. Lines as in {@link #assertTransitions(String...)}.
     *
     * @param server   {@code backend/server}; never null
     * @param expected the server's transitions in compact form; never null
     * @return this
     * @throws AssertionFailedError     if they differ
     * @throws NullPointerException     if an argument or element is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    public SimulatedHaproxy assertTransitionsOf(String server, String... expected) {
        server(server);
        List<String> actual = timeline().transitions(server).stream().map(Timeline.Transition::toString).toList();
        return assertLines("transitions of " + server, lines(expected), actual);
    }

    /**
     * Asserts that no server changed state so far.
     *
     * @return this
     * @throws AssertionFailedError if some did; the actual value lists their transitions
     */
    public SimulatedHaproxy assertNoTransition() {
        return assertLines("transitions", List.of(), transitions());
    }

    /**
     * Asserts that {@code server} did not change state so far.
     *
     * @param server {@code backend/server}; never null
     * @return this
     * @throws AssertionFailedError     if it did
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    public SimulatedHaproxy assertNoTransition(String server) {
        return assertTransitionsOf(server);
    }

    /**
     * Asserts a server's operational state now.
     *
     * @param server   {@code backend/server}; never null
     * @param expected the state, e.g. {@link ServerState#DOWN} for DOWN; never null
     * @return this
     * @throws AssertionFailedError     if it differs
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    public SimulatedHaproxy assertState(String server, ServerState expected) {
        Objects.requireNonNull(expected, "expected");
        return assertValue("state of " + server, expected, state(server));
    }

    /**
     * Asserts a server's {@code show stat} status column now, e.g. {@code DOWN} or {@code UP 2/3}.
     *
     * @param server   {@code backend/server}; never null
     * @param expected the status text; never null
     * @return this
     * @throws AssertionFailedError     if it differs
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    public SimulatedHaproxy assertStatusText(String server, String expected) {
        Objects.requireNonNull(expected, "expected");
        return assertValue("status of " + server, expected, statusText(server));
    }

    /**
     * Asserts a server's last check in the compact form of {@link #lastCheck(String)}, e.g.
     * {@code L7STS 204 "No Content"}.
     *
     * @param server   {@code backend/server}; never null
     * @param expected the compact outcome; never null
     * @return this
     * @throws AssertionFailedError     if it differs
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    public SimulatedHaproxy assertLastCheck(String server, String expected) {
        Objects.requireNonNull(expected, "expected");
        return assertValue("last check of " + server, expected, lastCheck(server));
    }

    /**
     * Asserts the status of a server's last check, whatever its code and info.
     *
     * @param server   {@code backend/server}; never null
     * @param expected the status; {@link CheckStatus#INI} for "not checked yet"; never null
     * @return this
     * @throws AssertionFailedError     if it differs
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    public SimulatedHaproxy assertLastStatus(String server, CheckStatus expected) {
        Objects.requireNonNull(expected, "expected");
        return assertValue("last check status of " + server, expected, server(server).lastStatus());
    }

    /**
     * Asserts that the log lines so far are exactly {@code expected}, in order. Lines as in
     * {@link #assertTransitions(String...)}.
     *
     * @param expected the lines as {@link #logLines()} writes them; never null
     * @return this
     * @throws AssertionFailedError if they differ
     * @throws NullPointerException if {@code expected} or an element is null
     */
    public SimulatedHaproxy assertLogLines(String... expected) {
        return assertLines("log lines", lines(expected), logLines());
    }

    /**
     * Asserts that one of the log lines so far is exactly {@code expected}.
     *
     * @param expected a line as {@link #logLines()} writes it, e.g.
     *                 {@code t=6000ms backend app_backend has no server available!}; never null
     * @return this
     * @throws AssertionFailedError if no line equals it; the actual value is every line
     * @throws NullPointerException if {@code expected} is null
     */
    public SimulatedHaproxy assertLogged(String expected) {
        Objects.requireNonNull(expected, "expected");
        List<String> actual = logLines();
        if (!actual.contains(expected)) {
            throw Failures.linesDiffer("log line not found; log lines", List.of(expected), actual, actual);
        }
        return this;
    }

    /**
     * Stops the checks and the scripted backends. Calling it again does nothing. Must be called on the thread
     * that started the run; the extension does so after the test.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        simulation.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("simulation is closed (expected: use it only in the test that "
                    + "started it)");
        }
    }

    private SimulatedHaproxy assertLines(String what, List<String> expected, List<String> actual) {
        if (!expected.equals(actual)) {
            throw Failures.linesDiffer(what, expected, actual, logLines());
        }
        return this;
    }

    private SimulatedHaproxy assertValue(String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            throw Failures.valueDiffers(what, expected, actual, logLines());
        }
        return this;
    }

    private static List<String> lines(String... expected) {
        List<String> lines = new ArrayList<>();
        for (String text : expected) {
            for (String line : Objects.requireNonNull(text, "expected").split("\r?\n")) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
        }
        return lines;
    }

    /**
     * Sets up a {@link SimulatedHaproxy}: the scripted backends, the seed, the sections to check. Made by
     * {@link HaprobeExtension#config(String)} and its siblings; {@link #start()} boots the servers at t=0.
     *
     * <table>
     *   <caption>Settings</caption>
     *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
     *   <tr><td>{@link #server(String, Consumer)}</td><td>none: nothing listens (L4CON)</td>
     *       <td>the scripted backend behind a server</td></tr>
     *   <tr><td>{@link #seed(long)}</td><td>0</td><td>the seed of every random draw ({@code spread-checks},
     *       delay ranges)</td></tr>
     *   <tr><td>{@link #backends(String...)}</td><td>all</td><td>the backend/listen sections to check</td></tr>
     *   <tr><td>{@link #listener(HealthListener)}</td><td>none</td><td>extra listeners, called on the test's
     *       thread during {@code runFor}</td></tr>
     * </table>
     *
     * <p>Not thread-safe; the thread calling {@link #start()} owns the run.
     */
    public static final class Builder {

        private final Simulation.Builder simulation;
        private final UnaryOperator<SimulatedHaproxy> register;

        Builder(HaproxyConfig config, UnaryOperator<SimulatedHaproxy> register) {
            this.simulation = Simulation.builder(config);
            this.register = register;
        }

        /**
         * Scripts the backend behind {@code server}, replacing an earlier script of it.
         *
         * <pre>{@code
         * .server("app_backend/web01", s -> s.at("0s").http(200).at("10s").http(503))
         * }</pre>
         *
         * @param server {@code backend/server} as in the config; never null
         * @param script fills in the phases; never null
         * @return this
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if the phases are out of order or a behaviour is invalid
         * @throws IllegalStateException    if the script is empty or ends with an {@code at} without behaviour
         */
        public Builder server(String server, Consumer<ScriptedServer> script) {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(script, "script");
            ScriptedServer scripted = new ScriptedServer();
            script.accept(scripted);
            simulation.script(server, scripted.build());
            return this;
        }

        /**
         * Sets a ready-made script for the backend behind {@code server}, replacing an earlier one.
         *
         * @param server {@code backend/server} as in the config; never null
         * @param script the script; never null
         * @return this
         * @throws NullPointerException if an argument is null
         */
        public Builder server(String server, ServerScript script) {
            simulation.script(server, script);
            return this;
        }

        /**
         * Sets the seed of every random draw of the run.
         *
         * @param seed any value; default 0
         * @return this
         */
        public Builder seed(long seed) {
            simulation.seed(seed);
            return this;
        }

        /**
         * Runs a runtime API command at virtual time {@code at}, as a scenario's {@code commands:} item does
         * ({@link Simulation.Builder#command}).
         *
         * @param at      the moment, in haproxy.cfg's time format ({@code 1500ms}); never null
         * @param command the command line; never null
         * @return this
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if {@code at} is not a time
         */
        public Builder command(String at, String command) {
            simulation.command(Times.parse("at", at), command);
            return this;
        }

        /**
         * Adds client traffic ({@link Simulation.Builder#traffic}): requests load-balanced, queued, served or
         * refused as HAProxy 2.6 would; see {@link #requests(int, String, String)}.
         *
         * <pre>{@code
         * .traffic(Traffic.to(Traffic.Target.frontend("fe_main"), Duration.ofSeconds(10),
         *         new Traffic.Rate(50, Duration.ofSeconds(30).toNanos())))
         * }</pre>
         *
         * @param traffic the item; never null
         * @return this
         * @throws NullPointerException if {@code traffic} is null
         */
        public Builder traffic(Traffic traffic) {
            simulation.traffic(traffic);
            return this;
        }

        /**
         * Restricts the checks to these sections; calls add up. The boot spreading still counts every check of
         * the config, as HAProxy does.
         *
         * @param names backend or listen names; never null
         * @return this
         * @throws NullPointerException if {@code names} or a name is null
         */
        public Builder backends(String... names) {
            simulation.backends(List.of(names));
            return this;
        }

        /**
         * Adds a listener, called on the test's thread, in event order, while the clock advances.
         *
         * @param listener the listener; never null. It must not call back into the run
         * @return this
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(HealthListener listener) {
            simulation.listener(listener);
            return this;
        }

        /**
         * Boots the servers at t=0 and returns the run, which the extension closes after the test. May be called
         * again for an independent run with the same settings.
         *
         * @return the run, at t=0
         * @throws IllegalArgumentException if a script names a server the config does not have, or a section
         *                                  given to {@link #backends(String...)} is not in the config
         * @throws IllegalStateException    if no test of the extension is running
         */
        public SimulatedHaproxy start() {
            return register.apply(new SimulatedHaproxy(simulation.build()));
        }
    }
}
