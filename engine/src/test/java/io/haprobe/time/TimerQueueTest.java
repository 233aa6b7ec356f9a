package io.haprobe.time;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link TimerQueue}: order by (time, sequence) across the due FIFO, the lanes and the heap; lazy cancel. */
class TimerQueueTest {

    private final TimerQueue<Item> queue = new TimerQueue<>();
    /** The test's clock: never decreases, as the queue requires. */
    private long now;

    /** An entry with a name. */
    private static final class Item extends TimerQueue.Entry {

        final String name;

        Item(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Item arm(Item item, long delay) {
        queue.add(item, now + delay, delay);
        return item;
    }

    private Item arm(String name, long delay) {
        return arm(new Item(name), delay);
    }

    /** Polls everything due up to {@code limit}, as name@time, moving the clock; then leaves it at the limit. */
    private List<String> runUntil(long limit) {
        List<String> ran = new ArrayList<>();
        for (Item item; (item = queue.poll(limit)) != null; ) {
            now = queue.polledTime();
            ran.add(item.name + "@" + now);
        }
        now = Math.max(now, limit);
        return ran;
    }

    @Test
    void entriesComeOutByTimeThenByTheOrderTheyWereAdded() {
        arm("c", 30);
        arm("a", 10);
        arm("b2", 20);
        arm("b1", 20); // same delay, same time: after b2, added first
        arm("d", 0);

        assertThat(runUntil(100)).containsExactly("d@0", "a@10", "b2@20", "b1@20", "c@30");
        assertThat(queue.size()).isZero();
        assertThat(queue.firstTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(queue.poll(Long.MAX_VALUE)).isNull();
    }

    @Test
    void delaysWithoutAFreeLaneGoToTheHeapInOrder() {
        int delays = TimerQueue.MAX_LANES + 2; // the last two find every lane taken (and not empty): the heap
        for (int d = 1; d <= delays; d++) {
            arm("x" + d, 1_000 + d);
        }
        arm("y", 1_001); // the lane of 1001
        now = 5;
        arm("z", 1_000 + delays); // the heap, as the first of its delay

        List<String> expected = new ArrayList<>(List.of("x1@1001", "y@1001"));
        for (int d = 2; d <= delays; d++) {
            expected.add("x" + d + "@" + (1_000 + d));
        }
        expected.add("z@" + (1_005 + delays));
        assertThat(runUntil(10_000)).containsExactlyElementsOf(expected);
    }

    @Test
    void heapLaneAndDueEntriesOfTheSameTimeKeepTheirAddingOrder() {
        arm("lane-a", 50); // opens the lane of 50
        now = 7;
        arm("heap", 43); // another delay, the same time 50
        now = 20;
        arm("lane-b", 30); // another lane, the same time 50
        now = 50;
        arm("due", 0);
        arm("lane-c", 0);

        assertThat(runUntil(50)).containsExactly("lane-a@50", "heap@50", "lane-b@50", "due@50", "lane-c@50");
    }

    @Test
    void moreDelaysThanLanesShareTheLanesAndTheHeapInTimeOrder() {
        SplittableRandom random = new SplittableRandom(7);
        List<long[]> expected = new ArrayList<>(); // {time, sequence}
        for (int i = 0; i < 2_000; i++) {
            long delay = (random.nextInt(20) + 1) * 1_000L; // 20 delays: 8 in lanes, the rest in the heap
            Item item = arm("i" + i, delay);
            expected.add(new long[] {now + delay, item.sequence});
            now += random.nextInt(3);
        }
        expected.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        List<String> ran = runUntil(Long.MAX_VALUE - 1);
        assertThat(ran).hasSize(2_000);
        for (int i = 0; i < ran.size(); i++) {
            assertThat(ran.get(i)).endsWith("@" + expected.get(i)[0]);
        }
    }

    @Test
    void aCancelledEntryIsDroppedWhenItComesUpAndCountsUntilThen() {
        Item a = arm("a", 10);
        Item b = arm("b", 10);
        Item heap = arm("heap", 15);
        a.sequence = TimerQueue.IDLE; // cancelled before its time
        heap.sequence = TimerQueue.IDLE;

        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.firstTime()).isEqualTo(10);
        assertThat(queue.size()).as("the stale head was dropped").isEqualTo(2);
        assertThat(runUntil(100)).containsExactly("b@10");
        assertThat(queue.size()).isZero();
    }

    @Test
    void aLaneSlotCancelledThroughTheQueueIsDroppedOnTheLanesMarkWithoutReadingTheEntry() {
        Item a = arm("a", 10);
        Item b = arm("b", 10);
        long slot = a.sequence;
        queue.cancel(a);
        assertThat(a.sequence).isEqualTo(TimerQueue.IDLE);
        a.sequence = slot; // were the entry read, its old slot would look live: the lane's mark decides

        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.firstTime()).isEqualTo(10);
        assertThat(queue.size()).as("the marked head was dropped").isEqualTo(1);
        assertThat(runUntil(100)).containsExactly("b@10");
        queue.cancel(b); // taken already: nothing to mark
        assertThat(queue.size()).isZero();
    }

    @Test
    void cancelledAndReArmedSlotsStayMarkedAcrossALanesGrowth() {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(arm("i" + i, 1_000));
            now++;
            if (i == 20) {
                queue.cancel(items.get(10)); // marked before the lane grows past 64 slots
            }
        }
        queue.cancel(items.get(70));
        Item moved = items.get(40);
        arm(moved, 5_000); // re-armed: its slot in the lane of 1,000 is marked stale

        List<String> ran = runUntil(Long.MAX_VALUE - 1);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i != 10 && i != 70 && i != 40) {
                expected.add("i" + i + "@" + (i + 1_000));
            }
        }
        expected.add("i40@" + (100 + 5_000));
        assertThat(ran).containsExactlyElementsOf(expected);
        assertThat(queue.size()).isZero();
    }

    @Test
    void aStaleEntryLaterThanTheLimitStaysUntilItComesUp() {
        Item a = arm("a", 10);
        a.sequence = TimerQueue.IDLE;

        assertThat(queue.poll(5)).isNull();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.poll(10)).isNull();
        assertThat(queue.size()).isZero();
    }

    @Test
    void cancellingAfterThePollChangesNothing() {
        Item a = arm("a", 10);
        assertThat(queue.poll(10)).isSameAs(a);
        assertThat(a.sequence).as("taken: not armed any more").isEqualTo(TimerQueue.IDLE);
        a.sequence = TimerQueue.IDLE;
        assertThat(queue.poll(Long.MAX_VALUE)).isNull();
        assertThat(queue.firstTime()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void reArmingMovesTheEntryAndLeavesTheOlderSlotStale() {
        Item a = arm("a", 10);
        arm("b", 20);
        arm(a, 30); // re-armed: the slot at 10 is stale

        assertThat(queue.size()).isEqualTo(3);
        assertThat(runUntil(100)).containsExactly("b@20", "a@30");
    }

    @Test
    void anEntryReArmedFromItsOwnFiringComesAfterTheEntriesAlreadyDueThen() {
        Item a = arm("a", 10);
        arm("b", 10);
        List<String> ran = new ArrayList<>();
        for (Item item; (item = queue.poll(100)) != null; ) {
            now = queue.polledTime();
            ran.add(item.name + "@" + now);
            if (item == a && ran.size() == 1) {
                arm(a, 0); // due now: after b, added before
                arm(new Item("c"), 10);
            }
        }

        assertThat(ran).containsExactly("a@10", "b@10", "a@10", "c@20");
    }

    @Test
    void anEmptyLaneTakesANewDelay() {
        for (int d = 1; d <= TimerQueue.MAX_LANES; d++) {
            arm("d" + d, d);
        }
        runUntil(TimerQueue.MAX_LANES); // every lane empty
        for (int i = 0; i < 100; i++) {
            arm("n" + i, 1_000);
            now++;
        }
        List<String> ran = runUntil(Long.MAX_VALUE - 1);
        assertThat(ran).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(ran.get(i)).isEqualTo("n" + i + "@" + (TimerQueue.MAX_LANES + i + 1_000));
        }
    }

    @Test
    void theLanesGrowBeyondTheirFirstCapacityInOrder() {
        // more than the initial capacity in the due FIFO, one lane and the heap, with wrapped heads
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 500; i++) {
                arm("due" + i, 0);
                arm("lane" + i, 10);
            }
            for (int i = 0; i < 10; i++) {
                assertThat(queue.poll(now).name).isEqualTo("due" + i);
            }
            List<String> ran = runUntil(now + 10);
            assertThat(ran).hasSize(990);
            assertThat(ran.get(489)).isEqualTo("due499@" + (now - 10));
            assertThat(ran.get(490)).isEqualTo("lane0@" + now);
            assertThat(ran.get(989)).isEqualTo("lane499@" + now);
        }
    }

    @Test
    void randomOperationsGiveTheOrderOfAPriorityQueue() {
        randomOperations(queue, 500, 20_261_206);
    }

    @Test
    void randomOperationsAcrossShortLaneSegmentsGiveTheOrderOfAPriorityQueue() {
        // segments of 2 to 8 slots: adds, polls, cancels and re-arms cross a segment's end all the time
        randomOperations(new TimerQueue<>(8), 300, 20_261_207);
        now = 0;
        randomOperations(new TimerQueue<>(2), 50, 20_261_208);
    }

    @Test
    void aLongLaneGivesItsSlotsBackInOrderAndMarksStaleSlotsInAnySegment() {
        TimerQueue<Item> q = new TimerQueue<>(16); // segments of at most 16 slots: 1,000 timers span some 60 of them
        List<Item> items = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            items.clear();
            for (int i = 0; i < 1_000; i++) {
                Item item = new Item("r" + round + "i" + i);
                q.add(item, now + 10_000, 10_000);
                items.add(item);
                now++;
            }
            for (int i = 0; i < 1_000; i += 7) {
                Item cancelled = items.get(i);
                long slot = cancelled.sequence;
                q.cancel(cancelled); // slots spread over many segments, marked in place
                cancelled.sequence = slot; // were the entry read, its slot would look live: the lane's mark decides
            }
            assertThat(q.size()).isEqualTo(1_000);
            List<String> ran = new ArrayList<>();
            for (Item item; (item = q.poll(Long.MAX_VALUE - 1)) != null; ) {
                now = Math.max(now, q.polledTime());
                ran.add(item.name);
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                if (i % 7 != 0) {
                    expected.add("r" + round + "i" + i);
                }
            }
            assertThat(ran).containsExactlyElementsOf(expected);
            assertThat(q.size()).isZero();
        }
    }

    @Test
    void aSegmentLengthThatIsNotAPowerOfTwoIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TimerQueue<Item>(12))
                .withMessageContaining("12");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TimerQueue<Item>(1));
    }

    /**
     * Random adds (a dozen fixed delays and random ones), cancels (through the queue or by the entry's own field),
     * re-arms and polls on {@code q}, each poll checked against one {@link PriorityQueue} of (time, sequence).
     */
    private void randomOperations(TimerQueue<Item> q, int items, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] fixed = {0, 1_000, 2_000, 3_000, 5_000, 7_000, 11_000, 13_000, 17_000, 19_000, 23_000, 29_000};
        Item[] all = new Item[items];
        for (int i = 0; i < items; i++) {
            all[i] = new Item("i" + i);
        }
        // the reference: one PriorityQueue of {time, sequence, id}, and each id's live sequence (-1: none)
        PriorityQueue<long[]> reference = new PriorityQueue<>(
                Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long[] live = new long[items];
        java.util.Arrays.fill(live, -1);
        long referenceSequence = 0;
        int polls = 0;
        for (int op = 0; op < 300_000; op++) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                int id = random.nextInt(items);
                long delay = random.nextInt(4) == 0 ? random.nextLong(0, 40_000) : fixed[random.nextInt(fixed.length)];
                long time = now + delay;
                long seq = q.add(all[id], time, delay);
                assertThat(seq).isEqualTo(referenceSequence);
                reference.add(new long[] {time, referenceSequence, id});
                live[id] = referenceSequence++;
            } else if (kind < 6) {
                int id = random.nextInt(items);
                if (random.nextBoolean()) {
                    q.cancel(all[id]);
                } else {
                    all[id].sequence = TimerQueue.IDLE;
                }
                live[id] = -1;
            } else {
                long limit = now + random.nextLong(0, 3_000);
                Item item = q.poll(limit);
                long[] expected = firstLive(reference, live);
                if (expected == null || expected[0] > limit) {
                    assertThat(item).as("op %d", op).isNull();
                    now = limit;
                } else {
                    reference.poll();
                    live[(int) expected[2]] = -1;
                    assertThat(item).as("op %d", op).isSameAs(all[(int) expected[2]]);
                    assertThat(q.polledTime()).isEqualTo(expected[0]);
                    assertThat(item.sequence).isEqualTo(TimerQueue.IDLE);
                    now = expected[0];
                    polls++;
                }
                long[] next = firstLive(reference, live);
                assertThat(q.firstTime()).as("op %d", op).isEqualTo(next == null ? Long.MAX_VALUE : next[0]);
            }
        }
        assertThat(polls).isGreaterThan(50_000);
    }

    /** The reference's first live entry, the stale ones ahead of it dropped; null when none. */
    private static long[] firstLive(PriorityQueue<long[]> reference, long[] live) {
        for (long[] head; (head = reference.peek()) != null; reference.poll()) {
            if (live[(int) head[2]] == head[1]) {
                return head;
            }
        }
        return null;
    }
}
