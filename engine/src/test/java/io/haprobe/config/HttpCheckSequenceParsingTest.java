package io.haprobe.config;

import io.haprobe.CheckStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.haprobe.config.HaproxyConfigParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code http-check connect} sequences, {@code hdr}/{@code fhdr} and expect options, and the agent server
 * keywords. Error texts follow HAProxy 2.6.12 ({@code haproxy -c} on the same lines).
 */
class HttpCheckSequenceParsingTest {

    @Test
    void connectSendExpectSequencesKeepTheirOrderAndMergeTheOptionIntoTheFirstSend() {
        List<HttpCheckRule> rules = rules("backend b", "  option httpchk GET /x HTTP/1.1",
                "  http-check connect",
                "  http-check send uri /first",
                "  http-check expect status 200",
                "  http-check connect port 8081 addr 127.0.0.2 linger comment second",
                "  http-check send meth GET uri /second",
                "  http-check expect status 200");
        assertThat(rules).extracting(r -> r.getClass().getSimpleName()).containsExactly("HttpConnect", "HttpSend",
                "HttpExpect", "HttpConnect", "HttpSend", "HttpExpect");
        assertThat((HttpSend) rules.get(1)).extracting(HttpSend::method, HttpSend::uri, HttpSend::version)
                .containsExactly("GET", "/first", "HTTP/1.1");
        assertThat((HttpSend) rules.get(4)).extracting(HttpSend::method, HttpSend::uri, HttpSend::version)
                .containsExactly("GET", "/second", "HTTP/1.0");
        assertThat((HttpConnect) rules.get(3)).extracting(HttpConnect::port, HttpConnect::address,
                HttpConnect::linger, HttpConnect::comment).containsExactly(8081, "127.0.0.2", true, "second");
        assertThat((HttpConnect) rules.get(0)).extracting(HttpConnect::port, HttpConnect::address)
                .containsExactly(0, null);
    }

    @Test
    void aSequenceEndingWithASendGetsTheImplicitExpect() {
        List<HttpCheckRule> rules = rules("backend b", "  option httpchk", "  http-check connect",
                "  http-check send uri /a");
        assertThat(rules).hasSize(3);
        assertThat(((HttpExpect) rules.get(2)).statuses()).containsExactly(new StatusRange(200, 399));
    }

    @Test
    void sequencingErrorsAreHaproxys() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check connect",
                "  http-check connect"))
                .hasMessage("haproxy.cfg:4:14: 'http-check connect': unable to add http-check connect rule at step 2"
                        + " (missing expect rule)");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check connect",
                "  http-check expect status 200"))
                .hasMessage("haproxy.cfg:4:14: 'http-check expect': unable to add http-check expect rule at step 2"
                        + " (missing send rule)");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect status 200",
                "  http-check connect"))
                .hasMessage("haproxy.cfg:4:14: 'http-check connect': first step MUST also be a 'connect', optionally"
                        + " preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in"
                        + " the tcp-check ruleset");
    }

    @Test
    void connectOptionsAreCheckedAndTlsOptionsKept() {
        HaproxyConfig config = parse("backend b", "  option httpchk",
                "  http-check connect ssl sni www alpn h2,http/1.1 default", "  http-check send meth GET",
                "  http-check expect status 200", "  http-check connect send-proxy via-socks4");
        assertThat(config.warnings()).extracting(ConfigWarning::message).containsExactly(
                "'http-check connect via-socks4' is not supported yet, ignored");
        assertThat(((HttpConnect) config.proxy("b").orElseThrow().httpCheckRules().get(3)).options().sendProxy()).isTrue();
        HttpConnect tls = (HttpConnect) config.proxy("b").orElseThrow().httpCheckRules().get(0);
        assertThat(tls.options()).extracting(ConnectOptions::ssl, ConnectOptions::sni, ConnectOptions::alpn,
                        ConnectOptions::useDefault)
                .containsExactly(true, "www", java.util.List.of("h2", "http/1.1"), true);
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check connect alpn h2,,x"))
                .hasMessage("haproxy.cfg:3:27: http-check connect alpn: 'h2,,x' (expected: a comma-delimited list of"
                        + " protocol names such as h2,http/1.1)");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check connect port 70000"))
                .hasMessage("haproxy.cfg:3:27: 'http-check connect': expects a valid TCP port (from range 1 to"
                        + " 65535) or a sample expression, got 70000");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check connect addr foo"))
                .hasMessage("haproxy.cfg:3:27: 'http-check connect': 'addr' : invalid address: 'foo' in 'foo'");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check connect foo"))
                .hasMessageStartingWith("haproxy.cfg:3:22: 'http-check connect': expects 'comment', 'port', 'addr'");
        HttpConnect withPort = (HttpConnect) rules("backend b", "  option httpchk",
                "  http-check connect addr 10.0.0.1:9000").get(1);
        assertThat(withPort).extracting(HttpConnect::address, HttpConnect::port).containsExactly("10.0.0.1", 9000);
    }

    @Test
    void hdrAndFhdrTakeNameAndValueMatchers() {
        List<HttpCheckRule> rules = rules("backend b", "  option httpchk",
                "  http-check expect hdr name X-Health value ok",
                "  http-check expect ! fhdr name -m beg x-heal value -m reg ^o.$");
        HttpExpect hdr = (HttpExpect) rules.get(1);
        assertThat(hdr.match()).isEqualTo(HttpExpect.Match.HDR);
        assertThat(hdr.header().name()).extracting(HttpExpect.TextMatch::method, HttpExpect.TextMatch::pattern)
                .containsExactly(HttpExpect.Method.STR, "X-Health");
        assertThat(hdr.header().value().pattern()).isEqualTo("ok");
        HttpExpect fhdr = (HttpExpect) rules.get(2);
        assertThat(fhdr.inverse()).isTrue();
        assertThat(fhdr.header().name().method()).isEqualTo(HttpExpect.Method.BEG);
        assertThat(fhdr.header().value().regex().pattern()).isEqualTo("^o.$");
        assertThat(((HttpExpect) rules("backend b", "  option httpchk", "  http-check expect hdr name x-a").get(1))
                .header().value()).isNull();
    }

    @Test
    void badHeaderExpectsAreErrorsWithHaproxysWords() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect hdr value b"))
                .hasMessage("haproxy.cfg:3:25: 'http-check expect': 'hdr' expects at the name keyword as first"
                        + " argument followed by a pattern");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect hdr name x value"))
                .hasMessage("haproxy.cfg:3:32: 'http-check expect': 'hdr' expect a pattern with the value keyword");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk",
                "  http-check expect hdr name X-A value -m zz b"))
                .hasMessage("haproxy.cfg:3:43: 'http-check expect': 'hdr' : '-m' only supports 'str', 'beg', 'end',"
                        + " 'sub' or 'reg' (got 'zz')");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect hdr name -m reg ("))
                .hasMessage("haproxy.cfg:3:37: -m reg: '(' (expected: a valid regular expression: Unclosed group)");
    }

    @Test
    void expectOptionsAreParsed() {
        HttpExpect expect = (HttpExpect) rules("backend b", "  option httpchk",
                "  http-check expect comment \"must be 200\" ok-status L7OKC error-status L4CON tout-status L6TOUT"
                        + " on-success fine on-error bad status-code int(299) min-recv 5 status 200").get(1);
        assertThat(expect.options()).isEqualTo(new ExpectOptions("must be 200", CheckStatus.L7OKC,
                CheckStatus.L4CON, CheckStatus.L6TOUT, "fine", "bad", 299, 5));
    }

    @Test
    void badStatusOptionsAreErrorsWithHaproxysWords() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect ok-status L4CON status 200"))
                .hasMessage("haproxy.cfg:3:31: 'http-check expect': 'ok-status' only supports 'L4OK', 'L6OK', 'L7OK'"
                        + " or 'L7OKC' status (got 'L4CON')");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect error-status L7OK status 200"))
                .hasMessage("haproxy.cfg:3:34: 'http-check expect': 'error-status' only supports 'L4CON', 'L6RSP',"
                        + " 'L7RSP' or 'L7STS' status (got 'L7OK')");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect tout-status L7STS status 200"))
                .hasMessage("haproxy.cfg:3:33: 'http-check expect': 'tout-status' only supports 'L4TOUT', 'L6TOUT'"
                        + " or 'L7TOUT' status (got 'L7STS')");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect status-code 200 status 200"))
                .hasMessage("haproxy.cfg:3:33: 'http-check expect': error detected while parsing status-code"
                        + " expression : unknown fetch method '200'");
    }

    @Test
    void aCommentRuleGoesToTheNextRulesOfOneKind() {
        List<HttpCheckRule> rules = rules("backend b", "  option httpchk", "  http-check comment C1",
                "  http-check expect status 200", "  http-check expect hdr name x-a comment own",
                "  http-check expect status 200");
        assertThat(rules.subList(1, 4)).extracting(r -> ((HttpExpect) r).options().comment())
                .containsExactly("C1", "own", "C1");
    }

    @Test
    void agentKeywordsAreServerAndDefaultServerKeywords() {
        HaproxyConfig config = parse("backend b", "  default-server agent-inter 3s agent-send \"hello\\n\"",
                "  server s 127.0.0.1:80 check agent-check agent-port 9999 agent-addr 127.0.0.2",
                "  server t 127.0.0.1:80 check port 81 agent-check no-agent-check",
                "  server u 127.0.0.1:80 port 82 agent-check");
        ServerConfig s = config.proxy("b").orElseThrow().server("s").orElseThrow();
        assertThat(s).extracting(c -> c.agent().enabled(), ServerConfig::effectiveAgentPort,
                        c -> c.agent().interNanos(), c -> c.agent().send(), c -> c.agent().address())
                .containsExactly(true, 9999, 3_000_000_000L, "hello\n", "127.0.0.2");
        assertThat(config.proxy("b").orElseThrow().server("t").orElseThrow().agent().enabled()).isFalse();
        ServerConfig u = config.proxy("b").orElseThrow().server("u").orElseThrow();
        assertThat(u).extracting(c -> c.check().enabled(), ServerConfig::effectiveAgentPort).containsExactly(false, 82);
        assertThat(AgentCheck.DEFAULT_INTER_NANOS).isEqualTo(2_000_000_000L);
    }

    @Test
    void anAgentWithoutAgentPortOrPortIsRejectedAsInHaproxy() {
        assertThatThrownBy(() -> parse("backend be", "  server s1 127.0.0.1:80 check agent-check"))
                .hasMessage("haproxy.cfg:2:3: 'server be/s1' : server s1 does not have agent port. Agent check has"
                        + " been disabled.");
        assertThatThrownBy(() -> parse("backend be", "  server s1 127.0.0.1:80 agent-port 0"))
                .hasMessage("haproxy.cfg:2:37: agent-port: '0' (expected: 1..65535)");
    }

    private static List<HttpCheckRule> rules(String... lines) {
        HaproxyConfig config = parse(lines);
        return config.proxies().get(config.proxies().size() - 1).httpCheckRules();
    }
}
