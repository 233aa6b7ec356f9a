package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A scenario's {@code traffic:} list and its phases' {@code serve:}: what they mean, and each mistake's message. */
class ScenarioTrafficTest {

    private static final long S = 1_000_000_000L;
    private static final String HEAD = """
            haproxy: |
              defaults
                mode http
                timeout connect 5s
              frontend fe_main
                bind 127.0.0.1:8080
                default_backend app
              backend app
                server web01 10.0.0.1:8080 check
              backend other
                server o1 10.0.0.2:8080 check
            duration: 60s
            """;

    @Test
    void readsEveryLoadAndOption() throws Exception {
        Scenario scenario = parse(HEAD + """
                traffic:
                  - at: 10s
                    frontend: fe_main
                    burst: 200
                  - at: 0s
                    backend: app
                    sequential: 5
                    path: /cart?id=3
                    headers: { Host: shop.example, X-User: "42" }
                    source: 127.0.0.5
                    timeout: 2s
                  - at: 5s
                    backend: other
                    rate: 0.5/s
                    until: 30s
                """);

        assertThat(scenario.traffic()).containsExactly(
                new Traffic(10 * S, Traffic.Target.frontend("fe_main"), new Traffic.Burst(200), "/", Map.of(), null, 0),
                new Traffic(0, Traffic.Target.backend("app"), new Traffic.Sequential(5), "/cart?id=3",
                        Map.of("Host", "shop.example", "X-User", "42"), InetAddress.getByName("127.0.0.5"), 2 * S),
                new Traffic(5 * S, Traffic.Target.backend("other"), new Traffic.Rate(0.5, 30 * S), "/", Map.of(), null,
                        0));
        assertThat(((Traffic.Rate) scenario.traffic().get(2).load()).periodNanos()).isEqualTo(2 * S);
    }

    @Test
    void aPhaseServesRequestsWithItsOwnBehaviourWhenItSaysSo() {
        Scenario scenario = parse(HEAD + """
                servers:
                  app/web01:
                    - at: 0s
                      http: { status: 200 }
                      serve: { http: { status: 503, delay: 800ms } }
                    - at: 10s
                      refuse: true
                """);

        var phases = scenario.scripts().get("app/web01").phases();
        assertThat(phases.get(0).requestBehaviour()).isEqualTo(new Behaviour.Http(503, null, Map.of(),
                "", io.haprobe.sim.Delay.of(java.time.Duration.ofMillis(800))));
        assertThat(phases.get(0).behaviour()).isEqualTo(Behaviour.http(200));
        assertThat(phases.get(1).requestBehaviour()).isEqualTo(Behaviour.refuse());
    }

    @Test
    void aPhaseCanHaveACapacity() {
        Scenario scenario = parse(HEAD + """
                servers:
                  app/web01:
                    - at: 0s
                      http: { status: 200 }
                      capacity: { max-sessions: 50, when-full: refuse }
                """);

        assertThat(scenario.scripts().get("app/web01").phases().get(0).capacity())
                .isEqualTo(new io.haprobe.sim.Capacity(50, io.haprobe.sim.Capacity.WhenFull.REFUSE));
        assertError(HEAD + "servers:\n  app/web01:\n    - at: 0s\n      http: { status: 200 }\n"
                + "      capacity: { max-sessions: 0, when-full: refuse }\n",
                "scenario.yaml:17:33: max-sessions: '0' (expected: a number of requests from 1 to 9999999)");
        assertError(HEAD + "servers:\n  app/web01:\n    - at: 0s\n      http: { status: 200 }\n"
                + "      capacity: { max-sessions: 5, when-full: drop }\n",
                "scenario.yaml:17:47: when-full: 'drop' (expected: refuse or blackhole)");
    }

    @Test
    void reportsEachMistakeAtItsPlace() {
        assertError(HEAD + "traffic: 3\n", "scenario.yaml:13:10: traffic: '3' (expected: a list of '- at: TIME' with a "
                + "frontend or backend and one of burst, sequential or rate)");
        assertError(HEAD + "traffic:\n  - frontend: fe_main\n    burst: 2\n",
                "scenario.yaml:14:5: traffic item without at (expected: at: a time such as 10s)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    burst: 2\n", "scenario.yaml:14:5: traffic item without a "
                + "target (expected: frontend: NAME or backend: NAME)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    frontend: fe_mian\n    burst: 2\n",
                "scenario.yaml:15:15: unknown frontend 'fe_mian' (expected: one of fe_main; did you mean 'fe_main'?)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: fe_main\n    burst: 2\n",
                "scenario.yaml:15:14: unknown backend 'fe_main' (expected: one of app, other)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    frontend: fe_main\n    burst: 2\n",
                "scenario.yaml:15:5: both frontend and backend (expected: one target)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n",
                "scenario.yaml:14:5: traffic item without a load (expected: one of burst: N, sequential: N or "
                        + "rate: R/s with until: TIME)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    burst: 2\n    sequential: 3\n",
                "scenario.yaml:17:5: two loads in one traffic item: 'burst' and 'sequential' (expected: one of "
                        + "burst, sequential or rate)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    burst: 0\n",
                "scenario.yaml:16:12: burst: '0' (expected: a number of requests from 1 to 10000000)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    rate: 50\n    until: 9s\n",
                "scenario.yaml:16:11: rate: '50' (expected: requests per second above 0 and at most 1000000, such "
                        + "as 50/s or 0.5/s)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    rate: 50/s\n",
                "scenario.yaml:14:5: rate without until (expected: until: the time the rate stops, such as 60s)");
        assertError(HEAD + "traffic:\n  - at: 10s\n    backend: app\n    rate: 50/s\n    until: 10s\n",
                "scenario.yaml:17:12: until: '10s' (expected: a time after at)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    burst: 5\n    until: 10s\n",
                "scenario.yaml:17:5: until with burst (expected: until only with rate)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    burst: 5\n    path: cart\n",
                "scenario.yaml:17:11: path: 'cart' (expected: a path starting with /, without blanks, such as "
                        + "/cart?id=3)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    burst: 5\n    source: localhost\n",
                "scenario.yaml:17:13: source: 'localhost' (expected: an IPv4 or IPv6 address such as 127.0.0.5)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    burst: 5\n    headers: { 'X A': b }\n",
                "scenario.yaml:17:16: header name: 'X A' (expected: an HTTP token such as X-User)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    burst: 5\n    timeout: 0s\n",
                "scenario.yaml:17:14: timeout: '0s' (expected: a time above 0 such as 60s)");
        assertError(HEAD + "traffic:\n  - at: 1s\n    backend: app\n    bursts: 5\n",
                "scenario.yaml:16:5: unknown traffic key 'bursts' (expected: one of at, frontend, backend, burst, "
                        + "sequential, rate, until, path, headers, source, timeout; did you mean 'burst'?)");
        assertError(HEAD + "servers:\n  app/web01:\n    - at: 0s\n      http: { status: 200 }\n      serve: 3\n",
                "scenario.yaml:17:14: serve: '3' (expected: one behaviour, such as { http: { status: 200, delay: "
                        + "800ms } })");
    }

    @Test
    void aTargetMustLeadToAModelledBackend() {
        String cfg = """
                haproxy: |
                  defaults
                    mode http
                  frontend fe_none
                    bind 127.0.0.1:8080
                  backend rdp
                    balance rdp-cookie
                    server r1 10.0.0.3:3389 check
                duration: 10s
                """;
        assertError(cfg + "traffic:\n  - at: 1s\n    frontend: fe_none\n    burst: 1\n",
                "scenario.yaml:12:15: frontend 'fe_none' sends its requests to no backend (expected: a frontend with "
                        + "a default_backend or a use_backend without a condition)");
        assertError(cfg + "traffic:\n  - at: 1s\n    backend: rdp\n    burst: 1\n",
                "scenario.yaml:12:14: backend 'rdp' leads to backend 'rdp', whose 'balance rdp-cookie' haprobe does not "
                        + "model (expected: roundrobin, static-rr, leastconn, first, source, uri, url_param, hdr or "
                        + "random)");
    }

    @Test
    void aTargetInModeTcpIsAnError() {
        String cfg = """
                haproxy: |
                  frontend fe
                    bind 127.0.0.1:8080
                    default_backend db
                  backend db
                    server d1 10.0.0.3:5432 check
                duration: 10s
                """;
        assertError(cfg + "traffic:\n  - at: 1s\n    frontend: fe\n    burst: 1\n",
                "scenario.yaml:10:15: frontend 'fe' leads to backend 'db' (scenario.yaml:5), in mode tcp; haprobe's "
                        + "traffic model is HTTP (expected: a backend in mode http)");
        assertError(cfg + "traffic:\n  - at: 1s\n    backend: db\n    burst: 1\n",
                "scenario.yaml:10:14: backend 'db' leads to backend 'db' (scenario.yaml:5), in mode tcp; haprobe's "
                        + "traffic model is HTTP (expected: a backend in mode http)");
    }

    @Test
    void linesTheTrafficModelIgnoresAreWarnedOncePerLineWhenTrafficGoesThroughThem() {
        String cfg = """
                haproxy: |
                  defaults
                    mode http
                    option abortonclose
                  frontend fe
                    bind 127.0.0.1:8080
                    http-request deny if { path /admin }
                    default_backend app
                  backend app
                    use-server web01 if { src 10.0.0.9 }
                    server web01 10.0.0.1:8080 check
                  backend quiet
                    server q1 10.0.0.2:8080 check
                duration: 10s
                """;
        Scenario quiet = parse(cfg + "traffic:\n  - at: 1s\n    backend: quiet\n    burst: 1\n");
        Scenario through = parse(cfg + "traffic:\n  - at: 1s\n    frontend: fe\n    burst: 1\n"
                + "  - at: 2s\n    backend: app\n    burst: 1\n");

        assertThat(quiet.warnings()).extracting(Object::toString).filteredOn(w -> w.contains("traffic model"))
                .containsExactly("scenario.yaml:4:5: keyword "
                + "'option abortonclose' changes traffic but the traffic model ignores it: HAProxy 2.6 aborts a "
                + "queued or connecting request whose client closed; haprobe models HAProxy without it (the request "
                + "keeps its place, its server still gets it)");
        assertThat(through.warnings()).filteredOn(w -> w.message().contains("traffic model"))
                .extracting(w -> w.location().toString() + " " + w.message().substring(0,
                w.message().indexOf(" changes"))).containsExactly(
                "scenario.yaml:4:5 keyword 'option abortonclose'",
                "scenario.yaml:7:5 keyword 'http-request deny'",
                "scenario.yaml:10:5 keyword 'use-server'");
        assertThat(parse(cfg).warnings()).noneMatch(w -> w.message().contains("traffic model"));
    }

    private static Scenario parse(String text) {
        return Scenario.parse("scenario.yaml", text, Path.of("."));
    }

    private static void assertError(String text, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
