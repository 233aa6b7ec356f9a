package io.haprobe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@link LatenessRecorder}: the first round apart from the steady state, lateness capped at one hour. */
class LatenessRecorderTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void checksPlannedAfterTheLastFirstCheckAreTheSteadyStateAndAnHourCapsTheLateness() {
        LatenessRecorder recorder = new LatenessRecorder();
        long from = 10_000 * MS;
        recorder.steadyFrom(() -> from);

        recorder.checkStarted("be", "s1", 1_000 * MS, 1_040 * MS); // first round: 40 ms late
        recorder.checkStarted("be", "s2", from, from + 30 * MS); // planned at the last first check: first round
        recorder.checkStarted("be", "s1", from + 1, from + 1 + 2 * MS); // steady: 2 ms late
        recorder.checkStarted("be", "s2", from + 5 * MS, from + 5 * MS + TimeUnit.HOURS.toNanos(2)); // 2 h: 1 h
        recorder.checkStarted("be", "s1", from + 9 * MS, from + 8 * MS); // early on another clock: 0

        ObjectNode run = new ObjectMapper().createObjectNode();
        recorder.addTo(run);
        assertThat(run.at("/lateness/checks").asLong()).isEqualTo(5);
        assertThat(run.at("/lateness/after_first_checks/checks").asLong()).isEqualTo(3);
        assertThat(run.at("/lateness/after_first_checks/max_ms").asDouble())
                .isCloseTo(3_600_000.0, within(3_600.0)); // HdrHistogram's 3 significant digits
        assertThat(run.at("/lateness/after_first_checks/p50_ms").asDouble()).isCloseTo(2.0, within(0.01));
        // (2 ms + 1 h + 0) / 3 and (40 ms + 30 ms + 2 ms + 1 h + 0) / 5
        assertThat(run.at("/lateness/after_first_checks/mean_ms").asDouble())
                .isCloseTo(1_200_000.667, within(1_200.0));
        assertThat(run.at("/lateness/mean_ms").asDouble()).isCloseTo(720_014.4, within(720.0));

        StringWriter text = new StringWriter();
        recorder.print(new PrintWriter(text));
        assertThat(text.toString())
                .startsWith("lateness of check starts (5 checks): mean 72")
                .contains("\nlateness after the first checks (3 checks): mean 120");
    }
}
