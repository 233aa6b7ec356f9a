package io.haprobe.config;

import static io.haprobe.config.HaproxyConfigParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpCheckParsingTest {

    @Test
    void bareOptionHttpchkSendsOptionsSlashHttp10AndAcceptsTwoAndThreeHundreds() {
        List<HttpCheckRule> rules = rules("backend b", "  option httpchk");
        assertThat(rules).hasSize(2);
        assertThat(send(rules)).extracting(HttpSend::method, HttpSend::uri, HttpSend::version, HttpSend::body)
                .containsExactly("OPTIONS", "/", "HTTP/1.0", "");
        HttpExpect implicit = (HttpExpect) rules.get(1);
        assertThat(implicit.match()).isEqualTo(HttpExpect.Match.STATUS);
        assertThat(implicit.statuses()).containsExactly(new StatusRange(200, 399));
    }

    @Test
    void optionHttpchkWithOneArgumentTakesItAsTheUri() {
        assertThat(send(rules("backend b", "  option httpchk /ping")))
                .extracting(HttpSend::method, HttpSend::uri).containsExactly("OPTIONS", "/ping");
    }

    @Test
    void optionHttpchkWithThreeArgumentsSetsMethodUriAndVersion() {
        assertThat(send(rules("backend b", "  option httpchk HEAD /h HTTP/1.1")))
                .extracting(HttpSend::method, HttpSend::uri, HttpSend::version)
                .containsExactly("HEAD", "/h", "HTTP/1.1");
    }

    @Test
    void optionHttpchkWithFourArgumentsIsAnError() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk a b c d"))
                .hasMessage("haproxy.cfg:2:24: 'option httpchk' cannot handle unexpected argument 'd'");
    }

    @Test
    void deprecatedVersionStringHidesHeadersAndIsWarned() {
        HaproxyConfig config = parse("backend b",
                "  option httpchk GET /health HTTP/1.1\\r\\nHost:\\ www.example.com\\r\\nX-A:\\ b");
        HttpSend send = send(config.proxy("b").orElseThrow().httpCheckRules());
        assertThat(send.version()).isEqualTo("HTTP/1.1");
        assertThat(send.headers()).containsExactly(new HttpHeader("Host", "www.example.com"), new HttpHeader("X-A", "b"));
        assertThat(send.body()).isEmpty();
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "haproxy.cfg:2:30: 'option httpchk': headers or a body hidden after the version are deprecated"
                        + " (HAProxy warns too); use 'http-check send' instead");
    }

    @Test
    void deprecatedVersionStringMayHideABody() {
        HttpSend send = send(rules("backend b", "  option httpchk GET /b HTTP/1.1\\r\\nHost:\\ x\\r\\n\\r\\nbodytext"));
        assertThat(send.headers()).containsExactly(new HttpHeader("Host", "x"));
        assertThat(send.body()).isEqualTo("bodytext");
        HttpSend bodyOnly = send(rules("backend b", "  option httpchk GET / HTTP/1.1\\r\\n\\r\\nbody"));
        assertThat(bodyOnly.headers()).isEmpty();
        assertThat(bodyOnly.body()).isEqualTo("body");
    }

    @Test
    void deprecatedVersionStringWithABadHeaderLineIsAnError() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk GET / HTTP/1.1\\r\\nHost:\\ x\\r\\nBad"))
                .hasMessage("haproxy.cfg:2:24: 'option httpchk': cannot parse hidden header 'Bad'"
                        + " (expected: Name: value)");
    }

    @Test
    void httpCheckSendSetsEveryField() {
        HttpSend send = send(rules("backend b", "  option httpchk",
                "  http-check send meth POST uri /post ver HTTP/1.1 hdr Host h hdr User-Agent my-agent"
                        + " body \"{\\\"a\\\":1}\" comment \"my check\""));
        assertThat(send).extracting(HttpSend::method, HttpSend::uri, HttpSend::version, HttpSend::body)
                .containsExactly("POST", "/post", "HTTP/1.1", "{\"a\":1}");
        assertThat(send.headers()).containsExactly(new HttpHeader("Host", "h"), new HttpHeader("User-Agent", "my-agent"));
        assertThat(send.location()).isEqualTo(new SourceLocation("haproxy.cfg", 3, 3));
    }

    @Test
    void httpCheckSendDropsContentLengthTransferEncodingAndEmptyHeaders() {
        HttpSend send = send(rules("backend b", "  option httpchk GET /health HTTP/1.1",
                "  http-check send hdr Connection close hdr Content-Length 5 hdr transfer-encoding chunked"
                        + " hdr X-Empty \"\" hdr X-Upper ABC"));
        assertThat(send.headers()).containsExactly(new HttpHeader("Connection", "close"), new HttpHeader("X-Upper", "ABC"));
    }

    @Test
    void aSecondHostHeaderIsAnError() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check send hdr host a hdr Host b"))
                .hasMessage("haproxy.cfg:3:34: 'http-check send': 'Host' header already defined (previous value is 'a')");
    }

    @Test
    void laterParsedSendFieldsOverrideTheOptionAndKeepItsHeaders() {
        HttpSend send = send(rules("backend b", "  option httpchk GET /health HTTP/1.1\\r\\nHost:\\ www",
                "  http-check send meth GET uri /other"));
        assertThat(send).extracting(HttpSend::method, HttpSend::uri, HttpSend::version)
                .containsExactly("GET", "/other", "HTTP/1.1");
        assertThat(send.headers()).containsExactly(new HttpHeader("Host", "www"));
    }

    @Test
    void sendHeadersReplaceTheOptionHeadersOnlyWhenGiven() {
        HttpSend send = send(rules("backend b", "  option httpchk HEAD /h HTTP/1.1\\r\\nHost:\\ old",
                "  http-check send hdr Host new"));
        assertThat(send).extracting(HttpSend::method, HttpSend::uri).containsExactly("HEAD", "/h");
        assertThat(send.headers()).containsExactly(new HttpHeader("Host", "new"));
    }

    @Test
    void anOptionParsedAfterTheSendOverridesIt() {
        HttpSend send = send(rules("backend b", "  http-check send meth PUT uri /put body abc",
                "  option httpchk GET /later"));
        assertThat(send).extracting(HttpSend::method, HttpSend::uri, HttpSend::body).containsExactly("GET", "/later", "abc");
        assertThat(send.location().line()).isEqualTo(3);
    }

    @Test
    void sendWithoutVersionGetsTheDefaults() {
        HttpSend send = send(rules("backend b", "  option httpchk", "  http-check send meth PUT uri /put body abc"));
        assertThat(send).extracting(HttpSend::method, HttpSend::uri, HttpSend::version, HttpSend::body)
                .containsExactly("PUT", "/put", "HTTP/1.0", "abc");
    }

    @Test
    void aSecondSendNeedsAConnectRule() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check send meth GET",
                "  http-check send meth GET"))
                .hasMessage("haproxy.cfg:4:14: 'http-check send': unable to add http-check send rule at step 2"
                        + " (missing connect rule)");
    }

    @Test
    void expectRulesFollowTheSendInOrder() {
        List<HttpCheckRule> rules = rules("backend b", "  option httpchk GET /",
                "  http-check expect status 200,301-302",
                "  http-check expect ! rstatus ^5",
                "  http-check expect string OK",
                "  http-check expect !rstring err(or)?");
        assertThat(rules).hasSize(5);
        HttpExpect status = (HttpExpect) rules.get(1);
        assertThat(status.statuses()).containsExactly(new StatusRange(200, 200), new StatusRange(301, 302));
        assertThat(status.pattern()).isEqualTo("200,301-302");
        HttpExpect rstatus = (HttpExpect) rules.get(2);
        assertThat(rstatus.inverse()).isTrue();
        assertThat(rstatus.regex().pattern()).isEqualTo("^5");
        HttpExpect string = (HttpExpect) rules.get(3);
        assertThat(string).extracting(HttpExpect::inverse, HttpExpect::match, HttpExpect::pattern, HttpExpect::regex)
                .containsExactly(false, HttpExpect.Match.STRING, "OK", null);
        HttpExpect rstring = (HttpExpect) rules.get(4);
        assertThat(rstring.inverse()).isTrue();
        assertThat(rstring.regex().matcher("an error").find()).isTrue();
    }

    @Test
    void twoBangsCancelOut() {
        HttpExpect expect = (HttpExpect) rules("backend b", "  option httpchk", "  http-check expect !! status 200").get(1);
        assertThat(expect.inverse()).isFalse();
    }

    @Test
    void statusRangesAreInclusive() {
        HttpExpect expect = (HttpExpect) rules("backend b", "  option httpchk", "  http-check expect status 200-399").get(1);
        assertThat(expect.statuses()).containsExactly(new StatusRange(200, 399));
    }

    @Test
    void badExpectRulesAreErrorsAtTheToken() {
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect status abc"))
                .hasMessage("haproxy.cfg:3:28: status: 'abc' (expected: codes and ranges such as 200,301-302)");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect status 200-"))
                .hasMessage("haproxy.cfg:3:28: status: '200-' (expected: codes and ranges such as 200,301-302)");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect rstatus ("))
                .hasMessage("haproxy.cfg:3:29: rstatus: '(' (expected: a valid regular expression: Unclosed group)");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect"))
                .hasMessage("haproxy.cfg:3:14: 'http-check expect' expects at least a matching pattern as arguments");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect status"))
                .hasMessage("haproxy.cfg:3:21: 'status' expects an argument");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect status 200 foo"))
                .hasMessage("haproxy.cfg:3:32: 'http-check expect': unexpected argument 'foo'");
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check expect foo 200"))
                .hasMessageStartingWith("haproxy.cfg:3:21: 'http-check expect' only supports ");
    }

    /**
     * One expect parser for tcp-check and http-check: a log-format pattern ignores its rule, a log-format
     * {@code on-error} or a {@code status-code} sample only words the result, so the rule is kept (as tcp-check
     * did): HAProxy 2.6.12 runs such a rule (spec §4.5, verified: {@code error-status L4CON on-error "custom
     * %[srv_name]"} gave "Layer4 connection problem, info: "custom r500""; haproxy -c accepts these lines).
     */
    @Test
    void logFormatPatternsIgnoreTheRuleAndLogFormatOptionsKeepItWithAWarning() {
        HaproxyConfig config = parse("backend b", "  option httpchk",
                "  http-check expect status 200",
                "  http-check expect string-lf %[srv_name]",
                "  http-check expect on-error \"custom %[srv_name]\" status 200",
                "  http-check expect status-code res.hdr(x) status 200");
        List<HttpCheckRule> rules = config.proxy("b").orElseThrow().httpCheckRules();
        assertThat(rules).hasSize(4);
        assertThat(((HttpExpect) rules.get(2)).options().onError()).isEqualTo("custom %[srv_name]");
        assertThat(((HttpExpect) rules.get(3)).options().statusCode()).isNull();
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "haproxy.cfg:4:21: 'http-check expect string-lf' is not supported yet, rule ignored",
                "haproxy.cfg:5:30: 'http-check expect' option 'on-error': log-format expressions are not supported"
                        + " yet, the text is used as it is",
                "haproxy.cfg:6:33: 'http-check expect' option 'status-code' only supports int(<n>) yet, ignored");
    }

    @Test
    void disableOn404AndSendStateApplyOnlyWithOptionHttpchkAndTakeNoArgument() {
        ProxyConfig http = parse("backend b", "  option httpchk", "  http-check disable-on-404",
                "  http-check send-state").proxy("b").orElseThrow();
        assertThat(http.disableOn404()).isTrue();
        assertThat(http.sendState()).isTrue();
        ProxyConfig plain = parse("backend b", "  http-check disable-on-404", "  http-check send-state")
                .proxy("b").orElseThrow();
        assertThat(plain.disableOn404()).isFalse();
        assertThat(plain.sendState()).isFalse();
        assertThatThrownBy(() -> parse("backend b", "  option httpchk", "  http-check disable-on-404 foo"))
                .hasMessage("haproxy.cfg:3:29: 'http-check' cannot handle unexpected argument 'foo'");
    }

    @Test
    void disableOn404IsInheritedFromDefaultsEvenWhenTheBackendHasItsOwnRules() {
        ProxyConfig proxy = parse("defaults", "  option httpchk", "  http-check disable-on-404", "backend b",
                "  http-check expect status 200").proxy("b").orElseThrow();
        assertThat(proxy.disableOn404()).isTrue();
    }

    @Test
    void httpCheckRulesWithoutOptionHttpchkAreIgnoredWithHaproxysWarning() {
        HaproxyConfig config = parse("backend b", "  http-check expect status 200", "  server s 1.2.3.4:80 check");
        assertThat(config.proxy("b").orElseThrow().httpCheckRules()).isEmpty();
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "haproxy.cfg:2:3: backend 'b' uses http-check rules without 'option httpchk', so the rules are ignored");
    }

    @Test
    void optionHttpchkInDefaultsIsInheritedWithItsRules() {
        List<HttpCheckRule> rules = rules("defaults", "  option httpchk GET /fromdefaults HTTP/1.1",
                "  http-check expect status 204", "backend b", "  server s 1.2.3.4:80 check");
        assertThat(send(rules).uri()).isEqualTo("/fromdefaults");
        assertThat(((HttpExpect) rules.get(1)).statuses()).containsExactly(new StatusRange(204, 204));
    }

    /**
     * Verified against HAProxy 2.6.12: with {@code option httpchk GET /fromdefaults HTTP/1.1} in defaults and
     * {@code http-check expect status 204} in the backend, the backend's rule replaces the inherited rule set,
     * the request included; the check connects, sends nothing and fails with "Layer7 timeout".
     */
    @Test
    void expectInBackendDropsTheRequestInheritedFromDefaultsAsHaproxyDoes() {
        HaproxyConfig config = parse("defaults", "  option httpchk GET /fromdefaults HTTP/1.1",
                "backend b", "  http-check expect status 204", "  server s 127.0.0.1:8080 check");
        List<HttpCheckRule> rules = config.proxy("b").orElseThrow().httpCheckRules();
        assertThat(rules).hasSize(1).allMatch(HttpExpect.class::isInstance);
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "haproxy.cfg:4:3: backend 'b': its http-check rules replace those inherited from defaults, the"
                        + " 'option httpchk' request included, so no request is sent (as in HAProxy 2.6);"
                        + " repeat 'option httpchk' here");
    }

    /** Verified against HAProxy 2.6.12: the request sent was {@code OPTIONS / HTTP/1.0} with {@code host: x}. */
    @Test
    void sendInBackendReplacesTheInheritedRequestAndGetsDefaults() {
        HttpSend send = send(rules("defaults", "  option httpchk GET /fromdefaults HTTP/1.1",
                "backend b", "  http-check send hdr Host x"));
        assertThat(send).extracting(HttpSend::method, HttpSend::uri, HttpSend::version)
                .containsExactly("OPTIONS", "/", "HTTP/1.0");
        assertThat(send.headers()).containsExactly(new HttpHeader("Host", "x"));
    }

    /** Verified against HAProxy 2.6.12: the inherited {@code expect status 500} no longer applied. */
    @Test
    void optionHttpchkInBackendReplacesInheritedRules() {
        List<HttpCheckRule> rules = rules("defaults", "  option httpchk GET /d", "  http-check expect status 500",
                "backend b", "  option httpchk GET /b");
        assertThat(send(rules).uri()).isEqualTo("/b");
        assertThat(((HttpExpect) rules.get(1)).statuses()).containsExactly(new StatusRange(200, 399));
    }

    /** Verified against HAProxy 2.6.12: the earlier {@code expect status 500} applied ("wrong status, 204"). */
    @Test
    void optionHttpchkKeepsRulesDeclaredEarlierInTheSameSection() {
        List<HttpCheckRule> rules = rules("backend b", "  http-check expect status 500", "  option httpchk GET /b");
        assertThat(send(rules).uri()).isEqualTo("/b");
        assertThat(((HttpExpect) rules.get(1)).statuses()).containsExactly(new StatusRange(500, 500));
    }

    @Test
    void noOptionHttpchkIsAnErrorAsInHaproxy() {
        assertThatThrownBy(() -> parse("defaults", "  option httpchk", "backend b", "  no option httpchk"))
                .hasMessage("haproxy.cfg:4:13: negation is not supported for option 'httpchk'");
    }

    private static List<HttpCheckRule> rules(String... lines) {
        HaproxyConfig config = parse(lines);
        return config.proxies().get(config.proxies().size() - 1).httpCheckRules();
    }

    private static HttpSend send(List<HttpCheckRule> rules) {
        return (HttpSend) rules.get(0);
    }
}
