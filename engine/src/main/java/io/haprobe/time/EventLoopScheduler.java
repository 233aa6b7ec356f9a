package io.haprobe.time;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The live {@link Scheduler}: real elapsed time ({@link System#nanoTime()}) and timers on one Netty
 * {@link EventLoop}. This is the only class in haprobe that reads the system clock.
 *
 * <p>Thread-safe. Tasks run on the event loop's thread; an exception a task throws is logged by Netty and
 * does not stop the loop.
 */
public final class EventLoopScheduler implements Scheduler {

    private final EventLoop eventLoop;

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
}
