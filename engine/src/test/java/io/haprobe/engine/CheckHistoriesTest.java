package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.diagnosis.ServerHistory;
import io.haprobe.health.HealthCounter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CheckHistories} keeps one builder per server until its first DOWN transition: the first transition's
 * history is then the whole run's checks so far, and the two go on apart.
 */
class CheckHistoriesTest {

    private static final CheckOutcome OK = CheckOutcome.of(CheckStatus.L7OK, 200, "OK", 1_000_000);
    private static final CheckOutcome REFUSED = CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0);
    private static final HealthCounter COUNTER = HealthCounter.initial(2, 2);

    @Test
    void theFirstDownTransitionTakesTheChecksSinceTheStartThenEachEpisodeItsOwn() {
        CheckHistories histories = new CheckHistories();
        check(histories, 0, OK);
        check(histories, 1000, REFUSED);
        check(histories, 2000, REFUSED);
        change(histories, 2000, ServerState.UP, ServerState.DOWN);
        check(histories, 3000, REFUSED);
        check(histories, 4000, OK);
        check(histories, 5000, OK);
        change(histories, 5000, ServerState.DOWN, ServerState.UP);
        check(histories, 6000, REFUSED);
        check(histories, 7000, REFUSED);
        change(histories, 7000, ServerState.UP, ServerState.DOWN);

        assertThat(histories.downs()).extracting(CheckHistories.Down::history).containsExactly(
                ServerHistory.builder().check(0, OK).check(1000, REFUSED).check(2000, REFUSED).downAt(2000)
                        .lastUpMillis(2000).check(3000, REFUSED).check(4000, OK).check(5000, OK).build(),
                ServerHistory.builder().check(6000, REFUSED).check(7000, REFUSED).downAt(7000)
                        .lastUpMillis(7000).build());
        assertThat(histories.downs()).extracting(CheckHistories.Down::recoveredAtMillis).containsExactly(5000L, -1L);
        assertThat(histories.history("be", "s1")).isEqualTo(ServerHistory.builder().check(0, OK)
                .check(1000, REFUSED).check(2000, REFUSED).check(3000, REFUSED).check(4000, OK).check(5000, OK)
                .check(6000, REFUSED).check(7000, REFUSED).lastUpMillis(7000).build());
    }

    @Test
    void aServerThatNeverPassedBeforeItsFirstDownTransitionWasNotUp() {
        CheckHistories histories = new CheckHistories();
        // a server leaving its boot state DOWN before any DOWN transition opens no episode
        change(histories, 0, ServerState.DOWN, ServerState.UP);
        check(histories, 1000, REFUSED);
        check(histories, 2000, REFUSED);
        change(histories, 2000, ServerState.UP, ServerState.DOWN);

        assertThat(histories.downs()).singleElement().satisfies(down -> {
            assertThat(down.downAtMillis()).isEqualTo(2000);
            assertThat(down.history()).isEqualTo(ServerHistory.builder().check(1000, REFUSED)
                    .check(2000, REFUSED).downAt(2000).build());
            assertThat(down.history().wasUp()).isFalse();
        });
    }

    private static void check(CheckHistories histories, long millis, CheckOutcome outcome) {
        histories.add(new HealthEvent.CheckCompleted(millis * 1_000_000, "be", "s1", outcome, COUNTER, COUNTER,
                null), millis);
    }

    private static void change(CheckHistories histories, long millis, ServerState from, ServerState to) {
        histories.add(new HealthEvent.StateChanged(millis * 1_000_000, "be", "s1", false, from, to, OK, 1, 0,
                LogLevel.NOTICE, "Server be/s1 is " + to), millis);
    }
}
