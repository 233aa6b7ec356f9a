package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.health.ServerHealth;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The states a thread's steady servers share ({@link CheckLoop.CommonHealths}). */
class CommonHealthsTest {

    private static final long MS = 1_000_000L;
    /** UP at full health (rise + fall - 1): a failed check leaves it UP. */
    private static final ServerHealth UP = ServerHealth.boot(2, 3, false)
            .applyWithinState(new CheckOutcome(CheckStatus.L7OK, 200, "OK", 0))
            .applyWithinState(new CheckOutcome(CheckStatus.L7OK, 200, "OK", 0));

    private static ServerHealth passedIn(long millis) {
        return UP.applyWithinState(new CheckOutcome(CheckStatus.L7OK, 200, "OK", millis * MS));
    }

    @Test
    void equalStatesOfTwoServersBecomeOneInstance() {
        CheckLoop.CommonHealths table = new CheckLoop.CommonHealths();
        ServerHealth first = passedIn(1);
        ServerHealth second = passedIn(1);
        assertThat(second).isEqualTo(first).isNotSameAs(first);

        assertThat(table.intern(first, null)).isSameAs(first);
        assertThat(table.intern(second, null)).isSameAs(first);
    }

    @Test
    void eachMillisecondKeepsTheTwoStatesMetLast() {
        CheckLoop.CommonHealths table = new CheckLoop.CommonHealths();
        ServerHealth passed = passedIn(2);
        ServerHealth failed = UP.applyWithinState(new CheckOutcome(CheckStatus.L4CON, 0, "Connection refused",
                2 * MS));
        ServerHealth timedOut = UP.applyWithinState(new CheckOutcome(CheckStatus.L4TOUT, 0, null, 2 * MS));
        table.intern(passed, null);
        table.intern(failed, null);
        // both of the same millisecond are kept, whichever is met
        assertThat(table.intern(passedIn(2), null)).isSameAs(passed);
        assertThat(table.intern(UP.applyWithinState(new CheckOutcome(CheckStatus.L4CON, 0, "Connection refused",
                2 * MS)), null)).isSameAs(failed);
        // a third pushes out the one met longest ago (the pass)
        table.intern(timedOut, null);
        assertThat(table.intern(passedIn(2), null)).isNotSameAs(passed);
        // other milliseconds are apart
        ServerHealth other = passedIn(3);
        assertThat(table.intern(other, null)).isSameAs(other);
    }

    @Test
    void aStateEqualToTheSpareIsTheSpareAndLongChecksAreNotKept() {
        CheckLoop.CommonHealths table = new CheckLoop.CommonHealths();
        ServerHealth spare = passedIn(5);
        assertThat(table.intern(passedIn(5), spare)).isSameAs(spare);
        assertThat(table.intern(passedIn(5), null)).isSameAs(spare);

        ServerHealth slow = passedIn(CheckLoop.CommonHealths.MILLIS);
        assertThat(table.intern(slow, null)).isSameAs(slow);
        assertThat(table.intern(passedIn(CheckLoop.CommonHealths.MILLIS), null)).isNotSameAs(slow);
        ServerHealth slowSpare = passedIn(CheckLoop.CommonHealths.MILLIS);
        assertThat(table.intern(passedIn(CheckLoop.CommonHealths.MILLIS), slowSpare)).isSameAs(slowSpare);
    }
}
