package io.haprobe.time;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link Scheduler} on virtual time: tasks wait in one queue ordered by (virtual time, sequence number) and
 * run only when the owner advances the clock, which jumps from task to task. Nothing here reads the wall
 * clock or sleeps, so a simulated hour runs in milliseconds and the same inputs give the same order of
 * tasks on any machine at any speed. Ties in time run in submission order.
 *
 * <p>The clock starts at 0 and is in nanoseconds. {@link #runFor(long)} and {@link #runUntil(long)} run every
 * task due up to the target time, then leave the clock on the target.
 *
 * <p>Threading: the scheduler belongs to the thread that created it (its owner); the owner schedules
 * directly and is the only thread that may run tasks. Other threads may call {@link #execute},
 * {@link #schedule} and {@link #nanoTime()}: their tasks wait in a thread-safe inbox and enter the queue at
 * the owner's next step, at the virtual time of that step (their order among themselves is kept; against the
 * owner's own tasks it depends on when the owner runs, so deterministic runs submit from the owner only).
 * {@link #inSchedulerThread()} is true only while the owner runs tasks.
 *
 * <p>Queues: tasks due at the current time wait in a FIFO; tasks scheduled with a delay that has one of the
 * {@value #MAX_LANES} FIFO lanes (a check's {@code inter}, its timeouts) wait in the lane of their delay, which the
 * clock's monotony keeps sorted; a new delay takes a lane never used or one that is empty (so the scattered delays
 * of the first checks do not keep the lanes from the steady ones); the rest wait in a 4-ary heap. The next task is the smallest
 * (time, sequence) of the heads, so the order is exactly the one a single queue gives.
 *
 * <pre>{@code
 * VirtualScheduler clock = new VirtualScheduler();
 * clock.schedule(() -> System.out.println("t=" + clock.nanoTime()), TimeUnit.SECONDS.toNanos(2));
 * clock.runFor(Duration.ofSeconds(10)); // prints t=2000000000 at once, clock ends at 10 s
 * }</pre>
 */
public final class VirtualScheduler implements Scheduler {

    private static final int INITIAL_CAPACITY = 64;
    /** How many FIFO lanes there are, each for one delay at a time; a delay without a lane goes to the heap. */
    static final int MAX_LANES = 8;

    private final Thread owner;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /**
     * A 4-ary heap ordered by (time, sequence), for the tasks no FIFO takes. The keys live in primitive arrays beside the tasks, so that
     * sifting compares without touching the task objects: with thousands of servers that is most of the
     * cost of a check.
     */
    private Task[] heap = new Task[INITIAL_CAPACITY];
    private long[] heapTimes = new long[INITIAL_CAPACITY];
    private long[] heapSequences = new long[INITIAL_CAPACITY];
    private int size;
    /** Tasks due at the time they were queued, in sequence order: a FIFO is enough for them, no heap needed. */
    private Task[] due = new Task[INITIAL_CAPACITY];
    /** FIFO lanes by delay: each holds tasks of one delay, so in (time, sequence) order. */
    private final Lane[] lanes = new Lane[MAX_LANES];
    private int laneCount;
    private int laneTasks;
    private int dueHead;
    private int dueCount;
    private long now;
    private volatile long publishedNow;
    private long sequence;
    private long executed;
    private boolean running;

    /** Creates a scheduler at virtual time 0, owned by the calling thread. */
    public VirtualScheduler() {
        this.owner = Thread.currentThread();
    }

    /**
     * Returns the virtual time: 0 at creation, then the time of the task running or the target of the last
     * run. From a thread other than the owner, the time at the end of the owner's last step.
     *
     * @return virtual nanoseconds since creation, never negative
     */
    @Override
    public long nanoTime() {
        return Thread.currentThread() == owner ? now : publishedNow;
    }

    /**
     * Returns a deterministic wall clock: the Unix epoch plus the virtual time, so the same run sends the
     * same bytes wherever the wall clock shows.
     *
     * @return milliseconds since 1970-01-01T00:00:00Z on the virtual clock
     */
    @Override
    public long currentTimeMillis() {
        return nanoTime() / 1_000_000;
    }

    /**
     * Queues {@code task} to run {@code delayNanos} after the current virtual time.
     *
     * @param task       what to run; never null. An exception it throws propagates out of the run method that
     *                   ran it, with the clock left at that task's time
     * @param delayNanos the delay in nanoseconds; 0 or negative runs it at the current time, after the tasks
     *                   already due then
     * @return a handle that removes the task if it has not run yet; cancelling from another thread takes
     *         effect before the task runs if it happens-before the owner's step that would run it
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        if (Thread.currentThread() != owner) {
            Task deferred = new Task(0, 0, task);
            inbox.add(() -> enqueue(deferred, Math.max(0, delayNanos)));
            return deferred;
        }
        Task entry = new Task(0, 0, task);
        enqueue(entry, Math.max(0, delayNanos));
        return entry;
    }

    /**
     * Queues {@code task} to run at the current virtual time, after the tasks already due.
     *
     * @param task what to run; never null
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    /**
     * Tells whether the caller is the owner thread running tasks.
     *
     * @return true inside a task run by {@link #runUntil(long)} and the methods built on it
     */
    @Override
    public boolean inSchedulerThread() {
        return running && Thread.currentThread() == owner;
    }

    /**
     * Runs every task due up to {@code timeNanos}, in (time, sequence) order, tasks they schedule included,
     * and leaves the clock at {@code timeNanos} (or where it was, if that is later).
     *
     * @param timeNanos the virtual time to reach, in nanoseconds
     * @return the number of tasks run
     * @throws IllegalStateException if called from a thread other than the owner, or from within a task
     */
    public long runUntil(long timeNanos) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("runUntil: called from " + Thread.currentThread().getName()
                    + " (expected: the owner thread " + owner.getName() + ")");
        }
        if (running) {
            throw new IllegalStateException("runUntil: called from within a task (expected: outside of tasks)");
        }
        running = true;
        long before = executed;
        try {
            drainInbox();
            for (;;) {
                Task task = next(timeNanos, true);
                if (task == null) {
                    break;
                }
                now = task.time;
                if (task.runnable != null) {
                    Runnable runnable = task.runnable;
                    task.runnable = null;
                    executed++;
                    runnable.run();
                }
                if (!inbox.isEmpty()) {
                    drainInbox();
                }
            }
            if (timeNanos > now) {
                now = timeNanos;
            }
        } finally {
            running = false;
            publishedNow = now;
        }
        return executed - before;
    }

    /**
     * Runs every task due in the next {@code nanos} of virtual time; see {@link #runUntil(long)}.
     *
     * @param nanos how far to advance, in nanoseconds, {@code >= 0}
     * @return the number of tasks run
     * @throws IllegalArgumentException if {@code nanos} is negative
     * @throws IllegalStateException    as {@link #runUntil(long)}
     */
    public long runFor(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
        }
        return runUntil(saturatedAdd(now, nanos));
    }

    /**
     * Runs every task due in the next {@code duration} of virtual time; see {@link #runUntil(long)}.
     *
     * @param duration how far to advance; never null, not negative
     * @return the number of tasks run
     * @throws NullPointerException     if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException    as {@link #runUntil(long)}
     */
    public long runFor(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
        }
        return runFor(saturatedNanos(duration));
    }

    /**
     * Returns how many tasks are waiting, cancelled ones that were not yet dropped included.
     *
     * @return the queue length
     */
    public int pendingTasks() {
        return size + dueCount + laneTasks;
    }

    /**
     * Returns how many tasks have run since creation.
     *
     * @return the count
     */
    public long executedTasks() {
        return executed;
    }

    /**
     * Returns the virtual time of the next task that has not been cancelled.
     *
     * @return virtual nanoseconds, or {@link Long#MAX_VALUE} when nothing waits
     */
    public long nextTaskNanos() {
        for (;;) {
            Task next = next(Long.MAX_VALUE, false);
            if (next == null) {
                return Long.MAX_VALUE;
            }
            if (next.runnable != null) {
                return next.time;
            }
            next(next.time, true); // a cancelled task: dropped

        }
    }

    private void drainInbox() {
        for (Runnable deferred; (deferred = inbox.poll()) != null; ) {
            deferred.run();
        }
    }

    private void enqueue(Task task, long delayNanos) {
        if (task.runnable == null) {
            return; // cancelled from another thread before it reached the queue
        }
        long time = saturatedAdd(now, delayNanos);
        task.time = time;
        task.sequence = sequence++;
        if (time == now) {
            if (dueCount == due.length) {
                growDue();
            }
            due[(dueHead + dueCount++) & (due.length - 1)] = task;
            return;
        }
        Lane lane = laneFor(delayNanos);
        if (lane != null) {
            lane.add(task);
            laneTasks++;
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            heapTimes = Arrays.copyOf(heapTimes, size * 2);
            heapSequences = Arrays.copyOf(heapSequences, size * 2);
        }
        siftUp(size++, task, time, task.sequence);
    }

    /** The lane of {@code delayNanos}, opened if a lane is unused or empty; null when the task goes to the heap. */
    private Lane laneFor(long delayNanos) {
        Lane[] l = lanes;
        for (int i = 0; i < laneCount; i++) {
            if (l[i].delay == delayNanos) {
                return l[i];
            }
        }
        if (laneCount == MAX_LANES) {
            // an empty lane takes the new delay: the first checks' scattered offsets take the lanes at the start,
            // and would otherwise leave the steady delays (inter, timeouts) to the heap for the whole run
            for (int i = 0; i < laneCount; i++) {
                if (l[i].count == 0) {
                    l[i].delay = delayNanos;
                    return l[i];
                }
            }
            return null;
        }
        Lane lane = new Lane(delayNanos);
        l[laneCount++] = lane;
        return lane;
    }

    /**
     * Returns the first task in (time, sequence) order if its time is at most {@code limit}, removing it when
     * {@code remove}; null when there is none.
     */
    private Task next(long limit, boolean remove) {
        Task best = null;
        long bestTime = 0;
        long bestSequence = 0;
        int from = -2; // -1: due FIFO, 0..: a lane, MAX_LANES: the heap
        if (dueCount > 0) {
            best = due[dueHead];
            bestTime = best.time;
            bestSequence = best.sequence;
            from = -1;
        }
        if (laneTasks > 0) {
            Lane[] l = lanes;
            for (int i = 0; i < laneCount; i++) {
                Lane lane = l[i];
                if (lane.count > 0) {
                    // the heads' times and sequences are read from the lane's arrays, not from the tasks
                    int head = lane.head;
                    long time = lane.times[head];
                    long seq = lane.sequences[head];
                    if (best == null || time < bestTime || (time == bestTime && seq < bestSequence)) {
                        best = lane.tasks[head];
                        bestTime = time;
                        bestSequence = seq;
                        from = i;
                    }
                }
            }
        }
        if (size > 0 && (best == null || heapTimes[0] < bestTime
                || (heapTimes[0] == bestTime && heapSequences[0] < bestSequence))) {
            best = heap[0];
            bestTime = heapTimes[0];
            from = MAX_LANES;
        }
        if (best == null || bestTime > limit) {
            return null;
        }
        if (!remove) {
            return best;
        }
        if (from == -1) {
            return pollDue();
        }
        if (from == MAX_LANES) {
            return poll();
        }
        laneTasks--;
        return lanes[from].poll();
    }

    private Task pollDue() {
        Task task = due[dueHead];
        due[dueHead] = null;
        dueHead = (dueHead + 1) & (due.length - 1);
        dueCount--;
        return task;
    }

    private void growDue() {
        Task[] grown = new Task[due.length * 2];
        for (int i = 0; i < dueCount; i++) {
            grown[i] = due[(dueHead + i) & (due.length - 1)];
        }
        due = grown;
        dueHead = 0;
    }

    private Task poll() {
        Task first = heap[0];
        int last = --size;
        Task moved = heap[last];
        long movedTime = heapTimes[last];
        long movedSequence = heapSequences[last];
        heap[last] = null;
        if (last > 0) {
            siftDown(moved, movedTime, movedSequence);
        }
        return first;
    }

    /** 4-ary heap: half the depth of a binary one, and a node's children share a cache line or two. */
    private void siftUp(int index, Task task, long time, long seq) {
        Task[] h = heap;
        long[] times = heapTimes;
        long[] sequences = heapSequences;
        while (index > 0) {
            int parent = (index - 1) >>> 2;
            long parentTime = times[parent];
            if (time > parentTime || (time == parentTime && seq > sequences[parent])) {
                break;
            }
            h[index] = h[parent];
            times[index] = parentTime;
            sequences[index] = sequences[parent];
            index = parent;
        }
        h[index] = task;
        times[index] = time;
        sequences[index] = seq;
    }

    private void siftDown(Task task, long time, long seq) {
        Task[] h = heap;
        long[] times = heapTimes;
        long[] sequences = heapSequences;
        int n = size;
        int index = 0;
        for (;;) {
            int first = 4 * index + 1;
            if (first >= n) {
                break;
            }
            int child = first;
            long childTime = times[first];
            long childSeq = sequences[first];
            int end = Math.min(first + 4, n);
            for (int c = first + 1; c < end; c++) {
                long t = times[c];
                if (t < childTime || (t == childTime && sequences[c] < childSeq)) {
                    child = c;
                    childTime = t;
                    childSeq = sequences[c];
                }
            }
            if (time < childTime || (time == childTime && seq < childSeq)) {
                break;
            }
            h[index] = h[child];
            times[index] = childTime;
            sequences[index] = childSeq;
            index = child;
        }
        h[index] = task;
        times[index] = time;
        sequences[index] = seq;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** A FIFO of tasks of one delay: scheduled at a non-decreasing clock, they come out in (time, sequence) order. */
    private static final class Lane {

        long delay;
        Task[] tasks = new Task[INITIAL_CAPACITY];
        /** The tasks' times and sequences, beside them: finding the next task reads no task. */
        long[] times = new long[INITIAL_CAPACITY];
        long[] sequences = new long[INITIAL_CAPACITY];
        int head;
        int count;

        Lane(long delay) {
            this.delay = delay;
        }

        void add(Task task) {
            if (count == tasks.length) {
                int length = tasks.length;
                Task[] grown = new Task[length * 2];
                long[] grownTimes = new long[length * 2];
                long[] grownSequences = new long[length * 2];
                for (int i = 0; i < count; i++) {
                    int from = (head + i) & (length - 1);
                    grown[i] = tasks[from];
                    grownTimes[i] = times[from];
                    grownSequences[i] = sequences[from];
                }
                tasks = grown;
                times = grownTimes;
                sequences = grownSequences;
                head = 0;
            }
            int at = (head + count++) & (tasks.length - 1);
            tasks[at] = task;
            times[at] = task.time;
            sequences[at] = task.sequence;
        }

        Task poll() {
            Task task = tasks[head];
            tasks[head] = null;
            head = (head + 1) & (tasks.length - 1);
            count--;
            return task;
        }
    }

    /** A queued task; cancelling clears the runnable and the queue drops it when it comes up. */
    private static final class Task implements Cancellable {

        long time;
        long sequence;
        volatile Runnable runnable;

        Task(long time, long sequence, Runnable runnable) {
            this.time = time;
            this.sequence = sequence;
            this.runnable = runnable;
        }

        @Override
        public boolean cancel() {
            boolean pending = runnable != null;
            runnable = null;
            return pending;
        }
    }
}
