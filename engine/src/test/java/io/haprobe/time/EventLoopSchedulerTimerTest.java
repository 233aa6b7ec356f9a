package io.haprobe.time;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link EventLoopScheduler#timer(Runnable)} on a real Netty loop: order, re-arm, cancel, lanes and heap. */
class EventLoopSchedulerTimerTest {

    private static final Duration AT_MOST = Duration.ofSeconds(10);
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final EventLoopScheduler scheduler = EventLoopScheduler.of(loop);

    @AfterEach
    void shutDown() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    private void onLoop(Runnable r) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                r.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void dueTimersRunInTimeOrderWhateverTheArmingOrder() throws Exception {
        List<Integer> ran = new CopyOnWriteArrayList<>();
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        onLoop(() -> {
            // armed latest first: the later-armed earlier timers re-arm the loop's one Netty task
            for (int i = 5; i >= 1; i--) {
                int id = i;
                scheduler.timer(() -> ran.add(id)).schedule(id * 20 * ms);
            }
        });
        await().atMost(AT_MOST).until(() -> ran.size() == 5);
        assertThat(ran).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void reArmingReplacesTheArmedRunAndCancelPreventsIt() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger marker = new AtomicInteger();
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        boolean[] cancelled = new boolean[2];
        onLoop(() -> {
            Timer timer = scheduler.timer(runs::incrementAndGet);
            timer.schedule(10 * ms);
            timer.schedule(30 * ms); // replaces the 10 ms run
            Timer dropped = scheduler.timer(() -> runs.addAndGet(100));
            dropped.schedule(5 * ms);
            cancelled[0] = dropped.cancel();
            cancelled[1] = dropped.cancel();
            scheduler.timer(marker::incrementAndGet).schedule(200 * ms);
        });
        await().atMost(AT_MOST).until(() -> marker.get() == 1);
        assertThat(runs.get()).isEqualTo(1);
        assertThat(cancelled[0]).isTrue();
        assertThat(cancelled[1]).isFalse();
    }

    @Test
    void aTaskReArmsItsOwnTimer() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Timer[] self = new Timer[1];
        onLoop(() -> {
            self[0] = scheduler.timer(() -> {
                if (runs.incrementAndGet() < 5) {
                    self[0].schedule(TimeUnit.MILLISECONDS.toNanos(2));
                }
            });
            self[0].schedule(0);
        });
        await().atMost(AT_MOST).until(() -> runs.get() == 5);
        AtomicInteger queued = new AtomicInteger(-1);
        onLoop(() -> queued.set(scheduler.queuedTimers()));
        assertThat(queued.get()).isZero();
        assertThat(self[0].cancel()).isFalse();
    }

    @Test
    void manyDelaysShareTheLanesAndTheHeapInTimeOrder() throws Exception {
        int n = 400;
        // per run: the bounds of the timer's due time (clock before and after arming, plus the delay), the run time
        List<long[]> ran = new CopyOnWriteArrayList<>();
        long us = TimeUnit.MICROSECONDS.toNanos(1);
        onLoop(() -> {
            for (int i = 0; i < n; i++) {
                // 20 distinct delays, more than the lanes: the rest go to the heap; same delays share a lane
                long delay = (i * 7919L % 20) * 3000 * us;
                long[] bounds = new long[3];
                Timer timer = scheduler.timer(() -> {
                    bounds[2] = System.nanoTime();
                    ran.add(bounds);
                });
                bounds[0] = System.nanoTime() + delay;
                timer.schedule(delay);
                bounds[1] = System.nanoTime() + delay;
            }
        });
        await().atMost(AT_MOST).until(() -> ran.size() == n);
        for (int i = 0; i < n; i++) {
            long[] run = ran.get(i);
            assertThat(run[2]).as("run %d not before its due time", i).isGreaterThanOrEqualTo(run[0]);
            if (i > 0) {
                // the previous one ran first, so its due time was at most this one's
                assertThat(ran.get(i - 1)[0]).as("run %d in due order", i).isLessThanOrEqualTo(run[1]);
            }
        }
    }

    @Test
    void armingFromAnotherThreadIsHandedToTheLoop() {
        AtomicInteger runs = new AtomicInteger();
        Timer timer = scheduler.timer(() -> {
            assertThat(loop.inEventLoop()).isTrue();
            runs.incrementAndGet();
        });
        timer.schedule(TimeUnit.MILLISECONDS.toNanos(1));
        await().atMost(AT_MOST).until(() -> runs.get() == 1);
    }

    @Test
    void anExceptionDoesNotStopTheOtherTimers() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        onLoop(() -> {
            scheduler.timer(() -> {
                throw new IllegalStateException("test: a failing timer task");
            }).schedule(TimeUnit.MILLISECONDS.toNanos(1));
            scheduler.timer(runs::incrementAndGet).schedule(TimeUnit.MILLISECONDS.toNanos(1));
        });
        await().atMost(AT_MOST).until(() -> runs.get() == 1);
    }
}
