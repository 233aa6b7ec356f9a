package io.haprobe.config;

import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.ResponseCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.haprobe.config.HaproxyConfigParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code tcp-check connect|expect} and {@code http-check connect|expect} read their shared options with one
 * parser, as HAProxy's {@code parse_tcpcheck_connect} and {@code parse_tcpcheck_expect} do. Each test is a
 * place where the two former copies disagreed (or agreed against HAProxy); the comments quote
 * {@code haproxy -c} of HAProxy 2.6.12 on the same line.
 */
class SharedCheckRuleParsingTest {

    /** haproxy -c: "'tcp-check connect' : 'addr' : invalid address: '1.2.3.300' in '1.2.3.300'" (tcp-check accepted it). */
    @Test
    void ipv4OctetsAbove255AreRefusedByBothGrammars() {
        assertThat(tcpError("tcp-check connect addr 1.2.3.300")).isEqualTo("haproxy.cfg:3:26: 'tcp-check connect':"
                + " 'addr' : invalid address: '1.2.3.300' in '1.2.3.300'");
        assertThat(httpError("http-check connect addr 1.2.3.300")).isEqualTo("haproxy.cfg:3:27: 'http-check"
                + " connect': 'addr' : invalid address: '1.2.3.300' in '1.2.3.300'");
        assertThat(tcpError("tcp-check connect addr 1.2.3.256")).endsWith("invalid address: '1.2.3.256' in"
                + " '1.2.3.256'");
    }

    /**
     * haproxy -c: "'addr' : invalid character 'a' in port number 'abc' in '1.2.3.4:abc'", "'addr' : invalid port
     * '70000'", "'addr' : port range not permitted here in '1.2.3.4:80-81'", "'addr' : port offset not permitted
     * here in '1.2.3.4:+80'" (http-check warned and dropped a non-numeric port).
     */
    @Test
    void aMalformedAddrPortIsRefusedByBothGrammarsInHaproxysWords() {
        assertThat(httpError("http-check connect addr 1.2.3.4:abc")).isEqualTo("haproxy.cfg:3:27: 'http-check"
                + " connect': 'addr' : invalid character 'a' in port number 'abc' in '1.2.3.4:abc'");
        assertThat(tcpError("tcp-check connect addr 1.2.3.4:abc")).isEqualTo("haproxy.cfg:3:26: 'tcp-check"
                + " connect': 'addr' : invalid character 'a' in port number 'abc' in '1.2.3.4:abc'");
        assertThat(tcpError("tcp-check connect addr 1.2.3.4:70000")).endsWith("'addr' : invalid port '70000'");
        assertThat(httpError("http-check connect addr 1.2.3.4:80-81")).endsWith("'addr' : port range not"
                + " permitted here in '1.2.3.4:80-81'");
        assertThat(tcpError("tcp-check connect addr 1.2.3.4:+80")).endsWith("'addr' : port offset not permitted"
                + " here in '1.2.3.4:+80'");
    }

    /**
     * haproxy -c accepts {@code addr :80} and {@code addr *:80}: the "any" address, so the check connects to the
     * server's address (tcpcheck.c: {@code is_addr()} is false) on port 80. tcp-check refused it, http-check took
     * ":80" for an IPv6 address without port.
     */
    @Test
    void anAddrWithoutHostKeepsTheServersAddressAndTakesItsPort() {
        assertThat(tcpConnect("addr :80")).extracting(TcpCheckRule.Connect::address,
                TcpCheckRule.Connect::addressPort).containsExactly(null, 80);
        assertThat(tcpConnect("addr *:81")).extracting(TcpCheckRule.Connect::address,
                TcpCheckRule.Connect::addressPort).containsExactly(null, 81);
        assertThat(httpConnect("addr :80")).extracting(HttpConnect::address, HttpConnect::port)
                .containsExactly(null, 80);
        assertThat(tcpConnect("addr 0.0.0.0:82").address()).isNull();
    }

    /** haproxy -c accepts {@code addr 1.2.3.4:0}: no port (both grammars refused it). */
    @Test
    void anAddrPortOfZeroMeansNoPort() {
        assertThat(tcpConnect("addr 1.2.3.4:0")).extracting(TcpCheckRule.Connect::address,
                TcpCheckRule.Connect::addressPort).containsExactly("1.2.3.4", 0);
        assertThat(httpConnect("addr 1.2.3.4:0")).extracting(HttpConnect::address, HttpConnect::port)
                .containsExactly("1.2.3.4", 0);
    }

    /**
     * The last colon starts the port unless a bracket closes after it. haproxy -c: "'http-check connect' : 'addr' :
     * invalid address: ':' in '::1'"; {@code addr ::1:25} and {@code addr [::1]} are accepted. Both grammars read
     * "::1" as an address without port; the server line already split at the last colon.
     */
    @Test
    void theLastColonOfAnAddrSeparatesThePortAsOnServerLines() {
        assertThat(httpError("http-check connect addr ::1")).isEqualTo("haproxy.cfg:3:27: 'http-check connect':"
                + " 'addr' : invalid address: ':' in '::1'");
        assertThat(tcpError("tcp-check connect addr fe80::1")).endsWith("invalid address: 'fe80:' in 'fe80::1'");
        assertThat(tcpConnect("addr ::1:25")).extracting(TcpCheckRule.Connect::address,
                TcpCheckRule.Connect::addressPort).containsExactly("::1", 25);
        assertThat(httpConnect("addr [::1]")).extracting(HttpConnect::address, HttpConnect::port)
                .containsExactly("::1", 0);
        assertThat(tcpConnect("addr ipv6@::1:26")).extracting(TcpCheckRule.Connect::address,
                TcpCheckRule.Connect::addressPort).containsExactly("::1", 26);
        assertThat(tcpError("tcp-check connect addr [1::2::3]")).endsWith("invalid address: '[1::2::3]' in"
                + " '[1::2::3]'");
    }

    /**
     * HAProxy falls back to the resolver, which reads IPv4 as {@code inet_aton}: haproxy -c accepts
     * {@code 1.2.3}, {@code 010.0.0.1} and {@code 0x7f.1} and refuses {@code 08.1.1.1} ("invalid address:
     * '08.1.1.1' in '08.1.1.1'") and {@code 4294967296}. Both grammars refused the short forms and read
     * {@code 010} as ten.
     */
    @Test
    void ipv4IsReadAsTheResolverReadsIt() {
        assertThat(tcpConnect("addr 1.2.3").address()).isEqualTo("1.2.0.3");
        assertThat(httpConnect("addr 010.0.0.1:25").address()).isEqualTo("8.0.0.1");
        assertThat(tcpConnect("addr 0x7f.1").address()).isEqualTo("127.0.0.1");
        assertThat(tcpConnect("addr 4294967295").address()).isEqualTo("255.255.255.255");
        assertThat(tcpError("tcp-check connect addr 08.1.1.1")).endsWith("invalid address: '08.1.1.1' in"
                + " '08.1.1.1'");
        assertThat(tcpError("tcp-check connect addr 4294967296")).endsWith("invalid address: '4294967296' in"
                + " '4294967296'");
        assertThat(tcpError("tcp-check connect addr 1.2.3.4.5")).endsWith("invalid address: '1.2.3.4.5' in"
                + " '1.2.3.4.5'");
    }

    /**
     * haproxy -c: "'http-check expect' : 'string' expects a &lt;pattern&gt; as argument." (http-check accepted an
     * empty body pattern; tcp-check refused it in other words).
     */
    @Test
    void anEmptyPatternIsRefusedByBothGrammars() {
        assertThat(httpError("http-check expect string \"\"")).isEqualTo("haproxy.cfg:3:28: 'http-check expect':"
                + " 'string' expects a <pattern> as argument");
        assertThat(tcpError("tcp-check expect !string \"\"")).isEqualTo("haproxy.cfg:3:28: 'tcp-check expect':"
                + " 'string' expects a <pattern> as argument");
    }

    /**
     * haproxy -c: "'tcp-check expect' : [!] not supported with 'ok-status'", also for {@code ! ok-status}
     * (tcp-check took {@code !ok-status} as a negation of the rule, http-check refused it as an unknown
     * pattern; both took {@code ! ok-status}).
     */
    @Test
    void aNegatedOptionIsRefusedByBothGrammars() {
        assertThat(tcpError("tcp-check expect !ok-status L7OK string A")).isEqualTo("haproxy.cfg:3:20:"
                + " 'tcp-check expect': [!] not supported with 'ok-status'");
        assertThat(httpError("http-check expect ! min-recv 3 status 200")).isEqualTo("haproxy.cfg:3:23:"
                + " 'http-check expect': [!] not supported with 'min-recv'");
    }

    /**
     * haproxy -c: "'tcp-check expect' : error detected while parsing status-code expression : unknown fetch method
     * '200'", and the same for '-5' (tcp-check warned and ignored the option).
     */
    @Test
    void aStatusCodeThatCannotNameAFetchMethodIsRefusedByBothGrammars() {
        assertThat(tcpError("tcp-check expect string A status-code 200")).isEqualTo("haproxy.cfg:3:41:"
                + " 'tcp-check expect': error detected while parsing status-code expression : unknown fetch method"
                + " '200'");
        assertThat(httpError("http-check expect status-code -5 status 200")).endsWith("unknown fetch method '-5'");
    }

    /**
     * haproxy -c accepts {@code status-code res.hdr(x)} and {@code on-error "custom %[srv_name]"}; they only word
     * the result, so both grammars keep the rule (http-check dropped it, tcp-check kept it but only warned for
     * {@code %[} and {@code %{}); {@code %%} is a percent sign.
     */
    @Test
    void logFormatMessagesAndSampleStatusCodesKeepTheRuleInBothGrammars() {
        HaproxyConfig tcp = parse("backend b", "  option tcp-check",
                "  tcp-check expect string A status-code res.hdr(x) on-error \"x %ci\" on-success \"100%% up\"");
        ExpectOptions options = ((TcpCheckRule.Expect) ((CheckOption.TcpCheck) tcp.proxies().get(0).checkOption())
                .rules().get(0)).options();
        assertThat(options).extracting(ExpectOptions::statusCode, ExpectOptions::onError, ExpectOptions::onSuccess)
                .containsExactly(null, "x %ci", "100% up");
        assertThat(tcp.warnings()).extracting(ConfigWarning::message).containsExactly(
                "'tcp-check expect' option 'status-code' only supports int(<n>) yet, ignored",
                "'tcp-check expect' option 'on-error': log-format expressions are not supported yet, the text is"
                        + " used as it is");
    }

    /**
     * HAProxy 2.6.12 on loopback with {@code tcp-check expect string PONG status-code int(-5)}: "Layer7 check
     * passed, code: -5, info: "(tcp-check)"". tcp-check dropped negative constants, http-check kept them.
     */
    @Test
    void aNegativeStatusCodeIsReportedByBothGrammars() {
        ProxyConfig tcp = parse("backend b", "  option tcp-check", "  tcp-check expect string PONG status-code int(-5)",
                "  server s 10.0.0.1:6379 check").proxies().get(0);
        assertThat(((CheckOption.TcpCheck) tcp.checkOption()).rules().get(0))
                .extracting(r -> ((TcpCheckRule.Expect) r).options().statusCode()).isEqualTo(-5);
        List<CheckRule> rules = CheckProgram.compile(tcp).rules();
        assertThat(((CheckRule.ExpectContent) rules.get(1)).statusCode()).isEqualTo(new ResponseCode.Constant(-5));
        assertThat(httpExpect("status-code int(-5) status 200").options().statusCode()).isEqualTo(-5);
    }

    /** haproxy -c accepts {@code ok-status l7okc}: HAProxy compares status names without case. */
    @Test
    void statusNamesAreReadWithoutCase() {
        assertThat(httpExpect("ok-status l7okc tout-status l6tout status 200").options())
                .extracting(ExpectOptions::okStatus, ExpectOptions::timeoutStatus)
                .containsExactly(io.haprobe.CheckStatus.L7OKC, io.haprobe.CheckStatus.L6TOUT);
    }

    /**
     * haproxy -c: "'comment' expects a string as argument", "'sni' expects a string as argument": an empty value is
     * a missing one; "'http-check expect' : 'only supports ... but got 'rstring-lf' as argument" (http-check
     * warned and ignored it).
     */
    @Test
    void emptyValuesAndUnknownPatternsAreRefused() {
        assertThat(tcpError("tcp-check expect string A comment \"\"")).isEqualTo("haproxy.cfg:3:29: 'comment' expects"
                + " an argument");
        assertThat(httpError("http-check connect sni \"\"")).isEqualTo("haproxy.cfg:3:22: 'sni' expects an argument");
        assertThat(httpError("http-check expect rstring-lf x")).startsWith("haproxy.cfg:3:21: 'http-check expect'"
                + " only supports ");
        assertThat(tcpError("tcp-check connect port -1")).isEqualTo("haproxy.cfg:3:26: 'tcp-check connect': error"
                + " detected while parsing port expression : unknown fetch method '-1'");
    }

    @Test
    void ipv6LiteralsAreCheckedAsInetPtonChecksThem() {
        assertThat(List.of("::", "::1", "1::", "fe80::1", "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4"))
                .allMatch(Addresses::isIpv6);
        assertThat(List.of(":", ":1", "1:", ":::", "1::2::3", "12345::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
                "::1.2.3.04", "g::1", "1.2.3.4::")).noneMatch(Addresses::isIpv6);
    }

    private static TcpCheckRule.Connect tcpConnect(String options) {
        HaproxyConfig config = parse("backend b", "  option tcp-check", "  tcp-check connect " + options);
        return (TcpCheckRule.Connect) ((CheckOption.TcpCheck) config.proxies().get(0).checkOption()).rules().get(0);
    }

    private static HttpConnect httpConnect(String options) {
        return (HttpConnect) parse("backend b", "  option httpchk", "  http-check connect " + options,
                "  http-check send meth GET").proxies().get(0).httpCheckRules().get(0);
    }

    private static HttpExpect httpExpect(String options) {
        return (HttpExpect) parse("backend b", "  option httpchk", "  http-check expect " + options).proxies().get(0)
                .httpCheckRules().get(1);
    }

    private static String tcpError(String line) {
        return error("backend b", "  option tcp-check", "  " + line);
    }

    private static String httpError(String line) {
        return error("backend b", "  option httpchk", "  " + line);
    }

    private static String error(String... lines) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> parse(lines));
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return thrown.getMessage();
    }
}
