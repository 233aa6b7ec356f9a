package io.haprobe.internal;

import io.haprobe.CheckStatus;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.CheckVerdict;
import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The interpreter over several connections ({@code http-check connect}) and over an agent reply. */
class CheckSessionSequenceTest {

    private static final CheckProgram TWO_CONNECTIONS = CheckProgram.compile(HaproxyConfig.parse("test.cfg", """
            backend be
                option httpchk
                http-check connect
                http-check send meth GET uri /first
                http-check expect status 200
                http-check connect port 8081
                http-check send meth GET uri /second
                http-check expect status 204
            """).proxies().get(0));

    private final List<String> written = new ArrayList<>();

    @Test
    void aPassingFirstResponseLeadsToTheNextConnectAndTheLastResponseDecides() {
        CheckSession session = new CheckSession(TWO_CONNECTIONS);
        assertThat(session.connected(this::record)).isNull();
        assertThat(written).containsExactly("GET /first HTTP/1.0\r\n\r\n");
        assertThat(receive(session, "HTTP/1.0 200 OK\r\n\r\n")).isNull();
        assertThat(session.pendingConnect()).isEqualTo(new CheckRule.Connect(8081, null, 0, false, false, 4, null));
        assertThat(session.isConnected()).isFalse();
        assertThat(session.connected(this::record)).isNull();
        assertThat(session.pendingConnect()).isNull();
        assertThat(written).containsExactly("GET /first HTTP/1.0\r\n\r\n", "GET /second HTTP/1.0\r\n\r\n");
        assertThat(receive(session, "HTTP/1.0 204 No Content\r\n\r\n"))
                .isEqualTo(new CheckVerdict(CheckStatus.L7OK, 204, ""));
    }

    @Test
    void aFailingFirstResponseEndsTheCheckWithoutTheSecondConnection() {
        CheckSession session = new CheckSession(TWO_CONNECTIONS);
        session.connected(this::record);
        assertThat(receive(session, "HTTP/1.0 503 Service Unavailable\r\n\r\n"))
                .isEqualTo(new CheckVerdict(CheckStatus.L7STS, 503, "Service Unavailable"));
        assertThat(session.pendingConnect()).isNull();
    }

    @Test
    void aRefusedSecondConnectIsL4con() {
        CheckSession session = new CheckSession(TWO_CONNECTIONS);
        session.connected(this::record);
        receive(session, "HTTP/1.0 200 OK\r\n\r\n");
        assertThat(session.failed("Connection refused"))
                .isEqualTo(new CheckVerdict(CheckStatus.L4CON, 0, "Connection refused"));
    }

    @Test
    void anAgentLineIsJudgedAtItsLineEnd() {
        CheckSession session = new CheckSession(CheckProgram.agent(9999, null, null));
        assertThat(session.connected(this::record)).isNull();
        assertThat(written).isEmpty();
        assertThat(receive(session, "drain 50")).isNull();
        assertThat(receive(session, "%\r\nignored")).isEqualTo(new CheckVerdict(CheckStatus.CHECKED, 0, ""));
        assertThat(session.agentReply()).extracting(AgentReply::admin, AgentReply::weight)
                .containsExactly("drain", "50%");
    }

    @Test
    void anAgentClosingWithoutDataIsAnEmptyResponseAndAPartialLineWaitsForTheTimeout() {
        CheckSession empty = new CheckSession(CheckProgram.agent(9999, null, null));
        empty.connected(this::record);
        assertThat(empty.peerClosed()).isEqualTo(new CheckVerdict(CheckStatus.L7RSP, 0,
                "TCPCHK got an empty response at step 2"));
        CheckSession partial = new CheckSession(CheckProgram.agent(9999, null, null));
        partial.connected(this::record);
        receive(partial, "up");
        assertThat(partial.peerClosed()).isNull();
        assertThat(partial.timedOut()).isEqualTo(new CheckVerdict(CheckStatus.L7TOUT, 0, ""));
        assertThat(partial.agentReply()).isNull();
    }

    @Test
    void agentSendIsWrittenOnConnect() {
        CheckSession session = new CheckSession(CheckProgram.agent(9999, null,
                "hello\n".getBytes(StandardCharsets.ISO_8859_1)));
        session.connected(this::record);
        assertThat(written).containsExactly("hello\n");
    }

    private CheckVerdict receive(CheckSession session, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return session.received(bytes, 0, bytes.length);
    }

    private void record(byte[] bytes) {
        written.add(new String(bytes, StandardCharsets.ISO_8859_1));
    }
}
