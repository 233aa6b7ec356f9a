package io.haprobe.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthCounterTest {

    @Test
    void bootsWithHealthEqualToRiseSoOneFailureBringsItDown() {
        HealthCounter boot = HealthCounter.initial(2, 3);
        assertThat(boot.health()).isEqualTo(2);
        assertThat(boot.isGood()).isTrue();
        assertThat(boot.afterFailure().health()).isZero();
    }

    @Test
    void firstSuccessAtBootJumpsToFullHealth() {
        assertThat(HealthCounter.initial(2, 3).afterSuccess().health()).isEqualTo(4);
    }

    @Test
    void goesDownAfterFallConsecutiveFailuresFromFullHealth() {
        HealthCounter h = new HealthCounter(2, 3, 4);
        h = h.afterFailure();
        assertThat(h.health()).isEqualTo(3);
        h = h.afterFailure();
        assertThat(h.health()).isEqualTo(2);
        assertThat(h.isGood()).isTrue();
        h = h.afterFailure();
        assertThat(h.health()).isZero();
    }

    @Test
    void anySuccessWhileGoingDownRestoresFullHealth() {
        assertThat(new HealthCounter(2, 3, 2).afterSuccess().health()).isEqualTo(4);
    }

    @Test
    void takesRiseConsecutiveSuccessesFromZero() {
        HealthCounter h = new HealthCounter(3, 2, 0);
        h = h.afterSuccess();
        assertThat(h.health()).isEqualTo(1);
        h = h.afterSuccess();
        assertThat(h.health()).isEqualTo(2);
        assertThat(h.isGood()).isFalse();
        h = h.afterSuccess();
        assertThat(h.health()).isEqualTo(4);
        assertThat(h.isFull()).isTrue();
    }

    @Test
    void anyFailureWhileGoingUpResetsToZero() {
        assertThat(new HealthCounter(3, 2, 2).afterFailure().health()).isZero();
    }

    @Test
    void failureAtZeroAndSuccessAtTopChangeNothing() {
        HealthCounter bottom = new HealthCounter(2, 3, 0);
        HealthCounter top = new HealthCounter(2, 3, 4);
        assertThat(bottom.afterFailure()).isSameAs(bottom);
        assertThat(top.afterSuccess()).isSameAs(top);
    }

    @Test
    void fractionIsFallBasedOnTheUpSideAndRiseBasedOnTheDownSide() {
        // spec §1.2 table, rise 2 fall 3
        assertThat(fraction(new HealthCounter(2, 3, 4))).isEqualTo("3/3");
        assertThat(fraction(new HealthCounter(2, 3, 3))).isEqualTo("2/3");
        assertThat(fraction(new HealthCounter(2, 3, 2))).isEqualTo("1/3");
        assertThat(fraction(new HealthCounter(2, 3, 1))).isEqualTo("1/2");
        assertThat(fraction(new HealthCounter(2, 3, 0))).isEqualTo("0/2");
        // verified with rise 3 fall 2: 0/3, 1/3, 2/3 DOWN, then 2/2 UP
        assertThat(fraction(new HealthCounter(3, 2, 2))).isEqualTo("2/3");
        assertThat(fraction(new HealthCounter(3, 2, 4))).isEqualTo("2/2");
    }

    @Test
    void rejectsOutOfRangeValuesWithTheExpectedShape() {
        assertThatThrownBy(() -> new HealthCounter(0, 3, 0)).hasMessage("rise: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new HealthCounter(2, 0, 0)).hasMessage("fall: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new HealthCounter(2, 3, 5)).hasMessage("health: 5 (expected: 0..4)");
    }

    @Test
    void theTopSaturatesWhenRisePlusFallExceedsAnInt() {
        // found by fuzzing the config reader: 'fall 9372036854' saturates to Integer.MAX_VALUE, and rise + fall - 1
        // overflowed, so the boot counter of such a server threw
        HealthCounter h = HealthCounter.initial(2, Integer.MAX_VALUE);
        assertThat(h.max()).isEqualTo(Integer.MAX_VALUE);
        assertThat(h.afterSuccess().health()).isEqualTo(Integer.MAX_VALUE);
        assertThat(h.afterSuccess().isFull()).isTrue();
        assertThat(h.afterFailure().health()).isZero();
        assertThat(HealthCounter.initial(Integer.MAX_VALUE, Integer.MAX_VALUE).afterSuccess().isFull()).isTrue();
        assertThatThrownBy(() -> new HealthCounter(2, Integer.MAX_VALUE, -1))
                .hasMessage("health: -1 (expected: 0..2147483647)");
    }

    private static String fraction(HealthCounter h) {
        return h.fractionNumerator() + "/" + h.fractionDenominator();
    }
}
