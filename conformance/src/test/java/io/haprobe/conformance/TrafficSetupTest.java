package io.haprobe.conformance;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/** How a traffic scenario is set up for real HAProxy, and how its requests and log lines are read. */
class TrafficSetupTest {

    private static final String CONFIG = """
            defaults
                mode http
                timeout connect 1s
            frontend fe_main
                bind 10.9.9.9:80 name main
                default_backend app
            backend app
                server web01 10.0.0.1:80 check inter 1s
                server web02 10.0.0.2:80 check port 9000
                server web03 10.0.0.3:80
            """;

    private static ConformanceScenario scenario() {
        String text = "haproxy: |\n" + CONFIG.indent(2) + """
                duration: 2s
                servers:
                  app/web01:
                    - at: 0s
                      http: { status: 200 }
                      serve: { refuse: true }
                traffic:
                  - at: 1s
                    backend: app
                    burst: 2
                """;
        Scenario parsed = Scenario.parse("t.yaml", text, Path.of("."));
        return new ConformanceScenario("t", Path.of("t.yaml"), "about", List.of("§9.1"), List.of(), CONFIG, parsed);
    }

    @Test
    void eachCheckedServerAnswersChecksOnASecondPortAndRequestsOnItsOwn() {
        Map<String, ServerScript> scripts = TrafficSetup.playerScripts(scenario());

        assertThat(scripts.get("app/web01").phases().get(0).behaviour()).isEqualTo(Behaviour.refuse());
        assertThat(scripts.get("app/web01:80").phases().get(0).behaviour()).isEqualTo(Behaviour.http(200));
        assertThat(scripts.get("app/web02:9000").phases().get(0).behaviour()).isEqualTo(Behaviour.refuse());
        assertThat(scripts).containsKeys("app/web02", "app/web03").doesNotContainKey("app/web03:80");
        assertThat(TrafficSetup.separateCheckPorts(CONFIG, scenario())).contains(
                "server web01 10.0.0.1:80 check inter 1s port 80\n", "server web02 10.0.0.2:80 check port 9000\n",
                "server web03 10.0.0.3:80\n");
    }

    @Test
    void frontendsBindOnLoopbackAndABackendTargetGetsAFrontendOfTheHarness() {
        String bound = TrafficSetup.bindFrontends(CONFIG, Map.of("fe_main", 40001, "haprobe_fe_app", 40002),
                Set.of("app"));

        assertThat(bound).contains("    bind 127.0.0.1:40001 name main\n", "frontend haprobe_fe_app\n",
                "    bind 127.0.0.1:40002\n", "    default_backend app\n");
        assertThat(TrafficSetup.boundSections(bound)).containsExactly("fe_main", "haprobe_fe_app");
        assertThat(TrafficSetup.httplog(bound, "127.0.0.1:40003")).contains("frontend fe_main\n"
                + "    log 127.0.0.1:40003 format raw local0\n    option httplog\n", "frontend haprobe_fe_app\n"
                + "    log 127.0.0.1:40003 format raw local0\n    option httplog\n");
    }

    @Test
    void theSimulationPlaysTheHarnessFrontendsWithHttplog() {
        List<Traffic> items = TrafficSetup.throughFrontends(List.of(
                Traffic.to(Traffic.Target.backend("app"), Duration.ofSeconds(1), new Traffic.Sequential(2)),
                Traffic.to(Traffic.Target.frontend("fe_main"), Duration.ZERO, new Traffic.Burst(3))));

        assertThat(items).extracting(Traffic::target).containsExactly(Traffic.Target.frontend("haprobe_fe_app"),
                Traffic.Target.frontend("fe_main"));
        assertThat(items.get(0).atNanos()).isEqualTo(1_000_000_000L);
        assertThat(items.get(0).load()).isEqualTo(new Traffic.Sequential(2));
    }

    @Test
    void anHttplogLineIsReadWhole() {
        Matcher line = TrafficRun.HTTPLOG_LINE.matcher("127.0.0.1:56288 [06/Dec/2026:08:42:50.717] fe_qtimeout"
                + " be_qtimeout/<NOSRV> 0/302/-1/-1/302 503 217 - - sQ-- 2/2/1/0/+1 0/1 \"GET /second HTTP/1.1\"");

        assertThat(line.matches()).isTrue();
        assertThat(TrafficRun.deterministicFields(line)).isEqualTo("fe_qtimeout be_qtimeout/<NOSRV> 503 217 sQ--"
                + " 2/2/1/0/+1 0/1 \"GET /second HTTP/1.1\"");
        assertThat(TrafficRun.sharedFields(line)).isEqualTo("fe_qtimeout be_qtimeout/<NOSRV> 503 217 sQ-- rc +1"
                + " \"GET /second HTTP/1.1\"");
        assertThat(List.of(line.group(7), line.group(8), line.group(9), line.group(10), line.group(11)))
                .containsExactly("0", "302", "-1", "-1", "302");
    }

    @Test
    void aRequestClosesItsConnectionAndItsStatusLineIsRead() {
        Traffic item = Traffic.to(Traffic.Target.backend("app"), Duration.ZERO, new Traffic.Sequential(1))
                .withPath("/cart?id=3").withHeaders(Map.of("X-User", "42"));

        assertThat(LoadClient.request(item)).isEqualTo("GET /cart?id=3 HTTP/1.1\r\nX-User: 42\r\n"
                + "Host: localhost\r\nConnection: close\r\n\r\n");
        assertThat(LoadClient.status("HTTP/1.1 503 Service Unavailable\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(503);
        assertThat(LoadClient.status(new byte[0])).isEqualTo(-1);
        assertThat(LoadClient.count(Traffic.to(Traffic.Target.backend("app"), Duration.ofSeconds(1),
                new Traffic.Rate(20, 2_000_000_000L)))).isEqualTo(20);
    }

    @Test
    void anHttplogLineGivesTheClientPortServerTimesTerminationAndRetries() {
        Matcher line = TrafficRun.HTTPLOG.matcher("127.0.0.1:46567 [06/Dec/2026:03:15:58.754] haprobe_fe_app"
                + " app/web02 0/0/-1/-1/3005 503 217 - - SC-- 1/1/0/0/+3 0/0 \"GET / HTTP/1.1\"");

        assertThat(line.find()).isTrue();
        assertThat(List.of(line.group(1), line.group(4), line.group(6), line.group(9), line.group(11),
                line.group(12))).containsExactly("46567", "web02", "0", "3005", "SC--", "3");
    }
}
