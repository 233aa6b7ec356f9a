package io.haprobe.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every keyword haprobe accepts without acting on it, although it changes a check's verdict, timing or state in
 * HAProxy 2.6, gets a warning naming file:line:column and the keyword; keywords haprobe honours, and the traffic
 * model's, get none from this list.
 */
class IgnoredCheckKeywordsTest {

    private static HaproxyConfig parse(String... lines) {
        return HaproxyConfig.parse("haproxy.cfg", String.join("\n", lines) + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "observe layer4|HAProxy 2.6 also counts the errors of the server's traffic",
            "observe layer7|HAProxy 2.6 also counts the errors of the server's traffic",
            "on-error mark-down|with 'observe', HAProxy 2.6 runs this action after 'error-limit' traffic errors",
            "error-limit 5|with 'observe', HAProxy 2.6 fails a check (HANA) after this many consecutive",
            "track b/other|HAProxy 2.6 gives a tracking server no check of its own",
            "resolvers dns|HAProxy 2.6 re-resolves the server's name at run time",
            "resolve-prefer ipv6|HAProxy 2.6 prefers this address family",
            "resolve-net 10.0.0.0/8|HAProxy 2.6 prefers addresses in these networks",
            "resolve-opts allow-dup-ip|HAProxy 2.6 changes how run-time DNS answers are used",
            "check-via-socks4|HAProxy 2.6 sends the health checks through the server's 'socks4' proxy",
            "namespace blue|HAProxy 2.6 connects to the server, checks included, from this network namespace",
            "tfo|HAProxy 2.6 opens the server's connections, checks included, with TCP Fast Open",
            "proto h2|HAProxy 2.6 uses this multiplexer for the checks too",
            "check-proto h2|HAProxy 2.6 speaks this protocol on the check connections",
            "crl-file /etc/crl.pem|HAProxy 2.6 fails the TLS check's verification for a certificate revoked",
            "force-tlsv12|HAProxy 2.6 offers only TLSv1.2 in the TLS check's handshake",
            "no-tlsv13|HAProxy 2.6 leaves TLSv1.3 out of the TLS check's handshake",
            "send-proxy-v2-ssl|HAProxy 2.6 sends a PROXY v2 header with TLS fields",
            "send-proxy-v2-ssl-cn|HAProxy 2.6 sends a PROXY v2 header with TLS fields and the client",
            "proxy-v2-options ssl|HAProxy 2.6 adds these TLVs to the PROXY v2 header",
    })
    void serverKeywordThatChangesChecksIsWarnedAtItsToken(String keyword, String effect) {
        String line = "    server s1 10.0.0.1:80 check " + keyword + " inter 1s";
        HaproxyConfig config = parse("backend b", line);

        String word = keyword.split(" ")[0];
        assertThat(config.warnings()).singleElement().satisfies(w -> {
            assertThat(w.location()).isEqualTo(new SourceLocation("haproxy.cfg", 2, line.indexOf(keyword) + 1));
            assertThat(w.message()).startsWith("server keyword '" + word + "' changes health checks but is ignored: "
                    + effect);
            assertThat(w.toString()).startsWith("haproxy.cfg:2:" + (line.indexOf(keyword) + 1) + ": server keyword '"
                    + word + "'");
        });
        assertThat(config.proxy("b").orElseThrow().server("s1").orElseThrow().timing().interNanos())
                .as("the keyword's arguments are skipped").isEqualTo(1_000_000_000L);
    }

    @Test
    void defaultServerKeywordsAreWarnedOnceAtTheDefaultServerLine() {
        HaproxyConfig config = parse("defaults", "    default-server observe layer4 error-limit 3 on-error mark-down",
                "backend b", "    server s1 10.0.0.1:80 check", "    server s2 10.0.0.2:80 check");

        assertThat(config.warnings()).extracting(w -> w.location().line() + ":" + w.location().column() + " "
                + w.message().replaceFirst(" changes health checks but is ignored: .*", ""))
                .containsExactly("2:20 server keyword 'observe'", "2:35 server keyword 'error-limit'",
                        "2:49 server keyword 'on-error'");
    }

    @Test
    void observeNoneChangesNothingSoItGetsOnlyTheQuietWarning() {
        assertThat(parse("backend b", "    server s1 10.0.0.1:80 check observe none").warnings())
                .extracting(ConfigWarning::message)
                .containsExactly("server keyword 'observe' is not supported yet, ignored");
    }

    @Test
    void aDisabledBackendIsWarnedHaproxyChecksNoneOfItsServers() {
        HaproxyConfig config = parse("backend b", "    disabled", "    server s1 10.0.0.1:80 check");

        assertThat(config.warnings()).singleElement().satisfies(w -> {
            assertThat(w.location()).isEqualTo(new SourceLocation("haproxy.cfg", 2, 5));
            assertThat(w.message()).isEqualTo("keyword 'disabled' changes health checks but is ignored: HAProxy 2.6"
                    + " does not start a disabled backend or listen section, so it checks none of its servers"
                    + " (verified on 2.6.12); haprobe checks them");
        });
    }

    @Test
    void serverStateLoadedFromAFileIsWarnedUnlessNone() {
        HaproxyConfig config = parse("global", "    server-state-file /var/lib/haproxy/state", "defaults",
                "    load-server-state-from-file global", "backend b", "    load-server-state-from-file none",
                "    server s1 10.0.0.1:80 check");

        assertThat(config.warnings()).singleElement().satisfies(w -> {
            assertThat(w.location()).isEqualTo(new SourceLocation("haproxy.cfg", 4, 5));
            assertThat(w.message()).startsWith("keyword 'load-server-state-from-file' changes health checks but is "
                    + "ignored: HAProxy 2.6 boots each server in the state a previous HAProxy saved");
        });
    }

    @Test
    void globalTlsDefaultsForServersAreWarned() {
        HaproxyConfig config = parse("global", "    ssl-default-server-options ssl-min-ver TLSv1.3",
                "    ssl-default-server-ciphers ECDHE-RSA-AES128-GCM-SHA256",
                "    ssl-default-server-ciphersuites TLS_AES_128_GCM_SHA256", "backend b",
                "    server s1 10.0.0.1:80 check");

        assertThat(config.warnings()).extracting(w -> w.location().line() + " " + w.message().replaceFirst(
                        " changes health checks but is ignored: .*", ""))
                .containsExactly("2 global keyword 'ssl-default-server-options'",
                        "3 global keyword 'ssl-default-server-ciphers'",
                        "4 global keyword 'ssl-default-server-ciphersuites'");
    }

    @Test
    void keywordsHaprobeHonoursAreNotWarned() {
        HaproxyConfig config = parse("global", "    spread-checks 5", "    max-spread-checks 1s",
                "    ssl-server-verify none", "    tune.bufsize 32768",
                "defaults", "    mode http", "    timeout connect 2s", "    timeout check 1s",
                "    option log-health-checks", "    default-server inter 2s fastinter 1s downinter 3s rise 2 fall 3",
                "backend b", "    option httpchk GET /health", "    http-check expect status 200",
                "    http-check disable-on-404", "    http-check send-state", "    source 127.0.0.2",
                "    server s1 10.0.0.1:80 check port 81 addr 10.0.0.9 weight 5 backup agent-check agent-port 9999"
                        + " agent-inter 3s agent-send hello init-addr last,libc,none send-proxy check-send-proxy"
                        + " ssl verify none sni str(a) check-sni a alpn h2 check-alpn http/1.1 ssl-min-ver TLSv1.2"
                        + " ssl-max-ver TLSv1.3 ciphers ECDHE-RSA-AES128-GCM-SHA256 ciphersuites TLS_AES_128_GCM_SHA256 source 127.0.0.3",
                "    server s2 10.0.0.2:80 check disabled", "    server s3 10.0.0.3:80 check enabled");

        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void trafficKeywordsGetNoWarningFromThisList() {
        HaproxyConfig config = parse("defaults", "    retries 3", "    option redispatch", "    timeout queue 5s",
                "    timeout server 5s", "backend b", "    balance roundrobin", "    hash-type consistent",
                "    fullconn 100", "    option allbackups", "    option persist", "    cookie SRV insert",
                "    server s1 10.0.0.1:80 check maxconn 10 slowstart 10s");

        assertThat(config.warnings()).isEmpty();
    }
}
