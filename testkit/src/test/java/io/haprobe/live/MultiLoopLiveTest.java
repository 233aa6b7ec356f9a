package io.haprobe.live;

import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live checks on several event loops (HAProxy's {@code nbthread}): the servers are spread round robin over the
 * loops, each server's checks stay on one loop, and what servers of one backend share (its counts, its
 * "no server available" line) stays consistent while their checks run on different threads.
 */
@Tag("live")
class MultiLoopLiveTest {

    private static final Duration AT_MOST = Duration.ofSeconds(10);
    private static final List<String> FAILING = List.of("down_be/d1", "down_be/d2", "down_be/d3");
    private static final List<String> PASSING = List.of("up_be/u1", "up_be/u2", "up_be/u3");

    private LoopbackBackends backends;
    private NettyProbeTransport live;
    private HealthCheckEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        if (live != null) {
            live.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    @Test
    void spreadsServersOverThreeLoopsAndKeepsEachBackendsLinesConsistent() {
        LoopbackBackends.Builder builder = LoopbackBackends.builder().strict(false);
        FAILING.forEach(server -> builder.script(server, ServerScript.of(Behaviour.http(503))));
        PASSING.forEach(server -> builder.script(server, ServerScript.of(Behaviour.http(200))));
        backends = builder.bind();
        backends.start();
        live = NettyProbeTransport.create(3);
        ThreadRecordingTransport transport = new ThreadRecordingTransport(live);
        List<HealthEvent> events = new CopyOnWriteArrayList<>();
        Object[] ports = concat(FAILING, PASSING).stream().map(backends::port).toArray();
        engine = HealthCheckEngine.builder(HaproxyConfig.parse("multi.cfg", config().formatted(ports)))
                .transport(transport)
                .listener(events::add).build();
        engine.start();

        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(10)).until(() -> events.stream()
                .filter(HealthEvent.CheckCompleted.class::isInstance).map(HealthEvent.CheckCompleted.class::cast)
                .filter(e -> e.backend().equals("up_be")).count() >= 9
                && events.stream().anyMatch(HealthEvent.NoServerAvailable.class::isInstance));
        engine.close();

        assertThat(engine.threads()).isEqualTo(3);
        // each server's connections all came from one loop; six servers round robin over three loops use all three
        Map<Integer, Set<String>> threadsByPort = transport.threadsByPort;
        for (String server : concat(FAILING, PASSING)) {
            assertThat(threadsByPort.get(backends.port(server))).as(server).hasSize(1);
        }
        assertThat(threadsByPort.values().stream().flatMap(Set::stream).distinct()).hasSize(3);

        // the three DOWN lines count the servers left one by one, then the backend's line, once, after them
        List<String> lines = events.stream().map(HealthEvent::logMessage).filter(line -> line != null)
                .map(LiveEngine::maskDuration).toList();
        List<String> downBackend = lines.stream().filter(line -> line.contains("down_be")).toList();
        assertThat(downBackend).hasSize(4);
        assertThat(downBackend.subList(0, 3)).allSatisfy(line -> assertThat(line).matches(
                "Server down_be/d[123] is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service "
                        + "Unavailable\", check duration: <n>ms\\. [210] active and 0 backup servers left\\. .*"));
        assertThat(downBackend.get(0)).contains(" 2 active and 0 backup servers left.");
        assertThat(downBackend.get(1)).contains(" 1 active and 0 backup servers left.");
        assertThat(downBackend.get(2)).contains(" 0 active and 0 backup servers left.");
        assertThat(downBackend.get(3)).isEqualTo("backend down_be has no server available!");
        assertThat(lines).noneMatch(line -> line.contains("up_be"));

        // per server, its events are in the order of its checks
        for (String server : PASSING) {
            List<HealthEvent.CheckCompleted> checks = events.stream()
                    .filter(HealthEvent.CheckCompleted.class::isInstance).map(HealthEvent.CheckCompleted.class::cast)
                    .filter(e -> (e.backend() + "/" + e.server()).equals(server)).toList();
            assertThat(checks).isNotEmpty().allSatisfy(e -> assertThat(e.outcome().status())
                    .isEqualTo(CheckStatus.L7OK));
            for (int i = 1; i < checks.size(); i++) {
                assertThat(checks.get(i).timeNanos()).isGreaterThanOrEqualTo(checks.get(i - 1).timeNanos());
            }
        }
        assertThat(engine.servers()).allSatisfy(s -> assertThat(s.state())
                .isEqualTo(s.backend().equals("up_be") ? ServerState.UP : ServerState.DOWN));
    }

    @Test
    void runtimeApiChangesAServerOnAnotherLoop() {
        LoopbackBackends.Builder builder = LoopbackBackends.builder().strict(false);
        PASSING.forEach(server -> builder.script(server, ServerScript.of(Behaviour.http(200))));
        backends = builder.bind();
        backends.start();
        List<HealthEvent> events = new CopyOnWriteArrayList<>();
        engine = HealthCheckEngine.builder(HaproxyConfig.parse("multi.cfg", """
                        backend up_be
                            option httpchk GET /health
                            server u1 127.0.0.1:%d check inter 100ms
                            server u2 127.0.0.1:%d check inter 100ms
                            server u3 127.0.0.1:%d check inter 100ms
                        """.formatted(backends.port("up_be/u1"), backends.port("up_be/u2"),
                        backends.port("up_be/u3"))))
                .threads(2).listener(events::add).build();
        engine.start();
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(10)).until(() -> events.stream()
                .filter(HealthEvent.CheckCompleted.class::isInstance).count() >= 3);

        // u2 is on the second loop; the command runs on the first
        assertThat(engine.execute("set server up_be/u2 state maint")).isEmpty();
        assertThat(engine.execute("get weight up_be/u2")).isEqualTo("1 (initial 1)\n");
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(10)).until(() -> events.stream()
                .map(HealthEvent::logMessage).anyMatch(line -> line != null && line.startsWith(
                        "Server up_be/u2 is going DOWN for maintenance. 2 active and 0 backup servers left.")));
        assertThat(engine.threads()).isEqualTo(2);
        assertThat(engine.showStat()).contains("up_be,u2,").contains("MAINT");
    }

    private static String config() {
        StringBuilder cfg = new StringBuilder("""
                defaults
                    timeout connect 2s
                    default-server inter 100ms fall 1 rise 1

                backend down_be
                    option httpchk GET /health
                """);
        for (String server : FAILING) {
            cfg.append("    server ").append(server.substring(server.indexOf('/') + 1)).append(" 127.0.0.1:")
                    .append("%d").append(" check\n");
        }
        cfg.append("""

                backend up_be
                    option httpchk GET /health
                """);
        for (String server : PASSING) {
            cfg.append("    server ").append(server.substring(server.indexOf('/') + 1)).append(" 127.0.0.1:")
                    .append("%d").append(" check\n");
        }
        return cfg.toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The live transport, recording which thread opened each connection, by the target's port. */
    private static final class ThreadRecordingTransport implements ProbeTransport {

        final Map<Integer, Set<String>> threadsByPort = new ConcurrentHashMap<>();
        private final ProbeTransport delegate;

        ThreadRecordingTransport(ProbeTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public Scheduler scheduler() {
            return delegate.scheduler();
        }

        @Override
        public List<Scheduler> schedulers() {
            return delegate.schedulers();
        }

        @Override
        public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
            threadsByPort.computeIfAbsent(target.address().getPort(), port -> ConcurrentHashMap.newKeySet())
                    .add(Thread.currentThread().getName());
            return delegate.connect(target, handler);
        }

        @Override
        public void close() {
            // the test closes the live transport
        }
    }
}
