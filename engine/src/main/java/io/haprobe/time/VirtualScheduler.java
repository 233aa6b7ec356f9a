package io.haprobe.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Scheduler} on virtual time: tasks wait in one queue ordered by (virtual time, sequence number) and
 * run only when the owner advances the clock, which jumps from task to task. Nothing here reads the wall
 * clock or sleeps, so a simulated hour runs in milliseconds and the same inputs give the same order of
 * tasks on any machine at any speed. Ties in time run in submission order.
 *
 * <p>The clock starts at 0 and is in nanoseconds. {@link #runFor(long)} and {@link #runUntil(long)} run every
 * task due up to the target time, then leave the clock on the target.
 *
 * <p>Threading: the scheduler belongs to the thread that created it (its owner); the owner schedules
 * directly and is the only thread that may run tasks. Other threads may call {@link #execute},
 * {@link #schedule} and {@link #nanoTime()}: their tasks wait in a thread-safe inbox and enter the queue at
 * the owner's next step, at the virtual time of that step (their order among themselves is kept; against the
 * owner's own tasks it depends on when the owner runs, so deterministic runs submit from the owner only).
 * {@link #inSchedulerThread()} is true only while the owner runs tasks.
 *
 * <p>Queue: a {@link TimerQueue} (FIFO lanes for the steady delays, a 4-ary heap for the others, lazy cancel),
 * which gives exactly the order of one queue sorted by (time, sequence).
 *
 * <pre>{@code
 * VirtualScheduler clock = new VirtualScheduler();
 * clock.schedule(() -> System.out.println("t=" + clock.nanoTime()), TimeUnit.SECONDS.toNanos(2));
 * clock.runFor(Duration.ofSeconds(10)); // prints t=2000000000 at once, clock ends at 10 s
 * }</pre>
 */
public final class VirtualScheduler implements Scheduler {

    private final Thread owner;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** The tasks waiting, ordered by (time, sequence). */
    private final TimerQueue<Task> queue = new TimerQueue<>();
    private long now;
    private volatile long publishedNow;
    private long executed;
    private boolean running;

    /** Creates a scheduler at virtual time 0, owned by the calling thread. */
    public VirtualScheduler() {
        this.owner = Thread.currentThread();
    }

    /**
     * Returns the virtual time: 0 at creation, then the time of the task running or the target of the last
     * run. From a thread other than the owner, the time at the end of the owner's last step.
     *
     * @return virtual nanoseconds since creation, never negative
     */
    @Override
    public long nanoTime() {
        return Thread.currentThread() == owner ? now : publishedNow;
    }

    /**
     * Returns a deterministic wall clock: the Unix epoch plus the virtual time, so the same run sends the
     * same bytes wherever the wall clock shows.
     *
     * @return milliseconds since 1970-01-01T00:00:00Z on the virtual clock
     */
    @Override
    public long currentTimeMillis() {
        return nanoTime() / 1_000_000;
    }

    /**
     * Queues {@code task} to run {@code delayNanos} after the current virtual time.
     *
     * @param task       what to run; never null. An exception it throws propagates out of the run method that
     *                   ran it, with the clock left at that task's time
     * @param delayNanos the delay in nanoseconds; 0 or negative runs it at the current time, after the tasks
     *                   already due then
     * @return a handle that removes the task if it has not run yet; cancelling from another thread takes
     *         effect before the task runs if it happens-before the owner's step that would run it
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        if (Thread.currentThread() != owner) {
            Task deferred = new Task(this, task, false);
            inbox.add(() -> enqueue(deferred, Math.max(0, delayNanos)));
            return deferred;
        }
        Task entry = new Task(this, task, false);
        enqueue(entry, Math.max(0, delayNanos));
        return entry;
    }

    /**
     * Returns a timer of {@code task} that allocates nothing when armed: one queue entry object for all its runs.
     * Arming it takes the next sequence number as {@link #schedule} does, so the order of tasks is the same as
     * with a new task per run; arming it again while armed, or cancelling it, leaves the older entry in the queue,
     * dropped when it comes up. Arm it from the owner thread (from another, the arming enters at the owner's next
     * step, as {@link #schedule} does).
     *
     * @param task what each run runs; never null
     * @return a new timer, not armed
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public Timer timer(Runnable task) {
        return new Task(this, Objects.requireNonNull(task, "task"), true);
    }

    /**
     * Queues {@code task} to run at the current virtual time, after the tasks already due.
     *
     * @param task what to run; never null
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    /**
     * Tells whether the caller is the owner thread running tasks.
     *
     * @return true inside a task run by {@link #runUntil(long)} and the methods built on it
     */
    @Override
    public boolean inSchedulerThread() {
        return running && Thread.currentThread() == owner;
    }

    /**
     * Runs every task due up to {@code timeNanos}, in (time, sequence) order, tasks they schedule included,
     * and leaves the clock at {@code timeNanos} (or where it was, if that is later).
     *
     * @param timeNanos the virtual time to reach, in nanoseconds
     * @return the number of tasks run
     * @throws IllegalStateException if called from a thread other than the owner, or from within a task
     */
    public long runUntil(long timeNanos) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("runUntil: called from " + Thread.currentThread().getName()
                    + " (expected: the owner thread " + owner.getName() + ")");
        }
        if (running) {
            throw new IllegalStateException("runUntil: called from within a task (expected: outside of tasks)");
        }
        running = true;
        long before = executed;
        try {
            drainInbox();
            for (;;) {
                Task task = queue.poll(timeNanos);
                if (task == null) {
                    break;
                }
                now = queue.polledTime();
                Runnable runnable = task.runnable;
                if (runnable != null) {
                    if (!task.reusable) {
                        task.runnable = null;
                    }
                    executed++;
                    runnable.run();
                }
                if (!inbox.isEmpty()) {
                    drainInbox();
                }
            }
            if (timeNanos > now) {
                now = timeNanos;
            }
        } finally {
            running = false;
            publishedNow = now;
        }
        return executed - before;
    }

    /**
     * Runs every task due in the next {@code nanos} of virtual time; see {@link #runUntil(long)}.
     *
     * @param nanos how far to advance, in nanoseconds, {@code >= 0}
     * @return the number of tasks run
     * @throws IllegalArgumentException if {@code nanos} is negative
     * @throws IllegalStateException    as {@link #runUntil(long)}
     */
    public long runFor(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
        }
        return runUntil(saturatedAdd(now, nanos));
    }

    /**
     * Runs every task due in the next {@code duration} of virtual time; see {@link #runUntil(long)}.
     *
     * @param duration how far to advance; never null, not negative
     * @return the number of tasks run
     * @throws NullPointerException     if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException    as {@link #runUntil(long)}
     */
    public long runFor(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
        }
        return runFor(saturatedNanos(duration));
    }

    /**
     * Returns how many tasks are waiting, cancelled ones that were not yet dropped included.
     *
     * @return the queue length
     */
    public int pendingTasks() {
        return queue.size();
    }

    /**
     * Returns how many tasks have run since creation.
     *
     * @return the count
     */
    public long executedTasks() {
        return executed;
    }

    /**
     * Returns the virtual time of the next task that has not been cancelled.
     *
     * @return virtual nanoseconds, or {@link Long#MAX_VALUE} when nothing waits
     */
    public long nextTaskNanos() {
        return queue.firstTime();
    }

    private void drainInbox() {
        for (Runnable deferred; (deferred = inbox.poll()) != null; ) {
            deferred.run();
        }
    }

    private void enqueue(Task task, long delayNanos) {
        if (task.runnable == null) {
            return; // cancelled from another thread before it reached the queue
        }
        queue.add(task, saturatedAdd(now, delayNanos), delayNanos);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * A queued task, or a {@link #timer}: the queue's entries carry the sequence they were queued with, and an
     * entry runs only while it is the task's current one ({@link TimerQueue.Entry#sequence}); cancelling, running or re-arming
     * moves the task off it, and the queue drops the stale entry when it comes up. Owner thread only, except that
     * a one-shot task may be cancelled from another thread (seen by the owner once that happens-before its step).
     */
    static class Task extends TimerQueue.Entry implements Timer {

        final VirtualScheduler scheduler;
        /** What it runs; a one-shot task drops it once run or cancelled. */
        Runnable runnable;
        final boolean reusable;

        Task(VirtualScheduler scheduler, Runnable runnable, boolean reusable) {
            this.scheduler = scheduler;
            this.runnable = runnable;
            this.reusable = reusable;
        }

        @Override
        public final void schedule(long delayNanos) {
            if (!reusable) {
                throw new IllegalStateException("a task of schedule() runs once (expected: a timer())");
            }
            long delay = Math.max(0, delayNanos);
            VirtualScheduler s = scheduler;
            if (Thread.currentThread() != s.owner) {
                s.inbox.add(() -> s.enqueue(this, delay));
                return;
            }
            s.enqueue(this, delay);
        }

        @Override
        public final boolean cancel() {
            if (!reusable) {
                boolean pending = runnable != null;
                runnable = null;
                if (Thread.currentThread() == scheduler.owner) {
                    scheduler.queue.cancel(this);
                } else {
                    sequence = TimerQueue.IDLE;
                }
                return pending;
            }
            boolean armed = sequence != TimerQueue.IDLE;
            if (Thread.currentThread() == scheduler.owner) {
                scheduler.queue.cancel(this);
            } else {
                sequence = TimerQueue.IDLE;
            }
            return armed;
        }
    }

    /**
     * A {@link #timer} that is its own queue entry: the object that owns the timer extends this class and runs as
     * its task, so arming and running it touch that object only, which is in cache when it arms itself (a
     * separate timer object, with thousands of servers, is not). Same behaviour as {@link #timer}: arming takes
     * the next sequence number, re-arming or cancelling leaves the older entry to be dropped when it comes up.
     * Arm it from the owner thread (from another, the arming enters at the owner's next step).
     */
    public abstract static class TimerTask extends Task implements Runnable {

        /**
         * Creates the timer, not armed, on {@code scheduler}.
         *
         * @param scheduler the scheduler it runs on; never null
         * @throws NullPointerException if {@code scheduler} is null
         */
        protected TimerTask(VirtualScheduler scheduler) {
            super(Objects.requireNonNull(scheduler, "scheduler"), null, true);
            this.runnable = this;
        }
    }
}
