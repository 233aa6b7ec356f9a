package io.haprobe.live;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Probe;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.testkit.RecordedConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * {@link Probe} over real 127.0.0.1 sockets: one check with the exact request of the server's line, its verdict,
 * and nothing else sent (the backends are strict: no unexpected request, no connection left open).
 */
@Tag("live")
class ProbeLiveTest {

    @Test
    void oneCheckSendsTheServersRequestAndReportsItsVerdict() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (LoopbackBackends backends = LoopbackBackends.builder()
                .script("be/wrong", ServerScript.of(Behaviour.http(204))).bind()) {
            backends.start();
            HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", "defaults\n  timeout connect 2s\n"
                    + "backend be\n  option httpchk GET /health\n  http-check expect status 200\n"
                    + "  server wrong 127.0.0.1:" + backends.port("be/wrong") + " check\n"
                    + "  server closed 127.0.0.1:" + closedPort + " check\n");
            try (Probe probe = Probe.create(config)) {
                List<CheckOutcome> wrong = probe.check("be", "wrong").get(10, TimeUnit.SECONDS);
                List<CheckOutcome> closed = probe.check("be", "closed").get(10, TimeUnit.SECONDS);

                assertThat(wrong).extracting(CheckOutcome::status, CheckOutcome::code, CheckOutcome::info)
                        .containsExactly(tuple(CheckStatus.L7STS, 204, "No Content"));
                assertThat(closed).extracting(CheckOutcome::status, CheckOutcome::info)
                        .containsExactly(tuple(CheckStatus.L4CON, "Connection refused"));
            }
            RecordedConnection connection = backends.takeConnection("be/wrong", Duration.ofSeconds(10));
            assertThat(connection.receivedText()).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
            assertThat(backends.recordedConnections("be/wrong")).hasSize(1);
        }
    }
}
