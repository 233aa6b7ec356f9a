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
    void aCheckAfterAPollerWaitThatEndedLateIsAsLate() {
        Observation observation = observe(List.of(
                PID + "1000.000000 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress) <0.000100>"),
                PID + "1000.000500 close(7)        = 0 <0.000050>",
                // planned for 1001.000600; the machine gave HAProxy the CPU 50 ms later
                PID + "1000.000600 epoll_wait(3, [], 200, 1000) = 0 <1.050000>",
                PID + "1001.050700 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress) <0.000100>"),
                PID + "1001.050800 epoll_wait(3, [...], 200, 999) = 1 <0.000009>",
                PID + "1001.051000 close(7)        = 0 <0.000050>",
                PID + "1001.051100 writev(1, [...], 2) = 199 <0.000020>"),
                List.of(DOWN.replace("be/s2", "be/s1")));

        assertThat(observation.checkStarts().get("be/s1")).containsExactly(0.0, 1050.7);
        assertThat(observation.checkLates().get("be/s1")).usingElementComparator(close())
                .containsExactly(0.0, 50.1);
        // the line followed network input, not a timer: the check's own lateness counts for it
        assertThat(observation.lines().get("be/s1")).singleElement().extracting(Observation.LogLine::lateMillis)
                .isEqualTo(0.0);
    }

    @Test
    void aWaitHaproxyTakesForAClockJumpDelaysItsLaterTimers() {
        Observation observation = observe(List.of(
                PID + "1000.000000 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress) <0.000100>"),
                PID + "1000.000500 close(7)        = 0 <0.000050>",
                // 1037.7 ms for a 929 ms wait: more than 100 ms late, so HAProxy 2.6 advances its clock by 929 ms
                // only and still waits the 72 ms it believes are left
                PID + "1000.000600 epoll_wait(3, [], 200, 929) = 0 <1.037700>",
                PID + "1001.038400 epoll_wait(3, [], 200, 72) = 0 <0.072000>",
                PID + "1001.110600 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress) <0.000100>"),
                // a timeout armed after the jump fires on time
                PID + "1001.110700 epoll_wait(3, [], 200, 500) = 0 <0.500010>",
                PID + "1001.610900 writev(1, [...], 2) = 199 <0.000020>"),
                List.of(DOWN.replace("be/s2", "be/s1")));

        assertThat(observation.checkLates().get("be/s1")).usingElementComparator(close())
                .containsExactly(0.0, 108.9);
        assertThat(observation.lines().get("be/s1")).singleElement().extracting(Observation.LogLine::lateMillis)
                .satisfies(late -> assertThat(late).isCloseTo(0.2, offset(1e-6)));
    }

    @Test
    void aCheckOfSeveralConnectionsStartsWithTheOneATimerOpened() {
        String inProgress = "-1 EINPROGRESS (Operation now in progress) <0.000100>";
        Observation.Builder builder = new Observation.Builder("haproxy", UnaryOperator.identity());
        HaproxyRun.observe(List.of(
                PID + "1000.000000 " + connect(7, 5001, inProgress),
                PID + "1000.000200 epoll_wait(3, [...], 200, 1000) = 1 <0.001000>",
                PID + "1000.001300 close(7)        = 0 <0.000050>",
                // the check's second connection, opened on the first one's answer
                PID + "1000.001400 " + connect(7, 5001, inProgress),
                PID + "1000.001500 epoll_wait(3, [...], 200, 999) = 1 <0.001000>",
                PID + "1000.002600 close(7)        = 0 <0.000050>",
                PID + "1000.002700 epoll_wait(3, [], 200, 998) = 0 <0.998000>",
                // the next check, opened by its timer
                PID + "1001.000800 " + connect(7, 5001, inProgress)),
                List.of(), 2_000_000_000L, ROLES, Set.of(5001), PLAYERS, builder);

        assertThat(builder.build().checkStarts().get("be/s1")).containsExactly(0.0, 1000.8);
    }

    @Test
    void aCommandJoinsItsServersLogBeforeTheLinesWrittenAfterItWasSent() {
        String stat = """
                # pxname,svname,status,weight,act,bck,
                be,s1,MAINT,1,1,0,
                """;
        String state = """
                1
                # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight
                2 be 1 s1 127.0.0.1 0 1 1 1
                """;
        Observation.Builder builder = new Observation.Builder("haproxy", UnaryOperator.identity());
        HaproxyRun.observe(List.of(
                PID + "1000.000000 " + connect(7, 5001, "-1 EINPROGRESS (Operation now in progress)"),
                PID + "1001.500800 writev(1, [...], 2) = 199"),
                List.of("Server be/s1 is going DOWN for maintenance. 0 active and 0 backup servers left."),
                2_000_000_000L, ROLES, Set.of(), PLAYERS,
                List.of(new HaproxyRun.Sent(1_001_500_300L, "disable server be/s1", "\n", stat, state),
                        new HaproxyRun.Sent(1_001_600_000L, "get weight be/s1", "1 (initial 1)\n\n", stat, state),
                        new HaproxyRun.Sent(1_001_700_000L, "show stat", stat + "\n", stat, state)),
                builder);
        Observation observation = builder.build();

        assertThat(observation.lines().get("be/s1")).extracting(Observation.LogLine::text).containsExactly(
                "> disable server be/s1",
                "Server be/s1 is going DOWN for maintenance. 0 active and 0 backup servers left.",
                "> get weight be/s1", "1 (initial 1)");
        assertThat(observation.lines().get("be/s1").get(0).atMillis()).isCloseTo(1500.3, offset(1e-6));
        // a show command's answer is compared by its columns, not as lines
        assertThat(observation.lines().get(Observation.COMMANDS)).extracting(Observation.LogLine::text)
                .containsExactly("> show stat");
        assertThat(observation.commands()).extracting(Observation.Command::command)
                .containsExactly("disable server be/s1", "get weight be/s1", "show stat");
        assertThat(observation.commands().get(0).stat().get("be/s1")).containsEntry("status", "MAINT")
                .containsEntry("act", "1").containsEntry("bck", "0");
        assertThat(observation.commands().get(0).serversState().get("be/s1")).containsEntry("srv_admin_state", "1")
                .containsEntry("srv_addr", "127.0.0.1").containsEntry("srv_port", "");
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
        HaproxyRun.observe(trace, stdout, 2_000_000_000L, ROLES, Set.of(), PLAYERS, builder);
        return builder.build();
    }

    private static java.util.Comparator<Double> close() {
        return (a, b) -> Math.abs(a - b) < 1e-6 ? 0 : Double.compare(a, b);
    }

    private static String connect(int fd, int port, String result) {
        return "connect(" + fd + ", {sa_family=AF_INET, sin_port=htons(" + port + "), sin_addr=inet_addr("
                + "\"127.0.0.1\")}, 16) = " + result;
    }
}
