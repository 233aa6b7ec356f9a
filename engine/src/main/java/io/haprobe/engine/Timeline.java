package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What a run produced, in order: every {@link HealthEvent} with its time since the run's start. Two runs of the
 * same scenario and seed give equal timelines, and equal {@link #logLines()} byte for byte.
 *
 * <p>Immutable and thread-safe.
 *
 * @param originNanos the scheduler time of the run's start (t=0), nanoseconds
 * @param events      the events in the order they happened; never null
 */
public record Timeline(long originNanos, List<HealthEvent> events) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if {@code events} or an event is null
     */
    public Timeline {
        events = List.copyOf(events);
    }

    /**
     * Returns the milliseconds since the start at which {@code event} happened, rounded down.
     *
     * @param event an event of this timeline; never null
     * @return milliseconds since t=0
     */
    public long millisOf(HealthEvent event) {
        return TimeUnit.NANOSECONDS.toMillis(event.timeNanos() - originNanos);
    }

    /**
     * Returns every line HAProxy would log, each as {@code t=<ms>ms <message>}, with each runtime API command
     * ({@link HealthEvent.CommandExecuted}) in its place as {@code t=<ms>ms > <command>} followed by the lines of
     * its reply as they are (an empty reply adds none).
     *
     * @return the lines, in order, without line terminators
     */
    public List<String> logLines() {
        List<String> lines = new ArrayList<>();
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.CommandExecuted command) {
                lines.add("t=" + millisOf(event) + "ms > " + command.command());
                if (!command.reply().isEmpty()) {
                    lines.addAll(List.of(command.reply().split("\n", -1)));
                    if (command.reply().endsWith("\n")) {
                        lines.remove(lines.size() - 1);
                    }
                }
            } else if (event.logMessage() != null) {
                lines.add("t=" + millisOf(event) + "ms " + event.logMessage());
            }
        }
        return lines;
    }

    /**
     * Returns every state change, in order.
     *
     * @return the transitions
     */
    public List<Transition> transitions() {
        List<Transition> transitions = new ArrayList<>();
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.StateChanged change) {
                transitions.add(new Transition(millisOf(event), change.backend() + '/' + change.server(),
                        change.from(), change.to(), change.cause()));
            }
        }
        return transitions;
    }

    /**
     * Returns the state changes of one server, in order.
     *
     * @param server {@code backend/server}; never null
     * @return the transitions
     */
    public List<Transition> transitions(String server) {
        Objects.requireNonNull(server, "server");
        return transitions().stream().filter(t -> t.server().equals(server)).toList();
    }

    /**
     * Returns the requests of the simulation's traffic that ended, in the order they ended
     * ({@link HealthEvent.RequestCompleted}).
     * A simulation built with {@link Simulation.Builder#recordRequests(boolean) recordRequests(false)} keeps only
     * those with an httplog line ({@link Simulation#requestsEnded()} counts them all).
     *
     * @return the requests; never null, empty without traffic
     */
    public List<HealthEvent.RequestCompleted> requests() {
        List<HealthEvent.RequestCompleted> requests = new ArrayList<>();
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.RequestCompleted request) {
                requests.add(request);
            }
        }
        return requests;
    }

    /**
     * Counts the requests that ended with {@code status} between two times since t=0, as in "between t=10s and
     * t=20s, 37 requests got 503".
     * Of the recorded requests: see {@link #requests()}.
     *
     * @param status the HTTP status the client received, or -1 for requests whose client gave up
     * @param from   the start of the window, inclusive, since t=0; never null
     * @param to     the end of the window, exclusive, since t=0; never null
     * @return the count, {@code >= 0}
     * @throws NullPointerException if {@code from} or {@code to} is null
     */
    public long requests(int status, java.time.Duration from, java.time.Duration to) {
        long fromNanos = originNanos + from.toNanos();
        long toNanos = originNanos + to.toNanos();
        long count = 0;
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.RequestCompleted request && request.status() == status
                    && request.timeNanos() >= fromNanos && request.timeNanos() < toNanos) {
                count++;
            }
        }
        return count;
    }

    /**
     * Returns the results one server's checks reported, in order: one per check, two for a passing mysql-check
     * or ldap-check ({@link HealthEvent.CheckCompleted}).
     *
     * @param server {@code backend/server}; never null
     * @return the reported results
     */
    public List<HealthEvent.CheckCompleted> checks(String server) {
        Objects.requireNonNull(server, "server");
        List<HealthEvent.CheckCompleted> checks = new ArrayList<>();
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.CheckCompleted check
                    && server.equals(check.backend() + '/' + check.server())) {
                checks.add(check);
            }
        }
        return checks;
    }

    /**
     * One state change, in the compact form tests assert on.
     *
     * @param atMillis milliseconds since t=0
     * @param server   {@code backend/server}
     * @param from     the state before
     * @param to       the state after
     * @param cause    the check outcome that caused it, null when the runtime API did
     */
    public record Transition(long atMillis, String server, ServerState from, ServerState to, CheckOutcome cause) {

        /**
         * Returns e.g. {@code t=6000ms app_backend/web01 UP->DOWN L7STS 204 "No Content"}: the time, the server,
         * the {@code show stat} words of both states, the check status tag, the code when the status carries
         * one, and the info when not empty; {@code changed from CLI} instead of the status when the runtime API
         * caused it.
         *
         * @return the compact form
         */
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(80).append("t=").append(atMillis).append("ms ").append(server)
                    .append(' ').append(from.word()).append("->").append(to.word()).append(' ');
            if (cause == null) {
                return out.append("changed from CLI").toString();
            }
            out.append(cause.status().tag());
            if (cause.status().hasCode()) {
                out.append(' ').append(cause.code());
            }
            if (!cause.info().isEmpty()) {
                out.append(" \"").append(cause.info()).append('"');
            }
            return out.toString();
        }
    }
}
