package io.haprobe.check;

import io.haprobe.config.GlobalSettings;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckProgramTest {

    @Test
    void plainCheckCompilesToConnectOnlyAndDelaysTheHandshakeAck() {
        CheckProgram program = CheckProgram.compile(proxy("""
                backend be
                    server s1 127.0.0.1:80 check
                """));
        assertThat(program.isConnectOnly()).isTrue();
        assertThat(program.disablesQuickAck()).isTrue();
    }

    @Test
    void httpchkCompilesToConnectSendExpectAndSendsOnTheHandshakeAck() {
        CheckProgram program = CheckProgram.compile(proxy("""
                backend be
                    option httpchk GET /health
                    server s1 127.0.0.1:80 check
                """));
        assertThat(program.rules()).hasSize(3);
        assertThat(program.rules().get(0)).isInstanceOf(CheckRule.Connect.class);
        assertThat(new String(((CheckRule.Send) program.rules().get(1)).bytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /health HTTP/1.0\r\n\r\n");
        assertThat(program.rules().get(2)).isInstanceOf(CheckRule.ExpectHttp.class);
        assertThat(program.disablesQuickAck()).isTrue();
    }

    @Test
    void expectWithoutASendReadsFirstAndKeepsTheQuickAck() {
        CheckProgram program = new CheckProgram(List.of(new CheckRule.Connect(),
                new CheckRule.ExpectHttp(HttpResponseJudge.of(List.of()))));
        assertThat(program.disablesQuickAck()).isFalse();
    }

    @Test
    void acceptsSendExpectSequencesAndSeveralConnectsButNeedsAConnectFirst() {
        CheckRule.Send send = new CheckRule.Send(new byte[] {'x'});
        CheckRule.ExpectHttp expect = new CheckRule.ExpectHttp(HttpResponseJudge.of(List.of()));
        assertThat(new CheckProgram(List.of(new CheckRule.Connect(), send, expect, send, expect)).rules()).hasSize(5);
        CheckProgram twoConnections = new CheckProgram(List.of(new CheckRule.Connect(), send, expect,
                new CheckRule.Connect(8080, null, 0, false, false, 4, null), expect));
        assertThat(twoConnections.disablesQuickAck(0)).isTrue();
        assertThat(twoConnections.disablesQuickAck(3)).isFalse();
        assertThatThrownBy(() -> twoConnections.disablesQuickAck(1))
                .hasMessage("connectIndex: 1 (expected: the index of a connect rule)");
        assertThat(new CheckProgram(List.of(new CheckRule.Connect(), send, expect,
                new CheckRule.Connect(8080, null, 0, true, false, 4, null), send, expect)).rules()).hasSize(6);
        assertThatThrownBy(() -> new CheckProgram(List.of(send)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a connect rule first");
    }

    @Test
    void httpCheckConnectSequencesCompileToOneJudgePerResponse() {
        CheckProgram program = CheckProgram.compile(proxy("""
                backend b
                    option httpchk
                    http-check connect
                    http-check send meth GET uri /first
                    http-check expect status 200
                    http-check connect port 8081 linger
                    http-check send meth GET uri /second ver HTTP/1.1 hdr Host x
                    http-check expect status 200
                    http-check expect hdr name x-ok
                """));
        assertThat(program.rules()).extracting(r -> r.getClass().getSimpleName()).containsExactly("Connect", "Send",
                "ExpectHttp", "Connect", "Send", "ExpectHttp");
        assertThat(program.rules().get(3)).isEqualTo(new CheckRule.Connect(8081, null, 0, true, false, 4, null));
        assertThat(new String(((CheckRule.Send) program.rules().get(1)).bytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /first HTTP/1.0\r\n\r\n");
        assertThat(new String(((CheckRule.Send) program.rules().get(4)).bytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /second HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    }

    @Test
    void sendStatePutsTheServerStateHeaderAfterTheUserHeaders() {
        ProxyConfig proxy = proxy("""
                backend be_s
                    option httpchk GET /s
                    http-check send hdr Host x hdr X-A b
                    http-check send-state
                """);
        String state = HttpRequestEncoder.serverState("UP 1/3", "127.0.0.1", 18085, "be_s", "s1", "vm", 10, 20, 0,
                0, 0);
        CheckProgram program = CheckProgram.compile(proxy, false, state, GlobalSettings.DEFAULT_BUFFER_SIZE);
        // captured from HAProxy 2.6.12 (two servers of weight 10, s1 checked, s2 not)
        assertThat(new String(((CheckRule.Send) program.rules().get(1)).bytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /s HTTP/1.0\r\nhost: x\r\nx-a: b\r\nx-haproxy-server-state: UP 1/3; "
                        + "address=127.0.0.1; port=18085; name=be_s/s1; node=vm; weight=10/20; scur=0/0; qcur=0"
                        + "\r\n\r\n");
        assertThat(new String(((CheckRule.Send) CheckProgram.compile(proxy).rules().get(1)).bytes(),
                StandardCharsets.ISO_8859_1)).isEqualTo("GET /s HTTP/1.0\r\nhost: x\r\nx-a: b\r\n\r\n");
    }

    @Test
    void theAgentProgramConnectsToTheAgentPortSendsAgentSendAndReadsALine() {
        CheckProgram program = CheckProgram.agent(9999, null, "hello\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(program.rules()).containsExactly(new CheckRule.Connect(9999, null, 0, false, true, 0, null),
                new CheckRule.Send("hello\n".getBytes(StandardCharsets.ISO_8859_1)), new CheckRule.ExpectAgent());
        assertThat(program.disablesQuickAck()).isTrue();
        assertThat(CheckProgram.agent(9999, null, null).rules()).containsExactly(
                new CheckRule.Connect(9999, null, 0, false, true, 0, null), new CheckRule.ExpectAgent());
        assertThatThrownBy(() -> CheckProgram.agent(0, null, null)).hasMessage("port: 0 (expected: 1..65535)");
    }

    private static ProxyConfig proxy(String text) {
        return HaproxyConfig.parse("test.cfg", text).proxies().get(0);
    }
}
