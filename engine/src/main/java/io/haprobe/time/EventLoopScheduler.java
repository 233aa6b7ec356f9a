package io.haprobe.time;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The live {@link Scheduler}: real elapsed time ({@link System#nanoTime()}) and timers on one Netty
 * {@link EventLoop}. This is the only class in haprobe that reads the system clock.
 *
 * <p>Thread-safe. Tasks run on the event loop's thread; an exception a task throws is logged and does not stop
 * the loop.
 *
 * <p>{@link #timer(Runnable) Timers} (a server's next check, a check's deadline) do not go to Netty's scheduled-task
 * heap: they wait in this scheduler's own {@link TimerQueue} (the virtual scheduler's), and one Netty scheduled task
 * per scheduler is armed at the earliest due time (re-armed only when an earlier one arrives). Timers of a delay that
 * has one of the queue's FIFO lanes (a check's {@code inter}, its timeouts) wait in the lane of their delay, which the
 * monotonic clock keeps sorted: O(1) to add and to take; other delays (the first checks' offsets,
 * {@code spread-checks} jitter) wait in a 4-ary heap. Cancelling or re-arming a timer leaves its queued entry behind,
 * stale: it is skipped when it comes up. At 100,000 timers this costs a fraction of Netty's heap insert, cancel and
 * removal.
 */
public final class EventLoopScheduler implements Scheduler {

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(EventLoopScheduler.class);

    private final EventLoop eventLoop;
    /** The event loop's timers; touched on the loop's thread only. */
    private final Timers timers = new Timers();

    private EventLoopScheduler(EventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    /**
     * Creates a scheduler running its tasks on {@code eventLoop}. The caller keeps ownership of the loop and
     * shuts it down.
     *
     * @param eventLoop the event loop; never null
     * @return the scheduler
     * @throws NullPointerException if {@code eventLoop} is null
     */
    public static EventLoopScheduler of(EventLoop eventLoop) {
        return new EventLoopScheduler(Objects.requireNonNull(eventLoop, "eventLoop"));
    }

    /**
     * Returns the event loop the tasks run on; probe channels of this scheduler's checks are registered on
     * the same loop so that a check's state is touched by one thread only.
     *
     * @return the event loop, never null
     */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        ScheduledFuture<?> future = eventLoop.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        eventLoop.execute(Objects.requireNonNull(task, "task"));
    }

    @Override
    public boolean inSchedulerThread() {
        return eventLoop.inEventLoop();
    }

    /**
     * Returns a {@link Timer} of {@code task} queued in this scheduler's own timer queue (see the class comment):
     * arming it allocates nothing once the queue has grown to the number of armed timers.
     *
     * <p>Threading: arm and cancel it on the event loop's thread, as {@link Timer} asks; a call from another thread
     * is handed to the loop (then {@link Timer#cancel()} returns whether the timer was armed when called, without
     * waiting for the loop).
     *
     * @param task what each run runs, on the event loop's thread; never null
     * @return a new timer, not armed
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public Timer timer(Runnable task) {
        return new LoopTimer(Objects.requireNonNull(task, "task"));
    }

    /**
     * Arms {@code wake} in Netty's scheduled-task queue at {@code time} ({@link #nanoTime()} scale): the timers'
     * one Netty task; this class alone reads the clock and schedules on the loop (LayeringTest).
     */
    private ScheduledFuture<?> scheduleWake(Runnable wake, long time) {
        return eventLoop.schedule(wake, Math.max(0, time - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** How many timer entries are queued, stale ones included (tests). Event loop thread only. */
    int queuedTimers() {
        return timers.queued();
    }

    /** A reusable timer: its {@link TimerQueue.Entry#sequence} tells its live queue entry from stale ones. */
    private final class LoopTimer extends TimerQueue.Entry implements Timer, Runnable {

        final Runnable task;

        LoopTimer(Runnable task) {
            this.task = task;
        }

        @Override
        public void schedule(long delayNanos) {
            long delay = Math.max(0, delayNanos);
            if (!eventLoop.inEventLoop()) {
                eventLoop.execute(() -> schedule(delay));
                return;
            }
            timers.add(this, delay);
        }

        @Override
        public boolean cancel() {
            boolean was = sequence != TimerQueue.IDLE;
            if (!eventLoop.inEventLoop()) {
                try {
                    eventLoop.execute(this::cancel);
                } catch (RejectedExecutionException shutDown) {
                    // the loop is shut down: it runs no timer any more
                }
                return was;
            }
            timers.queue.cancel(this);
            return was;
        }

        /** Runs the task of a live entry that came due. */
        @Override
        public void run() {
            task.run();
        }
    }

    /**
     * The timers' queue, plus the one Netty task armed at the earliest due time. Event loop thread only.
     */
    private final class Timers implements Runnable {

        private final TimerQueue<LoopTimer> queue = new TimerQueue<>();
        /** The Netty task armed for {@link #wakeAt}, or null. */
        private ScheduledFuture<?> wake;
        private long wakeAt = Long.MAX_VALUE;

        int queued() {
            return queue.size();
        }

        void add(LoopTimer timer, long delay) {
            long time = saturatedAdd(nanoTime(), delay);
            queue.add(timer, time, delay);
            if (time < wakeAt) {
                arm(time);
            }
        }

        /** Arms the Netty task at {@code time}, cancelling the one armed for later. */
        private void arm(long time) {
            if (wake != null) {
                wake.cancel(false);
            }
            wake = scheduleWake(this, time);
            wakeAt = time;
        }

        /** The Netty task: runs the timers due now, in (time, sequence) order, then arms itself for the next. */
        @Override
        public void run() {
            wake = null;
            // while the due timers run, the ones they arm are not armed in Netty: the loop below sees them
            wakeAt = Long.MIN_VALUE;
            try {
                runDue(nanoTime());
            } finally {
                if (wakeAt == Long.MIN_VALUE) {
                    wakeAt = Long.MAX_VALUE; // nothing armed (or arming failed): the next add arms again
                }
            }
        }

        /**
         * Runs the timers due at {@code now} (what comes due since runs after the loop's I/O), then arms the Netty
         * task for the next one, if any; stale entries are dropped on the way.
         */
        private void runDue(long now) {
            TimerQueue<LoopTimer> q = queue;
            for (LoopTimer timer; (timer = q.poll(now)) != null; ) {
                try {
                    timer.run();
                } catch (Throwable t) {
                    LOGGER.warn("A timer task raised an exception. Task: {}", timer.task, t);
                }
            }
            long next = q.firstTime();
            if (next != Long.MAX_VALUE) {
                arm(next);
            }
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
