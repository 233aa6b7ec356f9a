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
 * {@link CheckHistories} keeps a run of passed checks on the server's entry and gives it to the builders later: the
 * histories and DOWN transitions must be those of builders fed check by check, whatever the order of checks, state
 * changes and reads.
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
