package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the non-HTTP check options compile to, and the exact bytes they send: every request below was captured
 * from HAProxy 2.6.12 on loopback.
 */
class TcpCheckProgramsTest {

    @Test
    void optionTcpCheckGetsAnImplicitConnectUnlessItsFirstRuleIsOne() {
        CheckProgram implicit = compile("option tcp-check", "tcp-check send PING\\r\\n",
                "tcp-check expect string PONG");
        assertThat(implicit.tcpCheck()).isTrue();
        assertThat(implicit.rules()).containsExactly(new CheckRule.Connect(),
                new CheckRule.Send(ascii("PING\r\n"), -1, 1, null),
                new CheckRule.ExpectContent(new ContentMatch.Text(ascii("PONG")), 2));
        assertThat(implicit.disablesQuickAck()).isTrue();

        CheckProgram explicit = compile("option tcp-check", "tcp-check connect port 6379 linger",
                "tcp-check expect string +OK");
        assertThat(explicit.rules()).containsExactly(new CheckRule.Connect(6379, null, 0, true, false, 1, null),
                new CheckRule.ExpectContent(new ContentMatch.Text(ascii("+OK")), 2));
        assertThat(explicit.disablesQuickAck()).isFalse();

        assertThat(compile("option tcp-check").rules()).containsExactly(new CheckRule.Connect());
        assertThat(compile("option tcp-check").tcpCheck()).isTrue();
        assertThat(CheckProgram.connectOnly().tcpCheck()).isFalse();
    }

    @Test
    void expectOptionsBecomeTheRulesStatusesTextsAndCode() {
        CheckRule rule = compile("option tcp-check", "tcp-check send PING\\r\\n",
                "tcp-check expect min-recv 4 ! rbinary ^2D ok-status L6OK error-status L7STS tout-status L6TOUT"
                        + " on-success fine on-error bad status-code int(7) comment c").rules().get(2);
        assertThat(rule).isEqualTo(new CheckRule.ExpectContent(new ContentMatch.BinaryRegex(
                java.util.regex.Pattern.compile("^2D")), true, 4, CheckStatus.L6OK, CheckStatus.L7STS,
                CheckStatus.L6TOUT, new ResponseText.Literal("fine"), new ResponseText.Literal("bad"),
                new ResponseCode.Constant(7), 2, "c"));
    }

    @Test
    void sslHelloChkSendsHaproxysSslv3ClientHello() {
        CheckProgram program = compile("option ssl-hello-chk");
        CheckRule.Send hello = (CheckRule.Send) program.rules().get(1);
        // captured from HAProxy 2.6.12, its 4 time bytes (6b013d2d) included
        assertThat(HexFormat.of().formatHex(hello.bytesAt(0x6B013D2DL))).isEqualTo("1603000079010000750300"
                + "6b013d2d" + hex("HAPROXYSSLCHK\nHAPROXYSSLCHK\n") + "00004e"
                + "000100020003000400050006000700080009000a000b000c000d000e000f0010001100120013001400150016001700180019"
                + "001a001b002f0030003100320033003400350036003700380039003a" + "0100");
        assertThat(hello.bytes()).hasSize(126);
        assertThat(program.rules().get(2)).isEqualTo(new CheckRule.ExpectContent(new ContentMatch.BinaryRegex(
                java.util.regex.Pattern.compile("^1[56]")), false, 5, CheckStatus.L6OK, CheckStatus.L6RSP,
                CheckStatus.L6TOUT, null, null, null, 2, null));
        assertThat(program.tcpCheck()).isFalse();
    }

    @Test
    void redisSmtpPgsqlMysqlAndLdapSendHaproxysBytes() {
        assertThat(sent(compile("option redis-check"))).containsExactly("*1\r\n$4\r\nPING\r\n");
        assertThat(sent(compile("option smtpchk"))).containsExactly("HELO localhost\r\n", "QUIT\r\n");
        assertThat(sent(compile("option smtpchk EHLO me.example"))).containsExactly("EHLO me.example\r\n", "QUIT\r\n");
        assertThat(sent(compile("option pgsql-check user pguser")))
                .containsExactly("\0\0\0\u0015\0\u0003\0\0user\0pguser\0\0");
        assertThat(sent(compile("option mysql-check user haproxy"))).containsExactly(")\0\0\u0001\0\u0082\0\0\0\u0080\0"
                + "\u0001!" + "\0".repeat(23) + "haproxy\0\0\u0001\0\0\0\u0001");
        assertThat(sent(compile("option mysql-check user hp pre-41")))
                .containsExactly("\t\0\0\u0001\0\u0080\0\0\u0001hp\0\0\u0001\0\0\0\u0001");
        assertThat(sent(compile("option mysql-check"))).isEmpty();
        assertThat(sent(compile("option ldap-check"))).containsExactly("0\f\u0002\u0001\u0001`\u0007\u0002\u0001"
                + "\u0003\u0004\0\u0080\0");
    }

    @Test
    void protocolChecksThatReadFirstConnectWithLingerAndKeepTheQuickAck() {
        for (String option : List.of("option smtpchk", "option mysql-check")) {
            CheckRule.Connect connect = (CheckRule.Connect) compile(option).rules().get(0);
            assertThat(connect.linger()).as(option).isTrue();
            assertThat(compile(option).disablesQuickAck()).as(option).isFalse();
        }
        assertThat(((CheckRule.Connect) compile("option pgsql-check user u").rules().get(0)).linger()).isTrue();
        assertThat(((CheckRule.Connect) compile("option redis-check").rules().get(0)).linger()).isFalse();
    }

    private static List<String> sent(CheckProgram program) {
        return program.rules().stream().filter(CheckRule.Send.class::isInstance)
                .map(rule -> new String(((CheckRule.Send) rule).bytes(), StandardCharsets.ISO_8859_1)).toList();
    }

    private static CheckProgram compile(String... lines) {
        StringBuilder cfg = new StringBuilder("backend be\n");
        for (String line : lines) {
            cfg.append("    ").append(line).append('\n');
        }
        cfg.append("    server s1 127.0.0.1:80 check\n");
        return CheckProgram.compile(HaproxyConfig.parse("test.cfg", cfg.toString()).proxies().get(0));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(ascii(text));
    }
}
