package io.haprobe.engine;

import io.haprobe.time.Scheduler;
import io.haprobe.time.Timer;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Starts the servers of one event loop: arms each server's first checks, planned from the engine's start plus the
 * server's spread offset (HAProxy spreads them from its own start, spec §2.3).
 *
 * <p>On a live loop the servers start just ahead of their first check, in the order of their first checks:
 * each start is due {@link #AHEAD_NANOS} before its server's first check, and a run of starts lasts at most
 * {@link #SLICE_NANOS} of the scheduler's time before the loop runs what is due and its I/O. 100,000 servers take
 * 30 to 90 ms per loop to start on a cold JVM; started all at once, they made the first checks of the spread late
 * by that much, and a late round of first checks comes back every {@code inter}, since each next check is planned
 * from the end of the one before (spec §2). Started just ahead, the work is spread over the first {@code inter}.
 * The next run is a {@link Timer}, not a task handed back to {@link Scheduler#execute}: a Netty loop runs the tasks
 * handed to it, including those they hand on, before it looks at its scheduled tasks again.
 *
 * <p>On a virtual scheduler every start is due at once ({@link Long#MIN_VALUE}) and no time passes within a task, so
 * every server starts in the one task, in declaration order, at the engine's start, and a simulation's order of events
 * does not depend on slicing.
 *
 * <p>Confined to the loop's scheduler thread: {@link #run} is executed there, first by
 * {@link HealthCheckEngine#start()}, then by its timer.
 */
final class ServerStarts implements Runnable {

    /** The longest a run of starts lasts before it lets the loop run what is due: 1 ms, in nanoseconds. */
    static final long SLICE_NANOS = 1_000_000;

    /** How long before its first check a live server starts: 10 ms, in nanoseconds. */
    static final long AHEAD_NANOS = 10_000_000;

    /**
     * One server's start.
     *
     * @param dueNanos when the server's earliest first check (health or agent) is planned, scheduler nanoseconds;
     *                 {@link Long#MIN_VALUE} to start it at once
     * @param start    arms its first checks; never null
     */
    record Start(long dueNanos, Runnable start) {

        Start {
            Objects.requireNonNull(start, "start");
        }
    }

    private final Scheduler scheduler;
    private final BooleanSupplier stopped;
    private final List<Start> starts;
    /** Runs the next slice; made by the first slice that does not start every server. */
    private Timer nextSlice;
    private int next;

    /**
     * Creates the starts of one loop.
     *
     * @param scheduler the loop's scheduler: its clock bounds a slice and tells which starts are due, and the next
     *                  slice is armed on it; never null
     * @param stopped   tells whether the loop was stopped meanwhile: then no more server starts; never null
     * @param starts    each server's start, in the order they run: by {@link Start#dueNanos} on a live loop (ties in
     *                  declaration order), in declaration order when all are due at once; never null, not copied
     */
    ServerStarts(Scheduler scheduler, BooleanSupplier stopped, List<Start> starts) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.stopped = Objects.requireNonNull(stopped, "stopped");
        this.starts = Objects.requireNonNull(starts, "starts");
    }

    /**
     * Starts the servers due within {@link #AHEAD_NANOS} until a slice has lasted {@link #SLICE_NANOS}, then arms
     * the next slice: for now, behind what is due, when the next start is already due, else for when it is.
     */
    @Override
    public void run() {
        long begin = scheduler.nanoTime();
        long now = begin;
        while (next < starts.size() && !stopped.getAsBoolean()) {
            Start start = starts.get(next);
            long startAt = start.dueNanos() == Long.MIN_VALUE ? Long.MIN_VALUE : start.dueNanos() - AHEAD_NANOS;
            if (startAt > now) {
                armNextSlice(startAt - now);
                return;
            }
            next++;
            start.start().run();
            now = scheduler.nanoTime();
            if (next < starts.size() && now - begin >= SLICE_NANOS) {
                armNextSlice(0);
                return;
            }
        }
    }

    private void armNextSlice(long delayNanos) {
        if (nextSlice == null) {
            nextSlice = scheduler.timer(this);
        }
        nextSlice.schedule(delayNanos);
    }
}
