package io.haprobe.time;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * {@link Scheduler#timer(Runnable)}'s default, on a scheduler that has only {@code schedule} (a virtual one behind
 * a plain delegate, as the tests' wrapping schedulers are): the same runs as the virtual scheduler's own timers.
 */
class SchedulerDefaultTimerTest {

    private final VirtualScheduler virtual = new VirtualScheduler();
    /** Everything but {@code timer}, which stays the interface's default. */
    private final Scheduler plain = new Scheduler() {
        @Override
        public long nanoTime() {
            return virtual.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return virtual.currentTimeMillis();
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            return virtual.schedule(task, delayNanos);
        }

        @Override
        public void execute(Runnable task) {
            virtual.execute(task);
        }

        @Override
        public boolean inSchedulerThread() {
            return virtual.inSchedulerThread();
        }
    };

    @Test
    void reArmingReplacesTheArmedRun() {
        List<String> ran = new ArrayList<>();
        Timer timer = plain.timer(() -> ran.add("t@" + virtual.nanoTime()));
        timer.schedule(10);
        timer.schedule(30);
        virtual.schedule(() -> ran.add("other@" + virtual.nanoTime()), 30); // armed after: runs after

        virtual.runFor(100);

        assertThat(ran).containsExactly("t@30", "other@30");
        assertThat(virtual.nextTaskNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void cancelTellsWhetherItPreventedARun() {
        List<String> ran = new ArrayList<>();
        Timer timer = plain.timer(() -> ran.add("t"));
        assertThat(timer.cancel()).as("never armed").isFalse();
        timer.schedule(10);
        assertThat(timer.cancel()).isTrue();
        assertThat(timer.cancel()).isFalse();
        virtual.runFor(100);
        assertThat(ran).isEmpty();

        timer.schedule(10);
        virtual.runFor(100);
        assertThat(ran).containsExactly("t");
        assertThat(timer.cancel()).as("after its run").isFalse();
    }

    @Test
    void aTaskReArmsItsOwnTimerAndIsNotArmedWhileItRuns() {
        List<String> ran = new ArrayList<>();
        List<Boolean> cancelledWhileRunning = new ArrayList<>();
        Timer[] self = new Timer[1];
        self[0] = plain.timer(() -> {
            ran.add("t@" + virtual.nanoTime());
            cancelledWhileRunning.add(self[0].cancel());
            if (ran.size() < 3) {
                self[0].schedule(5);
            }
        });
        self[0].schedule(0);

        virtual.runFor(100);

        assertThat(ran).containsExactly("t@0", "t@5", "t@10");
        assertThat(cancelledWhileRunning).containsExactly(false, false, false);
        assertThat(self[0].cancel()).isFalse();
    }

    @Test
    void theSameOrderAsTheVirtualSchedulersOwnTimers() {
        List<String> expected = workload(new VirtualScheduler());
        assertThat(expected).hasSizeGreaterThanOrEqualTo(2_000);
        assertThat(workload(plain)).containsExactlyElementsOf(expected);
    }

    @Test
    void aNullTaskIsRefused() {
        assertThatNullPointerException().isThrownBy(() -> plain.timer(null));
    }

    /** Timers of a few delays re-armed and cancelled from their tasks, as id@time, on a fresh virtual clock. */
    private List<String> workload(Scheduler scheduler) {
        VirtualScheduler clock = scheduler == plain ? virtual : (VirtualScheduler) scheduler;
        List<String> ran = new ArrayList<>();
        Timer[] timers = new Timer[20];
        for (int i = 0; i < timers.length; i++) {
            int id = i;
            timers[i] = scheduler.timer(() -> {
                ran.add(id + "@" + clock.nanoTime());
                if (ran.size() < 2_000) {
                    timers[id].schedule((id % 4) * 1_000L);
                    timers[(id * 7 + ran.size()) % timers.length].schedule((ran.size() % 5) * 500L);
                    if (ran.size() % 3 == 0) {
                        timers[(id + 3) % timers.length].cancel();
                    }
                }
            });
            timers[i].schedule(i * 100L);
        }
        clock.runFor(10_000_000);
        return ran;
    }
}
