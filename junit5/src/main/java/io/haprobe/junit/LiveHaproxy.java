package io.haprobe.junit;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.Timeline;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A haproxy.cfg's health checks running live, over real sockets and the real clock, with getters made for
 * polling: each reads the current state of a server, so an Awaitility condition reads like the runbook.
 *
 * <pre>{@code
 * LiveHaproxy live = haprobe.liveText("""
 *         backend be
 *             option httpchk GET /health
 *             server srv 127.0.0.1:%d check inter 100ms fall 2
 *         """.formatted(port));
 * await().atMost(5, SECONDS).until(() -> live.state("be/srv"), is(ServerState.DOWN));
 * assertThat(live.lastCheck("be/srv")).isEqualTo("L7STS 503 \"Service Unavailable\"");
 * }</pre>
 *
 * <p>Times in live mode depend on the machine, so there are no exact-timeline assertions here: wait for a
 * state with a bound ({@code atMost}), then look at the outcome. Servers are named {@code backend/server}.
 *
 * <p>Thread-safe: the checks run on the engine's event loop, events are recorded on its listener thread, and
 * every getter returns a snapshot and may be called from any thread. The {@link HaprobeExtension} that made
 * it closes it after the test.
 */
public final class LiveHaproxy implements HaproxyServers, AutoCloseable {

    private final HealthCheckEngine engine;
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();

    /** Builds and starts an engine on the live transport, which it owns. */
    LiveHaproxy(HaproxyConfig config) {
        this.engine = HealthCheckEngine.builder(config).listener(events::add).build();
        engine.start();
    }

    /**
     * Returns the engine running the checks.
     *
     * @return the engine, never null
     */
    public HealthCheckEngine engine() {
        return engine;
    }

    /**
     * Returns a snapshot of one server now.
     *
     * @param server {@code backend/server}; never null
     * @return the snapshot, never null
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException if no checked section has that server; the message lists those that exist
     */
    @Override
    public ServerSnapshot server(String server) {
        return ServerIds.snapshot(engine, server);
    }

    /**
     * Returns the outcomes a server's checks reported so far, e.g. to wait for "two more checks": one per check,
     * two for a passing mysql-check or ldap-check ({@link HealthEvent.CheckCompleted}).
     *
     * @param server {@code backend/server}; never null
     * @return the outcomes, oldest first; an immutable snapshot
     * @throws NullPointerException     if {@code server} is null
     * @throws IllegalArgumentException as {@link #server(String)}
     */
    public List<CheckOutcome> outcomes(String server) {
        ServerSnapshot snapshot = server(server);
        return events.stream()
                .filter(HealthEvent.CheckCompleted.class::isInstance)
                .map(HealthEvent.CheckCompleted.class::cast)
                .filter(c -> c.backend().equals(snapshot.backend()) && c.server().equals(snapshot.server()))
                .map(HealthEvent.CheckCompleted::outcome)
                .toList();
    }

    /**
     * Returns the messages HAProxy would have logged so far, without time (live times are not repeatable).
     * A message that has been produced but not yet delivered to the listener thread is not there yet.
     *
     * @return the messages, in order; an immutable snapshot
     */
    public List<String> logMessages() {
        return events.stream().map(HealthEvent::logMessage).filter(Objects::nonNull).toList();
    }

    /**
     * Returns what happened so far, timed from the engine's start.
     *
     * @return an immutable snapshot, never null
     */
    public Timeline timeline() {
        return new Timeline(engine.startNanos(), events);
    }

    /**
     * Stops the checks and the engine's event loop, and delivers the events already produced. Calling it again
     * does nothing. Must not be called from a listener.
     */
    @Override
    public void close() {
        engine.close();
    }
}
