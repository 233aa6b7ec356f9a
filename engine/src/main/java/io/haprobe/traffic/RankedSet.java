package io.haprobe.traffic;

import java.util.Arrays;

/**
 * Server indexes ordered by a 32-bit unsigned key, then by insertion order: the order in which HAProxy's eb32
 * trees (ebtree's eb32tree.h) walk their nodes, duplicates in the order they were inserted. A sorted array,
 * so that the first member and the walk from it cost no allocation; inserting and removing move the members
 * after the place, which is cheap for the few hundred servers of a backend.
 *
 * <p>Not thread-safe: confined with its balancer.
 */
final class RankedSet {

    /** Ranks pack the key above 31 bits of insertion sequence; the sequence is renumbered before it overflows. */
    private static final long SEQUENCE_LIMIT = (1L << 31) - 1;
    private static final long SEQUENCE_MASK = SEQUENCE_LIMIT;

    private final int[] members;
    private final long[] ranks;
    private final long[] rankOf;
    private final boolean[] contains;
    private final long sequenceLimit;
    private int size;
    private long sequence;

    /** Creates an empty set for servers {@code 0..capacity-1}. */
    RankedSet(int capacity) {
        this(capacity, SEQUENCE_LIMIT);
    }

    /** Creates an empty set that renumbers its sequences after {@code sequenceLimit} inserts (tests). */
    RankedSet(int capacity, long sequenceLimit) {
        this.sequenceLimit = Math.min(sequenceLimit, SEQUENCE_LIMIT);
        members = new int[capacity];
        ranks = new long[capacity];
        rankOf = new long[capacity];
        contains = new boolean[capacity];
    }

    /** Inserts {@code server} with {@code key} (unsigned), after the members of the same key. */
    void insert(int server, int key) {
        if (contains[server]) {
            remove(server);
        }
        if (sequence == sequenceLimit) {
            renumber();
        }
        long rank = (Integer.toUnsignedLong(key) << 31) | sequence++;
        int at = -Arrays.binarySearch(ranks, 0, size, rank) - 1;
        System.arraycopy(members, at, members, at + 1, size - at);
        System.arraycopy(ranks, at, ranks, at + 1, size - at);
        members[at] = server;
        ranks[at] = rank;
        rankOf[server] = rank;
        contains[server] = true;
        size++;
    }

    /** Removes {@code server}; nothing happens if it is not a member. */
    void remove(int server) {
        if (!contains[server]) {
            return;
        }
        int at = Arrays.binarySearch(ranks, 0, size, rankOf[server]);
        System.arraycopy(members, at + 1, members, at, size - at - 1);
        System.arraycopy(ranks, at + 1, ranks, at, size - at - 1);
        contains[server] = false;
        size--;
    }

    /** Tells whether {@code server} is a member. */
    boolean contains(int server) {
        return contains[server];
    }

    /** Returns the key {@code server} was inserted with; meaningful only for a member. */
    int key(int server) {
        return (int) (rankOf[server] >>> 31);
    }

    /** Returns the number of members. */
    int size() {
        return size;
    }

    /** Returns the member at {@code position} in walk order. */
    int get(int position) {
        return members[position];
    }

    /** Returns the first member in walk order, or -1 when empty. */
    int first() {
        return size == 0 ? -1 : members[0];
    }

    private void renumber() {
        for (int i = 0; i < size; i++) {
            ranks[i] = (ranks[i] & ~SEQUENCE_MASK) | i;
            rankOf[members[i]] = ranks[i];
        }
        sequence = size;
    }
}
