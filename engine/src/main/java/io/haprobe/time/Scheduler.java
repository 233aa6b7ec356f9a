package io.haprobe.time;

/**
 * The one seam for time: answers "now" and runs "later". Nothing else in haprobe reads a clock or arms a
 * timer. The live implementation is {@link EventLoopScheduler}, on a Netty event loop; a virtual
 * implementation jumps from event to event for simulations.
 *
 * <p>Threading: every method may be called from the scheduler's own thread; {@link #nanoTime()},
 * {@link #execute(Runnable)} and {@link #schedule(Runnable, long)} may also be called from any other
 * thread. Tasks always run on the scheduler's thread, one at a time, so state touched only by tasks of
 * one scheduler needs no locking.
 *
 * <pre>{@code
 * Scheduler scheduler = EventLoopScheduler.of(eventLoop);
 * Cancellable t = scheduler.schedule(() -> System.out.println("2 s later"), TimeUnit.SECONDS.toNanos(2));
 * }</pre>
 */
public interface Scheduler {

    /**
     * Returns the current time of this scheduler in nanoseconds. Elapsed time, not wall time: only the
     * difference between two readings means something. Never decreases.
     *
     * @return the current time in nanoseconds since an arbitrary origin
     */
    long nanoTime();

    /**
     * Returns the wall-clock time, for the few check bytes that carry it (the {@code gmt_unix_time} of
     * {@code option ssl-hello-chk}'s ClientHello). Never used to time anything: {@link #nanoTime()} does that.
     *
     * @return milliseconds since the Unix epoch; a virtual scheduler returns its own deterministic clock
     */
    long currentTimeMillis();

    /**
     * Runs {@code task} on the scheduler's thread after {@code delayNanos}.
     *
     * @param task       what to run; never null. An exception it throws is logged by the implementation and
     *                   does not stop the scheduler
     * @param delayNanos the delay in nanoseconds; 0 or negative runs the task as soon as possible, after the
     *                   tasks already due
     * @return a handle that cancels the task if it has not run yet
     * @throws NullPointerException       if {@code task} is null
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /**
     * Runs {@code task} on the scheduler's thread as soon as possible.
     *
     * @param task what to run; never null
     * @throws NullPointerException       if {@code task} is null
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut down
     */
    void execute(Runnable task);

    /**
     * Tells whether the calling thread is the scheduler's thread.
     *
     * @return true when called from a task of this scheduler
     */
    boolean inSchedulerThread();

    /**
     * Returns a {@link Timer} of {@code task}: armed with {@link Timer#schedule(long)} as often as needed, one at a
     * time. Every scheduler gives one, so callers ask any scheduler for it. This default arms each run through
     * {@link #schedule(Runnable, long)} (one handle per arming, and the same order against the other tasks as
     * {@code schedule} gives), cancelling the run armed before; {@link VirtualScheduler} and
     * {@link EventLoopScheduler} override it with timers that reuse one entry of their timer queue.
     *
     * <p>Threading: arm and cancel the default timer on the scheduler's thread; its task runs there.
     *
     * @param task what each run runs; never null
     * @return a new timer, not armed
     * @throws NullPointerException if {@code task} is null
     */
    default Timer timer(Runnable task) {
        java.util.Objects.requireNonNull(task, "task");
        Scheduler scheduler = this;
        /** The timer: the handle of its armed run, {@link Cancellable#NONE} when none (never armed, cancelled, run). */
        final class ScheduledTimer implements Timer, Runnable {

            private Cancellable pending = Cancellable.NONE;

            @Override
            public void schedule(long delayNanos) {
                Cancellable armed = pending;
                pending = Cancellable.NONE;
                armed.cancel();
                pending = scheduler.schedule(this, delayNanos);
            }

            @Override
            public boolean cancel() {
                Cancellable armed = pending;
                pending = Cancellable.NONE;
                return armed.cancel();
            }

            /** The armed run came due: not armed any more while the task runs (it may arm the timer again). */
            @Override
            public void run() {
                pending = Cancellable.NONE;
                task.run();
            }
        }
        return new ScheduledTimer();
    }
}
