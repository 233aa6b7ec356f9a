package io.haprobe.traffic;

import java.util.Arrays;
/**
 * The same order as {@link RankedSet} (unsigned 32-bit key, then insertion order) for the trees HAProxy only
 * ever reads from their first node, as the round robin trees of lb_fwrr.c: an indexed binary min-heap, so that
 * taking the first server and putting it back cost {@code O(log n)} instead of moving the array.
 *
 * <p>Not thread-safe: confined with its balancer.
 */
final class RankedHeap {

    private static final long SEQUENCE_LIMIT = (1L << 31) - 1;
    private static final long SEQUENCE_MASK = SEQUENCE_LIMIT;

    private final int[] heap;
    private final long[] rankOf;
    /** Where each server is in {@link #heap}, -1 when it is not a member. */
    private final int[] position;
    private final long sequenceLimit;
    private int size;
    private long sequence;

    /** Creates an empty heap for servers {@code 0..capacity-1}. */
    RankedHeap(int capacity) {
        this(capacity, SEQUENCE_LIMIT);
    }

    /** Creates an empty heap that renumbers its sequences after {@code sequenceLimit} inserts (tests). */
    RankedHeap(int capacity, long sequenceLimit) {
        this.sequenceLimit = Math.min(sequenceLimit, SEQUENCE_LIMIT);
        heap = new int[capacity];
        rankOf = new long[capacity];
        position = new int[capacity];
        Arrays.fill(position, -1);
    }

    /** Inserts {@code server} with {@code key} (unsigned), after the members of the same key. */
    void insert(int server, int key) {
        remove(server);
        if (sequence == sequenceLimit) {
            renumber();
        }
        rankOf[server] = (Integer.toUnsignedLong(key) << 31) | sequence++;
        heap[size] = server;
        position[server] = size;
        siftUp(size++);
    }

    /** Removes {@code server}; nothing happens if it is not a member. */
    void remove(int server) {
        int at = position[server];
        if (at < 0) {
            return;
        }
        position[server] = -1;
        int last = heap[--size];
        if (at == size) {
            return;
        }
        heap[at] = last;
        position[last] = at;
        siftDown(at);
        siftUp(position[last]);
    }

    /** Returns the first member in walk order, or -1 when empty. */
    int first() {
        return size == 0 ? -1 : heap[0];
    }

    private void siftUp(int at) {
        int server = heap[at];
        long rank = rankOf[server];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            int above = heap[parent];
            if (rankOf[above] <= rank) {
                break;
            }
            heap[at] = above;
            position[above] = at;
            at = parent;
        }
        heap[at] = server;
        position[server] = at;
    }

    private void siftDown(int at) {
        int server = heap[at];
        long rank = rankOf[server];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && rankOf[heap[child + 1]] < rankOf[heap[child]]) {
                child++;
            }
            int below = heap[child];
            if (rankOf[below] >= rank) {
                break;
            }
            heap[at] = below;
            position[below] = at;
            at = child;
        }
        heap[at] = server;
        position[server] = at;
    }

    /** Renumbers the sequences in rank order, keeping the order, before they overflow their 31 bits. */
    private void renumber() {
        int[] members = Arrays.copyOf(heap, size);
        Integer[] boxed = new Integer[size];
        for (int i = 0; i < size; i++) {
            boxed[i] = members[i];
        }
        Arrays.sort(boxed, (a, b) -> Long.compare(rankOf[a], rankOf[b]));
        for (int i = 0; i < size; i++) {
            rankOf[boxed[i]] = (rankOf[boxed[i]] & ~SEQUENCE_MASK) | i;
        }
        sequence = size;
    }
}
