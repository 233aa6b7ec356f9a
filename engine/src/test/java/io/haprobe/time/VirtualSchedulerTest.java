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
}
