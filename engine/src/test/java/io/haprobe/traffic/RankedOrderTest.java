package io.haprobe.traffic;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RankedSet} and {@link RankedHeap} keep eb32 trees' order: unsigned key, then insertion order. */
class RankedOrderTest {

    @Test
    void duplicatesComeInInsertionOrderAndKeysUnsigned() {
        RankedSet set = new RankedSet(4);
        set.insert(2, 5);
        set.insert(0, 5);
        set.insert(1, -1); // 0xffffffff, the largest unsigned key
        set.insert(3, 0);

        assertThat(new int[] {set.get(0), set.get(1), set.get(2), set.get(3)}).containsExactly(3, 2, 0, 1);
        set.insert(2, 5); // moves behind the other 5
        assertThat(new int[] {set.get(0), set.get(1), set.get(2), set.get(3)}).containsExactly(3, 0, 2, 1);
    }

    @Test
    void theHeapAlwaysHasTheSetsFirstMember() {
        theHeapFollowsTheSet(new RankedSet(50), new RankedHeap(50));
    }

    @Test
    void renumberingTheSequencesKeepsTheOrder() {
        // sequences renumbered every 64 inserts instead of every 2^31: the order must not change across it
        theHeapFollowsTheSet(new RankedSet(50, 64), new RankedHeap(50, 64));
        RankedSet set = new RankedSet(3, 4);
        RankedSet reference = new RankedSet(3);
        for (int i = 0; i < 1000; i++) {
            set.insert(i % 3, i % 2);
            reference.insert(i % 3, i % 2);
            assertThat(new int[] {set.get(0), set.get(1), set.get(2)})
                    .containsExactly(reference.get(0), reference.get(1), reference.get(2));
        }
    }

    private static void theHeapFollowsTheSet(RankedSet set, RankedHeap heap) {
        SplittableRandom random = new SplittableRandom(3);
        for (int step = 0; step < 100_000; step++) {
            int server = random.nextInt(50);
            if (random.nextInt(3) == 0) {
                set.remove(server);
                heap.remove(server);
            } else {
                int key = random.nextInt(8) - 2; // few keys, so many duplicates, and unsigned wrap-around
                set.insert(server, key);
                heap.insert(server, key);
            }
            assertThat(heap.first()).isEqualTo(set.first());
        }
    }
}
