package io.haprobe.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.haprobe.config.ProxyTrafficSettingsParsingTest.parse;
import static io.haprobe.config.ProxyTrafficSettingsParsingTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;

class UnmodelledTrafficTest {

    @Test
    void keywordsThatChangeTrafficAreRecordedAtTheirLineWithoutAWarning() {
        HaproxyConfig config = parse("defaults", "  mode http", "backend b", "  http-request deny if { path /x }",
                "  http-request set-var(txn.a) str(1)", "  use-server s if { src 10.0.0.1 }",
                "  force-persist if TRUE", "  stick-table type ip size 1k", "  stick on src",
                "  tcp-request content reject if FALSE", "  tcp-request inspect-delay 1s", "  http-reuse always",
                "  retry-on all-retryable-errors", "  option abortonclose", "  errorloc 503 http://x/",
                "  errorloc 403 http://x/", "  http-response set-header X-A 1", "  http-response set-status 201",
                "  compression algo gzip", "  option http-server-close", "  timeout http-request 5s",
                "  server s 127.0.0.1:80");

        assertThat(traffic(config, "b").unmodelled())
                .extracting(UnmodelledTraffic::keyword, u -> u.location().line(), u -> u.location().column())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("http-request deny", 4, 3),
                        org.assertj.core.groups.Tuple.tuple("use-server", 6, 3),
                        org.assertj.core.groups.Tuple.tuple("force-persist", 7, 3),
                        org.assertj.core.groups.Tuple.tuple("stick on", 9, 3),
                        org.assertj.core.groups.Tuple.tuple("tcp-request content reject", 10, 3),
                        org.assertj.core.groups.Tuple.tuple("http-reuse", 12, 3),
                        org.assertj.core.groups.Tuple.tuple("retry-on", 13, 3),
                        org.assertj.core.groups.Tuple.tuple("option abortonclose", 14, 3),
                        org.assertj.core.groups.Tuple.tuple("errorloc", 15, 3),
                        org.assertj.core.groups.Tuple.tuple("http-response set-status", 18, 3));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void aSectionInheritsItsDefaultsLinesAndASettingReplacesThem() {
        HaproxyConfig config = parse("defaults", "  mode http", "  http-reuse always", "  option abortonclose",
                "  rate-limit sessions 10", "backend b", "  server s 127.0.0.1:80", "backend c", "  http-reuse safe",
                "  no option abortonclose", "  server s 127.0.0.1:80", "frontend f", "  bind :80",
                "  redirect prefix http://x", "  default_backend b");

        assertThat(traffic(config, "b").unmodelled()).extracting(UnmodelledTraffic::keyword)
                .containsExactly("http-reuse", "option abortonclose", "rate-limit sessions");
        assertThat(traffic(config, "c").unmodelled()).extracting(UnmodelledTraffic::keyword)
                .containsExactly("rate-limit sessions");
        FrontendConfig frontend = config.frontends().get(0);
        assertThat(frontend.unmodelled()).extracting(u -> u.keyword() + "@" + u.location().line())
                .containsExactly("http-reuse@3", "option abortonclose@4", "rate-limit sessions@5", "redirect@14");
    }

    @Test
    void theWarningNamesTheKeywordAtItsPlace() {
        UnmodelledTraffic entry = traffic(parse("backend b", "  use-server s if TRUE", "  server s 127.0.0.1:80"),
                "b").unmodelled().get(0);

        assertThat(entry.warning()).hasToString("haproxy.cfg:2:3: keyword 'use-server' changes traffic but the"
                + " traffic model ignores it: HAProxy 2.6 sends the requests this rule matches to the named server"
                + " without load balancing; haprobe load-balances every request");
        assertThat(ProxyTrafficSettings.DEFAULT.unmodelled()).isEqualTo(List.of());
    }
}
