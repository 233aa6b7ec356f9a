package io.haprobe.sim;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Simulation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What servers put on the wire at the edges of a check, on virtual time, with the lines HAProxy 2.6.12 printed
 * for the same bytes (conformance scenarios 052 and up).
 */
class ServerWireEdgesTest {

    @Test
    void aResetAfterPartOfAnHttpResponseIsASocketErrorNotAnInvalidResponse() {
        // HAProxy 2.6.12, "HTTP/1.1 200 OK\r\nContent-Le" then RST: "Health check for server b1/partial failed,
        // reason: Socket error, info: "Connection reset by peer", check duration: 51ms, status: 0/2 DOWN."
        Simulation sim = simulation("""
                backend be
                    option httpchk GET /
                    option log-health-checks
                    server s1 10.0.0.1:80 check inter 1s fall 1
                """, "be/s1", dialogueThenReset("\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Le", Duration.ofMillis(50)));

        sim.runFor(Duration.ofMillis(500));

        assertThat(sim.timeline().logLines()).first().isEqualTo("t=50ms Health check for server be/s1 failed, reason: "
                + "Socket error, info: \"Connection reset by peer\", check duration: 50ms, status: 0/2 DOWN.");
    }

    @Test
    void aResetWhileAnHttpBodyRuleWaitsIsASocketErrorToo() {
        // HAProxy 2.6.12, http-check expect string XYZ, a head with Content-Length: 10 and "abc", then RST:
        // reason: Socket error, info: "Connection reset by peer"
        Simulation sim = simulation("""
                backend be
                    option httpchk GET /
                    option log-health-checks
                    http-check expect string XYZ
                    server s1 10.0.0.1:80 check inter 1s fall 1
                """, "be/s1", dialogueThenReset("\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
                Duration.ZERO));

        sim.runFor(Duration.ofMillis(500));

        assertThat(sim.timeline().logLines()).first().asString()
                .contains("reason: Socket error, info: \"Connection reset by peer\"");
    }

    @Test
    void aResetAfterPartOfATcpCheckAnswerIsJudgedByTheExpect() {
        // HAProxy 2.6.12, "+PO" then RST: reason: Layer7 invalid response,
        // info: "TCPCHK did not match content '+PONG' at step 2"
        Simulation sim = simulation("""
                backend be
                    option tcp-check
                    option log-health-checks
                    tcp-check send PING\\r\\n
                    tcp-check expect string +PONG
                    server s1 10.0.0.1:6379 check inter 1s fall 1
                """, "be/s1", dialogueThenReset("PING\r\n", "+PO", Duration.ZERO));

        sim.runFor(Duration.ofMillis(500));

        assertThat(sim.timeline().logLines()).first().asString().contains("reason: Layer7 invalid response, "
                + "info: \"TCPCHK did not match content '+PONG' at step 2\"");
    }

    @Test
    void aTcpCheckSendThatDoesNotFitTuneBufsizeFailsAtOnceWithoutWriting() {
        // HAProxy 2.6.12, tune.bufsize 2048 and tcp-check send of 3000 bytes ("haproxy -c" accepts it):
        // reason: Layer7 invalid response, info: "tcp-check send : string too large (3000) for buffer size (2048)
        // at step 1", check duration: 0ms; 2047 bytes pass, 2048 fail
        Simulation sim = simulation("""
                global
                    tune.bufsize 2048
                backend be
                    option tcp-check
                    option log-health-checks
                    tcp-check send %s
                    tcp-check expect string +PONG
                    server big 10.0.0.1:6379 check inter 1s
                """.formatted("A".repeat(3000)), "be/big", ServerScript.of(Behaviour.hang()));

        sim.runFor(Duration.ofMillis(100));

        assertThat(sim.timeline().logLines()).first().isEqualTo("t=0ms Health check for server be/big failed, "
                + "reason: Layer7 invalid response, info: \"tcp-check send : string too large (3000) for buffer size "
                + "(2048) at step 1\", check duration: 0ms, status: 0/2 DOWN.");
    }

    @Test
    void tcpCheckSendsMustBeShorterThanTheBuffer() {
        for (int length : new int[] {2047, 2048}) {
            Simulation sim = simulation("""
                    global
                        tune.bufsize 2048
                    backend be
                        option tcp-check
                        option log-health-checks
                        tcp-check send %s
                        server s1 10.0.0.1:6379 check inter 1s
                    """.formatted("A".repeat(length)), "be/s1", ServerScript.of(Behaviour.hang()));

            sim.runFor(Duration.ofMillis(100));

            assertThat(sim.timeline().logLines()).first().asString().contains(length == 2047
                    ? "succeeded, reason: Layer7 check passed, code: 0, info: \"(tcp-check)\""
                    : "info: \"tcp-check send : string too large (2048) for buffer size (2048) at step 1\"");
        }
    }

    @Test
    void anHttpCheckRequestThatDoesNotFitTheBufferAsHtxFails() {
        // HAProxy 2.6.12 with tune.bufsize 2048, "http-check send meth GET uri / body <n bytes>": 1894 passes, 1895
        // gives reason: Layer7 invalid response, info: "tcp-check send : failed to build HTTP request at step 1"
        for (int length : new int[] {1894, 1895}) {
            Simulation sim = simulation("""
                    global
                        tune.bufsize 2048
                    backend be
                        option httpchk
                        option log-health-checks
                        http-check send meth GET uri / body %s
                        server s1 10.0.0.1:80 check inter 1s
                    """.formatted("A".repeat(length)), "be/s1", ServerScript.of(Behaviour.http(200)));

            sim.runFor(Duration.ofMillis(100));

            assertThat(sim.timeline().logLines()).first().isEqualTo(length == 1894
                    ? "t=0ms Health check for server be/s1 succeeded, reason: Layer7 check passed, code: 200, "
                    + "check duration: 0ms, status: 3/3 UP."
                    : "t=0ms Health check for server be/s1 failed, reason: Layer7 invalid response, info: \"tcp-check "
                    + "send : failed to build HTTP request at step 1\", check duration: 0ms, status: 0/2 DOWN.");
        }
    }

    private static ServerScript dialogueThenReset(String await, String send, Duration delay) {
        return ServerScript.of(new Behaviour.Dialogue(List.of(new Behaviour.Dialogue.Exchange(ascii(await),
                ascii(send), Delay.NONE), new Behaviour.Dialogue.Exchange(new byte[0], new byte[0], Delay.of(delay))),
                false, true));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Simulation simulation(String cfg, String server, ServerScript script) {
        return Simulation.builder(HaproxyConfig.parse("test.cfg", cfg)).script(server, script).build();
    }
}
