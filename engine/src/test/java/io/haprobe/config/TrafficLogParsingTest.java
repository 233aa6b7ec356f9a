package io.haprobe.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A frontend's traffic log: {@code log}, {@code log global}, {@code no log}, {@code option httplog} and its options. */
class TrafficLogParsingTest {

    private static final String DEFAULTS = """
            defaults
                mode http
                timeout connect 1s
                timeout client 1s
                timeout server 1s
            """;

    @Test
    void aFrontendWithALogTargetAndOptionHttplogLogsItsRequests() {
        TrafficLog log = frontend(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:8080
                    log stdout len 2048 format raw local0 info
                    option httplog
                    default_backend app
                backend app
                    server web01 127.0.0.1:9001
                """).log();

        assertThat(log).isEqualTo(new TrafficLog(TrafficLog.Format.HTTPLOG,
                List.of(new TrafficLog.Target("stdout", "local0", "info")), false, false));
        assertThat(log.httplog()).isTrue();
        assertThat(log.sends(6)).isTrue();
        assertThat(log.sends(7)).isFalse();
    }

    @Test
    void logGlobalTakesTheGlobalTargetsAndDefaultsAreInherited() {
        TrafficLog log = frontend("""
                global
                    log /dev/log local1 notice
                defaults
                    mode http
                    log global
                    option httplog
                    option dontlog-normal
                    option log-separate-errors
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                frontend fe
                    bind 127.0.0.1:8080
                    log 127.0.0.1:514 local2
                    default_backend app
                backend app
                    server web01 127.0.0.1:9001
                """).log();

        assertThat(log).isEqualTo(new TrafficLog(TrafficLog.Format.HTTPLOG, List.of(
                new TrafficLog.Target("/dev/log", "local1", "notice"), new TrafficLog.Target("127.0.0.1:514",
                        "local2", null)), true, true));
    }

    @Test
    void noLogAndNoOptionHttplogTurnItOff() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", DEFAULTS.replace("mode http",
                "mode http\n    log 127.0.0.1:514 local0\n    option httplog") + """
                frontend quiet
                    bind 127.0.0.1:8080
                    no log
                    default_backend app
                frontend plain
                    bind 127.0.0.1:8081
                    no option httplog
                    default_backend app
                listen both
                    bind 127.0.0.1:8082
                    server web01 127.0.0.1:9001
                backend app
                    server web01 127.0.0.1:9001
                """);

        assertThat(config.frontends()).extracting(f -> f.name() + " " + f.log().httplog())
                .containsExactly("quiet false", "plain false", "both true");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void aFrontendWithoutLoggingHasNone() {
        assertThat(frontend(DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:8080
                    default_backend app
                backend app
                    server web01 127.0.0.1:9001
                """).log()).isSameAs(TrafficLog.NONE);
    }

    @Test
    void formatsThatAreNotModelledAreWarnedAtTheirKeyword() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", DEFAULTS + """
                frontend tcp
                    bind 127.0.0.1:8080
                    log 127.0.0.1:514 local0
                    option tcplog
                    default_backend app
                frontend clf
                    bind 127.0.0.1:8081
                    log 127.0.0.1:514 local0
                    option httplog clf
                    default_backend app
                listen custom
                    bind 127.0.0.1:8082
                    log 127.0.0.1:514 local0
                    log-format "%ci %ST"
                    server web01 127.0.0.1:9001
                frontend unlogged
                    bind 127.0.0.1:8083
                    option tcplog
                    default_backend app
                backend app
                    server web01 127.0.0.1:9001
                """);

        assertThat(config.warnings()).extracting(Object::toString).containsExactly(
                "haproxy.cfg:11:12: frontend 'tcp' logs its requests with 'option tcplog': not modelled, a simulation"
                        + " prints no log line for its requests (only 'option httplog' is)",
                "haproxy.cfg:16:12: frontend 'clf' logs its requests with 'option httplog clf': not modelled, a"
                        + " simulation prints no log line for its requests (only 'option httplog' is)",
                "haproxy.cfg:21:5: proxy 'custom' logs its requests with 'log-format': not modelled, a simulation"
                        + " prints no log line for its requests (only 'option httplog' is)");
        assertThat(config.frontends()).allSatisfy(f -> assertThat(f.log().httplog()).isFalse());
    }

    @Test
    void noLogTakesNoArgumentAs262Says() {
        assertThatThrownBy(() -> HaproxyConfig.parse("haproxy.cfg", DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:8080
                    no log 127.0.0.1:514
                    default_backend app
                backend app
                    server web01 127.0.0.1:9001
                """)).isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:8:12: log : 'no log' does not expect arguments");
    }

    @Test
    void logNologIsRefusedAs262Does() {
        // 2.6.12 (haproxy -c): "parsing [b.cfg:8] : log : expects <address> and <facility> or global as arguments";
        // "log nolog" only came with later versions, 2.6 spells it "no log"
        assertThatThrownBy(() -> HaproxyConfig.parse("haproxy.cfg", DEFAULTS + """
                backend app
                    log nolog
                    server web01 127.0.0.1:9001
                """)).isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("log : expects <address> and <facility> or global as arguments");
        assertThatThrownBy(() -> HaproxyConfig.parse("haproxy.cfg", """
                global
                    log 127.0.0.1
                """)).isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:2:5: log : expects <address> and <facility>  as arguments");
    }

    private static FrontendConfig frontend(String text) {
        return HaproxyConfig.parse("haproxy.cfg", text).frontends().get(0);
    }
}
