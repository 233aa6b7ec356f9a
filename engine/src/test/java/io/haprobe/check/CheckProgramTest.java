package io.haprobe.check;

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
        assertThatThrownBy(() -> new CheckProgram(List.of(send)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a connect rule first");
    }

    private static ProxyConfig proxy(String text) {
        return HaproxyConfig.parse("test.cfg", text).proxies().get(0);
    }
}
