package io.haprobe.engine;

import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/** Servers start in slices of the loop's time, so what is due between two slices runs on time. */
class ServerStartsTest {

    @Test
    void aLiveClockSplitsTheStartsIntoSlicesOfOneMillisecondAndKeepsTheirOrder() {
        // each server's start takes 0.3 ms on this clock: a slice starts 4 servers (1.2 ms >= 1 ms), then yields
        SteppingScheduler scheduler = new SteppingScheduler();
        List<String> ran = new ArrayList<>();
        List<Runnable> starts = slowStarts(scheduler, ran);
        scheduler.execute(new ServerStarts(scheduler, () -> false, starts));
        // a task due meanwhile (a first check) is queued behind the first slice, not behind all the starts
        scheduler.execute(() -> ran.add("due"));

        scheduler.runAll();

        assertThat(ran).containsExactly("s0", "s1", "s2", "s3", "due", "s4", "s5", "s6", "s7", "s8", "s9");
        assertThat(scheduler.executed).isEqualTo(2 + 2);
    }

    @Test
    void aStoppedLoopStartsNoMoreServers() {
        SteppingScheduler scheduler = new SteppingScheduler();
        List<String> ran = new ArrayList<>();
        List<Runnable> starts = slowStarts(scheduler, ran);
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
        List<Runnable> starts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String name = "s" + i;
            starts.add(() -> ran.add(name));
        }
        scheduler.execute(new ServerStarts(scheduler, () -> false, starts));
        scheduler.execute(() -> ran.add("next task"));

        scheduler.runFor(0);

        assertThat(ran).hasSize(10_001).endsWith("s9999", "next task");
    }

    /** Ten server starts s0..s9, each noted in {@code ran} and taking 0.3 ms of {@code scheduler}'s clock. */
    private static List<Runnable> slowStarts(SteppingScheduler scheduler, List<String> ran) {
        List<Runnable> starts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String name = "s" + i;
            starts.add(() -> {
                ran.add(name);
                scheduler.nanos += 300_000;
            });
        }
        return starts;
    }

    /** A FIFO of tasks on a clock that only the tasks move, as real time passes while a loop works. */
    private static final class SteppingScheduler implements Scheduler {

        private final Queue<Runnable> tasks = new ArrayDeque<>();
        private long nanos;
        private int executed;

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
            throw new UnsupportedOperationException("not used by ServerStarts");
        }

        @Override
        public void execute(Runnable task) {
            executed++;
            tasks.add(task);
        }

        @Override
        public boolean inSchedulerThread() {
            return true;
        }

        void runAll() {
            for (Runnable task; (task = tasks.poll()) != null; ) {
                task.run();
            }
        }
    }
}
