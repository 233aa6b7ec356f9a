package io.haprobe.engine;

import io.haprobe.time.Scheduler;
import io.haprobe.time.Timer;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Starts the servers of one event loop in declaration order, in slices of at most {@link #SLICE_NANOS} of the
 * scheduler's time: between two slices the loop runs what is due, so the first servers' first checks (the earliest
 * of HAProxy's spread, spec §2.3) start on time while a large config is still starting (100,000 servers take
 * tens of milliseconds per loop on a cold JVM). On a virtual scheduler no time passes within a task, so every server
 * starts in the one task, at the engine's start, and a simulation's order of events does not depend on slicing.
 *
 * <p>The next slice is a {@link Timer} armed for now, not a task handed to {@link Scheduler#execute}: a Netty loop
 * runs the tasks handed to it, including those they hand on, before it looks at its scheduled tasks again, so a
 * slice that re-executed itself kept the timers of the checks already due (and the loop's I/O) waiting until every
 * server had started, 30 to 90 ms at 100,000 servers. Armed as a timer, the next slice comes after the timers due
 * before it and after the loop's I/O.
 *
 * <p>Confined to the loop's scheduler thread: {@link #run} is executed there, first by
 * {@link HealthCheckEngine#start()}, then by its timer.
 */
final class ServerStarts implements Runnable {

    /** The longest a slice runs before it lets the loop run what is due: 1 ms, in nanoseconds. */
    static final long SLICE_NANOS = 1_000_000;

    private final Scheduler scheduler;
    private final BooleanSupplier stopped;
    private final List<Runnable> starts;
    /** Runs the next slice; made by the first slice that does not start every server. */
    private Timer nextSlice;
    private int next;

    /**
     * Creates the starts of one loop.
     *
     * @param scheduler the loop's scheduler: its clock bounds a slice, and the next slice is executed on it; never
     *                  null
     * @param stopped   tells whether the loop was stopped meanwhile: then no more server starts; never null
     * @param starts    each server's start, in declaration order; never null, not copied
     */
    ServerStarts(Scheduler scheduler, BooleanSupplier stopped, List<Runnable> starts) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.stopped = Objects.requireNonNull(stopped, "stopped");
        this.starts = Objects.requireNonNull(starts, "starts");
    }

    /**
     * Starts servers until all are started, or until a slice has lasted {@link #SLICE_NANOS}; then arms the next
     * slice for now, behind what is due.
     */
    @Override
    public void run() {
        long begin = scheduler.nanoTime();
        while (next < starts.size() && !stopped.getAsBoolean()) {
            starts.get(next++).run();
            if (next < starts.size() && scheduler.nanoTime() - begin >= SLICE_NANOS) {
                if (nextSlice == null) {
                    nextSlice = scheduler.timer(this);
                }
                nextSlice.schedule(0);
                return;
            }
        }
    }
}
