package io.haprobe.health;

import io.haprobe.ServerState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IntervalPolicyTest {

    private static final long MS = 1_000_000L;

    @Test
    void usesInterAtFullHealthFastinterInTransitionDowninterWhenDown() {
        IntervalPolicy policy = new IntervalPolicy(1000 * MS, 300 * MS, 2000 * MS);
        assertThat(policy.intervalNanos(new HealthCounter(2, 3, 4), ServerState.UP)).isEqualTo(1000 * MS);
        assertThat(policy.intervalNanos(new HealthCounter(2, 3, 3), ServerState.UP)).isEqualTo(300 * MS);
        assertThat(policy.intervalNanos(new HealthCounter(2, 3, 0), ServerState.DOWN)).isEqualTo(2000 * MS);
        assertThat(policy.intervalNanos(new HealthCounter(2, 3, 1), ServerState.DOWN)).isEqualTo(300 * MS);
    }

    @Test
    void unsetFastinterAndDowninterFallBackToInter() {
        IntervalPolicy policy = new IntervalPolicy(2000 * MS, 0, 0);
        assertThat(policy.intervalNanos(new HealthCounter(2, 3, 2), ServerState.UP)).isEqualTo(2000 * MS);
        assertThat(policy.intervalNanos(new HealthCounter(2, 3, 0), ServerState.DOWN)).isEqualTo(2000 * MS);
    }

    @Test
    void bootHealthUsesFastinterUnlessFallIsOne() {
        IntervalPolicy policy = new IntervalPolicy(4000 * MS, 700 * MS, 0);
        ServerHealth fall3 = ServerHealth.boot(2, 3, false);
        ServerHealth fall1 = ServerHealth.boot(2, 1, false);
        assertThat(policy.intervalNanos(fall3.counter(), fall3.state())).isEqualTo(700 * MS);
        assertThat(policy.intervalNanos(fall1.counter(), fall1.state())).isEqualTo(4000 * MS);
    }

    @Test
    void reproducesTheVerifiedSequenceWithInter1sFastinter300msDowninter2s() {
        // spec §2.1: OK, +1.0s OK, +1.0s OK, +1.0s FAIL (2/3), +0.3s FAIL, +0.3s FAIL -> DOWN,
        // +2.0s FAIL, +2.0s OK (1/2), +0.3s OK -> UP, +1.0s
        IntervalPolicy policy = new IntervalPolicy(1000 * MS, 300 * MS, 2000 * MS);
        ServerHealth server = ServerHealth.boot(2, 3, false);
        boolean[] results = {true, true, true, false, false, false, false, true, true};
        List<Long> gaps = new ArrayList<>();
        for (boolean ok : results) {
            server = server.apply(io.haprobe.CheckOutcome.of(ok ? io.haprobe.CheckStatus.L4OK
                    : io.haprobe.CheckStatus.L4CON, 0, "", 0)).after();
            gaps.add(policy.intervalNanos(server.counter(), server.state()) / MS);
        }
        assertThat(gaps).containsExactly(1000L, 1000L, 1000L, 300L, 300L, 2000L, 2000L, 300L, 1000L);
    }

    @Test
    void spreadChecksJitterStaysWithinPercentOfTheInterval() {
        long interval = 2000 * MS;
        assertThat(IntervalPolicy.withSpread(interval, 0, 0.99)).isEqualTo(interval);
        assertThat(IntervalPolicy.withSpread(interval, 50, 0.0)).isEqualTo(3000 * MS);
        assertThat(IntervalPolicy.withSpread(interval, 50, 0.5)).isEqualTo(2000 * MS);
        assertThat(IntervalPolicy.withSpread(interval, 50, 0.9999)).isEqualTo(1001 * MS);
    }
}
