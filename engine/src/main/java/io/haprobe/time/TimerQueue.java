package io.haprobe.time;

import java.util.Arrays;

/**
 * The timer queue of both schedulers ({@link VirtualScheduler}'s tasks, {@link EventLoopScheduler}'s timers):
 * entries come out in (time, sequence) order, the sequence being the order in which they were added, so entries
 * of the same time come out in the order they were added, exactly as from one sorted queue.
 *
 * <p>Structure: an entry added with delay 0 waits in the due FIFO; one added with a delay that has one of the
 * {@value #MAX_LANES} FIFO lanes (a check's {@code inter}, its timeouts) waits in the lane of its delay; the rest
 * (the first checks' offsets, {@code spread-checks} jitter) wait in a 4-ary heap. A new delay takes a lane never
 * used or one that is empty (so the scattered delays of the first checks do not keep the lanes from the steady
 * ones). A FIFO stays sorted because its entries' times are their delay plus a clock that never goes back: O(1)
 * to add and to take. The next entry is the smallest (time, sequence) of the FIFOs' heads and the heap's top. The
 * times and sequences live in primitive arrays beside the entries, so that choosing and sifting compare without
 * touching the entry objects: with thousands of servers that is most of the cost of a check.
 *
 * <p>Lazy cancel: an {@link Entry} carries the sequence of its live queue slot ({@link Entry#sequence}); adding
 * it again gives it a new one and cancelling sets {@link #IDLE}, so its older slots become stale, and they are
 * dropped when they come up instead of being searched for. An entry is thus armed at most once at a time.
 *
 * <p>Times are in nanoseconds on the caller's clock (virtual, or {@link System#nanoTime()}); the queue reads no
 * clock: the caller passes each entry's time and delay. Every time must be the caller's clock at the add plus the
 * delay, with a clock that never decreases ({@link #add} relies on it for the FIFOs).
 *
 * <p>Threading: not thread-safe; confined to its scheduler's thread (the virtual scheduler's owner, the event
 * loop).
 *
 * @param <E> the entries' type
 */
final class TimerQueue<E extends TimerQueue.Entry> {

    /** {@link Entry#sequence} of an entry that is not armed: no slot of the queue is live for it. */
    static final long IDLE = -1;
    /** How many FIFO lanes there are, each for one non-zero delay at a time; a delay without one goes to the heap. */
    static final int MAX_LANES = 8;
    private static final int INITIAL_CAPACITY = 64;
    /**
     * The longest lane segment, in slots: 8,192 (64 KiB per array of times), far below G1's humongous threshold at
     * any region size, and long enough that a lane of 50,000 timers moves to a new segment once per 8,192 of them.
     */
    static final int MAX_SEGMENT = 8_192;
    /** {@link #locate()}'s answer when the queue is empty. */
    private static final int NONE = -1;
    /** {@link #locate()}'s answer for the heap's top (lane indexes are 0..{@link #MAX_LANES}, the due FIFO last). */
    private static final int HEAP = MAX_LANES + 1;
    /** A lane slot's sequence once the slot is known stale: dropped when it comes up, its entry unread. */
    private static final long STALE = Long.MIN_VALUE;
    /** The due FIFO's bit in {@link #busyLanes}. */
    private static final int DUE_BIT = 1 << MAX_LANES;

    /**
     * Something a {@link TimerQueue} holds: it knows which of its queued slots is live, so that cancelling or
     * re-arming it needs no search of the queue.
     */
    abstract static class Entry {

        /**
         * The sequence of the entry's live queue slot, {@link #IDLE} when it has none (never added, cancelled, or
         * taken by {@link #poll}). {@link #add} sets it; the owner sets {@link #IDLE} to cancel.
         */
        long sequence = IDLE;
        /**
         * The FIFO lane of the live slot, null when the slot is in the heap; read only while {@link #sequence} is
         * live (once the slot is taken or cancelled it still names the lane it was in, so that a timer re-armed for
         * the same delay stores nothing: each reference stored into an old timer costs G1's write barrier). An entry
         * refers to its lane, made with the queue, and not to the lane's segment: a live loop's timers are old
         * objects, and a reference from each of them to a segment made during the run would be an old-to-young
         * reference that every young collection scans (50,000 of them per loop at 100,000 servers).
         */
        Lane lane;
        /** The live slot's position in {@link #lane}: how many slots that lane had taken in before it. */
        long position;
    }

    /**
     * The FIFOs: index {@link #MAX_LANES} is the due FIFO (delay 0, never given to another delay), 0..
     * {@link #laneCount} - 1 the lanes in use (all are made with the queue; a lane is in use once given a delay).
     */
    private final Lane[] lanes = new Lane[MAX_LANES + 1];
    private int laneCount;
    /**
     * Bit i set when FIFO i (the due FIFO is bit {@link #MAX_LANES}) may hold slots: set by every add, cleared when
     * {@link #locate()} finds the FIFO empty, so that finding the first slot reads only the FIFOs in use (the lanes
     * the first checks' offsets took stay empty for the rest of a run).
     */
    private int busyLanes;
    /** How many slots the FIFOs hold, stale ones included: 0 spares the scan of the FIFOs. */
    private int laneSlots;
    private Entry[] heap = new Entry[INITIAL_CAPACITY];
    private long[] heapTimes = new long[INITIAL_CAPACITY];
    private long[] heapSequences = new long[INITIAL_CAPACITY];
    private int heapSize;
    private long sequence;
    /** Set by {@link #locate()}: the time and sequence of the first slot. */
    private long firstTime;
    private long firstSequence;
    private long polledTime;

    /** Creates an empty queue whose lanes grow in segments of up to {@link #MAX_SEGMENT} slots. */
    TimerQueue() {
        this(MAX_SEGMENT);
    }

    /**
     * Creates an empty queue whose lanes grow in segments of up to {@code maxSegment} slots (tests use short ones
     * to cross many segment ends).
     *
     * @param maxSegment the longest lane segment, in slots: a power of two, at least 2
     * @throws IllegalArgumentException if {@code maxSegment} is not a power of two of at least 2
     */
    TimerQueue(int maxSegment) {
        if (maxSegment < 2 || Integer.bitCount(maxSegment) != 1) {
            throw new IllegalArgumentException("maxSegment: " + maxSegment + " (expected: a power of two >= 2)");
        }
        // every lane is made now, with the queue, rather than by the first timer of its delay on a running loop
        for (int i = 0; i <= MAX_LANES; i++) {
            lanes[i] = new Lane(0, i, maxSegment);
        }
    }

    /**
     * Adds {@code entry} at {@code time}, with the next sequence number, as its live slot: a slot it had before
     * becomes stale.
     *
     * @param entry the entry; never null (not checked)
     * @param time  when it is due, in nanoseconds: the caller's clock now plus {@code delay}
     * @param delay the delay that gave {@code time}, in nanoseconds, {@code >= 0}; 0 means due now (the due FIFO)
     * @return the sequence number given, now {@code entry.sequence}
     */
    long add(E entry, long time, long delay) {
        if (entry.sequence != IDLE) {
            markStale(entry);
        }
        long seq = sequence++;
        entry.sequence = seq;
        Lane lane = delay == 0 ? lanes[MAX_LANES] : laneFor(delay);
        if (lane != null) {
            lane.add(entry, time, seq);
            laneSlots++;
            busyLanes |= lane.bit;
            return seq;
        }
        entry.lane = null;
        if (heapSize == heap.length) {
            int grown = heapSize * 2;
            heap = Arrays.copyOf(heap, grown);
            heapTimes = Arrays.copyOf(heapTimes, grown);
            heapSequences = Arrays.copyOf(heapSequences, grown);
        }
        siftUp(heapSize++, entry, time, seq);
        return seq;
    }

    /**
     * Removes and returns the first live entry in (time, sequence) order if its time is at most {@code limit},
     * dropping the stale slots ahead of it; sets the entry's {@link Entry#sequence} to {@link #IDLE} (it is no
     * longer armed: adding it again, from its own run for instance, arms it anew).
     *
     * @param limit the latest time to take, in nanoseconds
     * @return the entry, whose time {@link #polledTime()} then tells; null when the first slot (live or stale) is
     *         later than {@code limit} or the queue is empty
     */
    @SuppressWarnings("unchecked")
    E poll(long limit) {
        for (;;) {
            int from = locate();
            if (from == NONE || firstTime > limit) {
                return null;
            }
            Entry entry = from == HEAP ? pollHeap() : pollLane(from);
            if (entry.sequence == firstSequence) {
                entry.sequence = IDLE;
                polledTime = firstTime;
                return (E) entry;
            }
            // stale: cancelled or re-armed since this slot was added
        }
    }

    /**
     * Cancels {@code entry}: its live slot, if any, becomes stale ({@link Entry#sequence} {@link #IDLE}). A slot in a
     * FIFO lane is also marked stale in the lane's own arrays, so that it is dropped when it comes up without
     * reading the entry (with thousands of servers, an entry cancelled long before is no longer in the cache).
     *
     * @param entry the entry; never null (not checked)
     */
    void cancel(E entry) {
        if (entry.sequence != IDLE) {
            markStale(entry);
            entry.sequence = IDLE;
        }
    }

    /** Marks the live slot of {@code entry} stale in its lane's arrays, if it waits in a lane. */
    private static void markStale(Entry entry) {
        Lane lane = entry.lane;
        if (lane != null) {
            lane.markStale(entry.position, entry.sequence);
        }
    }

    /**
     * Returns the time of the entry {@link #poll} returned last.
     *
     * @return nanoseconds on the caller's clock; 0 before the first poll
     */
    long polledTime() {
        return polledTime;
    }

    /**
     * Returns the time of the first live entry, dropping the stale slots ahead of it.
     *
     * @return nanoseconds on the caller's clock, or {@link Long#MAX_VALUE} when no entry is live
     */
    long firstTime() {
        for (;;) {
            int from = locate();
            if (from == NONE) {
                return Long.MAX_VALUE;
            }
            Entry entry = from == HEAP ? heap[0] : lanes[from].first();
            if (entry.sequence == firstSequence) {
                return firstTime;
            }
            if (from == HEAP) {
                pollHeap();
            } else {
                pollLane(from);
            }
        }
    }

    /**
     * Returns how many slots are queued, stale ones included.
     *
     * @return the count, {@code >= 0}
     */
    int size() {
        return heapSize + laneSlots;
    }

    /**
     * Finds the first slot in (time, sequence) order, live or stale: sets {@link #firstTime} and
     * {@link #firstSequence} and returns where it is (a FIFO's index or {@link #HEAP}), or {@link #NONE}.
     */
    private int locate() {
        int from = NONE;
        long bestTime = Long.MAX_VALUE;
        long bestSequence = Long.MAX_VALUE;
        if (laneSlots > 0) {
            Lane[] l = lanes;
            int busy = busyLanes;
            if ((busy & DUE_BIT) != 0) {
                Lane due = l[MAX_LANES];
                laneSlots -= due.dropStale();
                if (due.count > 0) {
                    from = MAX_LANES;
                    bestTime = due.firstTime();
                    bestSequence = due.firstSequence();
                } else {
                    busy &= ~DUE_BIT;
                }
            }
            // the lanes in use, in index order (as a scan of every lane would find them)
            for (int rest = busy & ~DUE_BIT; rest != 0; rest &= rest - 1) {
                int i = Integer.numberOfTrailingZeros(rest);
                Lane lane = l[i];
                if (lane.count > 0 && lane.firstSequence() == STALE) {
                    laneSlots -= lane.dropStale();
                }
                if (lane.count > 0) {
                    // the heads' times and sequences are read from the lane's arrays, not from the entries
                    Segment head = lane.head;
                    long time = head.times[head.start];
                    long seq = head.sequences[head.start];
                    if (time < bestTime || (time == bestTime && seq < bestSequence)) {
                        from = i;
                        bestTime = time;
                        bestSequence = seq;
                    }
                } else {
                    busy &= ~lane.bit;
                }
            }
            busyLanes = busy;
        }
        if (heapSize > 0) {
            long time = heapTimes[0];
            if (time < bestTime || (time == bestTime && heapSequences[0] < bestSequence)) {
                from = HEAP;
                bestTime = time;
                bestSequence = heapSequences[0];
            }
        }
        firstTime = bestTime;
        firstSequence = bestSequence;
        return from;
    }

    /** The lane of {@code delay}, opened if a lane is unused or empty; null when the entry goes to the heap. */
    private Lane laneFor(long delay) {
        Lane[] l = lanes;
        int n = laneCount;
        for (int i = 0; i < n; i++) {
            if (l[i].delay == delay) {
                return l[i];
            }
        }
        if (n == MAX_LANES) {
            // an empty lane takes the new delay: the first checks' scattered offsets take the lanes at the start,
            // and would otherwise leave the steady delays (inter, timeouts) to the heap for the whole run
            for (int i = 0; i < n; i++) {
                if (l[i].count == 0) {
                    l[i].delay = delay;
                    return l[i];
                }
            }
            return null;
        }
        Lane lane = l[laneCount++];
        lane.delay = delay;
        return lane;
    }

    private Entry pollLane(int index) {
        laneSlots--;
        return lanes[index].poll();
    }

    private Entry pollHeap() {
        Entry first = heap[0];
        int last = --heapSize;
        Entry moved = heap[last];
        long movedTime = heapTimes[last];
        long movedSequence = heapSequences[last];
        heap[last] = null;
        if (last > 0) {
            siftDown(moved, movedTime, movedSequence);
        }
        return first;
    }

    /** 4-ary heap: half the depth of a binary one, and a node's children share a cache line or two. */
    private void siftUp(int index, Entry entry, long time, long seq) {
        Entry[] h = heap;
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
        h[index] = entry;
        times[index] = time;
        sequences[index] = seq;
    }

    private void siftDown(Entry entry, long time, long seq) {
        Entry[] h = heap;
        long[] times = heapTimes;
        long[] sequences = heapSequences;
        int n = heapSize;
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
        h[index] = entry;
        times[index] = time;
        sequences[index] = seq;
    }

    /**
     * A FIFO of slots of one delay: added at a non-decreasing clock, they come out in (time, sequence) order.
     *
     * <p>Its slots live in a chain of {@link Segment}s, the first {@link #INITIAL_CAPACITY} slots long, each next one
     * twice its predecessor up to the queue's largest segment: a lane of 50,000 timers (a loop's share of 100,000
     * servers at the same {@code inter}) never copies its slots to grow and never asks for an array the size of a
     * G1 humongous object (half a heap region: 512 KiB at the smallest region size), which would start a concurrent
     * marking cycle in the middle of a run. An emptied segment is kept as the lane's spare and taken by the next one
     * the lane needs, so a steady lane allocates nothing.
     */
    private static final class Lane {

        long delay;
        /** The lane's bit in {@link #busyLanes}: {@code 1 << } its index. */
        final int bit;
        /** The longest segment this lane makes, in slots: a power of two. */
        private final int maxSegment;
        /** The segment of the first slot, and the segment slots are added to (the same one while a lane is short). */
        Segment head;
        private Segment tail;
        /** An emptied segment kept for the next one the lane needs; null when there is none. */
        private Segment spare;
        /** How many slots the lane holds, stale ones included. */
        int count;
        /** How many slots the lane has taken in since it was made: the position of the next one. */
        private long added;

        Lane(long delay, int index, int maxSegment) {
            this.delay = delay;
            this.bit = 1 << index;
            this.maxSegment = maxSegment;
            head = tail = new Segment(Math.min(INITIAL_CAPACITY, maxSegment));
        }

        void add(Entry entry, long time, long seq) {
            Segment t = tail;
            if (t.end == t.entries.length) {
                t = nextSegment(t.entries.length);
                t.base = added;
                tail.next = t;
                tail = t;
            }
            int at = t.end++;
            t.entries[at] = entry;
            t.times[at] = time;
            t.sequences[at] = seq;
            if (entry.lane != this) {
                // a timer re-armed for the same delay is in this lane already: no store, so no write barrier
                entry.lane = this;
            }
            entry.position = added++;
            count++;
        }

        /**
         * Marks the slot at {@code position} stale if it is still queued with {@code seq}. The tail segment is tried
         * first (a timer cancelled or re-armed soon after its arming, as a check's deadline is), then the chain from
         * the head: a few segments at most, the longest being {@link #MAX_SEGMENT} slots.
         */
        void markStale(long position, long seq) {
            Segment s = tail;
            if (position < s.base) {
                s = head;
                while (s != null && position >= s.base + s.end) {
                    s = s.next;
                }
            }
            if (s != null && position >= s.base + s.start && position < s.base + s.end) {
                int at = (int) (position - s.base);
                if (s.sequences[at] == seq) {
                    s.sequences[at] = STALE;
                }
            }
        }

        /** The time of the first slot; the lane must not be empty. */
        long firstTime() {
            return head.times[head.start];
        }

        /** The sequence of the first slot ({@link #STALE} once marked); the lane must not be empty. */
        long firstSequence() {
            return head.sequences[head.start];
        }

        /** Drops the slots marked stale at the head, reading no entry; returns how many. */
        int dropStale() {
            int dropped = 0;
            while (count > 0 && firstSequence() == STALE) {
                poll();
                dropped++;
            }
            return dropped;
        }

        Entry first() {
            return head.entries[head.start];
        }

        /** Takes the first slot; the lane must not be empty. */
        Entry poll() {
            Segment h = head;
            int at = h.start++;
            Entry entry = h.entries[at];
            h.entries[at] = null;
            count--;
            if (h.start == h.end) {
                if (h == tail) {
                    // the lane is empty: its only segment starts over at the next position
                    h.start = 0;
                    h.end = 0;
                    h.base = added;
                } else {
                    // a segment other than the tail is full: given out to its end, it becomes the spare
                    head = h.next;
                    h.next = null;
                    h.start = 0;
                    h.end = 0;
                    if (spare == null || spare.entries.length < h.entries.length) {
                        spare = h;
                    }
                }
            }
            return entry;
        }

        /** The segment after a full one of {@code length} slots: the spare, or a new one twice as long (at most). */
        private Segment nextSegment(int length) {
            Segment s = spare;
            if (s != null) {
                spare = null;
                return s;
            }
            return new Segment(Math.min(length * 2, maxSegment));
        }
    }

    /**
     * A run of lane slots: the entries, and their times and sequences beside them (finding the next slot reads no
     * entry). Slots {@code start} to {@code end - 1} are queued; the ones before {@code start} have been given out.
     */
    private static final class Segment {

        final Entry[] entries;
        final long[] times;
        final long[] sequences;
        int start;
        int end;
        /** The lane position of slot 0 (see {@link Entry#position}). */
        long base;
        /** The lane's next segment, toward its tail; null for the tail. */
        Segment next;

        Segment(int length) {
            entries = new Entry[length];
            times = new long[length];
            sequences = new long[length];
        }
    }
}
