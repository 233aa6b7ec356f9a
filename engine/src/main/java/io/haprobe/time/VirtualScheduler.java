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
    /** The due tasks' sequences, beside them: a re-armed {@link #timer} leaves its older entries stale. */
    private long[] dueSequences = new long[INITIAL_CAPACITY];
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
    /** The time and sequence of the entry {@link #next} returned last: a timer's own fields may be newer. */
    private long nextTime;
    private long nextSequence;

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
            Task deferred = new Task(this, task, false);
            inbox.add(() -> enqueue(deferred, Math.max(0, delayNanos)));
            return deferred;
        }
        Task entry = new Task(this, task, false);
        enqueue(entry, Math.max(0, delayNanos));
        return entry;
    }

    /**
     * Returns a timer of {@code task} that allocates nothing when armed: one queue entry object for all its runs.
     * Arming it takes the next sequence number as {@link #schedule} does, so the order of tasks is the same as
     * with a new task per run; arming it again while armed, or cancelling it, leaves the older entry in the queue,
     * dropped when it comes up. Arm it from the owner thread (from another, the arming enters at the owner's next
     * step, as {@link #schedule} does).
     *
     * @param task what each run runs; never null
     * @return a new timer, not armed
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public Timer timer(Runnable task) {
        return new Task(this, Objects.requireNonNull(task, "task"), true);
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
                now = nextTime;
                Runnable runnable = task.runnable;
                if (task.sequence == nextSequence && runnable != null) {
                    task.sequence = Task.IDLE;
                    if (!task.reusable) {
                        task.runnable = null;
                    }
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
            if (next.sequence == nextSequence && next.runnable != null) {
                return nextTime;
            }
            next(nextTime, true); // a cancelled task: dropped

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
        long seq = sequence++;
        task.sequence = seq;
        if (time == now) {
            if (dueCount == due.length) {
                growDue();
            }
            int at = (dueHead + dueCount++) & (due.length - 1);
            due[at] = task;
            dueSequences[at] = seq;
            return;
        }
        Lane lane = laneFor(delayNanos);
        if (lane != null) {
            lane.add(task, time, seq);
            laneTasks++;
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            heapTimes = Arrays.copyOf(heapTimes, size * 2);
            heapSequences = Arrays.copyOf(heapSequences, size * 2);
        }
        siftUp(size++, task, time, seq);
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
            // a due task's time is the clock's: the clock moves only when the due FIFO is empty
            best = due[dueHead];
            bestTime = now;
            bestSequence = dueSequences[dueHead];
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
            bestSequence = heapSequences[0];
            from = MAX_LANES;
        }
        if (best == null || bestTime > limit) {
            return null;
        }
        nextTime = bestTime;
        nextSequence = bestSequence;
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
        long[] grownSequences = new long[due.length * 2];
        for (int i = 0; i < dueCount; i++) {
            int from = (dueHead + i) & (due.length - 1);
            grown[i] = due[from];
            grownSequences[i] = dueSequences[from];
        }
        due = grown;
        dueSequences = grownSequences;
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

        void add(Task task, long time, long seq) {
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
            times[at] = time;
            sequences[at] = seq;
        }

        Task poll() {
            Task task = tasks[head];
            tasks[head] = null;
            head = (head + 1) & (tasks.length - 1);
            count--;
            return task;
        }
    }

    /**
     * A queued task, or a {@link #timer}: the queue's entries carry the sequence they were queued with, and an
     * entry runs only while it is the task's current one ({@link #sequence}); cancelling, running or re-arming
     * moves the task off it, and the queue drops the stale entry when it comes up. Owner thread only, except that
     * a one-shot task may be cancelled from another thread (seen by the owner once that happens-before its step).
     */
    static class Task implements Timer {

        /** {@link #sequence} of a task that is not armed. */
        static final long IDLE = -1;

        final VirtualScheduler scheduler;
        /** The sequence of the task's live queue entry, {@link #IDLE} when none. */
        long sequence;
        /** What it runs; a one-shot task drops it once run or cancelled. */
        Runnable runnable;
        final boolean reusable;

        Task(VirtualScheduler scheduler, Runnable runnable, boolean reusable) {
            this.scheduler = scheduler;
            this.runnable = runnable;
            this.reusable = reusable;
            this.sequence = reusable ? IDLE : 0;
        }

        @Override
        public final void schedule(long delayNanos) {
            if (!reusable) {
                throw new IllegalStateException("a task of schedule() runs once (expected: a timer())");
            }
            long delay = Math.max(0, delayNanos);
            VirtualScheduler s = scheduler;
            if (Thread.currentThread() != s.owner) {
                s.inbox.add(() -> s.enqueue(this, delay));
                return;
            }
            s.enqueue(this, delay);
        }

        @Override
        public final boolean cancel() {
            if (!reusable) {
                boolean pending = runnable != null;
                runnable = null;
                sequence = IDLE;
                return pending;
            }
            boolean armed = sequence != IDLE;
            sequence = IDLE;
            return armed;
        }
    }

    /**
     * A {@link #timer} that is its own queue entry: the object that owns the timer extends this class and runs as
     * its task, so arming and running it touch that object only, which is in cache when it arms itself (a
     * separate timer object, with thousands of servers, is not). Same behaviour as {@link #timer}: arming takes
     * the next sequence number, re-arming or cancelling leaves the older entry to be dropped when it comes up.
     * Arm it from the owner thread (from another, the arming enters at the owner's next step).
     */
    public abstract static class TimerTask extends Task implements Runnable {

        /**
         * Creates the timer, not armed, on {@code scheduler}.
         *
         * @param scheduler the scheduler it runs on; never null
         * @throws NullPointerException if {@code scheduler} is null
         */
        protected TimerTask(VirtualScheduler scheduler) {
            super(Objects.requireNonNull(scheduler, "scheduler"), null, true);
            this.runnable = this;
        }
    }
}
