package io.haprobe.testing;

import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;

import java.util.PriorityQueue;

/**
 * A test {@link Scheduler} on virtual time: tasks wait in a queue ordered by (time, sequence) and run only
 * when the test advances the clock. Single-threaded; the test thread is the scheduler thread while it runs
 * tasks.
 */
public final class ManualScheduler implements Scheduler {

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long now;
    private long sequence;
    private boolean running;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Task entry = new Task(now + Math.max(0, delayNanos), sequence++, task);
        queue.add(entry);
        return () -> queue.remove(entry);
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public boolean inSchedulerThread() {
        return running;
    }

    /** Runs every task due up to {@code timeNanos}, in order, and leaves the clock there. */
    public void advanceTo(long timeNanos) {
        running = true;
        try {
            while (!queue.isEmpty() && queue.peek().time <= timeNanos) {
                Task task = queue.poll();
                now = Math.max(now, task.time);
                task.runnable.run();
            }
            now = Math.max(now, timeNanos);
        } finally {
            running = false;
        }
    }

    /** Runs every task due in the next {@code nanos}. */
    public void advanceBy(long nanos) {
        advanceTo(now + nanos);
    }

    private record Task(long time, long sequence, Runnable runnable) implements Comparable<Task> {
        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
