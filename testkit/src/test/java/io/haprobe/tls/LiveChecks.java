package io.haprobe.tls;

import io.haprobe.CheckOutcome;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A {@link HealthCheckEngine} on the live Netty transport, started from haproxy.cfg text, recording every event.
 * Closing it closes the engine and its transport.
 *
 * <p>Thread-safe: events are added on the engine's listener thread and read from the test thread.
 */
final class LiveChecks implements AutoCloseable {

    /** How long a live check may take to show up: generous for a loaded 2-core build machine. */
    static final Duration AT_MOST = Duration.ofSeconds(10);

    private final HealthCheckEngine engine;
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();

    private LiveChecks(HaproxyConfig config) {
        this.engine = HealthCheckEngine.builder(config).listener(events::add).build();
    }

    /**
     * Parses {@code cfgText} and starts checking it over real sockets.
     *
     * @param cfgText a haproxy.cfg text; never null
     * @return the running engine
     */
    static LiveChecks start(String cfgText) {
        LiveChecks live = new LiveChecks(HaproxyConfig.parse("live.cfg", Objects.requireNonNull(cfgText)));
        live.engine.start();
        return live;
    }

    /**
     * Returns a haproxy.cfg with one backend {@code be}: log-health-checks, the given lines, then
     * {@code server s 127.0.0.1:<port> check inter 300ms <server options>}.
     *
     * @param port          the server's port
     * @param serverOptions the rest of the server line
     * @param backendLines  lines of the backend before the server
     * @return the text
     */
    static String backend(int port, String serverOptions, String... backendLines) {
        StringBuilder cfg = new StringBuilder("defaults\n  timeout connect 2s\nbackend be\n"
                + "  option log-health-checks\n");
        for (String line : backendLines) {
            cfg.append("  ").append(line).append('\n');
        }
        return cfg.append("  server s 127.0.0.1:").append(port).append(" check inter 300ms ").append(serverOptions)
                .append('\n').toString();
    }

    static ConditionFactory eventually() {
        return await().atMost(AT_MOST).pollInterval(Duration.ofMillis(5));
    }

    /** The outcomes of the checks completed so far, in order. */
    List<CheckOutcome> outcomes() {
        return events.stream().filter(HealthEvent.CheckCompleted.class::isInstance)
                .map(e -> ((HealthEvent.CheckCompleted) e).outcome()).toList();
    }

    /** Waits for the first completed check and returns its outcome. */
    CheckOutcome awaitFirstOutcome() {
        eventually().until(() -> !outcomes().isEmpty());
        return outcomes().get(0);
    }

    /** The log lines so far, with {@code check duration: Nms} masked as {@code <n>ms}. */
    List<String> logLines() {
        return events.stream().map(HealthEvent::logMessage).filter(Objects::nonNull)
                .map(line -> line.replaceAll("check duration: \\d+ms", "check duration: <n>ms")).toList();
    }

    /** Waits until {@code count} log lines were emitted and returns them. */
    List<String> awaitLogLines(int count) {
        eventually().until(() -> logLines().size() >= count);
        return logLines().subList(0, count);
    }

    @Override
    public void close() {
        engine.close();
    }
}
