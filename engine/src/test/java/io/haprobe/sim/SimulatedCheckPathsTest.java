package io.haprobe.sim;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.internal.CheckConnection;
import io.haprobe.internal.CheckDriver;
import io.haprobe.internal.DirectConnector;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plain simulated check runs channel-free ({@link DirectConnector}: the scripted backend answers the check's
 * {@code CheckDriver} through direct calls) and must give exactly what the same check gives over an in-memory
 * channel: the same events, at the same virtual times, with the same outcomes, logs and health counters. Each case
 * runs one scenario twice, once through a transport that hides its direct side (every check takes a channel), and
 * compares the two event lists, then checks the statuses the scenario is there for.
 */
class SimulatedCheckPathsTest {

    @Test
    void layer4Outcomes() {
        Run run = compare("""
                defaults
                    timeout connect 1s
                    timeout check 2s
                backend be
                    server ok 10.0.0.1:80 check inter 1s
                    server refused 10.0.0.2:80 check inter 1s
                    server silent 10.0.0.3:80 check inter 1s
                    server hung 10.0.0.4:80 check inter 1s
                    server rejected 10.0.0.5:80 check inter 1s
                    server dropped 10.0.0.6:80 check inter 1s
                    server nothing 10.0.0.7:80 check inter 1s
                """, Map.of(
                "be/ok", ServerScript.of(Behaviour.http(200)),
                "be/refused", ServerScript.of(Behaviour.refuse()),
                "be/silent", ServerScript.of(Behaviour.blackhole()),
                "be/hung", ServerScript.of(Behaviour.hang()),
                "be/rejected", firewalled(Firewall.Action.REJECT),
                "be/dropped", firewalled(Firewall.Action.DROP)));

        assertThat(run.statuses("ok")).containsOnly("L4OK");
        assertThat(run.statuses("refused")).containsOnly("L4CON Connection refused");
        assertThat(run.statuses("silent")).containsOnly("L4TOUT");
        assertThat(run.statuses("hung")).containsOnly("L4OK");
        assertThat(run.statuses("rejected")).containsOnly("L4CON No route to host");
        assertThat(run.statuses("dropped")).containsOnly("L4TOUT");
        assertThat(run.statuses("nothing")).containsOnly("L4CON Connection refused");
    }

    @Test
    void httpOutcomes() {
        Run run = compare("""
                defaults
                    timeout connect 1s
                    timeout check 2s
                backend be
                    option httpchk GET /health
                    option log-health-checks
                    server ok 10.0.0.1:80 check inter 1s
                    server error 10.0.0.2:80 check inter 1s
                    server garbage 10.0.0.3:80 check inter 1s
                    server hung 10.0.0.4:80 check inter 1s
                    server reset 10.0.0.5:80 check inter 1s
                    server closed 10.0.0.6:80 check inter 1s
                    server slow 10.0.0.7:80 check inter 1s fall 2 rise 1
                    server flapping 10.0.0.8:80 check inter 1s
                """, Map.of(
                "be/ok", ServerScript.of(Behaviour.http(200)),
                "be/error", ServerScript.of(Behaviour.http(503)),
                "be/garbage", ServerScript.of(new Behaviour.Tcp(ascii("hello\n"), Delay.NONE, true, false)),
                "be/hung", ServerScript.of(Behaviour.hang()),
                "be/reset", ServerScript.of(new Behaviour.Reset(Delay.of(Duration.ofMillis(30)))),
                "be/closed", ServerScript.of(new Behaviour.Close(Delay.of(Duration.ofMillis(30)))),
                // random delays on both sides of timeout check: the draws come in event order on both paths
                "be/slow", ServerScript.of(new Behaviour.Http(200, null, Map.of(), "", Delay.between(
                        Duration.ofMillis(1), Duration.ofSeconds(3)))),
                "be/flapping", ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(200),
                        Behaviour.http(500), Behaviour.refuse(), Behaviour.blackhole())))));

        assertThat(run.tags("ok")).containsOnly("L7OK");
        assertThat(run.tags("error")).containsOnly("L7STS");
        assertThat(run.tags("garbage")).containsOnly("L7RSP");
        assertThat(run.tags("hung")).containsOnly("L7TOUT");
        assertThat(run.statuses("reset")).containsOnly("SOCKERR Connection reset by peer");
        assertThat(run.tags("closed")).containsOnly("L7RSP");
        assertThat(run.tags("slow")).contains("L7OK", "L7TOUT");
        assertThat(run.tags("flapping")).contains("L7OK", "L7STS", "L4CON", "L4TOUT");
    }

    @Test
    void aCrashResetsTheConnectionsStillOpen() {
        Run run = compare("""
                defaults
                    timeout connect 1s
                    timeout check 5s
                backend be
                    option httpchk GET /health
                    server web 10.0.0.1:80 check inter 1s
                """, Map.of("be/web", ServerScript.builder()
                .at(Duration.ZERO, new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofSeconds(2))))
                // checks run from 0 to 2 s, 3 to 5 s, 6 to 8 s: the crash cuts the third one
                .at(Duration.ofMillis(7000), Behaviour.refuse())
                .at(Duration.ofSeconds(12), Behaviour.http(200))
                .build()));

        assertThat(run.statuses("web")).contains("SOCKERR Connection reset by peer", "L4CON Connection refused");
        assertThat(run.tags("web")).contains("L7OK");
    }

    @Test
    void tcpCheckSendExpectOnTwoConnectionsWithProxyHeader() {
        Run run = compare("""
                backend be
                    option tcp-check
                    tcp-check connect send-proxy
                    tcp-check send PING\\r\\n
                    tcp-check expect string PONG
                    tcp-check connect port 9999 linger
                    tcp-check send STATUS\\n
                    tcp-check expect string ready
                    server proxied 10.0.0.1:6379 check inter 1s send-proxy
                    server plain 10.0.0.2:6379 check inter 1s
                    server wrong 10.0.0.3:6379 check inter 1s
                """, Map.of(
                // the header must come first, then the command
                "be/proxied", ServerScript.of(dialogue(ex("PROXY UNKNOWN\r\nPING\r\n", "+PONG\r\n"))),
                "be/proxied:9999", ServerScript.of(dialogue(ex("STATUS\n", "ready\n"))),
                "be/plain", ServerScript.of(dialogue(ex("PING\r\n", "+PONG\r\n"))),
                "be/plain:9999", ServerScript.of(dialogue(ex("STATUS\n", "ready\n"))),
                "be/wrong", ServerScript.of(dialogue(ex("PING\r\n", "-ERR\r\n")))));

        assertThat(run.statuses("proxied")).containsOnly("L7OK (tcp-check)");
        assertThat(run.statuses("plain")).containsOnly("L7OK (tcp-check)");
        assertThat(run.statuses("wrong")).allMatch(s -> s.startsWith("L7RSP") || s.startsWith("L7TOUT"));
    }

    @Test
    void agentChecks() {
        Run run = compare("""
                backend be
                    option httpchk GET /health
                    option log-health-checks
                    server web01 10.0.0.1:80 check inter 1s agent-check agent-port 9101 agent-inter 700ms
                    server web02 10.0.0.2:80 check inter 1s agent-check agent-port 9101 agent-inter 700ms
                """, Map.of(
                "be/web01", ServerScript.of(Behaviour.http(200)),
                "be/web01:9101", ServerScript.builder()
                        .at(Duration.ZERO, new Behaviour.Tcp(ascii("up 50%\n"), Delay.NONE, true, true))
                        .at(Duration.ofSeconds(4), new Behaviour.Tcp(ascii("drain\n"), Delay.NONE, true, true))
                        .at(Duration.ofSeconds(8), new Behaviour.Tcp(ascii("down\n"), Delay.NONE, true, true))
                        .build(),
                "be/web02", ServerScript.of(Behaviour.http(200)),
                "be/web02:9101", ServerScript.of(Behaviour.hang())));

        assertThat(run.events).anyMatch(e -> e.contains("drain")).anyMatch(e -> e.contains("DOWN"));
    }

    /** The two runs of one scenario. */
    private record Run(List<String> events, List<HealthEvent> typed) {

        /** The status tag of every check of {@code server}, health checks and agent checks alike. */
        List<String> tags(String server) {
            return statuses(server).stream().map(s -> s.split(" ", 2)[0]).toList();
        }

        /** {@code STATUS info} of every check of {@code server}, health checks and agent checks alike. */
        List<String> statuses(String server) {
            List<String> statuses = new ArrayList<>();
            for (HealthEvent event : typed) {
                if (event instanceof HealthEvent.CheckCompleted done && done.server().equals(server)) {
                    String info = done.outcome().info();
                    statuses.add(done.outcome().status().tag() + (info.isEmpty() ? "" : " " + info));
                }
            }
            return statuses;
        }
    }

    private static Run compare(String cfg, Map<String, ServerScript> scripts) {
        Recorded channels = run(cfg, scripts, false);
        Recorded direct = run(cfg, scripts, true);
        assertThat(channels.transport.channelConnects).isPositive();
        assertThat(channels.transport.directConnects).isZero();
        assertThat(direct.transport.channelConnects).isZero();
        assertThat(direct.transport.directConnects).isPositive();
        assertThat(channels.strings()).isNotEmpty();
        assertThat(direct.strings()).containsExactlyElementsOf(channels.strings());
        return new Run(direct.strings(), direct.events);
    }

    private record Recorded(Counting transport, List<HealthEvent> events) {
        List<String> strings() {
            return events.stream().map(Object::toString).toList();
        }
    }

    private static Recorded run(String cfg, Map<String, ServerScript> scripts, boolean direct) {
        VirtualScheduler clock = new VirtualScheduler();
        SimulatedTransport simulated = new SimulatedTransport(clock, scripts, new SplittableRandom(42));
        Counting transport = direct ? new Direct(simulated) : new Counting(simulated);
        List<HealthEvent> events = new ArrayList<>();
        HealthCheckEngine engine = HealthCheckEngine.builder(HaproxyConfig.parse("paths.cfg", cfg))
                .transport(transport).listenerExecutor(Runnable::run).listener(events::add).build();
        engine.start();
        clock.runFor(Duration.ofSeconds(20));
        engine.close();
        return new Recorded(transport, events);
    }

    private static ServerScript firewalled(Firewall.Action action) {
        return new ServerScript(List.of(new Phase(0, Behaviour.http(200), new Firewall(List.of("192.0.2.0/24"),
                action))));
    }

    private static Behaviour.Dialogue dialogue(Behaviour.Dialogue.Exchange... exchanges) {
        return new Behaviour.Dialogue(List.of(exchanges), false, false);
    }

    private static Behaviour.Dialogue.Exchange ex(String await, String reply) {
        return new Behaviour.Dialogue.Exchange(ascii(await), ascii(reply), Delay.NONE);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Hides the simulated transport's direct side: every check takes an in-memory channel. */
    private static class Counting implements ProbeTransport {

        final SimulatedTransport simulated;
        int channelConnects;
        int directConnects;

        Counting(SimulatedTransport simulated) {
            this.simulated = simulated;
        }

        @Override
        public Scheduler scheduler() {
            return simulated.scheduler();
        }

        @Override
        public InetSocketAddress resolve(String host, int port) {
            return simulated.resolve(host, port);
        }

        @Override
        public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
            channelConnects++;
            return simulated.connect(target, handler);
        }

        @Override
        public Optional<InetSocketAddress> lastSource(String backend, String server) {
            return simulated.lastSource(backend, server);
        }

        @Override
        public TlsClient tlsClient(TlsSupport support, TlsClientSpec spec) {
            return simulated.tlsClient(support, spec);
        }

        @Override
        public void close() {
            simulated.close();
        }
    }

    /** The simulated transport as the engine sees it, counting both paths. */
    private static final class Direct extends Counting implements DirectConnector {

        Direct(SimulatedTransport simulated) {
            super(simulated);
        }

        @Override
        public CheckConnection connect(CheckTarget target, int proxyVersion, CheckDriver driver) {
            directConnects++;
            return simulated.connect(target, proxyVersion, driver);
        }
    }
}
