package io.haprobe.config;

import org.junit.jupiter.api.Test;

import static io.haprobe.config.HaproxyConfigParserTest.parse;
import static io.haprobe.config.HaproxyConfigParserTest.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code source <addr>[:<port>]} on server, {@code default-server}, backend/listen and {@code defaults} lines
 * (CFG §4.2 and §5.2), with HAProxy 2.6's precedence (server, then proxy, then the inherited defaults) and the
 * warnings for {@code usesrc} and {@code interface}, which haprobe does not honour.
 */
class SourceParsingTest {

    @Test
    void aServerWithoutSourceLetsTheKernelChoose() {
        HaproxyConfig config = parse("backend b", "  server s 127.0.0.1:80 check");

        assertThat(server(config, "b", "s").source()).isEqualTo(SourceAddress.NONE);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void aServerLineSourceGivesAddressAndPort() {
        HaproxyConfig config = parse("backend b",
                "  server s1 127.0.0.1:80 check source 127.0.0.2",
                "  server s2 127.0.0.1:80 check source 127.0.0.3:4000",
                "  server s3 [::1]:80 check source ipv6@[::1]",
                "  server s4 127.0.0.1:80 check source 0.0.0.0");

        assertThat(server(config, "b", "s1").source()).isEqualTo(new SourceAddress("127.0.0.2", 0));
        assertThat(server(config, "b", "s2").source()).isEqualTo(new SourceAddress("127.0.0.3", 4000));
        assertThat(server(config, "b", "s3").source()).isEqualTo(new SourceAddress("::1", 0));
        assertThat(server(config, "b", "s4").source()).isEqualTo(SourceAddress.NONE);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void theServerBeatsItsDefaultServerWhichBeatsTheBackendWhichBeatsDefaults() {
        HaproxyConfig config = parse(
                "defaults",
                "  source 127.0.0.9",
                "backend inherits",
                "  server s 127.0.0.1:80 check",
                "backend own",
                "  server plain 127.0.0.1:80 check",
                "  server mine 127.0.0.1:80 check source 127.0.0.5",
                "  source 127.0.0.4",
                "backend preset",
                "  source 127.0.0.4",
                "  default-server source 127.0.0.6",
                "  server s 127.0.0.1:80 check",
                "  server t 127.0.0.1:80 check source 127.0.0.7");

        assertThat(server(config, "inherits", "s").source().address()).isEqualTo("127.0.0.9");
        assertThat(server(config, "own", "plain").source().address()).isEqualTo("127.0.0.4");
        assertThat(server(config, "own", "mine").source().address()).isEqualTo("127.0.0.5");
        assertThat(server(config, "preset", "s").source().address()).isEqualTo("127.0.0.6");
        assertThat(server(config, "preset", "t").source().address()).isEqualTo("127.0.0.7");
    }

    @Test
    void usesrcAndInterfaceAreWarnedWithTheirPlaceAndTheAddressStillApplies() {
        HaproxyConfig config = parse("backend b",
                "  source 127.0.0.4 usesrc clientip",
                "  server s 127.0.0.1:80 check source 127.0.0.2 interface lo");

        assertThat(server(config, "b", "s").source().address()).isEqualTo("127.0.0.2");
        assertThat(config.warnings()).extracting(w -> w.location().line(), w -> w.location().column(),
                ConfigWarning::message).containsExactly(
                tuple(2, 20, "'source ... usesrc' (transparent proxying) is not supported, ignored: checks leave"
                        + " from 127.0.0.4, as HAProxy's checks do"),
                tuple(3, 48, "'source ... interface lo' is not supported, ignored: checks are not bound to that"
                        + " interface and may leave by another one"));
        assertThat(config.warnings().get(1).toString()).startsWith("haproxy.cfg:3:48: ");
    }

    @Test
    void aPortRangeBindsItsFirstPortWithAWarning() {
        HaproxyConfig config = parse("backend b", "  server s 127.0.0.1:80 check source 127.0.0.2:1025-2000");

        assertThat(server(config, "b", "s").source()).isEqualTo(new SourceAddress("127.0.0.2", 1025));
        assertThat(config.warnings()).extracting(ConfigWarning::message)
                .containsExactly("'source' : port range '1025-2000' is not supported, checks bind port 1025");
    }

    @Test
    void aHostNameOrAMissingAddressIsAnError() {
        assertThatThrownBy(() -> parse("backend b", "  server s 127.0.0.1:80 check source db.internal"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("haproxy.cfg:2:")
                .hasMessageContaining("invalid source address 'db.internal'");
        assertThatThrownBy(() -> parse("backend b", "  server s 127.0.0.1:80 check source"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void globalHasNoSourceKeywordAsHaproxy26Refuses() {
        // haproxy 2.6.12 -c: "unknown keyword 'source' in 'global' section"
        assertThatThrownBy(() -> parse("global", "  source 127.0.0.2", "backend b", "  server s 127.0.0.1:80"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source");
    }

    @Test
    void serverTemplatesCarryTheSource() {
        HaproxyConfig config = parse("backend b", "  server-template w 3 127.0.0.1:80 check source 127.0.0.2");

        assertThat(config.proxy("b").orElseThrow().servers()).extracting(s -> s.source().address())
                .containsExactly("127.0.0.2", "127.0.0.2", "127.0.0.2");
    }
}
