package io.haprobe.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code global maxconn} as HAProxy 2.6.12 reads it, and the limit it derives without it. */
class GlobalMaxConnTest {

    private static HaproxyConfig parse(String global, String rest) {
        return HaproxyConfig.parse("t.cfg", "global\n" + global + rest);
    }

    @Test
    void readsMaxconnAsAtolIntoAnInt() {
        // haproxy -c 2.6.12 accepts each of these; show info's Maxconn says what it ran with
        assertThat(parse("    maxconn 3000\n", "").global().maxConn()).isEqualTo(3000);
        assertThat(parse("    maxconn 10x\n", "").global().maxConn()).isEqualTo(10);
        assertThat(parse("    maxconn '  7'\n", "").global().maxConn()).isEqualTo(7);
        assertThat(parse("    maxconn abc\n", "").global().maxConn()).isZero();
        assertThat(parse("    maxconn 0\n", "").global().maxConn()).isZero();
        assertThat(parse("", "").global().maxConn()).isZero();
    }

    @Test
    void aSecondMaxconnIsIgnoredWithHaproxysAlertUnlessTheFirstLeftItUnset() {
        HaproxyConfig twice = parse("    maxconn 2\n    maxconn 3\n", "");
        assertThat(twice.global().maxConn()).isEqualTo(2);
        assertThat(twice.warnings()).extracting(Object::toString)
                .containsExactly("t.cfg:3:5: 'maxconn' already specified. Continuing.");
        HaproxyConfig afterZero = parse("    maxconn 0\n    maxconn 5\n", "");
        assertThat(afterZero.global().maxConn()).isEqualTo(5);
        assertThat(afterZero.warnings()).isEmpty();
    }

    @Test
    void refusesWhatHaproxyRefusesWithItsMessage() {
        assertThatThrownBy(() -> parse("    maxconn\n", "")).isInstanceOf(ConfigException.class)
                .hasMessage("t.cfg:2:5: 'maxconn' expects an integer argument.");
        assertThatThrownBy(() -> parse("    maxconn 1 2\n", "")).isInstanceOf(ConfigException.class)
                .hasMessage("t.cfg:2:15: 'maxconn' cannot handle unexpected argument '2'.");
        assertThatThrownBy(() -> HaproxyConfig.parse("t.cfg", "frontend f\n    bind :80\n    maxconn\n"))
                .isInstanceOf(ConfigException.class).hasMessage("t.cfg:3:5: 'maxconn' expects an integer argument.");
    }

    @Test
    void aNegativeMaxconnIsWarnedAboutAndReadAsUnset() {
        // haproxy -c 2.6.12 accepts it; started, 2.6.12 dies of a segmentation fault
        HaproxyConfig config = parse("    maxconn -5\n", "");
        assertThat(config.global().maxConn()).isZero();
        assertThat(config.warnings()).extracting(Object::toString).containsExactly("t.cfg:2:13: global 'maxconn' -5 is"
                + " negative: haproxy -c 2.6.12 accepts it but HAProxy crashes at start (segmentation fault); haprobe"
                + " reads it as not set");
    }

    @Test
    void withoutMaxconnTheLimitIsHalfTheDescriptorsLeftAfterWhatHaproxySetsAside() {
        // measured with show info on 2.6.12 (ulimit -n 20000, nbthread 1): 2 listeners (a bind and the stats
        // socket), checks on 2 servers, so 20 + 2 + 2 + 3 = 27 set aside: (20000 - 27) / 2 = 9986
        String rest = "frontend fe\n    bind 127.0.0.1:8080\n    default_backend b\nbackend b\n"
                + "    server s1 127.0.0.1:1 check\n    server s2 127.0.0.1:2 check\n    server s3 127.0.0.1:3\n";
        HaproxyConfig config = parse("    stats socket /tmp/s.sock\n", rest);
        assertThat(config.effectiveMaxConn(20_000, 1)).isEqualTo(9986);
        // each thread sets 3 aside: nbthread 3 measured 9984 with one check less
        assertThat(config.effectiveMaxConn(20_000, 3)).isEqualTo(9983);
        assertThat(config.effectiveMaxConn(1024, 1)).isEqualTo(498);
        // an agent check sets 2 aside, a port range one per port, each address of a bind one
        HaproxyConfig more = parse("    stats socket /tmp/s.sock\n", "frontend fe\n    bind 127.0.0.1:8000-8009,"
                + "127.0.0.1:9000\n    default_backend b\nbackend b\n    server s1 127.0.0.1:1 check agent-check"
                + " agent-port 9\n");
        assertThat(more.frontends().get(0).listeners()).isEqualTo(11);
        assertThat(more.effectiveMaxConn(20_000, 1)).isEqualTo((20_000 - (20 + 12 + 3 + 3)) / 2);
        // global maxconn is taken as it is
        assertThat(parse("    maxconn 3000\n", rest).effectiveMaxConn(20_000, 1)).isEqualTo(3000);
    }

    @Test
    void maxsockIsTwoDescriptorsPerConnectionPlusThoseSetAsideAndUlimitNDefaultsToIt() {
        // measured with show info on 2.6.12 (shell limit 20000, 2 threads): a bind and the stats socket, checks on
        // 2 servers, an agent check on one of them, so 20 + 2 + 2 + 2 + 6 = 32 set aside
        String rest = "frontend fe\n    bind 127.0.0.1:8080\n    default_backend b\nbackend b\n"
                + "    server s1 127.0.0.1:1 check\n    server s2 127.0.0.1:2 check agent-check agent-port 3\n";
        HaproxyConfig derived = parse("    stats socket /tmp/s.sock\n", rest);
        assertThat(derived.effectiveMaxConn(20_000, 2)).isEqualTo(9984);
        assertThat(derived.maxSock(20_000, 2)).isEqualTo(20_000);
        assertThat(derived.ulimitN(20_000, 2)).isEqualTo(20_000);
        // one check more: Maxconn 9983, Maxsock and Ulimit-n 19999 (measured)
        HaproxyConfig odd = parse("    stats socket /tmp/s.sock\n", rest + "    server s3 127.0.0.1:4 check\n");
        assertThat(odd.maxSock(20_000, 2)).isEqualTo(19_999);
        assertThat(odd.ulimitN(20_000, 2)).isEqualTo(19_999);
        // maxconn 1000: Ulimit-n and Maxsock 2032 (2029 with 1 thread, 2038 with 4)
        HaproxyConfig explicit = parse("    stats socket /tmp/s.sock\n    maxconn 1000\n", rest);
        assertThat(explicit.maxSock(20_000, 2)).isEqualTo(2032);
        assertThat(explicit.ulimitN(20_000, 1)).isEqualTo(2029);
        assertThat(explicit.ulimitN(20_000, 4)).isEqualTo(2038);
        // ulimit-n is what HAProxy sets, Maxsock stays (1000 and 20000 measured without maxconn)
        HaproxyConfig ulimit = parse("    stats socket /tmp/s.sock\n    ulimit-n 1000\n", rest);
        assertThat(ulimit.global().ulimitN()).isEqualTo(1000);
        assertThat(ulimit.ulimitN(20_000, 2)).isEqualTo(1000);
        assertThat(ulimit.maxSock(20_000, 2)).isEqualTo(20_000);
    }

    @Test
    void ulimitNIsReadAsMaxconnIs() {
        // haproxy -c 2.6.12: 10x is 10, 0 is unset, a second line is ignored with an alert, no argument and a
        // second argument are refused, a negative value stops HAProxy at start
        assertThat(parse("    ulimit-n 10x\n", "").global().ulimitN()).isEqualTo(10);
        assertThat(parse("    ulimit-n 0\n", "").global().ulimitN()).isZero();
        HaproxyConfig twice = parse("    ulimit-n 100\n    ulimit-n 200\n", "");
        assertThat(twice.global().ulimitN()).isEqualTo(100);
        assertThat(twice.warnings()).extracting(Object::toString)
                .containsExactly("t.cfg:3:5: 'ulimit-n' already specified. Continuing.");
        assertThatThrownBy(() -> parse("    ulimit-n\n", "")).isInstanceOf(ConfigException.class)
                .hasMessage("t.cfg:2:5: 'ulimit-n' expects an integer argument.");
        assertThatThrownBy(() -> parse("    ulimit-n 5000 6\n", "")).isInstanceOf(ConfigException.class)
                .hasMessage("t.cfg:2:19: 'ulimit-n' cannot handle unexpected argument '6'.");
        HaproxyConfig negative = parse("    ulimit-n -3\n", "");
        assertThat(negative.global().ulimitN()).isZero();
        assertThat(negative.warnings()).extracting(Object::toString).containsExactly("t.cfg:2:14: global 'ulimit-n' -3"
                + " is negative: haproxy -c 2.6.12 accepts it but HAProxy refuses to start (Cannot raise FD limit to"
                + " -3); haprobe reads it as not set");
    }
}
