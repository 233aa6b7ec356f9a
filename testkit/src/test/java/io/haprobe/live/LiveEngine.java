package io.haprobe.live;

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
 * A {@link HealthCheckEngine} on the live Netty transport, started from haproxy.cfg text, that records every
 * event. Closing it closes the engine and its transport.
 *
 * <p>Thread-safe: events are added on the engine's listener thread and read from the test thread.
 */
final class LiveEngine implements AutoCloseable {

    /** How long a live check may take to show up: generous for a loaded 2-core build machine. */
    static final Duration AT_MOST = Duration.ofSeconds(5);

    private final HealthCheckEngine engine;
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();

    private LiveEngine(String cfgText) {
        HaproxyConfig config = HaproxyConfig.parse("live.cfg", cfgText);
        this.engine = HealthCheckEngine.builder(config).listener(events::add).build();
    }

    /**
     * Parses {@code cfgText} and starts checking it over real sockets.
     *
     * @param cfgText a haproxy.cfg text; never null
     * @return the running engine
     */
    static LiveEngine start(String cfgText) {
        LiveEngine live = new LiveEngine(Objects.requireNonNull(cfgText, "cfgText"));
        live.engine.start();
        return live;
    }

    /**
     * Returns an Awaitility condition bounded by {@link #AT_MOST}, polling every 5 ms.
     *
     * @return the condition factory
     */
    static ConditionFactory eventually() {
        return await().atMost(AT_MOST).pollInterval(Duration.ofMillis(5));
    }

    /**
     * Replaces the number in {@code check duration: Nms} by {@code <n>}, which live sockets cannot predict.
     *
     * @param line a log line
     * @return the line with the duration masked
     */
    static String maskDuration(String line) {
        return line.replaceAll("check duration: \\d+ms", "check duration: <n>ms");
    }

    /**
     * Returns the engine.
     *
     * @return the engine
     */
    HealthCheckEngine engine() {
        return engine;
    }

    /**
     * Returns every event so far, in order.
     *
     * @return a snapshot
     */
    List<HealthEvent> events() {
        return List.copyOf(events);
    }

    /**
     * Returns the outcomes of the checks completed so far, in order.
     *
     * @return a snapshot
     */
    List<CheckOutcome> outcomes() {
        return events.stream().filter(HealthEvent.CheckCompleted.class::isInstance)
                .map(e -> ((HealthEvent.CheckCompleted) e).outcome()).toList();
    }

    /**
     * Waits for the first completed check and returns its outcome.
     *
     * @return the outcome of the first check
     */
    CheckOutcome awaitFirstOutcome() {
        eventually().until(() -> !outcomes().isEmpty());
        return outcomes().get(0);
    }

    /**
     * Returns the log lines so far, in order, with check durations masked ({@link #maskDuration}).
     *
     * @return a snapshot
     */
    List<String> logLines() {
        return events.stream().map(HealthEvent::logMessage).filter(Objects::nonNull)
                .map(LiveEngine::maskDuration).toList();
    }

    /**
     * Waits until at least {@code count} log lines were emitted and returns the first {@code count}.
     *
     * @param count how many lines
     * @return the first {@code count} lines, durations masked
     */
    List<String> awaitLogLines(int count) {
        eventually().until(() -> logLines().size() >= count);
        return logLines().subList(0, count);
    }

    /** Closes the engine and the transport it owns. */
    @Override
    public void close() {
        engine.close();
    }
}
