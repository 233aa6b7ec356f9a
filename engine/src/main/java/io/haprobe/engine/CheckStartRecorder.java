package io.haprobe.engine;

/**
 * Receives when each health check of a {@link HealthCheckEngine} was planned to start and when it did, to measure
 * the lateness of the checks' starts ({@code actualNanos - plannedNanos}): how far behind its own schedule the
 * engine runs, the figure HAProxy's {@code show info} tracks as its tasks' latency. Installed with
 * {@link HealthCheckEngine.Builder#checkStarts(CheckStartRecorder)}; none by default.
 *
 * <p>A check's planned start is the scheduler time its task was due: the start plus the first check's offset
 * ({@code spread} over {@code inter}, spec §2.3), then the end of the previous check plus the interval its health
 * chose (with {@code spread-checks} jitter). Its actual start is the scheduler time when the task ran and the check
 * began to connect. Only health checks that connect are reported: not agent checks, nor the wake-ups of a paused
 * check (maintenance, {@code disable health}). On a virtual scheduler the two times are equal.
 *
 * <p>Threading: called on the event loop that runs the server's checks, synchronously, before the check
 * connects; with several event loops ({@link HealthCheckEngine#threads()} above 1) from several threads at once,
 * so an implementation must be thread-safe. It must be fast (it delays the check it measures and those behind it),
 * must not block, allocate little and must not call the engine. An exception it throws is caught and logged once,
 * and neither stops the check nor later reports.
 *
 * <pre>{@code
 * ConcurrentHistogram lateness = new ConcurrentHistogram(3);
 * HealthCheckEngine engine = HealthCheckEngine.builder(config)
 *         .checkStarts((backend, server, planned, actual) -> lateness.recordValue(Math.max(0, actual - planned)))
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface CheckStartRecorder {

    /** Records nothing; the default. */
    CheckStartRecorder NONE = (backend, server, plannedNanos, actualNanos) -> { };

    /**
     * Reports that a health check started.
     *
     * @param backend      the backend or listen section's name; never null
     * @param server       the server's name; never null
     * @param plannedNanos when the check was due, scheduler nanoseconds ({@link io.haprobe.time.Scheduler#nanoTime()})
     * @param actualNanos  when it started, scheduler nanoseconds; at or after {@code plannedNanos} on the schedulers
     *                     of this project
     */
    void checkStarted(String backend, String server, long plannedNanos, long actualNanos);
}
