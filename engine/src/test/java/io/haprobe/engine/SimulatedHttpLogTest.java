package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.report.HttpLogFixtures;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code option httplog} line of each simulated request, against what HAProxy 2.6.12 logged for the same
 * configuration and servers ({@code engine/src/test/resources/httplog/httplog.lines}, written by
 * {@code capture-httplog.py}). The real run's timers carry a few ms of scheduling; the simulation's are exact, so
 * each case states its virtual timers and the rest of the line must equal the capture's.
 */
class SimulatedHttpLogTest {

    /** The capture's configuration, with the servers' addresses made up (the scripts stand behind them). */
    private static final String CONFIG = """
            global
                maxconn 100
            defaults
                mode http
                timeout connect 1s
                timeout client 10s
                timeout server 10s
                balance roundrobin
            frontend fe_ok
                bind 127.0.0.1:8001
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_ok
            backend be_ok
                server web01 127.0.0.1:9001
            frontend fe_body
                bind 127.0.0.1:8002
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_body
            backend be_body
                server web01 127.0.0.1:9002
            frontend fe_slow
                bind 127.0.0.1:8003
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_slow
            backend be_slow
                timeout server 500ms
                server web01 127.0.0.1:9003
            frontend fe_refused
                bind 127.0.0.1:8004
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_refused
            backend be_refused
                server web01 127.0.0.1:9004
            frontend fe_nosrv
                bind 127.0.0.1:8005
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_nosrv
            backend be_nosrv
                option httpchk GET /health
                server web01 127.0.0.1:9005 check inter 100ms fall 1
            frontend fe_qtimeout
                bind 127.0.0.1:8006
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_qtimeout
            backend be_qtimeout
                timeout queue 300ms
                server web01 127.0.0.1:9006 maxconn 1
            frontend fe_queued
                bind 127.0.0.1:8007
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_queued
            backend be_queued
                server web01 127.0.0.1:9007 maxconn 1
            frontend fe_invalid
                bind 127.0.0.1:8008
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_invalid
            backend be_invalid
                server web01 127.0.0.1:9008
            frontend fe_closed
                bind 127.0.0.1:8009
                log 127.0.0.1:514 local0
                option httplog
                default_backend be_closed
            backend be_closed
                server web01 127.0.0.1:9009
            frontend fe_errors
                bind 127.0.0.1:8010
                log 127.0.0.1:514 local0
                option httplog
                option log-separate-errors
                default_backend be_errors
            backend be_errors
                server web01 127.0.0.1:9010
                server web02 127.0.0.1:9011
            frontend fe_dontlog
                bind 127.0.0.1:8011
                log 127.0.0.1:514 local0
                option httplog
                option dontlog-normal
                default_backend be_dontlog
            backend be_dontlog
                server web01 127.0.0.1:9012
                server web02 127.0.0.1:9013
            """;

    private static final Behaviour EMPTY_200 = Behaviour.http(200);

    @Test
    void aServedRequest() {
        assertThat(simulate("ok", Map.of("be_ok/web01", EMPTY_200), at(0, "/")))
                .containsExactly(capturedWithTimers("ok", 0, "0/0/0/0/0"));
    }

    @Test
    void aServedRequestWithABodyCountsItsBytes() {
        Behaviour hello = new Behaviour.Http(200, null, Map.of(), "hello", Delay.NONE);
        assertThat(simulate("body", Map.of("be_body/web01", hello), at(0, "/a?b=1")))
                .containsExactly(capturedWithTimers("body", 0, "0/0/0/0/0"));
    }

    @Test
    void timeoutServerGives504sH() {
        Behaviour slow = new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofMillis(1500)));
        assertThat(simulate("slow", Map.of("be_slow/web01", slow), at(0, "/slow")))
                .containsExactly(capturedWithTimers("slow", 0, "0/0/0/-1/500"));
    }

    @Test
    void aRefusedConnectGives503SCAfterThreeRetries() {
        assertThat(simulate("refused", Map.of(), at(0, "/")))
                .containsExactly(capturedWithTimers("refused", 0, "0/0/-1/-1/3000"));
    }

    @Test
    void noServerUpGives503WithoutServer() {
        assertThat(simulate("nosrv", Map.of(), at(1000, "/")))
                .containsExactly(capturedWithTimers("nosrv", 0, "0/-1/-1/-1/0"));
    }

    @Test
    void aQueueTimeoutGives503sQWithItsTimeInTheQueue() {
        Behaviour slow = new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofMillis(1500)));
        assertThat(simulate("qtimeout", Map.of("be_qtimeout/web01", slow), at(0, "/first"), at(50, "/second")))
                .containsExactly(capturedWithTimers("qtimeout", 0, "0/300/-1/-1/300"),
                        capturedWithTimers("qtimeout", 1, "0/0/0/1500/1500"));
    }

    @Test
    void queuedRequestsLogTheirWaitAndQueuePosition() {
        Behaviour slow = new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofMillis(400)));
        assertThat(simulate("queued", Map.of("be_queued/web01", slow), at(0, "/1"), at(50, "/2"), at(100, "/3")))
                .containsExactly(capturedWithTimers("queued", 0, "0/0/0/400/400"),
                        capturedWithTimers("queued", 1, "0/350/0/400/750"),
                        capturedWithTimers("queued", 2, "0/700/0/400/1100"));
    }

    @Test
    void anInvalidResponseGives502PH() {
        Behaviour invalid = new Behaviour.Tcp("NOT HTTP\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), Delay.NONE,
                true, false);
        assertThat(simulate("invalid", Map.of("be_invalid/web01", invalid), at(0, "/")))
                .containsExactly(capturedWithTimers("invalid", 0, "0/0/0/-1/0"));
    }

    @Test
    void aCloseWithoutResponseGives502SH() {
        assertThat(simulate("closed", Map.of("be_closed/web01", new Behaviour.Close(Delay.NONE)), at(0, "/")))
                .containsExactly(capturedWithTimers("closed", 0, "0/0/0/-1/0"));
    }

    @Test
    void logSeparateErrorsLogsErrorsAtLevelErr() {
        // the second request leaves when the first one ends, as the capture's client sent it
        List<String> lines = simulate("errors", Map.of("be_errors/web02", EMPTY_200), new Traffic.Sequential(2));
        assertThat(lines).containsExactly(capturedWithTimers("errors", 0, "0/0/-1/-1/3000"),
                capturedWithTimers("errors", 1, "0/0/0/0/0"));
        assertThat(lines.get(0)).startsWith("<131>");
        assertThat(lines.get(1)).startsWith("<134>");
    }

    @Test
    void dontlogNormalLogsOnlyTheError() {
        assertThat(simulate("dontlog", Map.of("be_dontlog/web01", EMPTY_200), new Traffic.Sequential(2)))
                .containsExactly(capturedWithTimers("dontlog", 0, "0/0/-1/-1/3000"));
    }

    @Test
    void withoutOptionHttplogOrWithoutLogNothingIsLogged() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 1s
                frontend fe_nolog
                    bind 127.0.0.1:8001
                    option httplog
                    default_backend app
                frontend fe_noformat
                    bind 127.0.0.1:8002
                    log 127.0.0.1:514 local0
                    default_backend app
                frontend fe_dropped
                    bind 127.0.0.1:8003
                    log 127.0.0.1:514 local0
                    option httplog
                    no log
                    default_backend app
                frontend fe_notice
                    bind 127.0.0.1:8004
                    log 127.0.0.1:514 local0 notice
                    option httplog
                    default_backend app
                backend app
                    server web01 127.0.0.1:9001
                """);
        Simulation.Builder builder = Simulation.builder(config).script("app/web01", ServerScript.of(EMPTY_200));
        for (String frontend : List.of("fe_nolog", "fe_noformat", "fe_dropped", "fe_notice")) {
            builder.traffic(Traffic.to(Traffic.Target.frontend(frontend), Duration.ZERO, new Traffic.Burst(1)));
        }
        try (Simulation sim = builder.build()) {
            sim.runUntil(Duration.ofSeconds(1));
            assertThat(sim.timeline().requests()).hasSize(4).allSatisfy(request -> {
                assertThat(request.httpLog()).isNull();
                assertThat(request.logMessage()).isNull();
            });
        }
    }

    @Test
    void logGlobalTakesTheGlobalTargetsAndClientPortsCountUpFrom32768() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                global
                    log 127.0.0.1:514 local0 info
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 1s
                    timeout server 1s
                frontend fe_main
                    bind 127.0.0.1:8001
                    default_backend app
                backend app
                    server web01 127.0.0.1:9001
                """);
        try (Simulation sim = Simulation.builder(config).epoch(Instant.parse("2026-12-06T08:00:00Z"))
                .script("app/web01", ServerScript.of(EMPTY_200))
                .traffic(Traffic.to(Traffic.Target.frontend("fe_main"), Duration.ofMillis(1500),
                        new Traffic.Sequential(2)))
                .build()) {
            sim.runUntil(Duration.ofSeconds(2));
            assertThat(sim.timeline().requests()).extracting(HealthEvent::logMessage).containsExactly(
                    "127.0.0.1:32768 [06/Dec/2026:08:00:01.500] fe_main app/web01 0/0/0/0/0 200 49 - - ---- "
                            + "1/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
                    "127.0.0.1:32769 [06/Dec/2026:08:00:01.500] fe_main app/web01 0/0/0/0/0 200 49 - - ---- "
                            + "1/1/0/0/0 0/0 \"GET / HTTP/1.1\"");
        }
    }

    /**
     * The persistence cookie's two characters of {@code %tsc}, as HAProxy 2.6.12 logged them in conformance
     * scenario 089 ({@code cookie SRV insert}): {@code VN} with a valid cookie, {@code NI} without one (the
     * response gets the inserted cookie); {@code IN}-style classes for a cookie naming no server.
     */
    @Test
    void cookieInsertLogsTheClientAndServerCookieStates() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 1s
                frontend fe_main
                    bind 127.0.0.1:8001
                    log 127.0.0.1:514 local0
                    option httplog
                    default_backend app
                backend app
                    cookie SRV insert indirect nocache
                    server web01 127.0.0.1:9001 cookie s1
                    server web02 127.0.0.1:9002 cookie s2
                """);
        Traffic.Target fe = Traffic.Target.frontend("fe_main");
        try (Simulation sim = Simulation.builder(config)
                .script("app/web01", ServerScript.of(EMPTY_200)).script("app/web02", ServerScript.of(EMPTY_200))
                .traffic(Traffic.to(fe, Duration.ZERO, new Traffic.Burst(1)).withHeaders(Map.of("Cookie", "SRV=s2")))
                .traffic(Traffic.to(fe, Duration.ofMillis(100), new Traffic.Burst(1)))
                .traffic(Traffic.to(fe, Duration.ofMillis(200), new Traffic.Burst(1))
                        .withHeaders(Map.of("Cookie", "SRV=nobody")))
                .build()) {
            sim.runUntil(Duration.ofSeconds(1));
            assertThat(sim.timeline().requests()).extracting(request -> request.logMessage().split(" ")[9])
                    .containsExactly("--VN", "--NI", "--II");
        }
    }

    /**
     * A request its DOWN server's queue hands back to load balancing ({@code option redispatch}) is redispatched:
     * HAProxy 2.6.12 logs {@code +0} (conformance scenarios 086 and 105); the one the server was serving is not.
     */
    @Test
    void aRequeuedRequestIsLoggedRedispatched() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                defaults
                    mode http
                    timeout connect 1s
                    timeout server 5s
                    timeout queue 10s
                    option redispatch
                frontend fe_main
                    bind 127.0.0.1:8001
                    log 127.0.0.1:514 local0
                    option httplog
                    default_backend app
                backend app
                    balance uri
                    server web01 127.0.0.1:9001 check inter 1s fall 1 maxconn 1
                    server web02 127.0.0.1:9002 check inter 1s fall 1
                """);
        Behaviour slow = new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofMillis(1500)));
        ServerScript web01 = new ServerScript(List.of(
                new io.haprobe.sim.Phase(0, EMPTY_200, io.haprobe.sim.Firewall.OPEN, slow),
                new io.haprobe.sim.Phase(2_500_000_000L, Behaviour.refuse(), io.haprobe.sim.Firewall.OPEN, slow)));
        try (Simulation sim = Simulation.builder(config).script("app/web01", web01)
                .script("app/web02", ServerScript.of(EMPTY_200))
                .traffic(Traffic.to(Traffic.Target.frontend("fe_main"), Duration.ofMillis(2000),
                        new Traffic.Burst(3)).withPath("/a"))
                .build()) {
            sim.runUntil(Duration.ofMillis(4500));
            assertThat(sim.timeline().requests()).extracting(request -> request.logMessage().split(" ")[3]
                    + " " + request.logMessage().split(" ")[10].replaceAll(".*/", ""))
                    .containsExactlyInAnyOrder("app/web02 +0", "app/web02 +0", "app/web01 0");
        }
    }

    // ---- helpers

    private record At(long millis, String path) {
    }

    private static At at(long millis, String path) {
        return new At(millis, path);
    }

    /** Runs the case's frontend with the given scripts and one traffic item of {@code GET /} at t=0. */
    private static List<String> simulate(String name, Map<String, Behaviour> scripts, Traffic.Load load) {
        return run(name, scripts, List.of(Traffic.to(Traffic.Target.frontend("fe_" + name), Duration.ZERO, load)));
    }

    /**
     * Runs the case's frontend with the given scripts (servers without one refuse) and returns each logged line as
     * {@code <PRI>} (local0) and the line with its client port and date replaced by the capture's placeholders.
     */
    private static List<String> simulate(String name, Map<String, Behaviour> scripts, At... requests) {
        List<Traffic> traffic = new ArrayList<>();
        for (At request : requests) {
            traffic.add(Traffic.to(Traffic.Target.frontend("fe_" + name), Duration.ofMillis(request.millis()),
                    new Traffic.Burst(1)).withPath(request.path()));
        }
        return run(name, scripts, traffic);
    }

    private static List<String> run(String name, Map<String, Behaviour> scripts, List<Traffic> traffic) {
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse("haproxy.cfg", CONFIG));
        scripts.forEach((server, behaviour) -> builder.script(server, ServerScript.of(behaviour)));
        traffic.forEach(builder::traffic);
        List<String> lines = new ArrayList<>();
        try (Simulation sim = builder.build()) {
            sim.runUntil(Duration.ofSeconds(10));
            for (HealthEvent.RequestCompleted request : sim.timeline().requests()) {
                if (request.logMessage() != null) {
                    lines.add("<" + (16 * 8 + request.level().severity()) + ">" + normalised(request.logMessage()));
                }
            }
        }
        return lines;
    }

    /** The capture's {@code index}-th line of a case, without its syslog header, with the given timers. */
    private static String capturedWithTimers(String name, int index, String timers) {
        String line = captured().get(name).get(index);
        String pri = line.substring(0, line.indexOf('>') + 1);
        String message = line.substring(line.indexOf("]: ") + 3);
        String[] fields = normalised(message).split(" ", -1);
        fields[4] = timers;
        return pri + String.join(" ", fields);
    }

    /** The line with its client port and accept date, which differ between runs, replaced. */
    private static String normalised(String message) {
        return message.replaceFirst("^([0-9.]+):[0-9]+ \\[[^]]+]", "$1:PORT [DATE]");
    }

    private static Map<String, List<String>> captured() {
        return HttpLogFixtures.cases();
    }
}
