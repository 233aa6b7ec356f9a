package io.haprobe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haprobe.engine.CheckStartRecorder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code haprobe check --lateness}: records how late each health check started (actual start − planned start,
 * {@link CheckStartRecorder}) in an HdrHistogram of nanoseconds (3 significant digits, auto-resizing), and prints
 * its percentiles in milliseconds.
 *
 * <p>Thread-safe: the engine's event loops record concurrently (a {@link ConcurrentHistogram}, no lock, no
 * allocation per check once the histogram has grown to the largest value); the summary is read once the run is over.
 */
final class LatenessRecorder implements CheckStartRecorder {

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    @Override
    public void checkStarted(String backend, String server, long plannedNanos, long actualNanos) {
        // a check never starts before it is due on the project's schedulers; 0 if a clock ever says otherwise
        histogram.recordValue(Math.max(0, actualNanos - plannedNanos));
    }

    /** Returns the number of checks recorded. */
    long count() {
        return histogram.getTotalCount();
    }

    /**
     * Prints one line: {@code lateness of check starts (N checks): p50 0.097 ms, p90 ..., p99 ..., p99.9 ...,
     * max ... ms}.
     */
    void print(PrintWriter out) {
        Histogram h = histogram.copy();
        out.printf(Locale.ROOT, "lateness of check starts (%d checks): p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, "
                        + "p99.9 %.3f ms, max %.3f ms%n", h.getTotalCount(), ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
        out.flush();
    }

    /**
     * Adds the JSON document's {@code run.lateness}: {@code checks}, {@code p50_ms}, {@code p90_ms},
     * {@code p99_ms}, {@code p99_9_ms}, {@code max_ms}.
     *
     * @param run the document's {@code run} object
     */
    void addTo(ObjectNode run) {
        Histogram h = histogram.copy();
        ObjectNode lateness = run.putObject("lateness");
        lateness.put("checks", h.getTotalCount());
        lateness.put("p50_ms", ms(h.getValueAtPercentile(50)));
        lateness.put("p90_ms", ms(h.getValueAtPercentile(90)));
        lateness.put("p99_ms", ms(h.getValueAtPercentile(99)));
        lateness.put("p99_9_ms", ms(h.getValueAtPercentile(99.9)));
        lateness.put("max_ms", ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
        // HdrHistogram's values are equivalent within its precision; microsecond resolution is enough here
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
