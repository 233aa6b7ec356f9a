package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckResult;
import io.haprobe.ServerState;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.health.IntervalPolicy;
import io.haprobe.health.ServerHealth;
import io.haprobe.internal.CheckDriver;
import io.haprobe.internal.CheckRun;
import io.haprobe.internal.DirectConnector;
import io.haprobe.report.HaproxyLogFormat;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.time.Timer;
import io.haprobe.traffic.Backend;
import io.haprobe.traffic.BackendTraffic;
import io.haprobe.traffic.Decision;
import io.haprobe.traffic.ServerTraffic;
import io.haprobe.traffic.Transition;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;

import java.net.InetSocketAddress;

import java.util.List;
import java.util.function.Consumer;

/**
 * One server's check loop, as HAProxy's check tasks run it: one health check (and one agent check) at a time,
 * each next one scheduled from the end of the last by the interval its health chooses (spec §2.1), with the
 * {@code spread-checks} jitter; while in maintenance the health check is paused but keeps waking every
 * {@code inter} (spec §1.5). Every result goes through the {@link TransitionLog}, which moves the server's state
 * one transition at a time ({@link #moveTo}).
 *
 * <p>Threading: confined to one event loop of the engine, its {@link CheckLoop}'s scheduler thread:
 * {@link #start()}, {@link #stop()} and the checks' callbacks run there. The state is an immutable
 * {@link ServerHealth} published through a volatile field; it is read, changed and logged under the server's own
 * monitor ({@code synchronized (server)}; {@link #moveTo} from the {@link TransitionLog}), so a check's result
 * and a runtime API command (which runs on the engine's first loop) are each one step; a step that changes what
 * the backend counts also takes the section's monitor (always after the server's). {@link #snapshot()} and the
 * accessors of the server's immutable identity may be called from any thread. Durations are nanoseconds of the
 * scheduler.
 */
final class ServerChecker implements Runnable, Consumer<List<CheckOutcome>> {

    /** HAProxy's warm-up task runs every second ({@code MAX(1000, slowstart/20)} ms with slowstart in s). */
    private static final long WARMUP_PERIOD_NANOS = 1_000_000_000L;

    private final CheckedSection section;
    private final CheckPlanner.ServerPlan plan;
    private final CheckLoop loop;
    private final String name;
    private final int weight;
    private final int sendProxy;
    private final int checkProxyVersion;
    private final HaproxyLogFormat.ServerName logName;
    private final Backend.Server traffic;
    private final ServerTraffic requests;
    private final boolean ownCheckAddress;
    private final boolean ownCheckPort;
    private volatile String address;
    private volatile int port;
    private volatile String checkTargetText;
    private volatile CheckTarget target;
    private volatile ServerHealth health;
    /**
     * The health a check replaced last, within the same state (event loop only): when a later check gives a health
     * equal to it (a check's duration going back to the millisecond it had, say), that one is taken again instead of
     * the equal new one, so that a check stores no new object into this long-lived checker; null before.
     */
    private ServerHealth spareHealth;
    private volatile boolean checkRunning;
    private volatile long failedChecks;
    private volatile long downTransitions;
    private volatile long lastChangeNanos;
    private volatile long downNanos;
    private volatile int effectiveWeight;
    /**
     * The agent check's task, made once: scheduling a check allocates no method reference (the health check's task
     * and the receiver of its results are the checker itself, one object less to reach on every check).
     */
    private final Runnable agentTask = this::runAgentCheck;
    private final Consumer<List<CheckOutcome>> agentResultsTask = this::onAgentResults;
    /** The plan's interval policy, shared by the servers of the loop with equal intervals (a check reads it). */
    private final IntervalPolicy policy;
    /** Whether the health checks have no TLS (the plan's {@code tls} is null), read here on every check. */
    private final boolean plainChecks;
    /** Where a simulation's {@link CheckHistories} keep this server's history; null before its first check. */
    private Object historySlot;
    /** The {@link CheckHistories} whose {@link #historySlot} this is; null before the first check. */
    private Object historyOwner;
    /**
     * A run of passes that {@link #historyOwner} counts here rather than in {@link #historySlot} (so that a steady
     * check touches no object of the histories'), with the first pass's time and outcome; 0, -, null when none.
     * Only {@link CheckHistories} reads and writes them, on the simulation's thread.
     */
    long historyPasses;
    long historyPassMillis;
    CheckOutcome historyPassOutcome;
    /** The driver of the server's channel-free health checks, reused from one check to the next. */
    private CheckDriver directDriver;
    /** Whether {@link #directDriver} arms its deadline on {@link #next} (then {@link #run} hands it over). */
    private boolean deadlineOnNext;
    /** The live run of the last health check, restarted for the next when it ran channel-free. */
    private CheckRun liveRun;
    /** The run of the last one-off check ({@link Probe}) and where it reports; null before the first. */
    private ProbeRun probeRun;
    /** The run of the last agent check, restarted for the next when it can be ({@link CheckRun#reusable()}). */
    private CheckRun agentRun;
    /** The next health check, one timer for all of them: scheduling a check allocates nothing. */
    private final Timer next;
    /** When the health check {@link #next} runs was due, scheduler nanoseconds (for the lateness of its start). */
    private long nextPlannedNanos;
    /** The next agent check. */
    private final Timer agentNext;
    private long warmupStartNanos;
    private Cancellable warmup = Cancellable.NONE;
    private Transition warmupEnd;

    /**
     * Creates the checker of a planned server at its boot state, and counts it in its section's backend.
     *
     * @param section the server's section; never null
     * @param plan    the server's plan; never null
     * @param loop    what the checkers share; never null
     */
    ServerChecker(CheckedSection section, CheckPlanner.ServerPlan plan, CheckLoop loop) {
        ServerConfig config = plan.config();
        this.section = section;
        this.plan = plan;
        this.loop = loop;
        this.name = config.name();
        this.address = config.address();
        this.port = config.port();
        this.weight = config.traffic().weight();
        this.sendProxy = config.traffic().proxyProtocol().version();
        this.checkProxyVersion = config.checkProxyProtocol().version();
        this.ownCheckAddress = config.check().target().address() != null;
        this.ownCheckPort = config.check().target().port() != 0;
        this.checkTargetText = config.effectiveCheckAddress() + ':' + config.effectiveCheckPort();
        this.target = plan.target();
        this.logName = new HaproxyLogFormat.ServerName(section.name(), name, config.traffic().backup());
        this.health = plan.boot();
        this.policy = loop.shared(plan.policy());
        this.plainChecks = plan.tls() == null;
        this.next = loop.scheduler().timer(this);
        this.agentNext = loop.scheduler().timer(agentTask);
        this.effectiveWeight = health.weight();
        this.traffic = section.traffic().addServer(name, config.traffic().backup(), health.usable(), health.weight());
        BackendTraffic model = section.requests();
        this.requests = model == null ? null : model.server(name);
        if (requests != null) {
            model.bootState(requests, health.state(), health.maintenance(), health.drain(), health.weight());
        }
        ProbeTransport transport = loop.transport();
        if (health.checked() && plainChecks && !(transport instanceof DirectConnector)
                && !section.proxy().sendState()) {
            // live: the run of the server's checks is made now, while the engine is built, rather than at its
            // first check, when thousands of servers would make theirs within one inter of a running loop (their
            // first check resets it to the program its state then asks for). Not with send-state, whose program
            // is compiled per check from the backend's counts (a second compile here would only cost), nor with
            // TLS, whose runs take a channel and are made anew for every check
            liveRun = newLiveRun(section.program(this, health), this).prepare(transport, target);
        }
    }

    /**
     * Schedules the first health check and the first agent check at their planned offsets from the engine's start
     * (HAProxy spreads them from its own start, spec §2.3): a live loop starts each server just ahead of its first
     * check ({@link ServerStarts}); a server started later than that (a loop running behind) keeps its plan, and a
     * first check already due runs at once, late by the difference. A server with {@code check} arms its first check even if a runtime
     * command disabled it meanwhile ({@code disable health} before a live loop started the server): the check then
     * wakes every {@code inter} without connecting, as it would have had the server started before the command.
     *
     * @param engineStartNanos the scheduler time of {@link HealthCheckEngine#start()}, at or before now
     */
    void start(long engineStartNanos) {
        Scheduler scheduler = loop.scheduler();
        long now = scheduler.nanoTime();
        if (plan.boot().checked()) {
            nextPlannedNanos = engineStartNanos + plan.firstCheckNanos();
            next.schedule(Math.max(0, nextPlannedNanos - now));
        }
        if (plan.agent() != null) {
            agentNext.schedule(Math.max(0, engineStartNanos + plan.agent().firstCheckNanos() - now));
        }
    }

    /** Cancels the next health and agent checks; a check under way still ends, but its result is dropped. */
    void stop() {
        if (!deadlineOnNext || directDriver.finished()) {
            next.cancel(); // else it is the deadline of the check under way, which a timer of its own would keep
        }
        agentNext.cancel();
        warmup.cancel();
    }

    /**
     * Moves the server to {@code after}, one transition of a step, recounts its backend and keeps the counters
     * of {@code show stat} ({@code chkdown}, {@code lastchg}, {@code downtime}). Called by the
     * {@link TransitionLog} only, holding the server's monitor (and the section's when usability or weight
     * change), before it logs the transition.
     *
     * @param after    the state after the transition; never null
     * @param nowNanos the scheduler's time now
     * @return what the change did to the section's requests (the numbers of HAProxy's line), or null when the
     *         state, admin flags and weight did not change or the section has no request model
     */
    Transition moveTo(ServerHealth after, long nowNanos) {
        ServerHealth before = health;
        if (before.state() != after.state() || before.maintenance() != after.maintenance()
                || before.drain() != after.drain()) {
            if (before.state() == ServerState.DOWN) {
                downNanos += nowNanos - lastChangeNanos;
            } else if (after.state() == ServerState.DOWN) {
                downTransitions++;
            }
            lastChangeNanos = nowNanos;
        }
        if (before != after) {
            // a steady check keeps the same instance: no store into this long-lived checker, so no write barrier
            health = after;
        }
        if (after.state() == ServerState.STARTING && before.state() != ServerState.STARTING) {
            warmup.cancel();
            warmupStartNanos = nowNanos;
            warmup = loop.scheduler().schedule(this::warmUp, WARMUP_PERIOD_NANOS);
        }
        if (!after.maintenance()) {
            // HAProxy recomputes the effective weight on every update except in maintenance (spec §9.2)
            effectiveWeight = after.weight();
        }
        if (before.usable() != after.usable() || before.weight() != after.weight()) {
            // only under the section's monitor (TransitionLog takes it for such a step)
            traffic.update(after.usable(), after.weight());
        }
        if (requests == null || (before.state() == after.state() && before.maintenance() == after.maintenance()
                && before.drain() == after.drain() && before.weight() == after.weight())) {
            return null;
        }
        Transition change = warmupEnd != null ? warmupEnd
                : section.requests().serverChanged(requests, after.state(), after.maintenance(), after.drain(),
                        after.weight(), nowNanos);
        warmupEnd = null;
        carryOutLater(change);
        return change;
    }

    /**
     * {@code slowstart} in whole seconds, rounded up, as HAProxy stores it (spec §9.3). The warm-up task runs
     * every second and ends the warm-up at the first run where {@code now_s - last_change_s >= S}: exactly S
     * seconds after the server entered STARTING, whatever the sub-second phase.
     */
    private long slowStartSeconds() {
        long millis = plan.config().traffic().slowStartNanos() / 1_000_000L;
        return (millis + 999) / 1000;
    }

    /**
     * Carries out what a change decided about requests right after the current task, at the same virtual time: the
     * line of the change comes first, then the requeued streams run, as in HAProxy where they are woken up.
     */
    private void carryOutLater(Transition change) {
        if (change.effects().isEmpty()) {
            return;
        }
        List<Decision> effects = List.copyOf(change.effects());
        BackendTraffic model = section.requests();
        loop.scheduler().schedule(() -> loop.trafficEffects().carryOut(model, effects), 0);
    }

    /**
     * One run of HAProxy's warm-up task (server.c {@code server_warmup}, every second while STARTING): the request
     * model ramps the server's weight and limit; at {@code slowstart} seconds the warm-up is over, STARTING
     * becomes UP and HAProxy logs its second "is UP" line (spec §8.1), with what the full server took from the
     * backend queue.
     */
    private void warmUp() {
        warmup = Cancellable.NONE;
        if (health.state() != ServerState.STARTING) {
            return;
        }
        long now = loop.scheduler().nanoTime();
        Transition ramp = null;
        if (requests != null) {
            synchronized (section) {
                ramp = section.requests().warmup(requests, now);
            }
        }
        boolean over = now - warmupStartNanos >= slowStartSeconds() * WARMUP_PERIOD_NANOS;
        if (!over) {
            if (ramp != null) {
                carryOutLater(ramp);
            }
            warmup = loop.scheduler().schedule(this::warmUp, WARMUP_PERIOD_NANOS);
            return;
        }
        warmupEnd = ramp;
        loop.log().publish(this, health.warmupEnded(), null, false);
        warmupEnd = null;
    }

    /**
     * Returns the effective weight {@code show stat} prints: the user weight, except that a change made while
     * in maintenance shows only after it.
     *
     * @return 0..256
     */
    int effectiveWeight() {
        return effectiveWeight;
    }

    /**
     * Returns an immutable view of the server now. Any thread.
     *
     * @return the snapshot, never null
     */
    ServerSnapshot snapshot() {
        return new ServerSnapshot(section.name(), name, checkTargetText, logName.backup(), weight, health);
    }

    /** Returns the server's state now. Any thread. */
    ServerHealth health() {
        return health;
    }

    /** Returns the configured weight ({@code weight}, HAProxy's {@code iweight}), 0..256. */
    int initialWeight() {
        return weight;
    }

    /** Returns the plan the server was built from. */
    CheckPlanner.ServerPlan plan() {
        return plan;
    }

    /** Tells whether a health check is under way ({@code show stat} prints {@code * } before its status). */
    boolean checkRunning() {
        return checkRunning;
    }

    /** Returns {@code chkfail}: health checks that failed while the health was above 0 (spec §1.6). */
    long failedChecks() {
        return failedChecks;
    }

    /** Returns {@code chkdown}: transitions to DOWN, maintenance from UP included (spec §1.6). */
    long downTransitions() {
        return downTransitions;
    }

    /** Returns when the state, drain or maintenance last changed (or the start), scheduler nanoseconds. */
    long lastChangeNanos() {
        return lastChangeNanos;
    }

    /**
     * Returns the time spent DOWN until {@code nowNanos}, the current stretch included (HAProxy's
     * {@code srv_downtime}).
     *
     * @param nowNanos the scheduler's time now
     * @return nanoseconds
     */
    long downtimeNanos(long nowNanos) {
        return health.state() == ServerState.DOWN ? downNanos + nowNanos - lastChangeNanos : downNanos;
    }

    /**
     * Changes the server's address and port (runtime API {@code set server B/S addr A [port P]}): the health
     * check follows unless the server line gave it its own {@code addr} or {@code port}. Event loop only.
     *
     * @param newAddress the new IP address, as written
     * @param newPort    the new port, or -1 to keep it
     */
    void changeAddress(String newAddress, int newPort) {
        if (newAddress != null) {
            address = newAddress;
        }
        if (newPort >= 0) {
            port = newPort;
        }
        CheckTarget current = target;
        InetSocketAddress old = current.address();
        String host = ownCheckAddress ? old.getHostString() : address;
        int checkPort = ownCheckPort ? old.getPort() : port;
        InetSocketAddress next = old.isUnresolved() ? InetSocketAddress.createUnresolved(host, checkPort)
                : new InetSocketAddress(host, checkPort);
        target = current.withAddress(next);
        checkTargetText = host + ':' + checkPort;
    }

    /**
     * Records the engine's start, before the server's loop starts it ({@link #start}): the origin of the server's
     * {@code lastchg} and {@code downtime}, as HAProxy counts them from its own start for every server, however late
     * the loop arms the server's first checks. Called by {@link HealthCheckEngine#start()} on its own thread, before
     * it hands the starts to the loop.
     *
     * @param engineStartNanos the scheduler time of {@link HealthCheckEngine#start()}
     */
    void planned(long engineStartNanos) {
        lastChangeNanos = engineStartNanos;
    }

    /**
     * Returns when the server's earliest first check is planned after the engine's start: its first health check,
     * or its first agent check if that comes earlier; 0 when it has neither (nothing to arm: it starts at once).
     *
     * @return nanoseconds after {@link HealthCheckEngine#start()}, {@code >= 0}
     */
    long firstDueNanos() {
        long due = Long.MAX_VALUE;
        if (plan.boot().checked()) {
            due = plan.firstCheckNanos();
        }
        if (plan.agent() != null) {
            due = Math.min(due, plan.agent().firstCheckNanos());
        }
        return due == Long.MAX_VALUE ? 0 : Math.max(0, due);
    }

    /** Returns the planned delay of the first health check after start, nanoseconds; -1 without {@code check}. */
    long firstCheckNanos() {
        return plan.boot().checked() ? plan.firstCheckNanos() : -1;
    }

    /** Returns what {@link CheckHistories} keeps here; null at first. Event loop only. */
    Object historySlot() {
        return historySlot;
    }

    /** Keeps {@code slot} for {@link CheckHistories}. Event loop only. */
    void historySlot(Object slot) {
        this.historySlot = slot;
    }

    /** Returns the {@link CheckHistories} that keep {@link #historySlot()}; null at first. Event loop only. */
    Object historyOwner() {
        return historyOwner;
    }

    /** Keeps {@code owner}, the {@link CheckHistories} of {@link #historySlot()}. Event loop only. */
    void historyOwner(Object owner) {
        this.historyOwner = owner;
    }

    CheckedSection section() {
        return section;
    }

    /** Returns the loop the server's checks are confined to. */
    CheckLoop loop() {
        return loop;
    }

    String name() {
        return name;
    }

    String address() {
        return address;
    }

    int port() {
        return port;
    }

    HaproxyLogFormat.ServerName logName() {
        return logName;
    }

    /**
     * The health check's timer ({@link #next}) runs the next check, or, while a channel-free check runs, that
     * check's deadline (lent to its driver). Event loop only; not for other callers.
     */
    @Override
    public void run() {
        CheckDriver driver = directDriver;
        if (deadlineOnNext && !driver.finished()) {
            // the check under way lent the next-check timer to its deadline
            driver.run();
            return;
        }
        runCheck();
    }

    /**
     * What the server's own health check reported, in order. Event loop only; not for other callers.
     *
     * @param results the outcomes; never null
     */
    @Override
    public void accept(List<CheckOutcome> results) {
        onResults(results);
    }

    private void runCheck() {
        if (loop.stopped()) {
            return;
        }
        if (health.maintenance() || !health.checked()) {
            // HAProxy pauses the check (maintenance, disable health) but keeps its task waking every inter, on
            // the same cadence (spec §1.5)
            scheduleCheck(policy.interNanos());
            return;
        }
        checkRunning = true;
        loop.checkStarted(section.name(), name, nextPlannedNanos, loop.scheduler().nanoTime());
        startHealthCheck(this);
    }

    /**
     * Starts one health check of the server in its state now, with the program, bounds, TLS side and PROXY
     * header its schedule uses, and hands what it reported to {@code results}. Event loop only.
     *
     * @param results receives the outcomes, in order (two for a passing mysql-check or ldap-check), on the event
     *                loop; never null
     */
    void startHealthCheck(Consumer<List<CheckOutcome>> results) {
        ProxyConfig proxy = section.proxy();
        CheckProgram program = section.program(this, health);
        ProbeTransport transport = loop.transport();
        if (results == this && plainChecks && transport instanceof DirectConnector direct) {
            // channel-free (the simulation): the server's checks come one at a time and share one driver
            CheckDriver driver = directDriver;
            if (driver != null && driver.finished()) {
                driver.reset(program);
            } else {
                // the first driver arms its deadline on the next-check timer, idle while a check runs (run())
                boolean lend = driver == null;
                driver = new CheckDriver(program, loop.scheduler(), policy.interNanos(),
                        proxy.timeoutConnectNanos(), proxy.timeoutCheckNanos(), results, lend ? next : null);
                driver.proxyProtocol(sendProxy, checkProxyVersion);
                driver.shareResults(loop.sharedResults());
                directDriver = driver;
                deadlineOnNext = lend;
            }
            driver.start(direct, target);
            return;
        }
        CheckRun run;
        if (results != this) {
            // a one-off check (Probe): its own run, reused when the one before it has finished
            ProbeRun probe = probeRun;
            if (probe != null && probe.run.reusable()) {
                probe.run.reset(program);
            } else {
                probe = new ProbeRun();
                probe.run = newLiveRun(program, probe);
                probeRun = probe;
            }
            probe.results = results;
            run = probe.run;
        } else if (liveRun != null && liveRun.reusable()) {
            // live and channel-free: the server's checks come one at a time and share one run and driver
            run = liveRun.reset(program);
        } else {
            run = newLiveRun(program, results);
            liveRun = run;
        }
        run.start(transport, target);
    }

    /** Makes a run of the server's health checks that reports to {@code results}. */
    private CheckRun newLiveRun(CheckProgram program, Consumer<List<CheckOutcome>> results) {
        ProxyConfig proxy = section.proxy();
        return new CheckRun(program, loop.scheduler(), policy.interNanos(), proxy.timeoutConnectNanos(),
                proxy.timeoutCheckNanos(), plan.tls(), results).proxyProtocol(sendProxy, checkProxyVersion);
    }

    private void runAgentCheck() {
        if (loop.stopped()) {
            return;
        }
        ProxyConfig proxy = section.proxy();
        CheckPlanner.AgentPlan agent = plan.agent();
        if (!health.agent().enabled()) {
            // disable agent: the task keeps waking on its cadence without connecting
            agentNext.schedule(agent.policy().interNanos());
            return;
        }
        CheckRun run = agentRun;
        if (run != null && run.reusable()) {
            // the server's agent checks come one at a time and share one run and driver, as its health checks
            run.reset(agent.program());
        } else {
            run = new CheckRun(agent.program(), loop.scheduler(), agent.policy().interNanos(),
                    proxy.timeoutConnectNanos(), proxy.timeoutCheckNanos(), agentResultsTask);
            agentRun = run;
        }
        run.start(loop.transport(), agent.target());
    }

    /**
     * Applies what an agent check reported: it reports once, its program having no protocol parser of its own.
     * Called by {@link #agentRun}, the only agent check under way, as it finishes.
     */
    private void onAgentResults(List<CheckOutcome> results) {
        onAgentOutcome(results.get(results.size() - 1), agentRun.agentReply());
    }

    /** Applies what a health check reported, in order (twice for a passing mysql-check or ldap-check). */
    private void onResults(List<CheckOutcome> results) {
        checkRunning = false;
        if (loop.stopped()) {
            return;
        }
        long interval;
        synchronized (this) {
            if (health.maintenance() || !health.checked()) {
                // the agent or the runtime API paused the check while it ran: HAProxy drops the paused result
                interval = -1;
            } else {
                for (int i = 0; i < results.size(); i++) {
                    CheckOutcome result = results.get(i);
                    if (result.result() == CheckResult.FAILED && health.counter().health() > 0) {
                        failedChecks++;
                    }
                    ServerHealth before = health;
                    ServerHealth within = before.applyWithinState(result);
                    if (within != null && within != before) {
                        // the state of other steady servers of the thread, or the one this server had before: one
                        // instance for all, and the new one dies young
                        within = loop.commonHealth(within, spareHealth);
                        spareHealth = before;
                    }
                    if (within != null) {
                        // most checks: no state change, no step to build
                        loop.log().publishCheck(this, before, within, result);
                    } else {
                        loop.log().publish(this, before.apply(result), result, false);
                    }
                }
                interval = loop.delayNanos(policy.intervalNanos(health.counter(), health.state()));
            }
        }
        scheduleCheck(interval < 0 ? policy.interNanos() : interval);
    }

    /** Schedules the next health check in {@code delayNanos}, remembering when it is due. Event loop only. */
    private void scheduleCheck(long delayNanos) {
        Scheduler scheduler = loop.scheduler();
        nextPlannedNanos = scheduler.nanoTime() + delayNanos;
        next.schedule(delayNanos);
    }

    private void onAgentOutcome(CheckOutcome outcome, AgentReply reply) {
        if (loop.stopped()) {
            return;
        }
        long interval;
        synchronized (this) {
            if (!health.agent().enabled()) {
                // disabled while it ran: the result is ignored
                interval = -1;
            } else {
                loop.log().publish(this, health.applyAgent(outcome, reply, weight), outcome, true);
                interval = loop.delayNanos(plan.agent().policy().intervalNanos(health.agent().counter(),
                        health.state()));
            }
        }
        agentNext.schedule(interval < 0 ? plan.agent().policy().interNanos() : interval);
    }

    /**
     * A one-off check's run and where its check reports, handed over once: a finished run can serve the next
     * one-off check of the server with another consumer, while a run still under way keeps its own. Event loop only.
     */
    private static final class ProbeRun implements Consumer<List<CheckOutcome>> {

        private CheckRun run;
        private Consumer<List<CheckOutcome>> results;

        @Override
        public void accept(List<CheckOutcome> outcomes) {
            Consumer<List<CheckOutcome>> to = results;
            results = null;
            to.accept(outcomes);
        }
    }
}
