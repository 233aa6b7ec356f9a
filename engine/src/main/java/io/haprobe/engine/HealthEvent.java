package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.health.HealthCounter;
import io.haprobe.health.Transition;
import io.haprobe.report.HttpLog;

import java.util.Objects;

/**
 * Something the health checks did, in the order it happened: a check completed, a server changed state,
 * a backend lost its last usable server. Each event carries the exact message HAProxy 2.6 logs for it, or
 * null when HAProxy logs nothing (a check while {@code option log-health-checks} is off, or whose status
 * and health did not change).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface HealthEvent
        permits HealthEvent.CheckCompleted, HealthEvent.AgentCheckCompleted, HealthEvent.StateChanged,
        HealthEvent.AdminStateChanged, HealthEvent.NoServerAvailable, HealthEvent.CommandExecuted,
        HealthEvent.RequestCompleted {

    /**
     * Returns when the event happened, in nanoseconds of the engine's {@link io.haprobe.time.Scheduler}
     * (elapsed time, not wall time).
     *
     * @return the scheduler time in nanoseconds
     */
    long timeNanos();

    /**
     * Returns the backend or listen section the event belongs to.
     *
     * @return the section name, never null
     */
    String backend();

    /**
     * Returns the message HAProxy logs for this event, as {@code log ... format raw} prints it.
     *
     * @return the message without a line terminator, or null when HAProxy logs nothing for it
     */
    String logMessage();

    /**
     * Returns the syslog level HAProxy logs the message at.
     *
     * @return the level, never null
     */
    LogLevel level();

    /**
     * A server's health check reported a result. Logged only with {@code option log-health-checks}, and only
     * when the status or the health changed (spec §8.2). A check reports once, except a passing mysql-check or
     * ldap-check, which reports twice with one end time and duration, as HAProxy 2.6.12 does
     * ({@link io.haprobe.check.CheckVerdict#earlier()}).
     *
     * @param timeNanos  when the check ended, scheduler nanoseconds
     * @param backend    the backend; never null
     * @param server     the server; never null
     * @param outcome    the outcome; never null
     * @param before     the health counter before; never null
     * @param after      the health counter after; never null
     * @param logMessage the per-check line, or null when not logged
     */
    record CheckCompleted(long timeNanos, String backend, String server, CheckOutcome outcome, HealthCounter before,
                          HealthCounter after, String logMessage) implements HealthEvent {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component other than {@code logMessage} is null
         */
        public CheckCompleted {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(before, "before");
            Objects.requireNonNull(after, "after");
        }

        /** Returns {@link LogLevel#NOTICE}, the level of per-check lines. */
        @Override
        public LogLevel level() {
            return LogLevel.NOTICE;
        }
    }

    /**
     * A server's agent check completed ({@code agent-check}, spec §7). Logged only with
     * {@code option log-health-checks}, and only when the agent's status changed (a neutral reply excepted).
     *
     * @param timeNanos   when the check ended, scheduler nanoseconds
     * @param backend     the backend; never null
     * @param server      the server; never null
     * @param outcome     the outcome; never null
     * @param agentHealth the agent's health after the check: 1 lets the server be UP, 0 keeps it DOWN
     * @param logMessage  the {@code Agent check for server ...} line, or null when not logged
     */
    record AgentCheckCompleted(long timeNanos, String backend, String server, CheckOutcome outcome, int agentHealth,
                               String logMessage) implements HealthEvent {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component other than {@code logMessage} is null
         */
        public AgentCheckCompleted {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(outcome, "outcome");
        }

        /** Returns {@link LogLevel#NOTICE}, the level of per-check lines. */
        @Override
        public LogLevel level() {
            return LogLevel.NOTICE;
        }
    }

    /**
     * A server's admin state changed, from an agent reply (spec §1.5, §7, §8.1): it entered or left forced
     * maintenance or drain, or an update of a drained server logged {@code remains in forced drain mode}.
     * Always logged.
     *
     * @param timeNanos  when, scheduler nanoseconds
     * @param backend    the backend; never null
     * @param server     the server; never null
     * @param backup     whether it is a {@code backup} server
     * @param change     what changed: {@link Transition.Kind#MAINT_ON}, {@link Transition.Kind#MAINT_OFF},
     *                   {@link Transition.Kind#DRAIN_ON}, {@link Transition.Kind#DRAIN_OFF} or
     *                   {@link Transition.Kind#DRAIN_REMAINS}; never null
     * @param from       the operational state before; never null
     * @param to         the operational state after; never null
     * @param level      ALERT for a server going from UP into maintenance, NOTICE otherwise; never null
     * @param logMessage the line; never null
     */
    record AdminStateChanged(long timeNanos, String backend, String server, boolean backup, Transition.Kind change,
                             ServerState from, ServerState to, LogLevel level, String logMessage)
            implements HealthEvent {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component is null
         */
        public AdminStateChanged {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(logMessage, "logMessage");
        }
    }

    /**
     * A server changed operational state: went DOWN, UP, or NOLB (spec §8.1). Always logged.
     *
     * @param timeNanos     when, scheduler nanoseconds
     * @param backend       the backend; never null
     * @param server        the server; never null
     * @param backup        whether it is a {@code backup} server
     * @param from          the state before; never null
     * @param to            the state after; never null
     * @param cause         the check outcome that caused it (the health check's or the agent's), or null when the
     *                      runtime API caused it ({@code set server B/S health|agent}: the line then says
     *                      {@code changed from CLI})
     * @param activeServers usable active servers of the backend after the change
     * @param backupServers usable backup servers of the backend after the change
     * @param level         ALERT for DOWN from UP, NOTICE otherwise (from NOLB or drain); never null
     * @param logMessage    the transition line; never null
     */
    record StateChanged(long timeNanos, String backend, String server, boolean backup, ServerState from,
                        ServerState to, CheckOutcome cause, int activeServers, int backupServers, LogLevel level,
                        String logMessage) implements HealthEvent {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component other than {@code cause} is null
         */
        public StateChanged {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(logMessage, "logMessage");
        }
    }

    /**
     * A backend that had at least one usable server has none left (spec §8.1). Logged at EMERG.
     *
     * @param timeNanos  when, scheduler nanoseconds
     * @param backend    the backend; never null
     * @param logMessage {@code backend <name> has no server available!}; never null
     */
    record NoServerAvailable(long timeNanos, String backend, String logMessage) implements HealthEvent {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component is null
         */
        public NoServerAvailable {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(logMessage, "logMessage");
        }

        /** Returns {@link LogLevel#EMERG}. */
        @Override
        public LogLevel level() {
            return LogLevel.EMERG;
        }
    }

    /**
     * A runtime API command ran ({@link HealthCheckEngine#execute(String)}, a scenario's {@code commands:}, the
     * stats socket; spec §10). It is not a log line of HAProxy's: {@link #logMessage()} is null, and
     * {@link Timeline#logLines()} shows it as {@code t=<ms>ms > <command>} followed by the reply's lines. The
     * lines the command caused follow it, at the same time.
     *
     * @param timeNanos when it ran, scheduler nanoseconds
     * @param backend   the backend the command names ({@code set server be/s1 ...}), empty when it names none;
     *                  never null
     * @param command   the command as given, without its line terminator; never null
     * @param reply     the reply exactly as HAProxy prints it (each line ends with {@code \n}; empty for most
     *                  successful commands); never null
     */
    record CommandExecuted(long timeNanos, String backend, String command, String reply) implements HealthEvent {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component is null
         */
        public CommandExecuted {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(reply, "reply");
        }

        /** Returns null: HAProxy logs nothing for a command itself. */
        @Override
        public String logMessage() {
            return null;
        }

        /** Returns {@link LogLevel#NOTICE}. */
        @Override
        public LogLevel level() {
            return LogLevel.NOTICE;
        }
    }

    /**
     * A client request of a simulation's traffic ended (spec §9): served by a server, refused with a 503 (no server
     * available, queue timeout or overflow, connect retries exhausted), or failed with a 502 or 504. A client whose
     * own {@code timeout} expires stops waiting, but HAProxy 2.6 without {@code option abortonclose} lets the
     * request go on (observed on 2.6.12), so the event tells how HAProxy ended it. Times follow HAProxy's log
     * timers: each phase's duration, or -1 when the request never reached it, as {@code %Tw}, {@code %Tc} and
     * {@code %Tr} print.
     *
     * @param timeNanos        when HAProxy ended it, scheduler nanoseconds
     * @param frontend         the frontend the request entered, or null when the traffic targeted a backend
     * @param backend          the backend that handled it; never null
     * @param server           the server that served it last, or null when none was assigned ({@code <NOSRV>})
     * @param requestId        the request's number in the simulation, from 1, in the order requests were sent
     * @param sentNanos        when the client sent it, scheduler nanoseconds
     * @param status           the HTTP status the client received, or -1 when it received none (its own timeout
     *                         expired first; HAProxy still ended the request as the termination state says)
     * @param terminationState HAProxy's two-character termination state ({@code --} for a normal end,
     *                         {@code sQ} queue timeout, {@code SC} connect refused, {@code sC} connect timeout,
     *                         {@code sH} server timeout, {@code SH} server closed or reset, {@code PH} invalid
     *                         response, {@code DH}/{@code DC} killed by {@code on-marked-down
     *                         shutdown-sessions}); never null
     * @param queueNanos       time spent in a queue ({@code %Tw}): its whole wait when it ended in the queue
     *                         ({@code sQ}), 0 when it never waited, -1 when it ended before reaching a queue or a
     *                         server (no server available, queue full)
     *                         ({@code 0} when it never waited)
     * @param connectNanos     time to establish the server connection ({@code %Tc}), or -1 when none was
     * @param responseNanos    time from the request being sent to the server to the response headers
     *                         ({@code %Tr}), or -1 when no response came
     * @param retries          how many connect retries it took ({@code %rc}), {@code >= 0}
     * @param redispatched     whether a retry went to another server ({@code +} before the retries in the log)
     * @param httpLog          the fields of the frontend's {@code option httplog} line, or null when HAProxy logs
     *                         nothing for it (no frontend, no {@code option httplog} or no {@code log} target,
     *                         {@code option dontlog-normal} on a normal end, a level no target takes)
     * @param level            the level the line is logged at: {@link LogLevel#INFO}, or {@link LogLevel#ERR}
     *                         for an error with {@code option log-separate-errors}; never null
     */
    record RequestCompleted(long timeNanos, String frontend, String backend, String server, long requestId,
                            long sentNanos, int status, String terminationState, long queueNanos, long connectNanos,
                            long responseNanos, int retries, boolean redispatched, HttpLog.Fields httpLog,
                            LogLevel level)
            implements HealthEvent {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code backend}, {@code terminationState} or {@code level} is null
         * @throws IllegalArgumentException if {@code terminationState} is not two characters or
         *                                  {@code retries} is negative
         */
        public RequestCompleted {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(terminationState, "terminationState");
            if (terminationState.length() != 2) {
                throw new IllegalArgumentException("terminationState: '" + terminationState
                        + "' (expected: two characters such as -- or sQ)");
            }
            if (retries < 0) {
                throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
            }
        }

        /**
         * Returns the request's total time ({@code %Ta}): from being sent to its end.
         *
         * @return nanoseconds, {@code >= 0}
         */
        public long totalNanos() {
            return timeNanos - sentNanos;
        }

        /**
         * Returns the frontend's {@code option httplog} line ({@link HttpLog#format}), built on each call from
         * {@link #httpLog()}: a simulation keeps the fields, never a string per request.
         *
         * @return the line without a line terminator, or null when HAProxy logs nothing for this request
         */
        @Override
        public String logMessage() {
            return httpLog == null ? null : HttpLog.format(httpLog);
        }
    }
}
