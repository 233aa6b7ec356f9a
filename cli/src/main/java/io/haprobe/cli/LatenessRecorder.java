package io.haprobe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haprobe.engine.CheckStartRecorder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code haprobe check --lateness}: records how late each health check started (actual start − planned start,
 * {@link CheckStartRecorder}) in HdrHistograms of nanoseconds (3 significant digits, up to one hour), and prints
 * their percentiles in milliseconds: one over the whole run, one over the checks planned after the first round.
 *
 * <p>The first round (every server's first check, spread over its {@code inter} from the engine's start, spec §2.3)
 * runs while the JVM is still compiling the check path and the event loops are still starting servers; the checks
 * planned after the last first check show the steady state that a long run keeps.
 *
 * <p>Thread-safe: the engine's event loops record concurrently ({@link ConcurrentHistogram}s made for the whole range
 * at once: no lock, no allocation, no resize per check); the summary is read once the run is over.
 */
final class LatenessRecorder implements CheckStartRecorder {

    /** {@link #steadyFromNanos} before the engine has started. */
    private static final long UNKNOWN = Long.MIN_VALUE;

    /**
     * The largest lateness recorded, ns: one hour; a later start counts as one hour late. The histograms are made
     * for this range at once: an auto-resizing one grows by catching an index exception on the event loop that
     * records, and the first such growth in a run deoptimised the compiled check path there.
     */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(HIGHEST_NANOS, 3);
    /** By round: [0] the first checks, [1] the checks planned after the first round (the steady state). */
    private final ConcurrentHistogram[] rounds = {
            new ConcurrentHistogram(HIGHEST_NANOS, 3), new ConcurrentHistogram(HIGHEST_NANOS, 3)};
    private LongSupplier steadyFrom = () -> 0;
    private volatile long steadyFromNanos = UNKNOWN;

    /**
     * Sets where the steady state begins: the scheduler time of the engine's start plus the delay of its last first
     * check; called before the engine starts. The supplier is read once, by the first check that starts.
     *
     * @param steadyFrom returns scheduler nanoseconds ({@code HealthCheckEngine.startNanos()} plus
     *                   {@code lastFirstCheckDelay()}); never null
     */
    void steadyFrom(LongSupplier steadyFrom) {
        this.steadyFrom = Objects.requireNonNull(steadyFrom, "steadyFrom");
    }

    @Override
    public void checkStarted(String backend, String server, long plannedNanos, long actualNanos) {
        // a check never starts before it is due on the project's schedulers; 0 if a clock ever says otherwise
        long late = Math.min(Math.max(0, actualNanos - plannedNanos), HIGHEST_NANOS);
        histogram.recordValue(late);
        long from = steadyFromNanos;
        if (from == UNKNOWN) {
            // the engine has started (checks start after it); racing loops compute the same value
            from = steadyFrom.getAsLong();
            steadyFromNanos = from;
        }
        // [1] when plannedNanos > from (from - plannedNanos is then negative: its sign bit), else [0]; no branch:
        // the first round never took one, so the JIT compiled it out of the check's start, and the second round's
        // first check deoptimised that whole compiled path on each event loop (its checks then ran interpreted for
        // a while, late, and late again every inter)
        rounds[(int) ((from - plannedNanos) >>> 63)].recordValue(late);
    }

    /** Returns the number of checks recorded. */
    long count() {
        return histogram.getTotalCount();
    }

    /**
     * Prints two lines: {@code lateness of check starts (N checks): mean 0.412 ms, p50 0.097 ms, p90 ...,
     * p99 ..., p99.9 ..., max ... ms}, then the same figures for the checks planned after the first round,
     * {@code lateness after the first checks (N checks): ...}.
     */
    void print(PrintWriter out) {
        out.printf(Locale.ROOT, "lateness of check starts (%s%n", figures(histogram.copy()));
        out.printf(Locale.ROOT, "lateness after the first checks (%s%n", figures(rounds[1].copy()));
        out.flush();
    }

    private static String figures(Histogram h) {
        return String.format(Locale.ROOT, "%d checks): mean %.3f ms, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
                        + "p99.9 %.3f ms, max %.3f ms", h.getTotalCount(), ms(Math.round(h.getMean())),
                ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
    }

    /**
     * Adds the JSON document's {@code run.lateness}: {@code checks}, {@code mean_ms}, {@code p50_ms}, {@code p90_ms},
     * {@code p99_ms}, {@code p99_9_ms}, {@code max_ms} over the whole run, and {@code after_first_checks}, an object
     * of the same fields over the checks planned after the first round.
     *
     * @param run the document's {@code run} object
     */
    void addTo(ObjectNode run) {
        ObjectNode lateness = run.putObject("lateness");
        put(lateness, histogram.copy());
        put(lateness.putObject("after_first_checks"), rounds[1].copy());
    }

    private static void put(ObjectNode node, Histogram h) {
        node.put("checks", h.getTotalCount());
        node.put("mean_ms", ms(Math.round(h.getMean())));
        node.put("p50_ms", ms(h.getValueAtPercentile(50)));
        node.put("p90_ms", ms(h.getValueAtPercentile(90)));
        node.put("p99_ms", ms(h.getValueAtPercentile(99)));
        node.put("p99_9_ms", ms(h.getValueAtPercentile(99.9)));
        node.put("max_ms", ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
        // HdrHistogram's values are equivalent within its precision; microsecond resolution is enough here
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
