package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyConfigParserTest {

    static HaproxyConfig parse(String... lines) {
        return new HaproxyConfigParser("haproxy.cfg", Map.of("WEB_IP", "10.1.2.3")).parse(String.join("\n", lines));
    }

    static ServerConfig server(HaproxyConfig config, String proxy, String server) {
        return config.proxy(proxy).orElseThrow().server(server).orElseThrow();
    }

    @Test
    void parsesTheRunbookBackend() {
        HaproxyConfig config = parse(
                "backend app_backend",
                "    option httpchk GET /status",
                "    http-check expect status 200",
                "    server web01 127.0.0.1:8080 check inter 2s fall 3 rise 2");

        ProxyConfig backend = config.proxy("app_backend").orElseThrow();
        assertThat(backend.listen()).isFalse();
        assertThat(backend.location()).isEqualTo(new SourceLocation("haproxy.cfg", 1, 1));
        assertThat(backend.httpCheckRules()).containsExactly(
                new HttpSend("GET", "/status", "HTTP/1.0", java.util.List.of(), "",
                        new SourceLocation("haproxy.cfg", 2, 5)),
                new HttpExpect(false, HttpExpect.Match.STATUS, "200", java.util.List.of(new StatusRange(200, 200)),
                        null, new SourceLocation("haproxy.cfg", 3, 5)));
        assertThat(backend.server("web01").orElseThrow()).isEqualTo(ServerConfig.builder("web01", "127.0.0.1", 8080,
                new SourceLocation("haproxy.cfg", 4, 5)).check(HealthCheck.ENABLED)
                .timing(new CheckTiming(2_000_000_000L, 0, 0, 2, 3)).build());
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void emptyTextGivesAnEmptyConfiguration() {
        HaproxyConfig config = parse("");
        assertThat(config.proxies()).isEmpty();
        assertThat(config.global()).isEqualTo(GlobalSettings.DEFAULT);
        assertThat(config.file()).isEqualTo("haproxy.cfg");
    }

    @Test
    void crlfFilesParseLikeLfFiles() {
        HaproxyConfig config = new HaproxyConfigParser("c.cfg", Map.of())
                .parse("backend b\r\n  server s 1.2.3.4:80 check rise 5\r\n");
        assertThat(server(config, "b", "s").timing().rise()).isEqualTo(5);
    }

    @Test
    void readsGlobalSpreadChecksAndIgnoresOtherGlobalKeywordsSilently() {
        HaproxyConfig config = parse(
                "global",
                "    log stdout format raw local0",
                "    maxconn 4096",
                "    daemon",
                "    stats socket /run/haproxy.sock mode 600 level admin",
                "    user haproxy",
                "    group haproxy",
                "    chroot /var/lib/haproxy",
                "    pidfile /run/haproxy.pid",
                "    nbthread 4",
                "    ssl-default-bind-options no-sslv3",
                "    tune.ssl.default-dh-param 2048",
                "    spread-checks 5",
                "    max-spread-checks 300");
        assertThat(config.global()).isEqualTo(new GlobalSettings(5, 300_000_000L, null, true, null, null,
                GlobalSettings.DEFAULT_BUFFER_SIZE, List.of("/run/haproxy.sock"), 4, 4096, 0));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void aProxyNameTakenByAnEarlierProxyOfTheSameSideIsAnErrorAsInHaproxy26() {
        // found by fuzzing the scenario parser: two backends of one name passed, and the second one's servers
        // could not be scripted; messages and verdicts as haproxy -c 2.6.12 gives them
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80", "backend b"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:3:9: backend 'b' has the same name as backend 'b' declared at haproxy.cfg:1");
        assertThatThrownBy(() -> parse("listen b", "backend b"))
                .hasMessage("haproxy.cfg:2:9: backend 'b' has the same name as proxy 'b' declared at haproxy.cfg:1");
        assertThatThrownBy(() -> parse("listen b", "frontend b"))
                .hasMessage("haproxy.cfg:2:10: frontend 'b' has the same name as proxy 'b' declared at haproxy.cfg:1");
        assertThatThrownBy(() -> parse("frontend b", "frontend b"))
                .hasMessage("haproxy.cfg:2:10: frontend 'b' has the same name as frontend 'b' declared at haproxy.cfg:1");
        assertThatThrownBy(() -> parse("listen b", "listen b"))
                .hasMessage("haproxy.cfg:2:8: proxy 'b' has the same name as proxy 'b' declared at haproxy.cfg:1");
        // 2.6 looks a frontend or listen up among frontends only, a backend among backends only
        assertThat(parse("frontend b", "backend b").proxies()).hasSize(1);
        assertThat(parse("backend b", "listen b").proxies()).hasSize(2);
        assertThat(parse("defaults b", "backend b", "defaults b").proxies()).hasSize(1);
    }

    @Test
    void spreadChecksAboveFiftyIsAnError() {
        assertThatThrownBy(() -> parse("global", "  spread-checks 51"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:2:17: 'spread-checks' needs a positive value in range 0..50.");
        // read with atol, as 2.6.12 reads it: no digit is 0, trailing letters are dropped
        assertThat(parse("global", "  spread-checks x9x", "backend b").global().spreadChecks()).isZero();
        assertThat(parse("global", "  spread-checks 10x", "backend b").global().spreadChecks()).isEqualTo(10);
    }

    @Test
    void argumentsHaproxyRefusesAreRefused() {
        // each message is haproxy -c 2.6.12's
        assertThatThrownBy(() -> parse("global", "  log 127.0.0.1:514 local9"))
                .hasMessage("haproxy.cfg:2:21: log : unknown log facility 'local9'");
        assertThatThrownBy(() -> parse("global", "  stats socket /run/h.sock level root"))
                .hasMessageContaining("''level' only supports 'user', 'operator', and 'admin' (got 'root')'");
        assertThatThrownBy(() -> parse("frontend f", "  bind 127.0.0.1"))
                .hasMessage("haproxy.cfg:2:8: 'bind' : missing port specification in '127.0.0.1'");
        assertThatThrownBy(() -> parse("frontend f", "  acl lan src 10.0.0.0/8 x9x"))
                .hasMessage("haproxy.cfg:2:26: error detected while parsing ACL 'lan' : 'x9x' is not a valid IPv4 or"
                        + " IPv6 address.");
        assertThatThrownBy(() -> parse("frontend f", "  http-request set-header X-Region \"${UNSET_VAR_123}\""))
                .hasMessageContaining("while parsing 'http-request set-header' rule : expects exactly 2 arguments.");
        assertThatThrownBy(() -> parse("frontend f", "  http-request redirect code 301 if TRUE"))
                .hasMessageContaining("redirect: missing redirect type (location, prefix or scheme).");
        assertThatThrownBy(() -> parse("frontend f", "  http-request deny if { path /x"))
                .hasMessageContaining("missing closing '}' in condition.");
        assertThatThrownBy(() -> parse("resolvers dns", "  hold valid 10x"))
                .hasMessageStartingWith("haproxy.cfg:2:14: ");
        assertThatThrownBy(() -> parse("userlist"))
                .hasMessage("haproxy.cfg:1:1: 'userlist' expects <name> as arguments.");
        // "defaults from" alone is a section named "from"
        assertThat(parse("defaults from", "  timeout check 3s", "backend b from from").proxies()).hasSize(1);
    }

    @Test
    void tuneBufsizeIsReadAsHaproxyReadsItAndDefaultsTo16384() {
        // haproxy -c (2.6.12) accepts 1, 100, 1023, 16k (atol: 16) and 65536; a tcp-check send of 2040 bytes
        // passes with tune.bufsize 2040 and the info of a 2048-byte one says "for buffer size (2048)"
        assertThat(parse("global", "  spread-checks 5").global().bufferSize()).isEqualTo(16384);
        assertThat(parse("global", "  tune.bufsize 2040").global().bufferSize()).isEqualTo(2048);
        assertThat(parse("global", "  tune.bufsize 2048").global().bufferSize()).isEqualTo(2048);
        assertThat(parse("global", "  tune.bufsize 16k").global().bufferSize()).isEqualTo(16);
        assertThat(parse("global", "  tune.bufsize 1").global().bufferSize()).isEqualTo(16);
        assertThat(parse("global", "  tune.bufsize 65536").global().bufferSize()).isEqualTo(65536);
    }

    @Test
    void tuneBufsizeThatIsNotPositiveIsAnError() {
        // haproxy -c (2.6.12): "'tune.bufsize' expects a positive integer argument." for each of these
        for (String value : new String[] {"0", "abc", "-5", "2147483647", "99999999999999999999"}) {
            assertThatThrownBy(() -> parse("global", "  tune.bufsize " + value))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("haproxy.cfg:2:16: tune.bufsize: '" + value + "' (expected: a positive integer)");
        }
    }

    @Test
    void backendInheritsLastDefaultsSection() {
        HaproxyConfig config = parse(
                "defaults",
                "  timeout check 1s",
                "defaults second",
                "  timeout check 2s",
                "  timeout connect 3s",
                "  option log-health-checks",
                "backend b",
                "  server s 1.2.3.4:80 check");
        ProxyConfig b = config.proxy("b").orElseThrow();
        assertThat(b.timeoutCheckNanos()).isEqualTo(2_000_000_000L);
        assertThat(b.timeoutConnectNanos()).isEqualTo(3_000_000_000L);
        assertThat(b.logHealthChecks()).isTrue();
    }

    @Test
    void aNewDefaultsSectionStartsFromScratch() {
        HaproxyConfig config = parse(
                "defaults",
                "  option httpchk GET /unnamed",
                "  timeout check 1s",
                "defaults",
                "backend b",
                "  server s 1.2.3.4:80 check");
        ProxyConfig b = config.proxy("b").orElseThrow();
        assertThat(b.httpCheck()).isFalse();
        assertThat(b.timeoutCheckNanos()).isZero();
    }

    @Test
    void fromSelectsANamedDefaultsSection() {
        HaproxyConfig config = parse(
                "defaults named",
                "  option httpchk GET /named",
                "defaults other",
                "  timeout check 4s",
                "backend b from named",
                "  server s 1.2.3.4:80 check",
                "listen l 0.0.0.0:8080 from named",
                "  server s 1.2.3.4:80 check",
                "backend c",
                "  server s 1.2.3.4:80 check");
        assertThat(((HttpSend) config.proxy("b").orElseThrow().httpCheckRules().get(0)).uri()).isEqualTo("/named");
        assertThat(config.proxy("b").orElseThrow().timeoutCheckNanos()).isZero();
        assertThat(config.proxy("l").orElseThrow().listen()).isTrue();
        assertThat(config.proxy("l").orElseThrow().httpCheck()).isTrue();
        assertThat(config.proxy("c").orElseThrow().httpCheck()).isFalse();
        assertThat(config.proxy("c").orElseThrow().timeoutCheckNanos()).isEqualTo(4_000_000_000L);
    }

    @Test
    void defaultsCanInheritFromANamedDefaultsSection() {
        HaproxyConfig config = parse(
                "defaults base",
                "  timeout check 4s",
                "  default-server inter 7s",
                "defaults derived from base",
                "  timeout connect 1s",
                "backend b",
                "  server s 1.2.3.4:80 check");
        ProxyConfig b = config.proxy("b").orElseThrow();
        assertThat(b.timeoutCheckNanos()).isEqualTo(4_000_000_000L);
        assertThat(b.timeoutConnectNanos()).isEqualTo(1_000_000_000L);
        assertThat(b.server("s").orElseThrow().timing().interNanos()).isEqualTo(7_000_000_000L);
    }

    @Test
    void fromAnUnknownDefaultsSectionIsAnError() {
        assertThatThrownBy(() -> parse("backend b from nope"))
                .hasMessage("haproxy.cfg:1:16: defaults section 'nope' not found");
    }

    @Test
    void noOptionLogHealthChecksCancelsTheInheritedOne() {
        HaproxyConfig config = parse(
                "defaults",
                "  option log-health-checks",
                "backend b",
                "  no option log-health-checks");
        assertThat(config.proxy("b").orElseThrow().logHealthChecks()).isFalse();
    }

    @Test
    void frontendSectionsGiveOnlyTheirRoutingAndAclRoutingIsWarned() {
        HaproxyConfig config = parse(
                "frontend f",
                "  bind :80",
                "  acl api path_beg /api",
                "  use_backend b if api",
                "backend b");
        assertThat(config.proxies()).extracting(ProxyConfig::name).containsExactly("b");
        assertThat(config.frontends()).extracting(FrontendConfig::name, FrontendConfig::backend)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("f", null));
        assertThat(config.warnings()).extracting(ConfigWarning::message).containsExactly("'use_backend b' has a"
                + " condition; ACL routing is not modelled: the traffic model ignores this rule and sends requests to"
                + " the default_backend");
        // haproxy -c 2.6.12: "'server' not allowed because frontend 'f' has no backend capability."
        assertThatThrownBy(() -> parse("frontend f", "  bind :80", "  server nonsense 127.0.0.1:80 check"))
                .hasMessage("haproxy.cfg:3:3: 'server' not allowed because frontend 'f' has no backend capability");
    }

    @Test
    void otherSectionKindsAreRecognizedQuietly() {
        HaproxyConfig config = parse(
                "resolvers dns",
                "  nameserver ns1 10.0.0.1:53",
                "  hold valid 10s",
                "backend b");
        assertThat(config.warnings()).isEmpty();
        assertThat(config.proxies()).hasSize(1);
        // haproxy -c 2.6.12: "unknown keyword 'nameserve' in 'resolvers' section"
        assertThatThrownBy(() -> parse("resolvers dns", "  nameserve ns1 10.0.0.1:53"))
                .hasMessage("haproxy.cfg:2:3: unknown keyword 'nameserve' in 'resolvers' section; did you mean"
                        + " 'nameserver' maybe ?");
    }

    @Test
    void aKeywordBeforeAnySectionIsAnError() {
        assertThatThrownBy(() -> parse("  maxconn 10"))
                .hasMessage("haproxy.cfg:1:3: unknown keyword 'maxconn' out of section");
    }

    @Test
    void outOfScopeProxyKeywordsAreAcceptedQuietly() {
        HaproxyConfig config = parse(
                "backend b",
                "  mode http",
                "  balance roundrobin",
                "  acl is_api path_beg /api",
                "  http-request set-header X-A b",
                "  cookie SRV insert indirect",
                "  stats enable",
                "  timeout server 30s",
                "  option forwardfor");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void unknownKeywordsAreErrorsWithADidYouMean() {
        // haproxy -c 2.6.12: "unknown keyword 'balanse' in 'backend' section; did you mean 'balance' maybe ?"
        assertThatThrownBy(() -> parse("backend b", "  balanse roundrobin"))
                .hasMessage("haproxy.cfg:2:3: unknown keyword 'balanse' in 'backend' section; did you mean 'balance'"
                        + " maybe ?");
        assertThatThrownBy(() -> parse("global", "  maxconnn 10"))
                .hasMessage("haproxy.cfg:2:3: unknown keyword 'maxconnn' in 'global' section; did you mean 'maxconn'"
                        + " maybe ?");
        // the case: a typo silently ran a plain TCP check
        assertThatThrownBy(() -> parse("backend b", "  option httpchek GET /"))
                .hasMessage("haproxy.cfg:2:10: unknown option 'httpchek'; did you mean 'httpchk' maybe ?");
        assertThatThrownBy(() -> parse("frontend f", "  bind :80 sll"))
                .hasMessage("haproxy.cfg:2:12: 'bind :80' in section 'frontend': unknown keyword 'sll'; did you mean"
                        + " 'ssl' maybe ?");
        assertThatThrownBy(() -> parse("frontend f", "  acl a pth /x"))
                .hasMessageStartingWith("haproxy.cfg:2:9: error detected while parsing ACL 'a' : unknown fetch"
                        + " method 'pth'");
        assertThatThrownBy(() -> parse("frontend f", "  http-request deny if missing"))
                .hasMessage("haproxy.cfg:2:24: error detected while parsing an 'http-request deny' condition : no such"
                        + " ACL : 'missing'.");
        assertThatThrownBy(() -> parse("frontend f", "  timeout clinet 5s"))
                .hasMessageStartingWith("haproxy.cfg:2:11: 'timeout' supports 'client'");
    }

    @Test
    void validateReportsEveryErrorAsHaproxyDoes() {
        ConfigValidation validation = HaproxyConfig.validate("haproxy.cfg", String.join("\n",
                "global", "  maxconnn 10", "frontend f", "  bind :80", "  default_backend nowhere",
                "backend b", "  balanse roundrobin"), Map.of());
        assertThat(validation.accepted()).isFalse();
        assertThat(validation.errors()).extracting(e -> e.location().line()).containsExactly(2, 7, 5);
        assertThat(validation.errors().get(2)).hasMessage("haproxy.cfg:5:19: Proxy 'f': unable to find required"
                + " default_backend: 'nowhere'.");
        assertThat(HaproxyConfig.validate("haproxy.cfg", "backend b\n  server s 127.0.0.1:80 check\n", Map.of())
                .accepted()).isTrue();
    }

    @Test
    void serverReadsEverySupportedKeyword() {
        HaproxyConfig config = parse(
                "backend b",
                "  server s web1.local:8080 check inter 3s fastinter 500ms downinter 10s rise 4 fall 5 port 9000"
                        + " addr 10.0.0.9 backup disabled weight 0 maxconn 100 slowstart 30s");
        assertThat(server(config, "b", "s")).isEqualTo(ServerConfig.builder("s", "web1.local", 8080,
                        new SourceLocation("haproxy.cfg", 2, 3))
                .timing(new CheckTiming(3_000_000_000L, 500_000_000L, 10_000_000_000L, 4, 5))
                .check(new HealthCheck(true, new CheckAddress("10.0.0.9", 9000), false, TlsSettings.NONE))
                .traffic(TrafficSettings.of(0, 100, 30_000_000_000L, true, true, ProxyProtocol.NONE))
                .build());
    }

    @Test
    void laterKeywordsUndoEarlierOnes() {
        HaproxyConfig config = parse(
                "backend b",
                "  server s 1.2.3.4:80 check backup disabled no-check no-backup enabled");
        ServerConfig s = server(config, "b", "s");
        assertThat(s.check().enabled()).isFalse();
        assertThat(s.traffic().backup()).isFalse();
        assertThat(s.traffic().disabled()).isFalse();
    }

    @Test
    void serverAddressesMayBeIpv6HostNamesOrPortless() {
        HaproxyConfig config = parse(
                "backend b",
                "  server v6 [::1]:80",
                "  server v6raw ipv6@::1:81",
                "  server name \"${WEB_IP}\":82",
                "  server noport 10.0.0.1",
                "  server v6noport [fe80::1]");
        assertThat(server(config, "b", "v6")).extracting(ServerConfig::address, ServerConfig::port)
                .containsExactly("::1", 80);
        assertThat(server(config, "b", "v6raw")).extracting(ServerConfig::address, ServerConfig::port)
                .containsExactly("::1", 81);
        assertThat(server(config, "b", "name")).extracting(ServerConfig::address, ServerConfig::port)
                .containsExactly("10.1.2.3", 82);
        assertThat(server(config, "b", "noport").port()).isZero();
        assertThat(server(config, "b", "v6noport").address()).isEqualTo("fe80::1");
    }

    @Test
    void aPortlessServerChecksOnItsCheckPort() {
        ServerConfig s = server(parse("backend b", "  server s 10.0.0.1 check port 8080"), "b", "s");
        assertThat(s.effectiveCheckPort()).isEqualTo(8080);
    }

    @Test
    void checkWithoutAnyPortIsAnError() {
        assertThatThrownBy(() -> parse("backend b", "  server s 10.0.0.1 check"))
                .hasMessage("haproxy.cfg:2:3: server 's' has neither service port nor check port");
        assertThatThrownBy(() -> parse("backend b", "  default-server check", "  server s 10.0.0.1"))
                .hasMessage("haproxy.cfg:3:3: server 's' has neither service port nor check port");
    }

    @Test
    void defaultServerPresetsLaterServersOnly() {
        HaproxyConfig config = parse(
                "backend b",
                "  server before 1.2.3.4:80 check",
                "  default-server inter 5s rise 1 fall 1 weight 10",
                "  server after 1.2.3.4:81 check rise 3");
        assertThat(server(config, "b", "before").timing().interNanos()).isEqualTo(CheckTiming.DEFAULT_INTER_NANOS);
        ServerConfig after = server(config, "b", "after");
        assertThat(after.timing().interNanos()).isEqualTo(5_000_000_000L);
        assertThat(after.timing().rise()).isEqualTo(3);
        assertThat(after.timing().fall()).isEqualTo(1);
        assertThat(after.traffic().weight()).isEqualTo(10);
    }

    @Test
    void defaultServerOfDefaultsPresetsInheritingProxies() {
        HaproxyConfig config = parse(
                "defaults",
                "  default-server inter 3s fall 2 check",
                "backend b",
                "  default-server rise 4",
                "  server s 1.2.3.4:80",
                "backend c",
                "  server s 1.2.3.4:80 no-check");
        ServerConfig bs = server(config, "b", "s");
        assertThat(bs.check().enabled()).isTrue();
        assertThat(bs.timing().interNanos()).isEqualTo(3_000_000_000L);
        assertThat(bs.timing().fall()).isEqualTo(2);
        assertThat(bs.timing().rise()).isEqualTo(4);
        assertThat(server(config, "c", "s").timing().rise()).isEqualTo(CheckTiming.DEFAULT_RISE);
        assertThat(server(config, "c", "s").check().enabled()).isFalse();
    }

    @Test
    void unsupportedServerKeywordsAreSkippedWithTheirArgumentsAndWarned() {
        HaproxyConfig config = parse(
                "backend b",
                "  server s 1.2.3.4:443 ssl verify none ca-file /etc/ca.pem sni str(x) cookie s1 send-proxy"
                        + " resolvers dns on-marked-down shutdown-sessions track b/t id 3"
                        + " maxqueue 10 minconn 2 source 10.0.0.1 usesrc clientip check rise 7");
        assertThat(server(config, "b", "s").timing().rise()).isEqualTo(7);
        assertThat(server(config, "b", "s").check().enabled()).isTrue();
        assertThat(config.warnings()).extracting(w -> w.message().replaceFirst("(but is ignored): .*", "$1"))
                .containsExactly(
                "server keyword 'resolvers' changes health checks but is ignored",
                "server keyword 'track' changes health checks but is ignored",
                "'source ... usesrc' (transparent proxying) is not supported, ignored: checks leave from 10.0.0.1,"
                        + " as HAProxy's checks do");
        assertThat(server(config, "b", "s").source()).isEqualTo(new SourceAddress("10.0.0.1", 0));
        assertThat(config.warnings().get(0).location()).isEqualTo(new SourceLocation("haproxy.cfg", 2, 92));
        // the request model's keywords are read, not warned
        assertThat(server(config, "b", "s").traffic()).extracting(TrafficSettings::cookie, TrafficSettings::id,
                TrafficSettings::maxQueue, TrafficSettings::minConn, TrafficSettings::shutdownOnMarkedDown)
                .containsExactly("s1", 3, 10, 2, true);
        assertThat(server(config, "b", "s").check().tls()).extracting(TlsSettings::ssl, t -> t.verification().required(),
                t -> t.verification().caFile(), t -> t.hello().sni()).containsExactly(true, false, "/etc/ca.pem", "str(x)");
    }

    @Test
    void aMisspeltServerKeywordIsAnErrorWithASuggestion() {
        assertThatThrownBy(() -> parse("backend b", "  server web01 10.0.0.1:80 check fal 3"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:2:34: unknown keyword 'fal' in server line (did you mean 'fall'?)");
        assertThatThrownBy(() -> parse("backend b", "  default-server intre 3s"))
                .hasMessage("haproxy.cfg:2:18: unknown keyword 'intre' in default-server line (did you mean 'inter'?)");
        assertThatThrownBy(() -> parse("backend b", "  server s 10.0.0.1:80 zzzzzzzz"))
                .hasMessage("haproxy.cfg:2:24: unknown keyword 'zzzzzzzz' in server line");
    }

    @Test
    void badServerValuesNameTheToken() {
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check rise 0"))
                .hasMessage("haproxy.cfg:2:34: rise: '0' (expected: >= 1)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check fall abc"))
                .hasMessage("haproxy.cfg:2:34: fall: 'abc' (expected: an integer >= 1)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check inter abc"))
                .hasMessage("haproxy.cfg:2:35: inter: 'abc' (expected: a time such as 2s or 500ms)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check inter 0"))
                .hasMessage("haproxy.cfg:2:35: inter: '0' (expected: a time > 0)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 weight 257"))
                .hasMessage("haproxy.cfg:2:30: weight: '257' (expected: 0..256)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check port 70000"))
                .hasMessage("haproxy.cfg:2:34: port: '70000' (expected: 0..65535)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:70000 check"))
                .hasMessage("haproxy.cfg:2:12: port: '70000' (expected: 0..65535)");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 check inter"))
                .hasMessage("haproxy.cfg:2:29: 'inter' expects an argument");
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80 cookie"))
                .hasMessage("haproxy.cfg:2:23: 'cookie' expects an argument");
    }

    @Test
    void serverLineNeedsNameAndAddress() {
        assertThatThrownBy(() -> parse("backend b", "  server s"))
                .hasMessage("haproxy.cfg:2:3: 'server' expects <name> and <addr>[:<port>] as arguments");
    }

    @Test
    void serverInDefaultsIsAnError() {
        assertThatThrownBy(() -> parse("defaults", "  server s 1.2.3.4:80"))
                .hasMessage("haproxy.cfg:2:3: 'server' not allowed in 'defaults' section");
    }

    @Test
    void duplicateServerNamesAreAnErrorAsInHaproxy() {
        assertThatThrownBy(() -> parse("backend b", "  server s 1.2.3.4:80", "  server s 1.2.3.4:81"))
                .hasMessage("haproxy.cfg:3:10: server 's' is already defined at line 2");
    }

    @Test
    void timeoutsCheckAndConnectAreRead() {
        ProxyConfig b = parse("backend b", "  timeout check 500ms", "  timeout connect 5s", "  timeout queue 1m")
                .proxy("b").orElseThrow();
        assertThat(b.timeoutCheckNanos()).isEqualTo(500_000_000L);
        assertThat(b.timeoutConnectNanos()).isEqualTo(5_000_000_000L);
    }

    @Test
    void unsupportedCheckOptionsAreWarned() {
        HaproxyConfig config = parse("backend b", "  option spop-check", "  option external-check");
        assertThat(config.warnings()).extracting(ConfigWarning::toString).containsExactly(
                "haproxy.cfg:2:10: option 'spop-check' is not supported yet, servers get a plain connect check",
                "haproxy.cfg:3:10: option 'external-check' is not supported yet, servers get a plain connect check");
        assertThat(config.proxy("b").orElseThrow().httpCheck()).isFalse();
        assertThat(config.proxy("b").orElseThrow().checkOption()).isNull();
    }

    @Test
    void implementedCheckOptionsAreNotWarned() {
        HaproxyConfig config = parse("backend b", "  option tcp-check", "  tcp-check connect",
                "  option ssl-hello-chk", "  option redis-check", "  option smtpchk", "  option ldap-check",
                "  option mysql-check", "  option pgsql-check user u");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void unreadableFileIsAnErrorAtLineOneColumnOne(@TempDir Path dir) {
        Path missing = dir.resolve("missing.cfg");
        assertThatThrownBy(() -> HaproxyConfig.parse(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ":1:1: cannot read file: no such file");
        assertThatThrownBy(() -> HaproxyConfig.parse(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(dir + ":1:1: cannot read file: ");
    }

    @Test
    void parsesAFileFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, "backend b\n  server s 1.2.3.4:80 check\n");
        HaproxyConfig config = HaproxyConfig.parse(file);
        assertThat(config.file()).isEqualTo(file.toString());
        assertThat(config.proxy("b").orElseThrow().servers()).hasSize(1);
    }

    @Test
    void parserInstancesAreSingleUse() {
        HaproxyConfigParser parser = new HaproxyConfigParser("f", Map.of());
        parser.parse("");
        assertThatThrownBy(() -> parser.parse("")).isInstanceOf(IllegalStateException.class);
    }
}
