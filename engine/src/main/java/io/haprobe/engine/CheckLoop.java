package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.health.IntervalPolicy;
import io.haprobe.health.ServerHealth;
import io.haprobe.internal.CheckDriver;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.ProbeTransport;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What the {@link ServerChecker}s of one event loop share: the loop's scheduler that times their checks, the
 * transport that opens their connections, the loop's random source ({@code spread-checks}), the
 * {@link TransitionLog} their results go to, and whether the engine is stopped. An engine has one per event
 * loop of its transport (one on a virtual scheduler), as HAProxy has one check scheduler per thread.
 *
 * <p>Threading: owned by its event loop, the scheduler's thread; the random source and the transition log are
 * used on it only. {@link #stop()} and {@link #stopped()} may be called from any thread.
 */
final class CheckLoop {

    private final Scheduler scheduler;
    private final ProbeTransport transport;
    private final RandomGenerator random;
    private final int spreadChecks;
    private final TransitionLog log;
    private TrafficEffects trafficEffects = TrafficEffects.NONE;
    private CheckStartRecorder checkStarts = CheckStartRecorder.NONE;
    private boolean checkStartsFailed;
    private volatile boolean stopped;
    /** One instance per distinct interval policy of the loop's servers (see {@link #shared}). */
    private final Map<IntervalPolicy, IntervalPolicy> policies = new HashMap<>();
    /** The last check results of the loop's channel-free checks, which their drivers share when equal. */
    private final CheckDriver.SharedResults sharedResults = new CheckDriver.SharedResults();
    /** The loop thread's {@link CommonHealths}, fetched at the first check that needs it; null before. */
    private CommonHealths commonHealths;

    /**
     * Creates the loop.
     *
     * @param transport    the transport that opens the checks' connections; never null
     * @param scheduler    the scheduler of this loop, one of the transport's {@link ProbeTransport#schedulers()};
     *                     never null
     * @param random       the source of the {@code spread-checks} jitter; never null
     * @param spreadChecks {@code spread-checks}, a percentage 0..50; 0 for no jitter
     * @param log          where the checks' results go; never null
     */
    CheckLoop(ProbeTransport transport, Scheduler scheduler, RandomGenerator random, int spreadChecks,
              TransitionLog log) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
        this.spreadChecks = spreadChecks;
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Where the decisions a server's state change takes about queued and running requests go. */
    TrafficEffects trafficEffects() {
        return trafficEffects;
    }

    /** Sets who carries out traffic decisions (the simulation's traffic driver); before the engine starts. */
    void trafficEffects(TrafficEffects effects) {
        this.trafficEffects = Objects.requireNonNull(effects, "effects");
    }

    /** Sets who receives the checks' planned and actual starts; before the engine starts. */
    void checkStarts(CheckStartRecorder recorder) {
        this.checkStarts = Objects.requireNonNull(recorder, "recorder");
    }

    /**
     * Reports a health check's start to the {@link CheckStartRecorder}; a recorder that throws is logged once and
     * never breaks the check. Event loop only.
     */
    void checkStarted(String backend, String server, long plannedNanos, long actualNanos) {
        if (checkStarts == CheckStartRecorder.NONE) {
            return;
        }
        try {
            checkStarts.checkStarted(backend, server, plannedNanos, actualNanos);
        } catch (RuntimeException e) {
            if (!checkStartsFailed) {
                checkStartsFailed = true;
                System.getLogger(CheckLoop.class.getName()).log(System.Logger.Level.WARNING,
                        "check start recorder failed (logged once)", e);
            }
        }
    }

    /**
     * Returns the loop's one instance equal to {@code policy}: thousands of servers with the same intervals then
     * read one object on every check instead of one each. While the engine is built, on the building thread.
     *
     * @param policy a server's policy; never null
     * @return an equal policy, the first one given
     */
    IntervalPolicy shared(IntervalPolicy policy) {
        IntervalPolicy known = policies.putIfAbsent(policy, policy);
        return known != null ? known : policy;
    }

    /** Returns what the drivers of the loop's channel-free checks share ({@link CheckDriver#shareResults}). */
    CheckDriver.SharedResults sharedResults() {
        return sharedResults;
    }

    /**
     * Returns the one instance of a state equal to {@code health} that the loop's thread keeps for the steady
     * servers it checks, so that they share it instead of storing a new state each into their long-lived checker on
     * every check: young collections then find few young objects referenced from old checkers (they scan the cards
     * of the old generation those stores dirty, and copy what they find). The thread's table keeps, for each whole
     * millisecond of the last outcome's duration below {@link CommonHealths#MILLIS}, the two states met last;
     * {@code health} itself when none is equal, and then {@code spare} when that one is equal to it (an equal state
     * the checker already holds, which the new one need not replace). Event loop only.
     *
     * @param health the state a check just moved a server to within its state; never null
     * @param spare  the state the server's check replaced before, or null
     * @return an instance equal to {@code health}; never null
     */
    ServerHealth commonHealth(ServerHealth health, ServerHealth spare) {
        CommonHealths table = commonHealths;
        if (table == null) {
            table = CommonHealths.OF_THREAD.get();
            commonHealths = table;
        }
        return table.intern(health, spare);
    }

    Scheduler scheduler() {
        return scheduler;
    }

    ProbeTransport transport() {
        return transport;
    }

    TransitionLog log() {
        return log;
    }

    /**
     * Returns the delay before a next check: {@code intervalNanos} with the {@code spread-checks} jitter
     * (spec §2.2), drawing one number from the random source. Event loop only.
     *
     * @param intervalNanos the interval {@link IntervalPolicy} chose, nanoseconds
     * @return the delay in nanoseconds
     */
    long delayNanos(long intervalNanos) {
        return IntervalPolicy.withSpread(intervalNanos, spreadChecks, random.nextDouble());
    }

    /**
     * The states a thread's checks moved servers to last, two per whole millisecond of their last outcome's duration
     * ({@link CheckLoop#commonHealth}). Per thread rather than per loop, so that what a warm-up run left on an event
     * loop's thread ({@link WarmUp}) is what the run's own checks find there. Confined to its thread.
     */
    static final class CommonHealths {

        /** The durations, in milliseconds, below which states are kept: a steady check's, on loopback or a LAN. */
        static final int MILLIS = 64;

        private static final FastThreadLocal<CommonHealths> OF_THREAD = new FastThreadLocal<>() {
            @Override
            protected CommonHealths initialValue() {
                return new CommonHealths();
            }
        };

        /** The state met last for each millisecond, then the one before it. */
        private final ServerHealth[] recent = new ServerHealth[MILLIS];
        private final ServerHealth[] older = new ServerHealth[MILLIS];

        /**
         * Returns the kept state equal to {@code health}, or keeps and returns {@code health} (or {@code spare}
         * when equal to it); see {@link CheckLoop#commonHealth}. A state whose last outcome took 64 ms or more, or
         * that has none, is not kept.
         */
        ServerHealth intern(ServerHealth health, ServerHealth spare) {
            CheckOutcome outcome = health.lastOutcome();
            long millis = outcome == null ? -1 : outcome.durationMillis();
            ServerHealth kept = spare != null && spare.equals(health) ? spare : health;
            if (millis < 0 || millis >= MILLIS) {
                return kept;
            }
            int i = (int) millis;
            ServerHealth first = recent[i];
            if (first != null && first.equals(health)) {
                return first;
            }
            ServerHealth second = older[i];
            if (second != null && second.equals(health)) {
                // the one met last goes first
                older[i] = first;
                recent[i] = second;
                return second;
            }
            older[i] = first;
            recent[i] = kept;
            return kept;
        }
    }

    /** Stops the loop: from now on no check starts and no result is applied. Idempotent; any thread. */
    void stop() {
        stopped = true;
    }

    /**
     * Tells whether {@link #stop()} was called.
     *
     * @return true once stopped
     */
    boolean stopped() {
        return stopped;
    }
}
