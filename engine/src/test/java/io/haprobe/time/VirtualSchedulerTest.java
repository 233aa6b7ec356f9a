package io.haprobe.time;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VirtualSchedulerTest {

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsTasksInTimeOrderAndTiesInSubmissionOrder() {
        scheduler.schedule(() -> ran.add("b@2"), 2);
        scheduler.schedule(() -> ran.add("a@1"), 1);
        scheduler.schedule(() -> ran.add("c@2"), 2);
        scheduler.execute(() -> ran.add("now"));

        scheduler.runUntil(10);

        assertThat(ran).containsExactly("now", "a@1", "b@2", "c@2");
        assertThat(scheduler.nanoTime()).isEqualTo(10);
    }

    @Test
    void aTaskDueNowRunsAfterTheTasksAlreadyDueAtThatTime() {
        scheduler.schedule(() -> {
            ran.add("first@5");
            scheduler.execute(() -> ran.add("spawned@5"));
        }, 5);
        scheduler.schedule(() -> ran.add("second@5"), 5);

        scheduler.runFor(Duration.ofNanos(5));

        assertThat(ran).containsExactly("first@5", "second@5", "spawned@5");
    }

    @Test
    void theClockJumpsToEachTaskAndStopsAtTheTarget() {
        List<Long> seen = new ArrayList<>();
        scheduler.schedule(() -> seen.add(scheduler.nanoTime()), 1_000);
        scheduler.schedule(() -> seen.add(scheduler.nanoTime()), 3_000);

        long run = scheduler.runUntil(2_000);

        assertThat(run).isEqualTo(1);
        assertThat(seen).containsExactly(1_000L);
        assertThat(scheduler.nanoTime()).isEqualTo(2_000);
        assertThat(scheduler.nextTaskNanos()).isEqualTo(3_000);
    }

    @Test
    void cancelledTasksNeverRun() {
        Cancellable task = scheduler.schedule(() -> ran.add("cancelled"), 5);
        Cancellable now = scheduler.schedule(() -> ran.add("cancelled now"), 0);
        scheduler.schedule(() -> ran.add("kept"), 5);

        assertThat(task.cancel()).isTrue();
        assertThat(now.cancel()).isTrue();
        assertThat(task.cancel()).isFalse();
        scheduler.runFor(10);

        assertThat(ran).containsExactly("kept");
        assertThat(scheduler.nextTaskNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void inSchedulerThreadOnlyWhileRunningTasks() {
        AtomicReference<Boolean> inside = new AtomicReference<>();
        scheduler.execute(() -> inside.set(scheduler.inSchedulerThread()));

        assertThat(scheduler.inSchedulerThread()).isFalse();
        scheduler.runFor(0);

        assertThat(inside.get()).isTrue();
    }

    @Test
    void refusesToRunFromAnotherThreadOrFromATask() throws InterruptedException {
        AtomicReference<Throwable> fromTask = new AtomicReference<>();
        scheduler.execute(() -> {
            try {
                scheduler.runFor(1);
            } catch (IllegalStateException e) {
                fromTask.set(e);
            }
        });
        scheduler.runFor(0);
        assertThat(fromTask.get()).hasMessageContaining("from within a task");

        AtomicReference<Throwable> fromThread = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                scheduler.runFor(1);
            } catch (IllegalStateException e) {
                fromThread.set(e);
            }
        });
        other.start();
        other.join(10_000);
        assertThat(fromThread.get()).hasMessageContaining("expected: the owner thread");
        assertThatThrownBy(() -> scheduler.runFor(-1)).hasMessage("nanos: -1 (expected: >= 0)");
    }

    @Test
    void tasksFromOtherThreadsEnterAtTheOwnersNextStep() throws InterruptedException {
        scheduler.runFor(100);
        Thread other = new Thread(() -> scheduler.schedule(() -> ran.add("from other@" + scheduler.nanoTime()), 50));
        other.start();
        other.join(10_000);

        scheduler.runFor(100);

        assertThat(ran).containsExactly("from other@150");
    }

    @Test
    void matchesAReferenceOrderOnRandomWorkloads() {
        SplittableRandom random = new SplittableRandom(42);
        List<long[]> reference = new ArrayList<>(); // {time, sequence}
        List<long[]> order = new ArrayList<>();
        long[] sequence = {0};
        for (int i = 0; i < 2_000; i++) {
            long delay = random.nextInt(4) == 0 ? 0 : random.nextLong(0, 50);
            long seq = sequence[0]++;
            long time = scheduler.nanoTime() + delay;
            reference.add(new long[] {time, seq});
            scheduler.schedule(() -> order.add(new long[] {scheduler.nanoTime(), seq}), delay);
            if (random.nextInt(10) == 0) {
                scheduler.runFor(random.nextLong(0, 20));
            }
        }
        scheduler.runFor(1_000);

        reference.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        assertThat(order).extracting(e -> e[1]).containsExactlyElementsOf(
                reference.stream().map(e -> e[1]).toList());
        assertThat(order).extracting(e -> e[0]).containsExactlyElementsOf(
                reference.stream().map(e -> e[0]).toList());
    }

    @Test
    void tasksThatScheduleTasksRunInTheOrderOfOneSortedQueueAcrossTheFifosLanesAndHeap() {
        // a few fixed delays (the lanes: more of them than lanes exist), random ones (the heap), 0 (the due FIFO),
        // and cancels, scheduled from within tasks as a simulation does; the reference is a plain sorted list
        for (long seed = 1; seed <= 5; seed++) {
            assertThat(trace(new VirtualClock(new VirtualScheduler()), seed)).as("seed %d", seed)
                    .containsExactlyElementsOf(trace(new ReferenceScheduler(), seed));
        }
    }

    @Test
    void aCancelledTaskAtTheHeadOfALaneIsSkipped() {
        List<String> ran = new ArrayList<>();
        Cancellable first = scheduler.schedule(() -> ran.add("first"), 100);
        scheduler.schedule(() -> ran.add("second"), 100);
        scheduler.runFor(10);
        Cancellable third = scheduler.schedule(() -> ran.add("third"), 100);
        scheduler.schedule(() -> ran.add("fourth"), 100);

        assertThat(first.cancel()).isTrue();
        assertThat(third.cancel()).isTrue();
        assertThat(scheduler.pendingTasks()).isEqualTo(4);
        assertThat(scheduler.nextTaskNanos()).isEqualTo(100);
        scheduler.runFor(1_000);

        assertThat(ran).containsExactly("second", "fourth");
        assertThat(first.cancel()).isFalse();
        assertThat(scheduler.nextTaskNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aLaneTaskAndADueTaskOfTheSameTimeRunInSubmissionOrder() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> {
            ran.add("lane@" + scheduler.nanoTime());
            scheduler.execute(() -> ran.add("due@" + scheduler.nanoTime()));
        }, 50);
        scheduler.schedule(() -> ran.add("heap@" + scheduler.nanoTime()), 50 + 7); // another delay, same time later
        scheduler.runFor(7);
        scheduler.schedule(() -> ran.add("lane2@" + scheduler.nanoTime()), 50); // also at 57, after "heap"
        scheduler.runFor(100);

        assertThat(ran).containsExactly("lane@50", "due@50", "heap@57", "lane2@57");
    }

    /** What a simulation-like workload ran, as {@code id@time}, on {@code clock}. */
    private static List<String> trace(Clock clock, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] fixed = {0, 1_000, 2_000, 3_000, 5_000, 7_000, 11_000, 13_000, 17_000, 19_000, 23_000};
        List<String> ran = new ArrayList<>();
        List<Cancellable> pending = new ArrayList<>();
        int[] ids = {0};
        Runnable[] spawn = new Runnable[1];
        spawn[0] = () -> {
            int id = ids[0]++;
            long delay = random.nextInt(3) == 0 ? random.nextLong(0, 30_000) : fixed[random.nextInt(fixed.length)];
            pending.add(clock.schedule(() -> {
                ran.add(id + "@" + clock.nanoTime());
                if (ids[0] < 5_000) {
                    for (int k = random.nextInt(3); k >= 0; k--) {
                        spawn[0].run();
                    }
                }
                if (random.nextInt(5) == 0 && !pending.isEmpty()) {
                    pending.remove(random.nextInt(pending.size())).cancel();
                }
            }, delay));
        };
        for (int i = 0; i < 50; i++) {
            spawn[0].run();
        }
        while (clock.step()) {
            // runs until nothing is left
        }
        return ran;
    }

    /** The scheduling a workload needs, on the real scheduler or on the reference. */
    private interface Clock {
        Cancellable schedule(Runnable task, long delay);

        long nanoTime();

        /** Runs what is due within the next 10 microseconds; false once nothing is left. */
        boolean step();
    }

    /** The scheduler under test as a {@link Clock}. */
    private record VirtualClock(VirtualScheduler scheduler) implements Clock {

        @Override
        public Cancellable schedule(Runnable task, long delay) {
            return scheduler.schedule(task, delay);
        }

        @Override
        public long nanoTime() {
            return scheduler.nanoTime();
        }

        @Override
        public boolean step() {
            if (scheduler.pendingTasks() == 0) {
                return false;
            }
            scheduler.runFor(10_000);
            return true;
        }
    }

    /** One sorted list of (time, sequence): obviously right, and slow. */
    private static final class ReferenceScheduler implements Clock {

        private final List<Object[]> queue = new ArrayList<>(); // {time, sequence, task, cancelled[]}
        private long now;
        private long sequence;

        @Override
        public Cancellable schedule(Runnable task, long delay) {
            boolean[] cancelled = {false};
            queue.add(new Object[] {now + Math.max(0, delay), sequence++, task, cancelled});
            return () -> {
                boolean was = !cancelled[0];
                cancelled[0] = true;
                return was;
            };
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public boolean step() {
            if (queue.isEmpty()) {
                return false;
            }
            long until = now + 10_000;
            for (;;) {
                Object[] first = null;
                for (Object[] e : queue) {
                    if (first == null || (long) e[0] < (long) first[0]
                            || ((long) e[0] == (long) first[0] && (long) e[1] < (long) first[1])) {
                        first = e;
                    }
                }
                if (first == null || (long) first[0] > until) {
                    break;
                }
                queue.remove(first);
                now = (long) first[0];
                if (!((boolean[]) first[3])[0]) {
                    ((boolean[]) first[3])[0] = true;
                    ((Runnable) first[2]).run();
                }
            }
            now = until;
            return true;
        }
    }
}
