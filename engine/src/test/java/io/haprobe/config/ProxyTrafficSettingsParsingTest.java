package io.haprobe.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The request model's proxy keywords: read, inherited from defaults, and the frontends' routing. */
class ProxyTrafficSettingsParsingTest {

    static final long MS = 1_000_000L;

    static HaproxyConfig parse(String... lines) {
        return HaproxyConfig.parse("haproxy.cfg", String.join("\n", lines) + "\n");
    }

    static ProxyTrafficSettings traffic(HaproxyConfig config, String proxy) {
        return config.proxy(proxy).orElseThrow().traffic();
    }

    @Test
    void aSectionWithoutTheKeywordsGetsHaproxysDefaults() {
        assertThat(traffic(parse("backend b", "  server s 127.0.0.1:80"), "b")).isEqualTo(ProxyTrafficSettings.DEFAULT);
        assertThat(ProxyTrafficSettings.DEFAULT.retries()).isEqualTo(3);
        assertThat(ProxyTrafficSettings.DEFAULT.redispatch()).isFalse();
    }

    @Test
    void everyKeywordIsRead() {
        HaproxyConfig config = parse("backend b", "  timeout queue 2s", "  timeout server 30s", "  retries 5",
                "  option redispatch", "  option allbackups", "  option persist", "  fullconn 300",
                "  cookie SRVID insert indirect nocache domain .example.com", "  server s 127.0.0.1:80");

        assertThat(traffic(config, "b")).isEqualTo(new ProxyTrafficSettings(2000 * MS, 30_000 * MS, 5, -1, true,
                true, 300, new ProxyTrafficSettings.Cookie("SRVID", ProxyTrafficSettings.CookieMode.INSERT), List.of()));
    }

    @Test
    void optionRedispatchTakesAnIntervalAndNoOptionTurnsItOff() {
        assertThat(traffic(parse("backend b", "  option redispatch 2"), "b").redispatchAfter()).isEqualTo(2);
        assertThat(traffic(parse("backend b", "  option redispatch -1"), "b").redispatchAfter()).isEqualTo(-1);
        assertThat(traffic(parse("defaults", "  option redispatch", "backend b", "  no option redispatch"), "b")
                .redispatch()).isFalse();
    }

    @Test
    void backendsInheritTheirDefaults() {
        HaproxyConfig config = parse("defaults", "  timeout queue 1s", "  retries 1", "  option redispatch 3",
                "  option allbackups", "  cookie S prefix", "backend b", "  server s 127.0.0.1:80",
                "backend c", "  no option allbackups", "  retries 0");

        assertThat(traffic(config, "b")).isEqualTo(new ProxyTrafficSettings(1000 * MS, 0, 1, 3, true, false, 0,
                new ProxyTrafficSettings.Cookie("S", ProxyTrafficSettings.CookieMode.PREFIX), List.of()));
        assertThat(traffic(config, "c").allBackups()).isFalse();
        assertThat(traffic(config, "c").retries()).isZero();
    }

    @Test
    void aCookieWithoutModeIsPassiveAndTwoModesAreAnError() {
        assertThat(traffic(parse("backend b", "  cookie JSESSIONID"), "b").cookie().mode())
                .isEqualTo(ProxyTrafficSettings.CookieMode.PASSIVE);
        assertThat(traffic(parse("backend b", "  cookie S insert insert"), "b").cookie().mode())
                .isEqualTo(ProxyTrafficSettings.CookieMode.INSERT);
        assertThatThrownBy(() -> parse("backend b", "  cookie S rewrite indirect"))
                .hasMessage("haproxy.cfg:2:3: cookie 'rewrite' and 'indirect' modes are incompatible.");
        assertThatThrownBy(() -> parse("backend b", "  cookie S insert prefix"))
                .hasMessage("haproxy.cfg:2:3: cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.");
        assertThatThrownBy(() -> parse("backend b", "  retries"))
                .hasMessage("haproxy.cfg:2:3: 'retries' expects an argument");
    }

    @Test
    void serverKeywordsOfTheRequestModelAreRead() {
        HaproxyConfig config = parse("backend b", "  default-server minconn 5 maxqueue 20",
                "  server s 127.0.0.1:80 maxconn 50 cookie s1 id 7 on-marked-up shutdown-backup-sessions");
        TrafficSettings t = config.proxy("b").orElseThrow().server("s").orElseThrow().traffic();

        assertThat(t).extracting(TrafficSettings::minConn, TrafficSettings::maxQueue, TrafficSettings::cookie,
                TrafficSettings::id, TrafficSettings::shutdownBackupsOnMarkedUp).containsExactly(5, 20, "s1", 7, true);
        assertThat(t.effectiveMaxConn()).isEqualTo(50);
        assertThat(t.effectiveMinConn()).isEqualTo(5);
        assertThatThrownBy(() -> parse("backend b", "  server s 127.0.0.1:80 on-marked-down foo"))
                .hasMessage("haproxy.cfg:2:40: 'on-marked-down' expects 'shutdown-sessions' but got 'foo'");
        assertThatThrownBy(() -> parse("backend b", "  server s 127.0.0.1:80 id 0"))
                .hasMessage("haproxy.cfg:2:28: 'id' : custom id has to be > 0");
        assertThatThrownBy(() -> parse("backend b", "  server s1 127.0.0.1:80 id 1", "  server s2 127.0.0.1:81 id 1"))
                .hasMessage("haproxy.cfg:3:26: 'id' : custom id 1 already used at haproxy.cfg:2 ('server s1')");
    }

    @Test
    void minconnAloneBecomesTheMaxconn() {
        TrafficSettings t = parse("backend b", "  server s 127.0.0.1:80 minconn 8").proxy("b").orElseThrow()
                .server("s").orElseThrow().traffic();

        assertThat(t.effectiveMaxConn()).isEqualTo(8);
        assertThat(t.effectiveMinConn()).isEqualTo(8);
    }

    @Test
    void frontendsSayWhereRequestsGoAndAConditionalRuleIsWarned() {
        HaproxyConfig config = parse("defaults", "  mode http", "  maxconn 500",
                "frontend web", "  bind :8080", "  maxconn 2000", "  use_backend api if { path_beg /api }",
                "  default_backend app",
                "frontend admin", "  bind :8081", "  use_backend app",
                "backend app", "  server s 127.0.0.1:80",
                "backend api", "  server s 127.0.0.1:81",
                "listen solo", "  bind :8082", "  server s 127.0.0.1:82");

        assertThat(config.frontends()).extracting(FrontendConfig::name, FrontendConfig::maxConn,
                FrontendConfig::backend).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("web", 2000, "app"),
                        org.assertj.core.groups.Tuple.tuple("admin", 500, "app"),
                        org.assertj.core.groups.Tuple.tuple("solo", 500, "solo"));
        assertThat(config.warnings()).extracting(ConfigWarning::message).contains("'use_backend api' has a"
                + " condition; ACL routing is not modelled: the traffic model ignores this rule and sends requests"
                + " to the default_backend");
        // fullconn: 10% of the maxconn of the frontends that reach the backend, rounded up
        assertThat(config.fullConn(config.proxy("app").orElseThrow(), 4000)).isEqualTo(250);
        assertThat(config.fullConn(config.proxy("solo").orElseThrow(), 4000)).isEqualTo(50);
        assertThat(config.fullConn(config.proxy("api").orElseThrow(), 4000)).isEqualTo(1);
        assertThat(parse("frontend f", "  bind :80", "  default_backend b", "backend b", "  fullconn 9")
                .fullConn(parse("backend b", "  fullconn 9").proxy("b").orElseThrow(), 0)).isEqualTo(9);
        assertThat(List.of(config.proxies().size())).containsExactly(3);
    }

    @Test
    void aServerLimitPastAnIntIsTheLargestIntNotACrash() {
        // haproxy -c 2.6.12 accepts these (atol); found by the config fuzzer as an IllegalArgumentException
        HaproxyConfig config = parse("backend b", "  server s 127.0.0.1:80 minconn 99999999999999999999 maxconn 4"
                + " maxqueue 999999999999999");

        TrafficSettings server = config.proxy("b").orElseThrow().servers().get(0).traffic();
        assertThat(server.minConn()).isEqualTo(Integer.MAX_VALUE);
        assertThat(server.maxQueue()).isEqualTo(Integer.MAX_VALUE);
    }
}
