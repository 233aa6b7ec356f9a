package io.haprobe.internal.sim;

import io.haprobe.time.Cancellable;
import io.haprobe.time.VirtualScheduler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A Netty {@link EventLoop} whose thread and clock are a {@link VirtualScheduler}: tasks run as scheduler
 * tasks, Netty's own timers fire on virtual time, and {@link #inEventLoop(Thread)} is true inside the
 * scheduler's tasks. The loop lives as long as its simulation; shutting it down only refuses new channels.
 *
 * <p>Confined to the scheduler's owner thread, like the scheduler.
 */
public final class VirtualEventLoop extends AbstractScheduledEventExecutor implements EventLoop {

    private final VirtualScheduler scheduler;
    private final Ticker ticker;
    private final Promise<?> terminationFuture = ImmediateEventExecutor.INSTANCE.newPromise();
    private boolean shutdown;
    private Cancellable wakeUp = Cancellable.NONE;
    private long wakeUpNanos = Long.MAX_VALUE;

    /**
     * Creates a loop on {@code scheduler}.
     *
     * @param scheduler the virtual scheduler that runs the loop's tasks; never null
     */
    public VirtualEventLoop(VirtualScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.ticker = new VirtualTicker(scheduler);
    }

    /**
     * Returns the scheduler that runs this loop.
     *
     * @return the scheduler
     */
    public VirtualScheduler scheduler() {
        return scheduler;
    }

    @Override
    public EventLoopGroup parent() {
        return (EventLoopGroup) super.parent();
    }

    @Override
    public EventLoop next() {
        return this;
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    protected long getCurrentTimeNanos() {
        return scheduler.nanoTime();
    }

    @Override
    public void execute(Runnable command) {
        scheduler.execute(Objects.requireNonNull(command, "command"));
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return thread == Thread.currentThread() && scheduler.inSchedulerThread();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return wakeUpFor(super.schedule(command, delay, unit));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return wakeUpFor(super.schedule(callable, delay, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return wakeUpFor(super.scheduleAtFixedRate(command, initialDelay, period, unit));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                     TimeUnit unit) {
        return wakeUpFor(super.scheduleWithFixedDelay(command, initialDelay, delay, unit));
    }

    @Override
    public ChannelFuture register(Channel channel) {
        return register(new DefaultChannelPromise(channel, this));
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        Objects.requireNonNull(promise, "promise");
        if (shutdown) {
            promise.setFailure(new IllegalStateException("virtual event loop is shut down"));
            return promise;
        }
        promise.channel().unsafe().register(this, promise);
        return promise;
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        return register(promise);
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        shutdown();
        return terminationFuture;
    }

    @Override
    public Future<?> terminationFuture() {
        return terminationFuture;
    }

    @Deprecated
    @Override
    public void shutdown() {
        shutdown = true;
        terminationFuture.trySuccess(null);
    }

    @Override
    public boolean isShuttingDown() {
        return shutdown;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }

    /** Netty keeps its timers in its own queue; one scheduler task, at the earliest deadline, runs those due. */
    private <F extends ScheduledFuture<?>> F wakeUpFor(F future) {
        armWakeUp(Math.max(0, future.getDelay(TimeUnit.NANOSECONDS)));
        return future;
    }

    private void armWakeUp(long delayNanos) {
        long at = scheduler.nanoTime() + delayNanos;
        if (at < wakeUpNanos) {
            wakeUp.cancel();
            wakeUpNanos = at;
            wakeUp = scheduler.schedule(this::runDueTimers, delayNanos);
        }
    }

    private void runDueTimers() {
        wakeUpNanos = Long.MAX_VALUE;
        wakeUp = Cancellable.NONE;
        long now = getCurrentTimeNanos();
        for (Runnable task; (task = pollScheduledTask(now)) != null; ) {
            task.run();
        }
        long next = nextScheduledTaskNano();
        if (next >= 0) {
            armWakeUp(next); // periodic timers re-armed themselves while running
        }
    }

    /** Netty's view of the virtual clock. A virtual clock cannot be slept on: its thread is the one advancing it. */
    private record VirtualTicker(VirtualScheduler scheduler) implements Ticker {

        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            return scheduler.nanoTime();
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            throw new IllegalStateException("sleep: on virtual time (expected: schedule a task instead)");
        }
    }
}
