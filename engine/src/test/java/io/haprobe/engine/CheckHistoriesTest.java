package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckResult;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.diagnosis.ServerHistory;
import io.haprobe.health.HealthCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CheckHistories} keeps a run of passed checks on the server's entry and gives it to the builders later, and
 * one builder per server until its first DOWN transition: the histories and DOWN transitions must be those of
 * builders fed check by check, whatever the order of checks, state changes and reads.
 */
class CheckHistoriesTest {

    private static final CheckOutcome OK = CheckOutcome.of(CheckStatus.L7OK, 200, "OK", 1_000_000);
    private static final CheckOutcome OK_SLOWER = CheckOutcome.of(CheckStatus.L7OK, 200, "OK", 3_000_000);
    private static final CheckOutcome CONDPASS = CheckOutcome.of(CheckStatus.L7OKC, 404, "", 0);
    private static final CheckOutcome REFUSED = CheckOutcome.of(CheckStatus.L4CON, 0, "Connection refused", 0);
    private static final CheckOutcome TIMEOUT = CheckOutcome.of(CheckStatus.L4TOUT, 0, "", 2_000_000_000L);
    private static final CheckOutcome WRONG = CheckOutcome.of(CheckStatus.L7STS, 503, "Service Unavailable", 0);
    private static final List<CheckOutcome> OUTCOMES = List.of(OK, OK, OK, OK_SLOWER, CONDPASS, REFUSED, TIMEOUT,
            WRONG);
    private static final HealthCounter COUNTER = HealthCounter.initial(2, 3);

    @Test
    void runsOfPassesGiveTheSameHistoriesAsBuildersFedCheckByCheck() {
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            CheckHistories histories = new CheckHistories();
            Reference reference = new Reference();
            ServerState state = ServerState.UP;
            long millis = 0;
            for (int step = 0; step < 300; step++) {
                millis += random.nextInt(3) * 1000L;
                int what = random.nextInt(20);
                if (what < 16) {
                    CheckOutcome outcome = OUTCOMES.get(random.nextInt(OUTCOMES.size()));
                    HealthEvent event = new HealthEvent.CheckCompleted(millis * 1_000_000, "be", "s1", outcome,
                            COUNTER, COUNTER, null);
                    histories.add(event, millis);
                    reference.check(millis, outcome);
                } else if (what < 19) {
                    ServerState to = state == ServerState.DOWN ? ServerState.UP : ServerState.DOWN;
                    HealthEvent event = new HealthEvent.StateChanged(millis * 1_000_000, "be", "s1", false, state,
                            to, null, 1, 0, LogLevel.NOTICE, "line");
                    histories.add(event, millis);
                    reference.stateChanged(millis, state, to);
                    state = to;
                } else {
                    assertThat(histories.history("be", "s1")).as("seed %d step %d", seed, step)
                            .isEqualTo(reference.history());
                }
            }
            assertThat(histories.history("be", "s1")).as("seed %d", seed).isEqualTo(reference.history());
            assertThat(histories.downs()).as("seed %d", seed).isEqualTo(reference.downs());
        }
    }

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

    /** Builders fed check by check, as the histories did before keeping runs of passes. */
    private static final class Reference {
        private final ServerHistory.Builder whole = ServerHistory.builder();
        private final List<Episode> downs = new ArrayList<>();
        private Episode episode = new Episode(false);
        private boolean passedSinceDown;
        private long lastUpMillis = -1;

        void check(long millis, CheckOutcome outcome) {
            whole.check(millis, outcome);
            boolean passed = outcome.result() == CheckResult.PASSED || outcome.result() == CheckResult.CONDPASS;
            passedSinceDown |= passed;
            episode.builder.check(millis, outcome);
            if (episode.downAtMillis < 0) {
                episode.passed |= passed;
            }
        }

        void stateChanged(long millis, ServerState from, ServerState to) {
            if (to == ServerState.DOWN) {
                if (passedSinceDown) {
                    lastUpMillis = millis;
                }
                passedSinceDown = false;
            }
            if (to == ServerState.DOWN && episode.downAtMillis < 0) {
                episode.downAtMillis = millis;
                episode.builder.downAt(millis).lastUpMillis(episode.cameUp || episode.passed ? millis : -1);
                downs.add(episode);
            } else if (from == ServerState.DOWN && to != ServerState.DOWN && episode.downAtMillis >= 0) {
                episode.recoveredAtMillis = millis;
                episode.history = episode.builder.build();
                episode = new Episode(true);
            }
        }

        ServerHistory history() {
            return whole.lastUpMillis(lastUpMillis).build();
        }

        List<CheckHistories.Down> downs() {
            List<CheckHistories.Down> result = new ArrayList<>();
            for (Episode e : downs) {
                result.add(new CheckHistories.Down("be", "s1", e.downAtMillis, e.recoveredAtMillis,
                        e.history != null ? e.history : e.builder.build()));
            }
            return result;
        }
    }

    private static final class Episode {
        private final boolean cameUp;
        private final ServerHistory.Builder builder = ServerHistory.builder();
        private ServerHistory history;
        private boolean passed;
        private long downAtMillis = -1;
        private long recoveredAtMillis = -1;

        Episode(boolean cameUp) {
            this.cameUp = cameUp;
        }
    }
}
