package io.haprobe.traffic;

import io.haprobe.config.Balancing;
import io.haprobe.config.Balancing.Algorithm;
import io.haprobe.config.Balancing.Arguments;
import io.haprobe.config.Balancing.HashFunction;
import io.haprobe.config.Balancing.HashType;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The keys of backend.c's {@code get_server_sh/uh/ph/hh}; the captures check them end to end. */
class RequestHashTest {

    private static final Balancing MAP = Balancing.DEFAULT;

    @Test
    void anIpv4SourceIsItsAddressInNetworkOrder() throws Exception {
        RequestHash source = new RequestHash(MAP.withAlgorithm(Algorithm.SOURCE, Arguments.NONE));

        assertThat(source.hash(request("/", InetAddress.getByName("127.0.0.3")), 2)).isEqualTo(0x7f000003L);
    }

    @Test
    void anIpv6SourceIsTheXorOfItsFourWords() throws Exception {
        RequestHash source = new RequestHash(MAP.withAlgorithm(Algorithm.SOURCE, Arguments.NONE));

        assertThat(source.hash(request("/", InetAddress.getByName("2001:db8::1")), 2)).isEqualTo(0x20010db9L);
    }

    @Test
    void avalancheMixesTheKey() throws Exception {
        RequestHash source = new RequestHash(MAP.withAlgorithm(Algorithm.SOURCE, Arguments.NONE)
                .withHashType(new HashType(false, HashFunction.SDBM, true)));

        assertThat(source.hash(request("/", InetAddress.getByName("127.0.0.1")), 2))
                .isEqualTo(Integer.toUnsignedLong(HashFunctions.fullHash(0x7f000001)));
    }

    @Test
    void oneServerLeftSkipsHashingButASourceIsStillNeeded() {
        RequestHash source = new RequestHash(MAP.withAlgorithm(Algorithm.SOURCE, Arguments.NONE));
        RequestHash uri = new RequestHash(MAP.withAlgorithm(Algorithm.URI, Arguments.uri(false, false, 0, 0)));

        assertThat(source.hash(request("/", null), 1)).isEqualTo(RequestHash.ABSENT);
        assertThat(uri.hash(request("/a", null), 1)).isZero();
    }

    @Test
    void uriStopsAtTheQueryUnlessWholeAndAtDepthAndLength() {
        assertThat(uri(Arguments.uri(false, false, 0, 0), "/a/b?c")).isEqualTo(sdbm("/a/b"));
        assertThat(uri(Arguments.uri(true, false, 0, 0), "/a/b?c")).isEqualTo(sdbm("/a/b?c"));
        assertThat(uri(Arguments.uri(false, false, 0, 1), "/a/b/c")).isEqualTo(sdbm("/a"));
        assertThat(uri(Arguments.uri(false, false, 3, 0), "/abcdef")).isEqualTo(sdbm("/ab"));
        assertThat(uri(Arguments.uri(false, true, 0, 0), "http://h.example/p?q")).isEqualTo(sdbm("/p"));
        assertThat(uri(Arguments.uri(false, true, 0, 0), "http://h.example")).isEqualTo(sdbm(""));
    }

    @Test
    void urlParamFindsTheNamedParameterOrNothing() {
        RequestHash param = new RequestHash(MAP.withAlgorithm(Algorithm.URL_PARAM, Arguments.urlParam("id", false)));

        assertThat(param.hash(request("/p?x=1&id=42&y=2", null), 3)).isEqualTo(sdbm("42"));
        assertThat(param.hash(request("/p?xid=1", null), 3)).isEqualTo(RequestHash.ABSENT);
        assertThat(param.hash(request("/p", null), 3)).isEqualTo(RequestHash.ABSENT);
    }

    @Test
    void useDomainOnlyHashesTheLabelBeforeTheLastDot() {
        RequestHash host = new RequestHash(MAP.withAlgorithm(Algorithm.HDR, Arguments.header("Host", true)));

        assertThat(host.hash(withHost("www.example.com"), 3)).isEqualTo(sdbm("example"));
        assertThat(host.hash(withHost("example.com"), 3)).isEqualTo(sdbm("example"));
        assertThat(host.hash(withHost("localhost"), 3)).isEqualTo(sdbm("localhost"));
        assertThat(host.hash(withHost("a.b.c.example.org"), 3)).isEqualTo(sdbm("example"));
    }

    private static long uri(Arguments arguments, String uri) {
        return new RequestHash(MAP.withAlgorithm(Algorithm.URI, arguments)).hash(request(uri, null), 3);
    }

    private static long sdbm(String text) {
        return Integer.toUnsignedLong(HashFunctions.hash(HashFunction.SDBM, text, 0, text.length()));
    }

    private static Request request(String uri, InetAddress source) {
        return new Request("GET", uri, Map.of(), source);
    }

    private static Request withHost(String host) {
        return new Request("GET", "/", Map.of("Host", host), null);
    }
}
