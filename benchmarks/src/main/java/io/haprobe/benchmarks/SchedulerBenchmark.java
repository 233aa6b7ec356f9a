package io.haprobe.benchmarks;

import io.haprobe.time.EventLoopScheduler;
import io.haprobe.time.Timer;
import io.haprobe.time.VirtualScheduler;
import io.netty.channel.DefaultEventLoop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One timer inserted and one polled, with 100,000 timers pending: the scheduler's work per check at the scale
 * of 100,000 servers (each server always has one check timer pending).
 *
 * <ul>
 *   <li>{@link #virtual()}: {@link VirtualScheduler}, as a simulation drives it. 100,000 timers whose deadlines
 *       are 100 µs apart; each re-arms itself 100,000 × 100 µs later when it fires, as a server schedules its next
 *       check, so the queue always holds 100,000. One operation is {@code runFor(100 µs)}: exactly one timer
 *       polled, run and inserted again.</li>
 *   <li>{@link #live()}: {@link EventLoopScheduler} on a Netty {@link DefaultEventLoop} (the same scheduled-task
 *       queue as the epoll loops), 100,000 timers pending an hour ahead. One invocation runs a task on the loop
 *       that inserts 1,000 timers due now; the loop polls and runs them on its next turn, the last one completes
 *       the invocation. Per operation: one insert and one poll into a queue of 100,000, plus 1/1,000 of the
 *       hand-off between the benchmark thread and the loop.</li>
 *   <li>{@link #liveTimer()}: the same on {@link EventLoopScheduler#timer(Runnable) timers} (the queue
 *       {@code ServerChecker} and {@code CheckDriver} use), on a second loop: 100,000 timers armed an hour ahead
 *       (one delay, as the checks' {@code inter}), then per invocation 1,000 reused timers armed due now, polled
 *       and run by the loop.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerBenchmark {

    private static final int TIMERS = 100_000;
    private static final long STEP_NANOS = 100_000;
    private static final int BATCH = 1_000;
    private static final Runnable NOTHING = () -> { };

    private VirtualScheduler virtual;
    private DefaultEventLoop loop;
    private EventLoopScheduler live;
    private DefaultEventLoop timerLoop;
    private EventLoopScheduler timed;
    private Timer[] batch;
    private volatile CountDownLatch timersDone;

    /** Fills both schedulers with 100,000 pending timers. */
    @Setup
    public void setUp() throws Exception {
        virtual = new VirtualScheduler();
        for (int i = 0; i < TIMERS; i++) {
            virtual.schedule(new Rearm(), (i + 1) * STEP_NANOS);
        }
        loop = new DefaultEventLoop();
        live = EventLoopScheduler.of(loop);
        loop.submit(() -> {
            for (int i = 0; i < TIMERS; i++) {
                live.schedule(NOTHING, TimeUnit.HOURS.toNanos(1) + i);
            }
        }).get();
        timerLoop = new DefaultEventLoop();
        timed = EventLoopScheduler.of(timerLoop);
        batch = new Timer[BATCH];
        for (int i = 0; i < BATCH - 1; i++) {
            batch[i] = timed.timer(NOTHING);
        }
        batch[BATCH - 1] = timed.timer(() -> timersDone.countDown());
        timerLoop.submit(() -> {
            for (int i = 0; i < TIMERS; i++) {
                timed.timer(NOTHING).schedule(TimeUnit.HOURS.toNanos(1));
            }
        }).get();
        if (virtual.pendingTasks() != TIMERS) {
            throw new IllegalStateException("pending: " + virtual.pendingTasks() + " (expected: " + TIMERS + ")");
        }
    }

    /** Stops the event loop. */
    @TearDown
    public void tearDown() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        timerLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Polls, runs and re-inserts one timer of the virtual scheduler.
     *
     * @return the virtual time now
     */
    @Benchmark
    public long virtual() {
        return virtual.runFor(STEP_NANOS);
    }

    /**
     * Inserts 1,000 timers due now into the live loop's queue of 100,000 and waits until the loop has polled and
     * run them all.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void live() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Runnable last = done::countDown;
        loop.execute(() -> {
            for (int i = 1; i < BATCH; i++) {
                live.schedule(NOTHING, 0);
            }
            live.schedule(last, 0);
        });
        done.await();
    }

    /**
     * Arms 1,000 timers due now beside the 100,000 pending ones of the timer loop and waits until the loop has
     * polled and run them all.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void liveTimer() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        timersDone = done;
        timerLoop.execute(() -> {
            for (Timer timer : batch) {
                timer.schedule(0);
            }
        });
        done.await();
    }

    /** A check timer: fires, and schedules itself again one round of 100,000 timers later. */
    private final class Rearm implements Runnable {
        @Override
        public void run() {
            virtual.schedule(this, TIMERS * STEP_NANOS);
        }
    }
}
