package io.haprobe.config;

import io.haprobe.config.Balancing.Algorithm;
import io.haprobe.config.Balancing.Arguments;
import io.haprobe.config.Balancing.HashFunction;
import io.haprobe.config.Balancing.HashType;
import io.haprobe.config.Balancing.Lookup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code balance}, {@code hash-type} and {@code hash-balance-factor} as HAProxy 2.6.12 parses them; each error
 * message was printed by {@code haproxy -c} 2.6.12 on the same line (prefixed there with
 * {@code parsing [file:line] :}).
 */
class BalanceParserTest {

    @Test
    void defaultsToRoundRobinAndMapBasedSdbm() {
        Balancing b = backend("  server s1 127.0.0.1:80");

        assertThat(b).isEqualTo(Balancing.DEFAULT);
        assertThat(b.balance()).isEqualTo("roundrobin");
        assertThat(b.lookup()).isEqualTo(Lookup.WEIGHTED_ROUND_ROBIN);
        assertThat(b.staticWeights()).isFalse();
    }

    @Test
    void readsUriWithAllItsOptions() {
        Balancing b = backend("  balance uri whole len 12 depth 2 path-only");

        assertThat(b.algorithm()).isEqualTo(Algorithm.URI);
        assertThat(b.arguments()).isEqualTo(Arguments.uri(true, true, 12, 2));
        assertThat(b.staticWeights()).isTrue();
        assertThat(b.lookup()).isEqualTo(Lookup.MAP);
    }

    @Test
    void readsHeaderNameAndUseDomainOnly() {
        Balancing b = backend("  balance hdr(Host) use_domain_only");

        assertThat(b.algorithm()).isEqualTo(Algorithm.HDR);
        assertThat(b.arguments()).isEqualTo(Arguments.header("Host", true));
        assertThat(b.balance()).isEqualTo("hdr");
    }

    @ParameterizedTest(name = "balance {0}")
    @CsvSource({"random, 2", "random(), 2", "random(5), 5", "random(0x10), 16", "random(010), 8", "randomly, 2"})
    void readsRandomDrawsAsCsStrtol(String word, int draws) {
        Balancing b = backend("  balance " + word);

        assertThat(b.algorithm()).isEqualTo(Algorithm.RANDOM);
        assertThat(b.arguments().draws()).isEqualTo(draws);
        // show stat prints "unknown" for random in 2.6.12 (backend_lb_algo_str has no entry for it)
        assertThat(b.balance()).isEqualTo("unknown");
        assertThat(b.lookup()).isEqualTo(Lookup.CONSISTENT_HASH);
    }

    @Test
    void hashTypeKeepsAcrossBalanceLinesAndConsistentDefaultsToAvalanche() {
        Balancing b = backend("  hash-type consistent", "  balance source");

        assertThat(b.hashType()).isEqualTo(HashType.CONSISTENT);
        assertThat(b.hashType().avalanche()).isTrue();
        assertThat(b.staticWeights()).isFalse();
        assertThat(b.lookup()).isEqualTo(Lookup.CONSISTENT_HASH);
        assertThat(backend("  hash-type map-based wt6 avalanche").hashType())
                .isEqualTo(new HashType(false, HashFunction.WT6, true));
        assertThat(backend("  hash-type consistent crc32").hashType())
                .isEqualTo(new HashType(true, HashFunction.CRC32, false));
    }

    @Test
    void backendsInheritBalancingFromDefaults() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", String.join("\n",
                "defaults", "  mode http", "  balance url_param uid check_post", "  hash-type consistent djb2",
                "  hash-balance-factor 150", "backend be", "  server s1 127.0.0.1:80", ""));

        Balancing b = config.proxies().get(0).balancing();

        assertThat(b.algorithm()).isEqualTo(Algorithm.URL_PARAM);
        assertThat(b.arguments()).isEqualTo(Arguments.urlParam("uid", true));
        assertThat(b.hashType()).isEqualTo(new HashType(true, HashFunction.DJB2, false));
        assertThat(b.hashBalanceFactor()).isEqualTo(150);
    }

    @Test
    void aLayer7AlgorithmInTcpModeFallsBackToRoundRobinWithHaproxysWarning() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", String.join("\n",
                "backend be", "  mode tcp", "  balance uri", "  server s1 127.0.0.1:80", ""));

        assertThat(config.proxies().get(0).balancing().algorithm()).isEqualTo(Algorithm.ROUNDROBIN);
        assertThat(config.warnings()).extracting(ConfigWarning::message).contains(
                "Layer 7 hash not possible for backend 'be' (needs 'mode http'). Falling back to round robin.");
    }

    @Test
    void rdpCookieAndHashExpressionsAreParsedButSaidToBeNotModelled() {
        HaproxyConfig rdp = HaproxyConfig.parse("haproxy.cfg", String.join("\n",
                "backend be", "  balance rdp-cookie", "  server s1 127.0.0.1:80", ""));
        HaproxyConfig hash = HaproxyConfig.parse("haproxy.cfg", String.join("\n",
                "backend be", "  mode http", "  balance hash path", "  server s1 127.0.0.1:80", ""));

        assertThat(rdp.proxies().get(0).balancing().arguments().name()).isEqualTo("mstshash");
        assertThat(rdp.proxies().get(0).balancing().modelled()).isFalse();
        assertThat(rdp.warnings()).extracting(ConfigWarning::toString).contains("haproxy.cfg:2:11: 'balance"
                + " rdp-cookie' is accepted, but haprobe does not model its traffic decisions (which server a request"
                + " goes to)");
        assertThat(hash.proxies().get(0).balancing().arguments().name()).isEqualTo("path");
        assertThat(hash.warnings()).extracting(ConfigWarning::message).anyMatch(m -> m.startsWith("'balance hash'"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "balance random(0)|2:11: balance random : number of draws must be at least 1.",
            "balance random(2x|2:11: balance random : unexpected character 'x' after argument.",
            "balance random(3|2:11: balance random : missing closing parenthesis.",
            "balance random( 3)|2:11: balance random : missing closing parenthesis.",
            "balance uri len 0|2:15: balance uri : 'len' expects a positive integer (got '0').",
            "balance uri depth|2:15: balance uri : 'depth' expects a positive integer (got '').",
            "balance uri foo|2:15: balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole'"
                    + " (got 'foo').",
            "balance hdr()|2:11: balance hdr requires an http header field name.",
            "balance hdr(host) foo|2:21: balance hdr(host) only accepts 'use_domain_only' modifier (got 'foo').",
            "balance url_param|2:11: balance url_param requires an URL parameter name.",
            "balance url_param id foo|2:24: balance url_param only accepts 'check_post' modifier (got 'foo').",
            "balance hash|2:11: balance hash requires a sample expression.",
            "balance rdp-cookie(|2:11: balance rdp-cookie : missing cookie name.",
            "hash-type foo|2:13: 'hash-type' only supports 'consistent' and 'map-based'.",
            "hash-type|2:3: 'hash-type' only supports 'consistent' and 'map-based'.",
            "hash-type consistent md5|2:24: 'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash"
                    + " functions.",
            "hash-type consistent sdbm foo|2:29: 'hash-type' only supports 'avalanche' as a modifier for hash"
                    + " functions.",
            "hash-type avalanche|2:13: experimental feature 'hash-type avalanche' is not supported anymore, please"
                    + " use 'hash-type map-based sdbm avalanche' instead.",
            "hash-balance-factor 50|2:23: 'hash-balance-factor' must be 0 or greater than 100.",
            "hash-balance-factor|2:3: 'hash-balance-factor' expects an integer argument."})
    void refusesBadArgumentsWithHaproxysMessage(String line, String message) {
        assertThatThrownBy(() -> backend("  " + line)).isInstanceOf(ConfigException.class)
                .hasMessage("haproxy.cfg:" + message);
    }

    @Test
    void aFactorThatIsNotANumberReadsAsZeroAsAtolDoes() {
        assertThat(backend("  hash-balance-factor none").hashBalanceFactor()).isZero();
    }

    @Test
    void theRecordRefusesAFactorHaproxyRefuses() {
        assertThatThrownBy(() -> Balancing.DEFAULT.withHashBalanceFactor(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hashBalanceFactor: 100 (expected: 0 or > 100)");
    }

    private static Balancing backend(String... lines) {
        List<String> text = new ArrayList<>(List.of("backend be"));
        text.addAll(List.of(lines));
        text.add("  mode http");
        text.add("");
        return HaproxyConfig.parse("haproxy.cfg", String.join("\n", text)).proxies().get(0).balancing();
    }
}
