package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.config.ProxyConfig;
import io.haprobe.health.HealthStep;
import io.haprobe.health.ServerHealth;
import io.haprobe.health.Transition;
import io.haprobe.report.HaproxyLogFormat;
import io.haprobe.time.Scheduler;
import io.haprobe.traffic.Backend;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns what a check did to a server (a {@link HealthStep}) into {@link HealthEvent}s carrying the lines HAProxy
 * 2.6 logs for it (spec §8), in HAProxy's order. Each {@link Transition} of the step is applied to the server
 * and to its backend's counts ({@link Backend}) before its line is built, so "N active and M backup servers
 * left" counts the change itself; a change that leaves the backend without a usable server is followed by
 * {@code backend <name> has no server available!}.
 *
 * <table>
 *   <caption>Lines and levels</caption>
 *   <tr><th>transition</th><th>event</th><th>level</th></tr>
 *   <tr><td>CHECK</td><td>{@link HealthEvent.CheckCompleted}, {@link HealthEvent.AgentCheckCompleted}; a line only
 *       with {@code option log-health-checks} and a changed status or health</td><td>NOTICE</td></tr>
 *   <tr><td>STATE</td><td>{@link HealthEvent.StateChanged}; a check's reason only without
 *       {@code log-health-checks}, the runtime API's ({@code changed from CLI}) always</td><td>ALERT going DOWN,
 *       unless from NOLB or drain; else NOTICE</td></tr>
 *   <tr><td>MAINT_ON</td><td>{@link HealthEvent.AdminStateChanged}</td><td>ALERT unless it was DOWN, NOLB or
 *       draining</td></tr>
 *   <tr><td>MAINT_OFF, DRAIN_ON, DRAIN_OFF, DRAIN_REMAINS</td><td>{@link HealthEvent.AdminStateChanged}</td>
 *       <td>NOTICE</td></tr>
 *   <tr><td>WEIGHT, QUIET (a counter or flag set by the runtime API)</td><td>none</td><td>-</td></tr>
 *   <tr><td>any that leaves no usable server</td><td>then {@link HealthEvent.NoServerAvailable}</td>
 *       <td>EMERG</td></tr>
 * </table>
 *
 * <p>Threading: one per event loop of the engine ({@link CheckLoop}), whose scheduler stamps its events. The
 * caller holds the server's monitor ({@code synchronized (server)}), so a server's steps and events come one at a
 * time, in order. The servers of one backend may live on different loops, so a step that changes what the backend
 * counts (a state, admin or weight change, or the server's usability) also runs under the section's monitor,
 * taken here: a backend's recounts and lines come in the order its servers' steps took it, as HAProxy's threads
 * take its server and backend locks. A check that changes none of that (most checks) takes no shared lock. Event
 * times are the scheduler's nanoseconds.
 */
final class TransitionLog {

    private final Scheduler clock;
    private final Consumer<HealthEvent> sink;
    /** Also told of each completed health check with its server, straight (the simulation's histories); or null. */
    private CheckSink checks;
    /**
     * Whether the sink gets a {@link HealthEvent.CheckCompleted} for a check HAProxy logs no line of: true, unless
     * nothing behind the sink reads them (a simulation that records no check and has no listener of its own).
     */
    private boolean unloggedChecks = true;

    /**
     * Creates a transition log.
     *
     * @param clock the scheduler whose time stamps the events; never null
     * @param sink  where events go, in order, from the event loop and under the section's monitor (the engine's
     *              {@link ListenerDispatcher}); never null
     */
    TransitionLog(Scheduler clock, Consumer<HealthEvent> sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Who is told of each {@link HealthEvent.CheckCompleted} with the server it is about, right after the sink got
     * it: a simulation's {@link CheckHistories}, which then need no lookup by name. Before the engine starts.
     */
    interface CheckSink {

        /**
         * A health check of {@code server} completed.
         *
         * @param server    the server; never null
         * @param timeNanos the check's end, the scheduler's nanoseconds (the time of its event)
         * @param outcome   what it reported; never null
         */
        void checked(ServerChecker server, long timeNanos, CheckOutcome outcome);
    }

    /**
     * Sets the {@link CheckSink}; before the engine starts.
     *
     * @param sink           told of each completed health check; null for none
     * @param unloggedChecks false when nothing behind the event sink reads a {@link HealthEvent.CheckCompleted}
     *                       without a log line: such an event is then not built (a check with a line still is)
     */
    void checks(CheckSink sink, boolean unloggedChecks) {
        this.checks = sink;
        this.unloggedChecks = unloggedChecks;
    }

    /**
     * Applies a step's changes to {@code server} one by one, emitting each event and line HAProxy logs for them.
     *
     * @param server     the server the step is about; never null
     * @param step       what the check did; never null
     * @param outcome    the check's outcome, or null when no check caused the step (the end of a slowstart
     *                   warm-up: its "is UP" line has no reason)
     * @param agentCheck true for an agent check ({@code agent-check}), false for the health check
     */
    void publish(ServerChecker server, HealthStep step, CheckOutcome outcome, boolean agentCheck) {
        if (!changesBackend(step)) {
            // a check that changes nothing the backend counts: the server's own monitor (held by the caller) is
            // enough, so the loops do not contend for the backend on every check
            publish(server, step, outcome, agentCheck, false);
            return;
        }
        synchronized (server.section()) {
            publish(server, step, outcome, agentCheck, true);
        }
    }

    /**
     * Publishes a health check that changed no operational state ({@link ServerHealth#applyWithinState}): what
     * {@link #publish} does for the step of its one {@link Transition.Kind#CHECK} transition, without building the
     * step. The caller holds the server's monitor.
     *
     * @param server  the server; never null
     * @param before  its state before the check; never null
     * @param after   its state after; never null
     * @param outcome the check's outcome; never null
     */
    void publishCheck(ServerChecker server, ServerHealth before, ServerHealth after, CheckOutcome outcome) {
        if (before.usable() != after.usable() || before.weight() != after.weight()) {
            // the backend counts it: the general path, under the section's monitor
            publish(server, new HealthStep(before, after), outcome, false);
            return;
        }
        ProxyConfig proxy = server.section().proxy();
        long now = clock.nanoTime();
        server.moveTo(after, now);
        // HealthStep.reported(): the health or the status changed (a steady check keeps the same state instance)
        boolean reported = before != after && (before.counter().health() != after.counter().health()
                || before.lastStatus() != after.lastStatus());
        String line = proxy.logHealthChecks() && reported ? HaproxyLogFormat.healthCheck(server.logName(), outcome,
                after.counter(), after.weight()) : null;
        if (line != null || unloggedChecks) {
            sink.accept(new HealthEvent.CheckCompleted(now, proxy.name(), server.name(), outcome, before.counter(),
                    after.counter(), line));
        }
        if (checks != null) {
            checks.checked(server, now, outcome);
        }
    }

    /** Tells whether a step changes more than its server: a state, admin or weight change, or its usability. */
    private static boolean changesBackend(HealthStep step) {
        List<Transition> transitions = step.transitions();
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            if (t.kind() != Transition.Kind.CHECK || t.before().usable() != t.after().usable()
                    || t.before().weight() != t.after().weight()) {
                return true;
            }
        }
        return false;
    }

    private void publish(ServerChecker server, HealthStep step, CheckOutcome outcome, boolean agentCheck,
                         boolean backendLocked) {
        ProxyConfig proxy = server.section().proxy();
        Backend backend = server.section().traffic();
        boolean logChecks = proxy.logHealthChecks();
        String proxyName = proxy.name();
        HaproxyLogFormat.ServerName name = server.logName();
        // one time for the whole step, as HAProxy logs a check's result and the state change it causes at one `now`
        long now = clock.nanoTime();
        List<Transition> transitions = step.transitions();
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            boolean hadUsable = backendLocked && backend.hasUsableServer();
            io.haprobe.traffic.Transition requests = server.moveTo(t.after(), now);
            int active = backend.activeServers();
            int backup = backend.backupServers();
            ServerState from = t.before().state();
            ServerState to = t.after().state();
            boolean quiet = from == ServerState.NOLB || t.before().drain();
            switch (t.kind()) {
                case CHECK -> {
                    if (agentCheck) {
                        String line = logChecks && step.agentReported() ? HaproxyLogFormat.agentCheck(name,
                                outcome, t.after().agent().counter(), t.after().weight()) : null;
                        sink.accept(new HealthEvent.AgentCheckCompleted(now, proxyName, name.server(), outcome,
                                t.after().agent().health(), line));
                    } else {
                        String line = logChecks && step.reported() ? HaproxyLogFormat.healthCheck(name,
                                outcome, t.after().counter(), t.after().weight()) : null;
                        if (line != null || unloggedChecks) {
                            sink.accept(new HealthEvent.CheckCompleted(now, proxyName, name.server(), outcome,
                                    t.before().counter(), t.after().counter(), line));
                        }
                        if (checks != null) {
                            checks.checked(server, now, outcome);
                        }
                    }
                }
                case STATE -> {
                    HaproxyLogFormat.Counts counts = counts(active, backup, requests);
                    String line = t.reason() != null ? HaproxyLogFormat.transitionWithReason(name, to, t.reason(), counts)
                            : HaproxyLogFormat.transition(name, to, logChecks ? null : outcome, counts);
                    LogLevel level = to == ServerState.DOWN && !quiet ? LogLevel.ALERT : LogLevel.NOTICE;
                    sink.accept(new HealthEvent.StateChanged(now, proxyName, name.server(), name.backup(), from, to,
                            t.reason() != null ? null : outcome, active, backup, level, line));
                }
                case MAINT_ON -> {
                    boolean wasDown = from == ServerState.DOWN;
                    admin(name, t, HaproxyLogFormat.maintOn(name, wasDown, counts(active, backup, requests)),
                            wasDown || quiet ? LogLevel.NOTICE : LogLevel.ALERT, now);
                }
                case MAINT_OFF -> admin(name, t, HaproxyLogFormat.maintOff(name, to != ServerState.DOWN,
                        t.after().drain()), LogLevel.NOTICE, now);
                case DRAIN_ON -> admin(name, t, HaproxyLogFormat.drainOn(name, to == ServerState.DOWN,
                        counts(active, backup, requests)),
                        LogLevel.NOTICE, now);
                case DRAIN_OFF -> admin(name, t, HaproxyLogFormat.drainOff(name, to != ServerState.DOWN),
                        LogLevel.NOTICE, now);
                case DRAIN_REMAINS -> admin(name, t, HaproxyLogFormat.drainRemains(name), LogLevel.NOTICE, now);
                case WEIGHT, QUIET -> {
                    // a weight change or a counter set by the runtime API logs nothing itself; it may still empty
                    // the backend below
                }
            }
            if (!backendLocked) {
                continue;
            }
            server.section().availability(backend.hasUsableServer(), now);
            if (hadUsable && !backend.hasUsableServer()) {
                sink.accept(new HealthEvent.NoServerAvailable(now, proxyName,
                        HaproxyLogFormat.noServerAvailable(proxy.kindWord(), proxyName)));
            }
        }
    }

    /** The numbers of a line: the usable servers, and the request model's sessions and queues when it has one. */
    private static HaproxyLogFormat.Counts counts(int active, int backup, io.haprobe.traffic.Transition requests) {
        return requests == null ? HaproxyLogFormat.Counts.of(active, backup)
                : new HaproxyLogFormat.Counts(active, backup, active == 0 && backup > 0, requests.sessions(),
                        requests.requeued(), requests.queued());
    }

    private void admin(HaproxyLogFormat.ServerName name, Transition t, String line, LogLevel level, long now) {
        sink.accept(new HealthEvent.AdminStateChanged(now, name.proxy(), name.server(), name.backup(), t.kind(),
                t.before().state(), t.after().state(), level, line));
    }
}
