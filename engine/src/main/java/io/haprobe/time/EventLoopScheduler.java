package io.haprobe.time;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The live {@link Scheduler}: real elapsed time ({@link System#nanoTime()}) and timers on one Netty
 * {@link EventLoop}. This is the only class in haprobe that reads the system clock.
 *
 * <p>Thread-safe. Tasks run on the event loop's thread; an exception a task throws is logged and does not stop
 * the loop.
 *
 * <p>{@link #timer(Runnable) Timers} (a server's next check, a check's deadline) do not go to Netty's scheduled-task
 * heap: they wait in this scheduler's own queue, and one Netty scheduled task per scheduler is armed at the earliest
 * due time (re-armed only when an earlier one arrives). Timers of a delay that has one of {@value #MAX_LANES} FIFO
 * lanes (a check's {@code inter}, its timeouts) wait in the lane of their delay, which the monotonic clock keeps
 * sorted: O(1) to add and to take; other delays (the first checks' offsets, {@code spread-checks} jitter) wait in a
 * 4-ary heap. Cancelling or re-arming a timer leaves its queued entry behind, stale: it is skipped when it comes up.
 * At 100,000 timers this costs a fraction of Netty's heap insert, cancel and removal.
 */
public final class EventLoopScheduler implements Scheduler {

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(EventLoopScheduler.class);
    private static final int INITIAL_CAPACITY = 64;
    /** How many FIFO lanes there are, each for one delay at a time; a delay without a lane goes to the heap. */
    static final int MAX_LANES = 8;

    private final EventLoop eventLoop;
    /** The event loop's timers; touched on the loop's thread only. */
    private final Timers timers = new Timers();

    private EventLoopScheduler(EventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    /**
     * Creates a scheduler running its tasks on {@code eventLoop}. The caller keeps ownership of the loop and
     * shuts it down.
     *
     * @param eventLoop the event loop; never null
     * @return the scheduler
     * @throws NullPointerException if {@code eventLoop} is null
     */
    public static EventLoopScheduler of(EventLoop eventLoop) {
        return new EventLoopScheduler(Objects.requireNonNull(eventLoop, "eventLoop"));
    }

    /**
     * Returns the event loop the tasks run on; probe channels of this scheduler's checks are registered on
     * the same loop so that a check's state is touched by one thread only.
     *
     * @return the event loop, never null
     */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        ScheduledFuture<?> future = eventLoop.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void execute(Runnable task) {
        eventLoop.execute(Objects.requireNonNull(task, "task"));
    }

    @Override
    public boolean inSchedulerThread() {
        return eventLoop.inEventLoop();
    }

    /**
     * Returns a {@link Timer} of {@code task} queued in this scheduler's own timer queue (see the class comment):
     * arming it allocates nothing once the queue has grown to the number of armed timers.
     *
     * <p>Threading: arm and cancel it on the event loop's thread, as {@link Timer} asks; a call from another thread
     * is handed to the loop (then {@link Timer#cancel()} returns whether the timer was armed when called, without
     * waiting for the loop).
     *
     * @param task what each run runs, on the event loop's thread; never null
     * @return a new timer, not armed
     * @throws NullPointerException if {@code task} is null
     */
    @Override
    public Timer timer(Runnable task) {
        return new LoopTimer(Objects.requireNonNull(task, "task"));
    }

    /**
     * Arms {@code wake} in Netty's scheduled-task queue at {@code time} ({@link #nanoTime()} scale): the timers'
     * one Netty task; this class alone reads the clock and schedules on the loop (LayeringTest).
     */
    private ScheduledFuture<?> scheduleWake(Runnable wake, long time) {
        return eventLoop.schedule(wake, Math.max(0, time - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** How many timer entries are queued, stale ones included (tests). Event loop thread only. */
    int queuedTimers() {
        return timers.queued();
    }

    /** A reusable timer: {@link #generation} tells its live queue entry from stale ones. */
    private final class LoopTimer implements Timer, Runnable {

        final Runnable task;
        /** Bumped by every arming and cancel; an entry runs only if it carries the current one. */
        long generation;
        boolean armed;

        LoopTimer(Runnable task) {
            this.task = task;
        }

        @Override
        public void schedule(long delayNanos) {
            long delay = Math.max(0, delayNanos);
            if (!eventLoop.inEventLoop()) {
                eventLoop.execute(() -> schedule(delay));
                return;
            }
            long gen = ++generation;
            armed = true;
            timers.add(this, gen, nanoTime() + delay, delay);
        }

        @Override
        public boolean cancel() {
            if (!eventLoop.inEventLoop()) {
                boolean was = armed;
                try {
                    eventLoop.execute(this::cancel);
                } catch (RejectedExecutionException shutDown) {
                    // the loop is shut down: it runs no timer any more
                }
                return was;
            }
            generation++;
            boolean was = armed;
            armed = false;
            return was;
        }

        /** Runs the task of a live entry that came due. */
        @Override
        public void run() {
            armed = false;
            task.run();
        }
    }

    /**
     * The timer queue: FIFO lanes by delay and a 4-ary heap, entries kept as (timer, generation, time, sequence)
     * in arrays, plus the one Netty task armed at the earliest due time. Event loop thread only.
     */
    private final class Timers implements Runnable {

        private final Lane[] lanes = new Lane[MAX_LANES];
        private int laneCount;
        private LoopTimer[] heap = new LoopTimer[INITIAL_CAPACITY];
        private long[] heapGenerations = new long[INITIAL_CAPACITY];
        private long[] heapTimes = new long[INITIAL_CAPACITY];
        private long[] heapSequences = new long[INITIAL_CAPACITY];
        private int size;
        private long sequence;
        /** The Netty task armed for {@link #wakeAt}, or null. */
        private ScheduledFuture<?> wake;
        private long wakeAt = Long.MAX_VALUE;

        int queued() {
            int n = size;
            for (int i = 0; i < laneCount; i++) {
                n += lanes[i].count;
            }
            return n;
        }

        void add(LoopTimer timer, long gen, long time, long delay) {
            long seq = sequence++;
            Lane lane = laneFor(delay);
            if (lane != null) {
                lane.add(timer, gen, time, seq);
            } else {
                if (size == heap.length) {
                    int grown = size * 2;
                    heap = Arrays.copyOf(heap, grown);
                    heapGenerations = Arrays.copyOf(heapGenerations, grown);
                    heapTimes = Arrays.copyOf(heapTimes, grown);
                    heapSequences = Arrays.copyOf(heapSequences, grown);
                }
                siftUp(size++, timer, gen, time, seq);
            }
            if (time < wakeAt) {
                arm(time);
            }
        }

        /** Arms the Netty task at {@code time}, cancelling the one armed for later. */
        private void arm(long time) {
            if (wake != null) {
                wake.cancel(false);
            }
            wake = scheduleWake(this, time);
            wakeAt = time;
        }

        /** The lane of {@code delay}, opened if a lane is unused or empty; null when the timer goes to the heap. */
        private Lane laneFor(long delay) {
            Lane[] l = lanes;
            for (int i = 0; i < laneCount; i++) {
                if (l[i].delay == delay) {
                    return l[i];
                }
            }
            if (laneCount == MAX_LANES) {
                // an empty lane takes the new delay: the first checks' scattered offsets must not keep the lanes
                // from the steady delays (inter, timeouts) for the whole run
                for (int i = 0; i < laneCount; i++) {
                    if (l[i].count == 0) {
                        l[i].delay = delay;
                        return l[i];
                    }
                }
                return null;
            }
            Lane lane = new Lane(delay);
            l[laneCount++] = lane;
            return lane;
        }

        /** The Netty task: runs the timers due now, in (time, sequence) order, then arms itself for the next. */
        @Override
        public void run() {
            wake = null;
            // while the due timers run, the ones they arm are not armed in Netty: the loop below sees them
            wakeAt = Long.MIN_VALUE;
            try {
                runDue(nanoTime());
            } finally {
                if (wakeAt == Long.MIN_VALUE) {
                    wakeAt = Long.MAX_VALUE; // nothing armed (or arming failed): the next add arms again
                }
            }
        }

        /** Runs the timers due at {@code now}, then arms the Netty task for the next one, if any. */
        private void runDue(long now) {
            for (;;) {
                // the earliest live head among the lanes and the heap; stale heads are dropped on the way
                int from = -1;
                long bestTime = Long.MAX_VALUE;
                long bestSeq = Long.MAX_VALUE;
                Lane[] l = lanes;
                for (int i = 0; i < laneCount; i++) {
                    Lane lane = l[i];
                    while (lane.count > 0 && lane.timers[lane.head].generation != lane.generations[lane.head]) {
                        lane.poll();
                    }
                    if (lane.count > 0) {
                        int head = lane.head;
                        long t = lane.times[head];
                        long q = lane.sequences[head];
                        if (t < bestTime || (t == bestTime && q < bestSeq)) {
                            from = i;
                            bestTime = t;
                            bestSeq = q;
                        }
                    }
                }
                while (size > 0 && heap[0].generation != heapGenerations[0]) {
                    poll();
                }
                if (size > 0 && (heapTimes[0] < bestTime || (heapTimes[0] == bestTime && heapSequences[0] < bestSeq))) {
                    from = MAX_LANES;
                    bestTime = heapTimes[0];
                }
                if (from < 0) {
                    return;
                }
                if (bestTime - now > 0) {
                    // not due at the start of this run (what came due since runs after the loop's I/O)
                    arm(bestTime);
                    return;
                }
                LoopTimer timer = from == MAX_LANES ? poll() : l[from].poll();
                timer.generation++; // the entry is used: re-arming from the task makes a new one
                try {
                    timer.run();
                } catch (Throwable t) {
                    LOGGER.warn("A timer task raised an exception. Task: {}", timer.task, t);
                }
            }
        }

        private LoopTimer poll() {
            LoopTimer first = heap[0];
            int last = --size;
            LoopTimer moved = heap[last];
            long movedGen = heapGenerations[last];
            long movedTime = heapTimes[last];
            long movedSeq = heapSequences[last];
            heap[last] = null;
            if (last > 0) {
                siftDown(moved, movedGen, movedTime, movedSeq);
            }
            return first;
        }

        private void siftUp(int index, LoopTimer timer, long gen, long time, long seq) {
            while (index > 0) {
                int parent = (index - 1) >>> 2;
                long parentTime = heapTimes[parent];
                if (time > parentTime || (time == parentTime && seq > heapSequences[parent])) {
                    break;
                }
                heap[index] = heap[parent];
                heapGenerations[index] = heapGenerations[parent];
                heapTimes[index] = parentTime;
                heapSequences[index] = heapSequences[parent];
                index = parent;
            }
            heap[index] = timer;
            heapGenerations[index] = gen;
            heapTimes[index] = time;
            heapSequences[index] = seq;
        }

        private void siftDown(LoopTimer timer, long gen, long time, long seq) {
            int n = size;
            int index = 0;
            for (;;) {
                int first = 4 * index + 1;
                if (first >= n) {
                    break;
                }
                int child = first;
                long childTime = heapTimes[first];
                long childSeq = heapSequences[first];
                int end = Math.min(first + 4, n);
                for (int c = first + 1; c < end; c++) {
                    long t = heapTimes[c];
                    if (t < childTime || (t == childTime && heapSequences[c] < childSeq)) {
                        child = c;
                        childTime = t;
                        childSeq = heapSequences[c];
                    }
                }
                if (time < childTime || (time == childTime && seq < childSeq)) {
                    break;
                }
                heap[index] = heap[child];
                heapGenerations[index] = heapGenerations[child];
                heapTimes[index] = childTime;
                heapSequences[index] = childSeq;
                index = child;
            }
            heap[index] = timer;
            heapGenerations[index] = gen;
            heapTimes[index] = time;
            heapSequences[index] = seq;
        }
    }

    /** A FIFO of timer entries of one delay: added at a non-decreasing clock, they come out in time order. */
    private static final class Lane {

        long delay;
        LoopTimer[] timers = new LoopTimer[INITIAL_CAPACITY];
        long[] generations = new long[INITIAL_CAPACITY];
        long[] times = new long[INITIAL_CAPACITY];
        long[] sequences = new long[INITIAL_CAPACITY];
        int head;
        int count;

        Lane(long delay) {
            this.delay = delay;
        }

        void add(LoopTimer timer, long gen, long time, long seq) {
            if (count == timers.length) {
                int length = timers.length;
                LoopTimer[] grown = new LoopTimer[length * 2];
                long[] grownGenerations = new long[length * 2];
                long[] grownTimes = new long[length * 2];
                long[] grownSequences = new long[length * 2];
                for (int i = 0; i < count; i++) {
                    int from = (head + i) & (length - 1);
                    grown[i] = timers[from];
                    grownGenerations[i] = generations[from];
                    grownTimes[i] = times[from];
                    grownSequences[i] = sequences[from];
                }
                timers = grown;
                generations = grownGenerations;
                times = grownTimes;
                sequences = grownSequences;
                head = 0;
            }
            int at = (head + count++) & (timers.length - 1);
            timers[at] = timer;
            generations[at] = gen;
            times[at] = time;
            sequences[at] = seq;
        }

        LoopTimer poll() {
            LoopTimer timer = timers[head];
            timers[head] = null;
            head = (head + 1) & (timers.length - 1);
            count--;
            return timer;
        }
    }
}
