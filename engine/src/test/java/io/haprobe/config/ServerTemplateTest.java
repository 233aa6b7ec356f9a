package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code server-template} as HAProxy 2.6.12 creates its servers; settled by running it with a stats socket
 * ({@code show servers state b}: "api1 api2 api3", "web5 web6") and with {@code haproxy -c}.
 */
class ServerTemplateTest {

    static HaproxyConfig parse(String... lines) {
        return new HaproxyConfigParser("haproxy.cfg", Map.of()).parse(String.join("\n", lines));
    }

    @Test
    void aNumberCreatesPrefix1ToPrefixNWithTheSameParameters() {
        HaproxyConfig config = parse("backend b",
                "  default-server fall 4",
                "  server first 10.0.0.9:80 check",
                "  server-template api 3 10.0.0.1:8080 check inter 2s rise 5",
                "  server last 10.0.0.9:81");

        ProxyConfig b = config.proxy("b").orElseThrow();
        assertThat(b.servers()).extracting(ServerConfig::name)
                .containsExactly("first", "api1", "api2", "api3", "last");
        ServerConfig api3 = b.server("api3").orElseThrow();
        assertThat(api3.address()).isEqualTo("10.0.0.1");
        assertThat(api3.port()).isEqualTo(8080);
        assertThat(api3.check().enabled()).isTrue();
        assertThat(api3.timing()).isEqualTo(new CheckTiming(2_000_000_000L, 0, 0, 5, 4));
        assertThat(api3.location()).isEqualTo(new SourceLocation("haproxy.cfg", 4, 3));
        assertThat(b.server("api1").orElseThrow()).usingRecursiveComparison().ignoringFields("name")
                .isEqualTo(api3);
    }

    @Test
    void aRangeNamesTheServersByItsBounds() {
        HaproxyConfig config = parse("backend b", "  server-template web 5-6 127.0.0.1:80 check",
                "  server-template one 2-2 127.0.0.1:80", "  server-template lenient 2x 127.0.0.1:80");

        assertThat(config.proxy("b").orElseThrow().servers()).extracting(ServerConfig::name)
                .containsExactly("web5", "web6", "one2", "lenient1", "lenient2");
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void badTemplatesAreRefusedWithHaproxysWords() {
        // haproxy -c, 2.6.12: "Wrong server-template number or range arg '0'." (and '3-1', 'abc'),
        // "'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments.",
        // "'server-template' not allowed in 'defaults' section."
        for (String bad : new String[] {"0", "3-1", "abc", "-2"}) {
            assertThatThrownBy(() -> parse("backend b", "  server-template api " + bad + " 127.0.0.1:80"))
                    .hasMessage("haproxy.cfg:2:23: Wrong server-template number or range arg '" + bad + "'");
        }
        assertThatThrownBy(() -> parse("backend b", "  server-template api 3"))
                .hasMessage("haproxy.cfg:2:3: 'server-template' expects <prefix> <nb | range> <addr>[:<port>] as"
                        + " arguments");
        assertThatThrownBy(() -> parse("defaults", "  server-template api 3 127.0.0.1:80"))
                .hasMessage("haproxy.cfg:2:3: 'server-template' not allowed in 'defaults' section");
    }

    @Test
    void aTemplateNameTakenByAServerIsADuplicate() {
        // 2.6.12: "backend 'b', another server named 'api1' was already defined at line 6"
        assertThatThrownBy(() -> parse("backend b", "  server-template api 2 127.0.0.1:80",
                "  server api1 127.0.0.1:81"))
                .hasMessage("haproxy.cfg:3:10: server 'api1' is already defined at line 2");
        assertThatThrownBy(() -> parse("backend b", "  server api2 127.0.0.1:81",
                "  server-template api 2 127.0.0.1:80"))
                .hasMessage("haproxy.cfg:3:19: server 'api2' is already defined at line 2");
    }

    @Test
    void parametersAreParsedOnceSoWarningsAreNotRepeated() {
        HaproxyConfig config = parse("backend b",
                "  server-template api 3 api.internal:80 check resolvers dns init-addr none");

        assertThat(config.warnings()).extracting(ConfigWarning::message).singleElement().asString()
                .startsWith("server keyword 'resolvers' changes health checks but is ignored: HAProxy 2.6 re-resolves");
        assertThat(config.proxy("b").orElseThrow().servers()).extracting(ServerConfig::initAddr)
                .containsOnly(new InitAddr(List.of("none")));
    }
}
