package io.haprobe.health;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class BootSpreadTest {

    private static final long MS = 1_000_000L;

    @Test
    void twoServersAtInter1sStartAt0And500ms() {
        assertThat(millis(BootSpread.offsetsNanos(nanos(1000, 1000), 0))).containsExactly(0, 500);
    }

    @Test
    void aFastServerAfterThreeSlowOnesWaitsForTheGlobalMinimum() {
        // spec §2.3 quirk: three at inter 10s then one at 500ms: the fast one starts at 10000*3/4
        assertThat(millis(BootSpread.offsetsNanos(nanos(10_000, 10_000, 10_000, 500), 0)))
                .containsExactly(0, 2500, 5000, 7500);
    }

    @Test
    void reproducesTheVerifiedSevenCheckExample() {
        // s1.check 1000, s1.agent 3000, s2.check fastinter 700, s3.agent 1500, s4.check 4000 (fall 1),
        // y1.check 1500, y1.agent 2000
        long[] offsets = BootSpread.offsetsNanos(nanos(1000, 3000, 700, 1500, 4000, 1500, 2000), 0);
        assertThat(millis(offsets)).containsExactly(0, 428, 285, 642, 2285, 1071, 1714);
    }

    @Test
    void maxSpreadChecksCapsTheWindow() {
        long[] offsets = BootSpread.offsetsNanos(nanos(2000, 1000, 2000, 1000, 2000, 1000), 300 * MS);
        assertThat(millis(offsets)).containsExactly(0, 50, 100, 150, 200, 250);
    }

    @Test
    void noChecksGiveNoOffsets() {
        assertThat(BootSpread.offsetsNanos(new long[0], 0)).isEmpty();
    }

    private static long[] nanos(long... millis) {
        return Arrays.stream(millis).map(m -> m * MS).toArray();
    }

    private static long[] millis(long[] nanos) {
        return Arrays.stream(nanos).map(n -> n / MS).toArray();
    }
}
