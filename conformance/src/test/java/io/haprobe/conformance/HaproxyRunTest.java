package io.haprobe.conformance;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/** Reading HAProxy's strace: which connect starts a check, which close ends it, when each log line was written. */
class HaproxyRunTest {

    private static final String PID = "100 ";
    private static final Map<Integer, String> ROLES = Map.of(5001, "be/s1", 5002, "be/s2");
    private static final Set<Integer> PLAYERS = Set.of(5001, 5002);
    private static final String DOWN = "Server be/s2 is DOWN, reason: Layer4 connection problem, info: \"Connection"
            + " refused\", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0"
            + " remaining in queue.";

    @Test
    void aCheckStartsWithItsFirstConnectAndEndsWithItsClose() {
        Observation observation = observe(List.of(
                PID + "1000.000000 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress)"),
                PID + "1000.000500 close(7)        = 0",
                PID + "1000.200000 " + connect(3, 53, "0").replace("127.0.0.1", "10.255.255.53"),
                PID + "1000.500000 " + connect(7, 5002, "-1 EINPROGRESS (Operation now in progress)"),
                // the refused connect is called again for its outcome: that starts no check
                PID + "1000.500300 " + connect(7, 5002, "-1 ECONNREFUSED (Connection refused)"),
                PID + "1000.500400 close(7)        = 0",
                PID + "1000.500600 writev(1, [...], 2) = 199",
                // the same descriptor, the same port: a new check, not an outcome
                PID + "1001.000700 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress)")),
                List.of(DOWN));

        assertThat(observation.checkStarts()).isEqualTo(Map.of("be/s1", List.of(0.0, 1000.7), "be/s2", List.of(500.0)));
        assertThat(observation.checkEnds().get("be/s1")).containsExactly(0.5, Double.NaN);
        assertThat(observation.checkEnds().get("be/s2")).containsExactly(500.4);
        assertThat(observation.lines().get("be/s2")).singleElement()
                .satisfies(line -> assertThat(line.atMillis()).isEqualTo(500.6, offset(1e-6)))
                .extracting(Observation.LogLine::durationMillis).isEqualTo(0L);
    }

    @Test
    void logLinesAndWritesMustAgree() {
        assertThatThrownBy(() -> observe(List.of(
                PID + "1000.000000 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress)"),
                PID + "1000.500600 writev(1, [...], 2) = 199"), List.of(DOWN, DOWN)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("HAProxy wrote 2 log lines but the trace shows 1 writes to stdout");
    }

    @Test
    void whatHappensAfterTheDurationIsLeftOut() {
        Observation observation = observe(List.of(
                PID + "1000.000000 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress)"),
                PID + "1003.000000 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress)"),
                PID + "1003.000100 writev(1, [...], 2) = 199"), List.of(DOWN));

        assertThat(observation.checkStarts()).isEqualTo(Map.of("be/s1", List.of(0.0)));
        assertThat(observation.lines()).isEmpty();
    }

    private static Observation observe(List<String> trace, List<String> stdout) {
        Observation.Builder builder = new Observation.Builder("haproxy", UnaryOperator.identity());
        HaproxyRun.observe(trace, stdout, 2_000_000_000L, ROLES, PLAYERS, builder);
        return builder.build();
    }

    private static String connect(int fd, int port, String result) {
        return "connect(" + fd + ", {sa_family=AF_INET, sin_port=htons(" + port + "), sin_addr=inet_addr("
                + "\"127.0.0.1\")}, 16) = " + result;
    }
}
