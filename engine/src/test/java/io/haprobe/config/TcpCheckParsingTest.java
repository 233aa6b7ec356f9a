package io.haprobe.config;

import io.haprobe.CheckStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.haprobe.config.HaproxyConfigParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code option tcp-check}, {@code tcp-check} rules and the protocol check options (CFG §4.2; spec §5.2). */
class TcpCheckParsingTest {

    @Test
    void optionTcpCheckWithoutRulesIsTheEmptyRuleSet() {
        assertThat(option("backend b", "  option tcp-check")).isEqualTo(new CheckOption.TcpCheck(List.of()));
        assertThat(parse("backend b", "  option tcp-check").proxy("b").orElseThrow().httpCheck()).isFalse();
    }

    @Test
    void rulesGetStepNumbersCountingCommentLines() {
        List<TcpCheckRule> rules = rules("backend b", "  option tcp-check", "  tcp-check comment C0",
                "  tcp-check connect", "  tcp-check comment C1",
                "  tcp-check send PING\\r\\n", "  tcp-check expect string PONG", "  tcp-check comment C2",
                "  tcp-check expect string +OK", "  tcp-check expect string READY", "  tcp-check connect port 81");
        assertThat(rules).extracting(TcpCheckRule::step).containsExactly(2, 4, 5, 7, 8, 9);
        // a comment goes to the next rule and the rules of the same kind right after it (spec §5.2)
        assertThat(rules).extracting(TcpCheckRule::comment).containsExactly("C0", "C1", null, "C2", "C2", null);
    }

    @Test
    void connectOptionsAreRead() {
        TcpCheckRule.Connect connect = (TcpCheckRule.Connect) rules("backend b", "  option tcp-check",
                "  tcp-check connect port 6379 addr 10.0.0.7:7000 linger default comment second").get(0);
        assertThat(connect).extracting(TcpCheckRule.Connect::port, TcpCheckRule.Connect::address,
                TcpCheckRule.Connect::addressPort, TcpCheckRule.Connect::linger, TcpCheckRule.Connect::comment)
                .containsExactly(6379, "10.0.0.7", 7000, true, "second");
        TcpCheckRule.Connect ipv6 = (TcpCheckRule.Connect) rules("backend b", "  option tcp-check",
                "  tcp-check connect addr [::1]:25").get(0);
        assertThat(ipv6).extracting(TcpCheckRule.Connect::address, TcpCheckRule.Connect::addressPort)
                .containsExactly("::1", 25);
    }

    @Test
    void sendAndSendBinaryGiveTheBytesOnTheWire() {
        List<TcpCheckRule> rules = rules("backend b", "  option tcp-check", "  tcp-check send PING\\r\\n comment p",
                "  tcp-check send-binary 2a310d0A");
        assertThat(new String(((TcpCheckRule.Send) rules.get(0)).data(), StandardCharsets.ISO_8859_1))
                .isEqualTo("PING\r\n");
        assertThat(rules.get(0).comment()).isEqualTo("p");
        assertThat(((TcpCheckRule.Send) rules.get(1)).data()).containsExactly('*', '1', '\r', '\n');
    }

    @Test
    void expectReadsEveryOptionBeforeOrAfterThePattern() {
        TcpCheckRule.Expect expect = (TcpCheckRule.Expect) rules("backend b", "  option tcp-check",
                "  tcp-check expect min-recv 5 ! rstring ^-ERR ok-status L6OK error-status L7STS tout-status L6TOUT"
                        + " on-success fine on-error \"bad answer\" status-code int(42) comment c").get(0);
        assertThat(expect).extracting(TcpCheckRule.Expect::match, TcpCheckRule.Expect::pattern,
                TcpCheckRule.Expect::inverse, e -> e.options().minRecv(), e -> e.options().okStatus(),
                e -> e.options().errorStatus(), e -> e.options().timeoutStatus(), e -> e.options().onSuccess(),
                e -> e.options().onError(), e -> e.options().statusCode(), TcpCheckRule.Expect::comment)
                .containsExactly(TcpCheckRule.Expect.Match.RSTRING, "^-ERR", true, 5, CheckStatus.L6OK,
                        CheckStatus.L7STS, CheckStatus.L6TOUT, "fine", "bad answer", 42, "c");
        assertThat(expect.regex().pattern()).isEqualTo("^-ERR");
        TcpCheckRule.Expect binary = (TcpCheckRule.Expect) rules("backend b", "  option tcp-check",
                "  tcp-check expect !!binary 2B504f").get(0);
        assertThat(binary.inverse()).isFalse();
        assertThat(binary.bytes()).containsExactly('+', 'P', 'O');
    }

    @Test
    void protocolOptionsAndTheirArguments() {
        assertThat(option("backend b", "  option ssl-hello-chk")).isEqualTo(new CheckOption.SslHelloChk());
        assertThat(option("backend b", "  option redis-check")).isEqualTo(new CheckOption.RedisCheck());
        assertThat(option("backend b", "  option ldap-check")).isEqualTo(new CheckOption.LdapCheck());
        assertThat(option("backend b", "  option smtpchk")).isEqualTo(new CheckOption.SmtpChk("HELO localhost"));
        assertThat(option("backend b", "  option smtpchk EHLO mx.example")).isEqualTo(
                new CheckOption.SmtpChk("EHLO mx.example"));
        // HAProxy turns any other greeting into the default one
        assertThat(option("backend b", "  option smtpchk HI mx.example")).isEqualTo(
                new CheckOption.SmtpChk("HELO localhost"));
        assertThat(option("backend b", "  option mysql-check")).isEqualTo(new CheckOption.MysqlCheck(null, true));
        assertThat(option("backend b", "  option mysql-check user hp")).isEqualTo(new CheckOption.MysqlCheck("hp", true));
        assertThat(option("backend b", "  option mysql-check user hp pre-41")).isEqualTo(
                new CheckOption.MysqlCheck("hp", false));
        assertThat(option("backend b", "  option pgsql-check user pg")).isEqualTo(new CheckOption.PgsqlCheck("pg"));
    }

    @Test
    void theLastCheckOptionWinsHttpchkIncluded() {
        assertThat(option("backend b", "  option httpchk", "  option redis-check")).isEqualTo(
                new CheckOption.RedisCheck());
        HaproxyConfig config = parse("backend b", "  option redis-check", "  option httpchk");
        assertThat(config.proxy("b").orElseThrow().checkOption()).isNull();
        assertThat(config.proxy("b").orElseThrow().httpCheck()).isTrue();
    }

    @Test
    void sectionsInheritTheOptionAndRulesOfDefaultsAndTheirOwnRulesReplaceThem() {
        HaproxyConfig config = parse("defaults", "  option tcp-check", "  tcp-check send PING\\r\\n",
                "  tcp-check expect string PONG", "backend inherits", "backend own", "  tcp-check send INFO\\r\\n",
                "backend other", "  option redis-check");
        assertThat(((CheckOption.TcpCheck) config.proxy("inherits").orElseThrow().checkOption()).rules()).hasSize(2);
        List<TcpCheckRule> own = ((CheckOption.TcpCheck) config.proxy("own").orElseThrow().checkOption()).rules();
        assertThat(own).singleElement().extracting(TcpCheckRule::step).isEqualTo(1);
        assertThat(config.proxy("other").orElseThrow().checkOption()).isEqualTo(new CheckOption.RedisCheck());
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void rulesWithoutOptionTcpCheckAreIgnoredWithHaproxysWarning() {
        HaproxyConfig config = parse("backend a", "  tcp-check send PING\\r\\n", "  option tcp-check",
                "backend b", "  tcp-check send PING\\r\\n", "backend c", "  option tcp-check",
                "  tcp-check send PING\\r\\n", "  option redis-check");
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "haproxy.cfg:5:3: backend 'b' uses tcp-check rules without 'option tcp-check', so the rules are"
                        + " ignored");
        assertThat(config.proxy("b").orElseThrow().checkOption()).isNull();
    }

    @Test
    void notYetSupportedPartsAreWarnedAndTheirRulesStillUseAStep() {
        HaproxyConfig config = parse("backend b", "  option tcp-check", "  tcp-check connect send-proxy port 81",
                "  tcp-check send-lf %[srv_name]", "  tcp-check expect string-lf %[srv_name]",
                "  tcp-check set-var(check.x) str(a)", "  tcp-check expect string OK");
        assertThat(((CheckOption.TcpCheck) config.proxy("b").orElseThrow().checkOption()).rules())
                .extracting(TcpCheckRule::step).containsExactly(1, 5);
        assertThat(((TcpCheckRule.Connect) ((CheckOption.TcpCheck) config.proxy("b").orElseThrow().checkOption())
                .rules().get(0)).options().sendProxy()).isTrue();
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "haproxy.cfg:4:13: 'tcp-check send-lf' is not supported yet, rule ignored",
                // at the pattern keyword, as for http-check expect (one expect parser)
                "haproxy.cfg:5:20: 'tcp-check expect string-lf' is not supported yet, rule ignored",
                "haproxy.cfg:6:13: 'tcp-check set-var(check.x)' is not supported yet, rule ignored");
    }

    @Test
    void badTcpCheckLinesNameTheToken() {
        assertError("haproxy.cfg:3:13: 'tcp-check' only supports 'comment', 'connect', 'send', 'send-lf',"
                + " 'send-binary', 'send-binary-lf', 'expect', 'set-var' and 'unset-var' but got 'sned'",
                "  tcp-check sned PING");
        assertError("haproxy.cfg:3:13: 'tcp-check send' expects a <string> as argument", "  tcp-check send");
        assertError("haproxy.cfg:3:23: 'tcp-check send' only supports 'comment' but got 'extra'",
                "  tcp-check send PING extra");
        assertError("haproxy.cfg:3:25: tcp-check send-binary: '2a3' (expected: an even number of hex digits)",
                "  tcp-check send-binary 2a3");
        // tcp-check and http-check connect share one parser and HAProxy's words (haproxy -c on 2.6.12:
        // "'tcp-check connect' : expects 'comment', ... but got 'lingr' as argument.", "'tcp-check connect' :
        // expects a valid TCP port (from range 1 to 65535) or a sample expression, got 70000.", "'tcp-check
        // connect' : 'addr' : invalid address: 'db.example' in 'db.example'")
        assertError("haproxy.cfg:3:21: 'tcp-check connect': expects 'comment', 'port', 'addr', 'send-proxy', 'ssl',"
                + " 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got 'lingr' as argument",
                "  tcp-check connect lingr");
        assertError("haproxy.cfg:3:26: 'tcp-check connect': expects a valid TCP port (from range 1 to 65535) or a"
                + " sample expression, got 70000", "  tcp-check connect port 70000");
        assertError("haproxy.cfg:3:26: 'tcp-check connect': 'addr' : invalid address: 'db.example' in 'db.example'",
                "  tcp-check connect addr db.example");
        assertError("haproxy.cfg:4:13: 'tcp-check connect' : first step MUST also be a 'connect', optionally"
                + " preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the"
                + " tcp-check ruleset", "  tcp-check send PING", "  tcp-check connect");
        assertError("haproxy.cfg:3:13: 'tcp-check expect' expects at least a matching pattern as arguments",
                "  tcp-check expect min-recv 3");
        assertError("haproxy.cfg:3:20: 'tcp-check expect' only supports min-recv, comment, ok-status, error-status,"
                + " tout-status, on-success, on-error, status-code, [!]string, [!]rstring, [!]binary, [!]rbinary,"
                + " [!]string-lf and [!]binary-lf but got 'status'", "  tcp-check expect status 200");
        assertError("haproxy.cfg:3:29: 'tcp-check expect': only one pattern expected, got 'string'",
                "  tcp-check expect string A string B");
        // one expect parser for both grammars; haproxy -c on 2.6.12: "'tcp-check expect' : 'ok-status' only
        // supports 'L4OK', 'L6OK', 'L7OK' or 'L7OKC' status (got 'L7STS')."
        assertError("haproxy.cfg:3:39: 'tcp-check expect': 'ok-status' only supports 'L4OK', 'L6OK', 'L7OK' or"
                + " 'L7OKC' status (got 'L7STS')", "  tcp-check expect string A ok-status L7STS");
        assertError("haproxy.cfg:3:28: rstring: '(' (expected: a valid regular expression: Unclosed group)",
                "  tcp-check expect rstring (");
        assertError("haproxy.cfg:3:20: 'min-recv' expects an argument", "  tcp-check expect min-recv");
    }

    @Test
    void badProtocolOptionArgumentsAreErrors() {
        assertThatThrownBy(() -> parse("backend b", "  option redis-check now"))
                .hasMessage("haproxy.cfg:2:22: 'option redis-check' cannot handle unexpected argument 'now'");
        assertThatThrownBy(() -> parse("backend b", "  option mysql-check usr hp"))
                .hasMessage("haproxy.cfg:2:22: 'option mysql-check' only supports optional values: 'user' (got 'usr')");
        assertThatThrownBy(() -> parse("backend b", "  option mysql-check user"))
                .hasMessage("haproxy.cfg:2:22: 'option mysql-check user' expects <username> as argument");
        assertThatThrownBy(() -> parse("backend b", "  option mysql-check user hp post-42"))
                .hasMessage("haproxy.cfg:2:30: keyword 'user' only supports 'post-41' and 'pre-41' (got 'post-42')");
        assertThatThrownBy(() -> parse("backend b", "  option pgsql-check"))
                .hasMessage("haproxy.cfg:2:10: 'option pgsql-check' expects 'user <username>' as argument");
        assertThatThrownBy(() -> parse("backend b", "  no option tcp-check"))
                .hasMessage("haproxy.cfg:2:13: negation is not supported for option 'tcp-check'");
    }

    private static void assertError(String message, String... lines) {
        String[] all = new String[lines.length + 2];
        all[0] = "backend b";
        all[1] = "  option tcp-check";
        System.arraycopy(lines, 0, all, 2, lines.length);
        assertThatThrownBy(() -> parse(all)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    private static CheckOption option(String... lines) {
        return parse(lines).proxies().get(0).checkOption();
    }

    private static List<TcpCheckRule> rules(String... lines) {
        return ((CheckOption.TcpCheck) option(lines)).rules();
    }
}
