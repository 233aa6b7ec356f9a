package io.haprobe.engine;

import io.haprobe.time.Cancellable;
import io.haprobe.time.EventLoopScheduler;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Servers start in slices of the loop's time, so what is due between two slices runs on time; on a live loop each
 * starts just ahead of its first check.
 */
class ServerStartsTest {

    @Test
    void aLiveClockSplitsTheStartsIntoSlicesOfOneMillisecondAndKeepsTheirOrder() {
        // each server's start takes 0.3 ms on this clock: a slice starts 4 servers (1.2 ms >= 1 ms), then yields
        SteppingScheduler scheduler = new SteppingScheduler();
        List<String> ran = new ArrayList<>();
        List<ServerStarts.Start> starts = slowStarts(scheduler, ran);
        scheduler.execute(new ServerStarts(scheduler, () -> false, starts));
        // a first check due at 0.5 ms runs after the first slice, not behind all the starts
        scheduler.schedule(() -> ran.add("due"), 500_000);

        scheduler.runAll();

        assertThat(ran).containsExactly("s0", "s1", "s2", "s3", "due", "s4", "s5", "s6", "s7", "s8", "s9");
        // the next slices come from one timer, armed again by each slice
        assertThat(scheduler.executed).isEqualTo(1);
        assertThat(scheduler.scheduled).isEqualTo(1 + 2);
    }

    @Test
    void onANettyIoLoopATimerDueDuringTheStartsRunsBetweenTwoSlices() {
        // a Netty I/O loop runs the tasks handed to it, and those they hand on, before its scheduled tasks: a slice
        // that re-executed itself kept a due check waiting until every server had started
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoopScheduler scheduler = EventLoopScheduler.of(group.next());
            List<String> ran = new CopyOnWriteArrayList<>();
            List<ServerStarts.Start> starts = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String name = "s" + i;
                starts.add(new ServerStarts.Start(Long.MIN_VALUE, () -> {
                    ran.add(name);
                    // a start that takes 0.3 ms of the loop's clock (busy, as a cold start is)
                    long until = scheduler.nanoTime() + 300_000;
                    while (scheduler.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }));
            }
            scheduler.execute(() -> {
                scheduler.timer(() -> ran.add("due")).schedule(0);
                new ServerStarts(scheduler, () -> false, starts).run();
            });

            await().atMost(Duration.ofSeconds(10)).until(() -> ran.size() == 11);
            // the first slice lasts at least 1 ms, so the due timer runs before the last start at the latest
            assertThat(ran.indexOf("due")).isBetween(1, 9);
            assertThat(ran).filteredOn(name -> !name.equals("due"))
                    .containsExactly("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStoppedLoopStartsNoMoreServers() {
        SteppingScheduler scheduler = new SteppingScheduler();
        List<String> ran = new ArrayList<>();
        List<ServerStarts.Start> starts = slowStarts(scheduler, ran);
        boolean[] stopped = {false};
        scheduler.execute(new ServerStarts(scheduler, () -> stopped[0], starts));
        scheduler.execute(() -> stopped[0] = true);

        scheduler.runAll();

        assertThat(ran).containsExactly("s0", "s1", "s2", "s3");
    }

    @Test
    void onVirtualTimeEveryServerStartsInTheOneTask() {
        VirtualScheduler scheduler = new VirtualScheduler();
        List<String> ran = new ArrayList<>();
        List<ServerStarts.Start> starts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String name = "s" + i;
            starts.add(new ServerStarts.Start(Long.MIN_VALUE, () -> ran.add(name)));
        }
        scheduler.execute(new ServerStarts(scheduler, () -> false, starts));
        scheduler.execute(() -> ran.add("next task"));

        scheduler.runFor(0);

        assertThat(ran).hasSize(10_001).endsWith("s9999", "next task");
    }

    @Test
    void aLiveLoopStartsEachServerTenMillisecondsAheadOfItsFirstCheck() {
        SteppingScheduler scheduler = new SteppingScheduler();
        scheduler.nanos = 1_000_000_000;
        long origin = scheduler.nanos;
        List<String> ran = new ArrayList<>();
        List<ServerStarts.Start> starts = new ArrayList<>();
        long[] firstChecksMs = {0, 5, 10, 20, 20, 100};
        for (int i = 0; i < firstChecksMs.length; i++) {
            String name = "s" + i;
            starts.add(new ServerStarts.Start(origin + firstChecksMs[i] * 1_000_000,
                    () -> ran.add(name + "@" + (scheduler.nanos - origin) / 1_000_000)));
        }
        scheduler.execute(new ServerStarts(scheduler, () -> false, starts));

        scheduler.runAll();

        // due within 10 ms: at once; the others 10 ms ahead of their first check, from one timer armed again
        assertThat(ran).containsExactly("s0@0", "s1@0", "s2@0", "s3@10", "s4@10", "s5@90");
        assertThat(scheduler.scheduled).isEqualTo(2);
    }

    /** Ten server starts s0..s9, due at once, each noted in {@code ran} and taking 0.3 ms of the scheduler's clock. */
    private static List<ServerStarts.Start> slowStarts(SteppingScheduler scheduler, List<String> ran) {
        List<ServerStarts.Start> starts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = "s" + i;
            starts.add(new ServerStarts.Start(Long.MIN_VALUE, () -> {
                ran.add(name);
                scheduler.nanos += 300_000;
            }));
        }
        return starts;
    }

    /**
     * Tasks in (due time, arming order) on a clock that only the tasks move, as real time passes while a loop works;
     * {@link #execute} queues a task due now.
     */
    private static final class SteppingScheduler implements Scheduler {

        private record Queued(long time, long sequence, Runnable task) {
        }

        private final PriorityQueue<Queued> tasks =
                new PriorityQueue<>(Comparator.comparingLong(Queued::time).thenComparingLong(Queued::sequence));
        private long nanos;
        private long sequence;
        private int executed;
        private int scheduled;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long currentTimeMillis() {
            return nanos / 1_000_000;
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            scheduled++;
            Queued queued = new Queued(nanos + Math.max(0, delayNanos), sequence++, task);
            tasks.add(queued);
            return () -> tasks.remove(queued);
        }

        @Override
        public void execute(Runnable task) {
            executed++;
            tasks.add(new Queued(nanos, sequence++, task));
        }

        @Override
        public boolean inSchedulerThread() {
            return true;
        }

        void runAll() {
            for (Queued queued; (queued = tasks.poll()) != null; ) {
                nanos = Math.max(nanos, queued.time());
                queued.task().run();
            }
        }
    }
}
