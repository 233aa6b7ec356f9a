package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.haprobe.testing.Configs.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine on virtual time with an agent check beside the health check (spec §1.4, §2.1, §2.3, §7, §8), and
 * with {@code disable-on-404} and {@code send-state} (spec §4.4, §4.5). Expected lines are those HAProxy 2.6.12
 * printed for the same replies. Agents are scripted on their port ({@code be/s1:9101}).
 */
class AgentAndHttpCheckTimelineTest {

    private static final String DOWN_COUNTS = " 0 sessions active, 0 requeued, 0 remaining in queue.";
    private static final String UP_COUNTS = " 0 sessions requeued, 0 total in queue.";

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final Map<String, ServerScript> scripts = new HashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final List<String> timeline = new ArrayList<>();
    private final List<HealthEvent> events = new ArrayList<>();
    private HealthCheckEngine engine;

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void agentRepliesDriveTheServerOnTheirOwnIntervalWithHaproxysLines() {
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        scripts.put("be/s1:9101", ServerScript.builder().at(Duration.ZERO, agent("up\n"))
                .at(Duration.ofMillis(2000), agent("down\n")).at(Duration.ofMillis(4000), agent("drain\n"))
                .at(Duration.ofMillis(5000), agent("up\n")).at(Duration.ofMillis(6000), agent("ready 50%\n"))
                .build());
        start("""
                backend be
                    option log-health-checks
                    server s1 127.0.0.1:9001 check inter 1s agent-check agent-port 9101 agent-inter 1s weight 10
                """);
        scheduler.runUntil(7000 * MS);
        assertThat(timeline).containsExactly(
                "t=0ms Health check for server be/s1 succeeded, reason: Layer4 check passed, check duration: 0ms, "
                        + "status: 3/3 UP.",
                "t=500ms Agent check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, "
                        + "info: \"via agent : up\", check duration: 0ms, status: 1/1 UP.",
                "t=2500ms Agent check for server be/s1 failed, reason: Layer7 wrong status, code: 0, "
                        + "info: \"via agent : down\", check duration: 0ms, status: 0/1 DOWN.",
                "t=2500ms Server be/s1 is DOWN. 0 active and 0 backup servers left." + DOWN_COUNTS,
                "t=2500ms backend be has no server available!",
                "t=4500ms Server be/s1 enters drain state. 0 active and 0 backup servers left." + DOWN_COUNTS,
                "t=5500ms Agent check for server be/s1 succeeded, reason: Layer7 check passed, code: 0, "
                        + "info: \"via agent : up\", check duration: 0ms, status: 1/1 UP.",
                "t=5500ms Server be/s1 is UP. 0 active and 0 backup servers online." + UP_COUNTS,
                "t=5500ms Server be/s1 remains in forced drain mode.",
                "t=6500ms Server be/s1 is UP (leaving forced drain).");
        ServerSnapshot s1 = engine.server("be", "s1").orElseThrow();
        assertThat(s1.statusText()).isEqualTo("UP");
        assertThat(s1.currentWeight()).isEqualTo(5);
        assertThat(agentCheckTimes()).startsWith(500L, 1500L, 2500L, 3500L, 4500L, 5500L, 6500L);
    }

    @Test
    void theAgentIntervalDefaultsToTwoSecondsWhateverInterIs() {
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        scripts.put("be/s1:9101", ServerScript.of(agent("up\n")));
        start("""
                backend be
                    server s1 127.0.0.1:9001 check inter 500ms agent-check agent-port 9101
                """);
        scheduler.runUntil(6100 * MS);
        assertThat(agentCheckTimes()).containsExactly(1000L, 3000L, 5000L);
    }

    @Test
    void aRefusedAgentIsLoggedOnceAndLeavesTheServerUp() {
        scripts.put("be_agbad/refused", ServerScript.of(Behaviour.hang()));
        scripts.put("be_agbad/refused:9199", ServerScript.of(Behaviour.refuse()));
        start("""
                backend be_agbad
                    option log-health-checks
                    server refused 127.0.0.1:9001 check inter 1s agent-check agent-port 9199 agent-inter 1s
                """);
        scheduler.runUntil(3000 * MS);
        assertThat(timeline).containsExactly(
                "t=0ms Health check for server be_agbad/refused succeeded, reason: Layer4 check passed, "
                        + "check duration: 0ms, status: 3/3 UP.",
                "t=500ms Agent check for server be_agbad/refused failed, reason: Layer4 connection problem, "
                        + "info: \"Connection refused\", check duration: 0ms, status: 1/1 UP.");
        assertThat(engine.server("be_agbad", "refused").orElseThrow().statusText()).isEqualTo("UP");
    }

    @Test
    void agentMaintPausesTheHealthCheckAndReadyBringsTheServerBackAtHealthRise() {
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        scripts.put("be/s1:9101", ServerScript.builder().at(Duration.ZERO, agent("maint\n"))
                .at(Duration.ofMillis(2000), agent("ready\n")).build());
        start("""
                backend be
                    server s1 127.0.0.1:9001 check inter 1s agent-check agent-port 9101 agent-inter 2500ms
                """);
        // boot spreading: the agent is the second of two checks, max(1000, 2500) * 1/2 = 1250 ms
        scheduler.runUntil(1300 * MS);
        assertThat(timeline).containsExactly(
                "t=1250ms Server be/s1 is going DOWN for maintenance. 0 active and 0 backup servers left."
                        + DOWN_COUNTS,
                "t=1250ms backend be has no server available!");
        assertThat(events).filteredOn(e -> e instanceof HealthEvent.AdminStateChanged).singleElement()
                .extracting(HealthEvent::level).isEqualTo(LogLevel.ALERT);
        assertThat(engine.server("be", "s1").orElseThrow().statusText()).isEqualTo("MAINT");
        scheduler.runUntil(3800 * MS);
        assertThat(timeline).last().isEqualTo("t=3750ms Server be/s1 is UP/READY (leaving forced maintenance).");
        assertThat(engine.server("be", "s1").orElseThrow().statusText()).isEqualTo("UP 1/3");
        assertThat(healthCheckTimes()).containsExactly(0L, 1000L);
        scheduler.runUntil(4100 * MS);
        assertThat(healthCheckTimes()).containsExactly(0L, 1000L, 4000L);
        assertThat(engine.server("be", "s1").orElseThrow().statusText()).isEqualTo("UP");
    }

    @Test
    void disableOn404PutsTheServerInNolbAndA200BringsItBack() {
        scripts.put("be_d/d1", ServerScript.builder().at(Duration.ZERO, Behaviour.http(404))
                .at(Duration.ofMillis(2000), Behaviour.http(200)).build());
        start("""
                backend be_d
                    option httpchk GET /
                    http-check disable-on-404
                    server d1 127.0.0.1:9001 check inter 1s
                """);
        scheduler.runUntil(2500 * MS);
        assertThat(timeline).containsExactly(
                "t=0ms Server be_d/d1 is stopping, reason: Layer7 check conditionally passed, code: 404, "
                        + "check duration: 0ms. 0 active and 0 backup servers online." + UP_COUNTS,
                "t=0ms backend be_d has no server available!",
                "t=2000ms Server be_d/d1 is UP, reason: Layer7 check passed, code: 200, check duration: 0ms. "
                        + "1 active and 0 backup servers online." + UP_COUNTS);
    }

    @Test
    void a404WhileDownIsAnOrdinaryFailure() {
        scripts.put("be_d/d1", ServerScript.builder().at(Duration.ZERO, Behaviour.refuse())
                .at(Duration.ofMillis(1000), Behaviour.http(404)).build());
        start("""
                backend be_d
                    option httpchk GET /
                    option log-health-checks
                    http-check disable-on-404
                    server d1 127.0.0.1:9001 check inter 1s
                """);
        scheduler.runUntil(1500 * MS);
        assertThat(timeline).last().isEqualTo("t=1000ms Health check for server be_d/d1 failed, reason: Layer7 wrong "
                + "status, code: 404, info: \"Not Found\", check duration: 0ms, status: 0/2 DOWN.");
    }

    @Test
    void sendStateReportsTheStateAtEachCheck() {
        scripts.put("be_s/s1", ServerScript.of(Behaviour.http(200)));
        start("""
                global
                    node vm
                backend be_s
                    option httpchk GET /s
                    http-check send-state
                    server s1 127.0.0.1:9001 check inter 1s weight 10
                    server s2 127.0.0.1:9002 weight 10
                """);
        scheduler.runUntil(1500 * MS);
        assertThat(requests).containsExactly(
                "GET /s HTTP/1.0\r\nx-haproxy-server-state: UP 1/3; address=127.0.0.1; port=9001; name=be_s/s1; "
                        + "node=vm; weight=10/20; scur=0/0; qcur=0\r\n\r\n",
                "GET /s HTTP/1.0\r\nx-haproxy-server-state: UP; address=127.0.0.1; port=9001; name=be_s/s1; "
                        + "node=vm; weight=10/20; scur=0/0; qcur=0\r\n\r\n");
    }

    @Test
    void anAgentReplyEndsAtItsFirstNulByteSoANulBeforeTheLineEndIsAnIncompleteLine() {
        // HAProxy 2.6.12, agent replies "\0maint\n" and "up\0maint\n": "Agent check for server b3/nul failed,
        // reason: Layer7 timeout, check duration: 50ms, status: 1/1 UP." and never MAINT
        scripts.put("be/nul", ServerScript.of(Behaviour.hang()));
        scripts.put("be/nul:9101", ServerScript.of(agent("\0maint\n")));
        scripts.put("be/upnul", ServerScript.of(Behaviour.hang()));
        scripts.put("be/upnul:9102", ServerScript.of(agent("up\0maint\n")));
        start("""
                backend be
                    option log-health-checks
                    server nul 127.0.0.1:9001 check inter 1s agent-check agent-port 9101 agent-inter 1s
                    server upnul 127.0.0.1:9002 check inter 1s agent-check agent-port 9102 agent-inter 1s
                """);
        scheduler.runUntil(4000 * MS);
        assertThat(timeline).filteredOn(line -> line.contains("Agent check")).containsExactly(
                "t=1250ms Agent check for server be/nul failed, reason: Layer7 timeout, check duration: 0ms, "
                        + "status: 1/1 UP.",
                "t=1750ms Agent check for server be/upnul failed, reason: Layer7 timeout, check duration: 0ms, "
                        + "status: 1/1 UP.");
        assertThat(timeline).noneMatch(line -> line.contains("maintenance"));
        assertThat(engine.server("be", "nul").orElseThrow().statusText()).isEqualTo("UP");
        assertThat(engine.server("be", "upnul").orElseThrow().statusText()).isEqualTo("UP");
    }

    @Test
    void agentBytesAboveAsciiArePrintedOneEscapePerByte() {
        // HAProxy 2.6.12, agent reply "down \xff\xe9 t\n": info: "via agent : down (<FF><E9>)"
        scripts.put("be/s1", ServerScript.of(Behaviour.hang()));
        scripts.put("be/s1:9101", ServerScript.of(agent("down \u00ff\u00e9 t\n")));
        start("""
                backend be
                    option log-health-checks
                    server s1 127.0.0.1:9001 check inter 1s agent-check agent-port 9101 agent-inter 1s
                """);
        scheduler.runUntil(1000 * MS);
        assertThat(timeline).contains("t=500ms Agent check for server be/s1 failed, reason: Layer7 wrong status, "
                + "code: 0, info: \"via agent : down (<FF><E9>)\", check duration: 0ms, status: 0/1 DOWN.");
    }

    /** An agent that writes {@code line} as soon as it accepts, then closes. */
    private static Behaviour agent(String line) {
        return new Behaviour.Tcp(line.getBytes(StandardCharsets.ISO_8859_1), Delay.NONE, true, true);
    }

    private void start(String cfg) {
        ProbeTransport transport = new RecordingTransport(new SimulatedTransport(scheduler, scripts,
                new SplittableRandom(1)), requests);
        engine = HealthCheckEngine.builder(HaproxyConfig.parse("test.cfg", cfg)).transport(transport)
                .listenerExecutor(Runnable::run).listener(event -> {
                    events.add(event);
                    if (event.logMessage() != null) {
                        timeline.add("t=" + event.timeNanos() / MS + "ms " + event.logMessage());
                    }
                }).build();
        engine.start();
    }

    private List<Long> agentCheckTimes() {
        return events.stream().filter(HealthEvent.AgentCheckCompleted.class::isInstance)
                .map(e -> (e.timeNanos() - ((HealthEvent.AgentCheckCompleted) e).outcome().durationNanos()) / MS)
                .toList();
    }

    private List<Long> healthCheckTimes() {
        return events.stream().filter(HealthEvent.CheckCompleted.class::isInstance)
                .map(e -> (e.timeNanos() - ((HealthEvent.CheckCompleted) e).outcome().durationNanos()) / MS)
                .toList();
    }

    /** The simulated transport, keeping a copy of every chunk a check writes, in order. */
    private record RecordingTransport(SimulatedTransport simulated, List<String> requests) implements ProbeTransport {

        @Override
        public Scheduler scheduler() {
            return simulated.scheduler();
        }

        @Override
        public java.net.InetSocketAddress resolve(String host, int port) {
            return simulated.resolve(host, port);
        }

        @Override
        public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
            ChannelFuture connect = simulated.connect(target, handler);
            // nearest the head: sees the writes of the check handler on their way out
            connect.channel().pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                    requests.add(((ByteBuf) msg).toString(StandardCharsets.ISO_8859_1));
                    ctx.write(msg, promise);
                }
            });
            return connect;
        }

        @Override
        public void close() {
            simulated.close();
        }
    }
}
