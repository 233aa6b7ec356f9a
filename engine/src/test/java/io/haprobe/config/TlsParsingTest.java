package io.haprobe.config;

import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.haprobe.config.HaproxyConfigParserTest.parse;
import static io.haprobe.config.HaproxyConfigParserTest.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The SSL/TLS keywords of server and default-server lines, global {@code ssl-server-verify}, {@code ca-base},
 * {@code crt-base}, and {@code tcp-check connect ssl} (CFG §5.2, spec §6.2), with HAProxy 2.6.12's own errors
 * where the brief asks for them (recorded with {@code haproxy -c}).
 */
class TlsParsingTest {

    private static final String LAN_HINT = "verify is enabled by default but no CA file specified. If you're running"
            + " on a LAN where you're certain to trust the server's certificate, please set an explicit 'verify none'"
            + " statement on the 'server' line, or use 'ssl-server-verify none' in the global section to disable"
            + " server-side verifications by default.";

    @Test
    void everyTlsKeywordOfAServerLineLandsInItsTlsSettings() {
        TlsSettings tls = tlsOf("ssl verify required ca-file /etc/haproxy/ca.pem crt /etc/haproxy/client.pem"
                + " verifyhost app.internal check-sni app.internal sni req.hdr(host) alpn h2,http/1.1 check-alpn"
                + " http/1.1 ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3 ciphers ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA"
                + " ciphersuites TLS_AES_128_GCM_SHA256");

        assertThat(tls).isEqualTo(new TlsSettings(true, null,
                new TlsVerification(true, "app.internal", "/etc/haproxy/ca.pem"), "/etc/haproxy/client.pem",
                new TlsHello("app.internal", "req.hdr(host)", List.of("h2", "http/1.1"), List.of("http/1.1")),
                new TlsProtocols(TlsVersion.TLSV1_2, TlsVersion.TLSV1_3,
                        List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA"),
                        List.of("TLS_AES_128_GCM_SHA256"))));
    }

    @Test
    void aServerWithoutTlsKeywordsHasNone() {
        assertThat(tlsOf("")).isEqualTo(TlsSettings.NONE);
    }

    @Test
    void serversInheritDefaultServerTlsSettingsAndCanTurnThemOff() {
        HaproxyConfig config = parse("backend b",
                "  default-server ssl check-ssl verify none verifyhost a.example check-alpn h2",
                "  server s1 10.0.0.1:443 check",
                "  server s2 10.0.0.2:443 check no-ssl no-check-ssl");

        assertThat(server(config, "b", "s1").check().tls()).extracting(TlsSettings::ssl, TlsSettings::checkSsl,
                t -> t.verification().required(), t -> t.verification().host(), t -> t.hello().checkAlpn())
                .containsExactly(true, true, false, "a.example", List.of("h2"));
        assertThat(server(config, "b", "s2").check().tls()).extracting(TlsSettings::ssl, TlsSettings::checkSsl,
                t -> t.verification().host()).containsExactly(false, false, "a.example");
    }

    @Test
    void checksFollowSslUnlessPortOrAddrIsSetOrCheckSslSaysOtherwise() {
        // spec §6.2 (verified on 2.6.12): ssl + port gives a plain check; check-ssl forces TLS; no-check-ssl stops it
        assertThat(usesTls("ssl verify none")).isTrue();
        assertThat(usesTls("ssl verify none port 8443")).isFalse();
        assertThat(usesTls("ssl verify none addr 10.0.0.9")).isFalse();
        assertThat(usesTls("ssl verify none port 8443 check-ssl")).isTrue();
        assertThat(usesTls("check-ssl verify none")).isTrue();
        assertThat(usesTls("ssl verify none no-check-ssl")).isFalse();
        assertThat(usesTls("")).isFalse();
    }

    @Test
    void verifyRequiredWithoutCaFileIsHaproxysError() {
        // haproxy -c: [e.cfg:13] : 'server be/s' : verify is enabled by default but no CA file specified. ...
        assertError("haproxy.cfg:2:3: 'server b/s' : " + LAN_HINT, "backend b", "  server s 10.0.0.1:443 check ssl");
        assertError("haproxy.cfg:2:3: 'server b/s' : " + LAN_HINT, "backend b",
                "  server s 10.0.0.1:443 check check-ssl");
        // with ssl-server-verify none, only an explicit verify required is refused, with HAProxy's shorter text
        assertError("haproxy.cfg:4:3: 'server b/s' : verify is enabled but no CA file specified.", "global",
                "  ssl-server-verify none", "backend b", "  server s 10.0.0.1:443 check ssl verify required");
    }

    @Test
    void theCaFileRuleAppliesWhereHaproxyBuildsAnSslContext() {
        assertThat(parse("global", "  ssl-server-verify none", "backend b", "  server s 10.0.0.1:443 check ssl")
                .global().sslServerVerifyRequired()).isFalse();
        assertThat(tlsOf("check").ssl()).isFalse();
        // tcp-check connect ssl gives every server of the backend an SSL context, so the rule holds for them too
        assertError("haproxy.cfg:4:3: 'server b/s' : " + LAN_HINT, "backend b", "  option tcp-check",
                "  tcp-check connect ssl", "  server s 10.0.0.1:443 check");
    }

    @Test
    void caBaseAndCrtBaseArePrefixedToRelativePathsOnly() {
        HaproxyConfig config = parse("global", "  ca-base /etc/ssl/certs", "  crt-base /etc/haproxy/crt",
                "backend b", "  server s1 10.0.0.1:443 ssl ca-file ca.pem crt client.pem",
                "  server s2 10.0.0.2:443 ssl ca-file /opt/ca.pem crt /opt/client.pem");

        assertThat(server(config, "b", "s1").check().tls()).extracting(t -> t.verification().caFile(), TlsSettings::crt)
                .containsExactly("/etc/ssl/certs/ca.pem", "/etc/haproxy/crt/client.pem");
        assertThat(server(config, "b", "s2").check().tls()).extracting(t -> t.verification().caFile(), TlsSettings::crt)
                .containsExactly("/opt/ca.pem", "/opt/client.pem");
    }

    @Test
    void badValuesNameTheToken() {
        assertError("haproxy.cfg:2:42: verify: 'maybe' (expected: none or required)", "backend b",
                "  server s 10.0.0.1:443 check ssl verify maybe");
        assertError("haproxy.cfg:2:59: ssl-max-ver: 'TLSv1.4' (expected: SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or"
                + " TLSv1.3)", "backend b", "  server s 10.0.0.1:443 check ssl verify none ssl-max-ver TLSv1.4");
        assertError("haproxy.cfg:2:52: alpn: 'h2,,http/1.1' (expected: a comma-delimited list of protocol names such"
                + " as h2,http/1.1)", "backend b", "  server s 10.0.0.1:443 check ssl verify none alpn h2,,http/1.1");
        assertError("haproxy.cfg:2:3: all SSL/TLS versions are disabled for server 's' (ssl-min-ver TLSv1.3 is above"
                + " ssl-max-ver TLSv1.2)", "backend b",
                "  server s 10.0.0.1:443 check ssl verify none ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2");
        assertError("haproxy.cfg:2:21: ssl-server-verify: 'maybe' (expected: none or required)", "global",
                "  ssl-server-verify maybe");
        assertError("haproxy.cfg:2:35: 'ca-file' expects an argument", "backend b",
                "  server s 10.0.0.1:443 check ssl ca-file");
    }

    @Test
    void opensslCipherNamesAreMappedAndTheRestIsWarnedAbout() {
        HaproxyConfig config = parse("backend b",
                "  server s 10.0.0.1:443 ssl verify none ciphers ECDHE-ECDSA-AES256-GCM-SHA384:HIGH:!aNULL");

        assertThat(server(config, "b", "s").check().tls().protocols().ciphers())
                .containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly("haproxy.cfg:2:49: 'ciphers':"
                + " HIGH, !aNULL not supported (OpenSSL selection rules and unknown names have no Java counterpart),"
                + " ignored");
    }

    @Test
    void aCipherListOfAliasesAloneKeepsTheProvidersDefaults() {
        HaproxyConfig config = parse("backend b", "  server s 10.0.0.1:443 ssl verify none ciphers HIGH:!aNULL:!MD5");

        assertThat(server(config, "b", "s").check().tls().protocols().ciphers()).isEmpty();
        assertThat(config.warnings()).extracting(ConfigWarning::message).containsExactly("'ciphers': HIGH, !aNULL, !MD5"
                + " not supported (OpenSSL selection rules and unknown names have no Java counterpart), ignored; the"
                + " TLS provider's default suites are used");
    }

    @Test
    void cipherListsSelectingNothingAreRefusedOnSslServersAsHaproxyDoes() {
        // haproxy -c: 'server be/s' : unable to set SSL cipher list to 'BOGUS'. (also for '!aNULL' alone, and for an
        // IANA name, which OpenSSL's cipher list does not take)
        assertError("haproxy.cfg:2:49: unable to set SSL cipher list to 'BOGUS' (expected: OpenSSL cipher names such"
                + " as ECDHE-RSA-AES128-GCM-SHA256)", "backend b",
                "  server s 10.0.0.1:443 ssl verify none ciphers BOGUS");
        assertError("haproxy.cfg:2:49: unable to set SSL cipher list to '!aNULL' (expected: OpenSSL cipher names such"
                + " as ECDHE-RSA-AES128-GCM-SHA256)", "backend b",
                "  server s 10.0.0.1:443 ssl verify none ciphers !aNULL");
        assertError("haproxy.cfg:2:54: unable to set TLS 1.3 cipher suites to 'BOGUS' (expected: names such as"
                + " TLS_AES_128_GCM_SHA256)", "backend b",
                "  server s 10.0.0.1:443 ssl verify none ciphersuites BOGUS");
        // without an SSL context HAProxy never applies the list
        assertThat(tlsOf("ciphers BOGUS").protocols().ciphers()).isEmpty();
    }

    @Test
    void tcpCheckConnectTakesSslSniAlpnAndDefault() {
        HaproxyConfig config = parse("backend b", "  option tcp-check",
                "  tcp-check connect port 8443 ssl sni app.internal alpn h2,http/1.1",
                "  tcp-check connect default", "  tcp-check connect port 80",
                "  server s 10.0.0.1:443 check ssl verify none");

        assertThat(((CheckOption.TcpCheck) config.proxy("b").orElseThrow().checkOption()).rules())
                .filteredOn(TcpCheckRule.Connect.class::isInstance).map(TcpCheckRule.Connect.class::cast)
                .extracting(c -> c.options().ssl(), c -> c.options().useDefault(), c -> c.options().sni(),
                        c -> c.options().alpn())
                .containsExactly(tuple(true, false, "app.internal", List.of("h2", "http/1.1")),
                        tuple(false, true, null, List.of()),
                        tuple(false, false, null, List.of()));
        assertThat(config.warnings()).isEmpty();
        List<CheckRule> rules = CheckProgram.compile(config.proxy("b").orElseThrow()).rules();
        boolean serverTls = server(config, "b", "s").check().usesTls();
        // tcpcheck.c: ssl forces TLS, default takes the server's transport, a bare connect is plain
        assertThat(rules).map(r -> ((CheckRule.Connect) r).usesTls(serverTls)).containsExactly(true, true, false);
    }

    @Test
    void implicitAndProtocolCheckConnectsTakeTheServersTransport() {
        assertThat(((CheckRule.Connect) CheckProgram.compile(parse("backend b", "  option redis-check",
                "  server s 10.0.0.1:6379 check").proxies().get(0)).rules().get(0)).options().useDefault()).isTrue();
        assertThat(((CheckRule.Connect) CheckProgram.compile(parse("backend b", "  option mysql-check user u",
                "  server s 10.0.0.1:3306 check").proxies().get(0)).rules().get(0)).options().useDefault()).isTrue();
        assertThat(((CheckRule.Connect) CheckProgram.compile(parse("backend b", "  option httpchk",
                "  server s 10.0.0.1:80 check").proxies().get(0)).rules().get(0)).options().useDefault()).isTrue();
    }

    private static TlsSettings tlsOf(String options) {
        return server(parse("backend b", "  server s 10.0.0.1:443 " + options), "b", "s").check().tls();
    }

    private static boolean usesTls(String options) {
        return server(parse("backend b", "  server s 10.0.0.1:443 check " + options), "b", "s").check().usesTls();
    }

    private static void assertError(String message, String... lines) {
        assertThatThrownBy(() -> parse(lines)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
