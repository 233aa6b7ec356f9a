package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Client traffic in a simulation (spec §9): each request load-balanced, queued, served or refused on virtual time. */
class TrafficSimulationTest {

    private static final long MS = 1_000_000L;
    /** A path {@code balance uri} (map-based, sdbm) sends to the first of two servers of weight 1. */
    private static final String WEB01_PATH = "/a";

    @Test
    void sequentialRequestsFollowWeightedRoundRobin() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                backend app
                    server web01 127.0.0.1:8081 check weight 2
                    server web02 127.0.0.1:8082 check weight 1
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(Behaviour.http(200)))
                .script("app/web02", ServerScript.of(Behaviour.http(200)))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ofSeconds(1), new Traffic.Sequential(6)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(2));

            // the order HAProxy 2.6.12 gave the same backend (its httplog, six curl requests one after the other)
            assertThat(requests(sim)).containsExactly(
                    "t=1000 #1 web01 200 --", "t=1000 #2 web01 200 --", "t=1000 #3 web02 200 --",
                    "t=1000 #4 web01 200 --", "t=1000 #5 web01 200 --", "t=1000 #6 web02 200 --");
        }
    }

    @Test
    void aFullServerQueuesAndTimeoutQueueEndsIn503() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                    timeout queue 1s
                backend app
                    server web01 127.0.0.1:8081 check maxconn 1
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofMillis(800)))))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Burst(3)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(3));

            assertThat(requests(sim)).containsExactly(
                    "t=800 #1 web01 200 --", "t=1000 #3 <NOSRV> 503 sQ", "t=1600 #2 web01 200 --");
            HealthEvent.RequestCompleted second = completed(sim).get(2);
            assertThat(second.queueNanos()).isEqualTo(800 * MS);
            assertThat(second.responseNanos()).isEqualTo(800 * MS);
        }
    }

    @Test
    void noUsableServerGives503AtOnce() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                backend app
                    server web01 127.0.0.1:8081 check inter 1s fall 1
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(Behaviour.refuse()))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ofSeconds(2), new Traffic.Burst(2)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(3));

            assertThat(requests(sim)).containsExactly("t=2000 #1 <NOSRV> 503 SC", "t=2000 #2 <NOSRV> 503 SC");
        }
    }

    @Test
    void aRefusingServerIsRetriedAfterTheTurnaroundThenGives503() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                backend app
                    server web01 127.0.0.1:8081
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(Behaviour.refuse()))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Burst(1)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(5));

            // observed on HAProxy 2.6.12: 0/0/-1/-1/3006 503 ... SC-- .../3 (three retries a second apart)
            assertThat(requests(sim)).containsExactly("t=3000 #1 web01 503 SC");
            assertThat(completed(sim).get(0).retries()).isEqualTo(3);
        }
    }

    @Test
    void aServerGoingDownHandsItsQueueBackWithRedispatchOrLeavesItThere() {
        String cfg = """
                defaults
                    mode http
                    balance uri
                    timeout connect 1s
                    timeout server 10s
                    timeout queue 10s
                    %s
                backend app
                    server web01 127.0.0.1:8081 check inter 1s fall 1 maxconn 1
                    server web02 127.0.0.1:8082 check inter 1s fall 1 maxconn 1
                """;
        String down = "t=3000ms Server app/web01 is DOWN, reason: Layer4 connection problem, info: \"Connection "
                + "refused\", check duration: 0ms. 1 active and 0 backup servers left. ";

        assertThat(logLines(cfg.formatted("option redispatch"))).contains(down
                + "1 sessions active, 3 requeued, 0 remaining in queue.");
        assertThat(logLines(cfg.formatted(""))).contains(down
                + "1 sessions active, 0 requeued, 3 remaining in queue.");
    }

    /** Four requests for one URI at 2 s all hash to web01 (one served, three in its queue); it fails at 2.5 s. */
    private static List<String> logLines(String config) {
        HaproxyConfig parsed = HaproxyConfig.parse("haproxy.cfg", config);
        Behaviour slow = new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofSeconds(5)));
        try (Simulation sim = Simulation.builder(parsed)
                .script("app/web01", ServerScript.builder()
                        .at(Duration.ZERO, slow)
                        .at(Duration.ofMillis(2500), Behaviour.refuse())
                        .build())
                .script("app/web02", ServerScript.of(slow))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ofMillis(2000), new Traffic.Burst(4))
                        .withPath(WEB01_PATH))
                .build()) {
            sim.runUntil(Duration.ofSeconds(4));
            return sim.timeline().logLines();
        }
    }

    @Test
    void aFrontendSendsItsTrafficToItsFirstUnconditionalUseBackendElseItsDefaultBackend() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    default_backend other
                frontend fe_main
                    bind 127.0.0.1:8080
                    use_backend other if { path_beg /x }
                    use_backend app
                    use_backend other
                frontend fe_default
                    bind 127.0.0.1:8081
                backend app
                    server web01 127.0.0.1:8081
                backend other
                    server o1 127.0.0.1:8082
                """);
        assertThat(config.warnings()).extracting(w -> w.location().line()).containsExactly(7);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(Behaviour.http(200)))
                .script("other/o1", ServerScript.of(Behaviour.http(404)))
                .traffic(Traffic.to(Traffic.Target.frontend("fe_main"), Duration.ZERO, new Traffic.Burst(1)))
                .traffic(Traffic.to(Traffic.Target.frontend("fe_default"), Duration.ZERO, new Traffic.Burst(1)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(1));

            assertThat(completed(sim)).extracting(e -> e.frontend() + " " + e.backend() + "/" + e.server() + " "
                    + e.status()).containsExactly("fe_main app/web01 200", "fe_default other/o1 404");
        }
    }

    @Test
    void trafficThatSaturatesAServerFailsItsChecksAndTheLoadCascadesUnlessMaxconnProtectsIt() {
        String cfg = """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 10s
                    timeout queue 5s
                    timeout check 1s
                backend app
                    option httpchk GET /health
                    default-server check inter 1s fall 2 rise 2 %s
                    server web01 127.0.0.1:8081
                    server web02 127.0.0.1:8082
                    server web03 127.0.0.1:8083
                """;
        List<String> unprotected = cascade(cfg.formatted(""));
        List<String> protectedByMaxconn = cascade(cfg.formatted("maxconn 8"));

        // 70 requests/s of 500 ms need 35 slots; three servers have 10 each: the first one full fails its checks
        assertThat(unprotected.get(0)).startsWith("t=7000ms Server app/web01 is DOWN, reason: Layer4 connection "
                + "problem, info: \"Connection refused\"").endsWith("10 sessions active, 0 requeued, 0 remaining "
                + "in queue.");
        assertThat(unprotected).contains("t=8833ms backend app has no server available!");
        // with maxconn 8 HAProxy never fills a server: the excess waits in the queue, the checks keep passing
        assertThat(protectedByMaxconn).noneMatch(line -> line.contains(" is DOWN"));
        assertThat(unprotected).endsWith("503 988", "200 1462");
        assertThat(protectedByMaxconn).endsWith("503 530", "200 1896");
    }

    private static List<String> cascade(String config) {
        HaproxyConfig parsed = HaproxyConfig.parse("haproxy.cfg", config);
        Simulation.Builder builder = Simulation.builder(parsed);
        for (String server : List.of("web01", "web02", "web03")) {
            builder.script("app/" + server, new ServerScript(List.of(new io.haprobe.sim.Phase(0,
                    new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofMillis(500))),
                    io.haprobe.sim.Firewall.OPEN, null,
                    new io.haprobe.sim.Capacity(10, io.haprobe.sim.Capacity.WhenFull.REFUSE)))));
        }
        try (Simulation sim = builder
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ofSeconds(5),
                        new Traffic.Rate(70, Duration.ofSeconds(40).toNanos())))
                .build()) {
            sim.runUntil(Duration.ofSeconds(45));
            List<String> out = new java.util.ArrayList<>(sim.timeline().logLines());
            out.add("503 " + sim.timeline().requests(503, Duration.ZERO, Duration.ofSeconds(45)));
            out.add("200 " + sim.timeline().requests(200, Duration.ZERO, Duration.ofSeconds(45)));
            return out;
        }
    }

    @Test
    void aRedispatchedRetryIsMarkedAsHaproxysLogMarksIt() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    option redispatch
                backend app
                    server web01 127.0.0.1:8081
                    server web02 127.0.0.1:8082
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(Behaviour.refuse()))
                .script("app/web02", ServerScript.of(Behaviour.http(200)))
                .traffic(Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Burst(1)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(2));

            // 2.6.12 logs "+1" for this request (conformance scenario 094)
            HealthEvent.RequestCompleted request = completed(sim).get(0);
            assertThat(request.server()).isEqualTo("web02");
            assertThat(request.retries()).isEqualTo(1);
            assertThat(request.redispatched()).isTrue();
        }
    }

    @Test
    void aFrontendAtItsMaxconnLeavesNewConnectionsInTheBacklogAndCountsItsRow() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 10s
                frontend fe_main
                    bind 127.0.0.1:8080
                    maxconn 2
                    default_backend app
                backend app
                    server web01 127.0.0.1:8081
                """);
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "",
                        Delay.of(Duration.ofSeconds(1)))))
                .traffic(Traffic.to(Traffic.Target.frontend("fe_main"), Duration.ZERO, new Traffic.Burst(4)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(3));

            // HAProxy 2.6.12, four curls at once: 1.008, 1.008, 2.008, 2.005 s; FRONTEND stot 4 smax 2 req_tot 4
            assertThat(requests(sim)).containsExactly("t=1000 #1 web01 200 --", "t=1000 #2 web01 200 --",
                    "t=2000 #3 web01 200 --", "t=2000 #4 web01 200 --");
            String frontend = sim.engine().showStat().lines().filter(l -> l.startsWith("fe_main,FRONTEND,"))
                    .findFirst().orElseThrow();
            List<String> header = List.of(sim.engine().showStat().lines().findFirst().orElseThrow().substring(2)
                    .split(","));
            String[] f = frontend.split(",", -1);
            assertThat(f[header.indexOf("stot")]).isEqualTo("4");
            assertThat(f[header.indexOf("smax")]).isEqualTo("2");
            assertThat(f[header.indexOf("req_tot")]).isEqualTo("4");
            assertThat(f[header.indexOf("hrsp_2xx")]).isEqualTo("4");
        }
    }

    private static List<HealthEvent.RequestCompleted> completed(Simulation sim) {
        return sim.timeline().events().stream()
                .filter(HealthEvent.RequestCompleted.class::isInstance)
                .map(HealthEvent.RequestCompleted.class::cast)
                .toList();
    }

    private static List<String> requests(Simulation sim) {
        long start = sim.engine().startNanos();
        return completed(sim).stream()
                .map(e -> "t=" + (e.timeNanos() - start) / MS + " #" + e.requestId() + " "
                        + (e.server() == null ? "<NOSRV>" : e.server()) + " " + e.status() + " "
                        + e.terminationState())
                .toList();
    }
}
