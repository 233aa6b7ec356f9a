package io.haprobe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.CheckStartRecorder;
import io.haprobe.engine.HealthListener;
import io.haprobe.engine.ServerSnapshot;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code haprobe check}'s {@code --format json}, {@code --until-stable}, {@code --record} and
 * {@code --lateness} add to a {@link LiveSession}: the listeners they need, the JSON document at the end, the early
 * stop, the lateness percentiles after the summary (or in the document's {@code run.lateness}).
 *
 * <p>Not thread-safe: driven by the command's thread.
 */
final class LiveRunExtras implements AutoCloseable {

    private final RunOutputOptions options;
    private final StabilityTracker tracker;
    private final TraceRecorder recorder;
    private final LatenessRecorder lateness;
    private Supplier<RunDiagnoses> diagnoses = () -> RunDiagnoses.NONE;

    /**
     * Opens the {@code --record} file, if any.
     *
     * @param record the trace file, or null
     */
    LiveRunExtras(RunOutputOptions options, Path record) {
        this(options, record, false);
    }

    /**
     * Opens the {@code --record} file, if any, and with {@code lateness} measures how late the checks start.
     *
     * @param record   the trace file, or null
     * @param lateness whether to record the checks' lateness ({@code --lateness})
     */
    LiveRunExtras(RunOutputOptions options, Path record, boolean lateness) {
        this.options = options;
        this.lateness = lateness ? new LatenessRecorder() : null;
        this.tracker = options.untilStable ? new StabilityTracker() : null;
        this.recorder = record == null ? null : TraceRecorder.create(record);
    }

    /**
     * Sets where the JSON document's diagnoses come from (asked once the session has finished);
     * {@link RunDiagnoses#NONE} (every {@code diagnosis} null) unless called.
     */
    void diagnoses(Supplier<RunDiagnoses> diagnoses) {
        this.diagnoses = java.util.Objects.requireNonNull(diagnoses, "diagnoses");
    }

    /** Returns the listeners the session's engine needs. */
    List<HealthListener> listeners() {
        List<HealthListener> listeners = new ArrayList<>();
        if (tracker != null) {
            listeners.add(tracker);
        }
        if (recorder != null) {
            listeners.add(recorder);
        }
        return listeners;
    }

    /** Returns who records the checks' starts: the {@code --lateness} histogram, else nobody. */
    CheckStartRecorder checkStarts() {
        return lateness == null ? CheckStartRecorder.NONE : lateness;
    }

    /** Returns where the session prints log lines and the summary: nowhere in JSON mode. */
    PrintWriter lineOut(PrintWriter out) {
        return options.json() ? null : out;
    }

    /**
     * Runs the session for at most {@code durationMillis} and returns its exit code; in JSON mode the document
     * is printed on {@code out} when the session finishes (also on Ctrl-C).
     */
    int run(LiveSession session, HaproxyConfig config, long durationMillis, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        List<ServerSnapshot> servers = session.servers();
        if (tracker != null) {
            tracker.track(servers);
        }
        if (lateness != null) {
            long firstRound = session.lastFirstCheckDelay().toNanos();
            lateness.steadyFrom(() -> session.engine().startNanos() + firstRound);
        }
        if (recorder != null) {
            recorder.header(config, servers);
            recorder.origin(() -> session.engine().startNanos());
        }
        if (options.json()) {
            session.onFinish(end -> {
                ObjectNode document = JsonReport.document(
                        new JsonReport.Run(config.file(), "live", session.elapsedMillis(), options.untilStable, null,
                                ServerSummary.exitCode(end)),
                        end, session.events(), session.engine().startNanos(), diagnoses.get());
                if (lateness != null) {
                    lateness.addTo((ObjectNode) document.get("run"));
                }
                JsonReport.print(document, out);
            });
        }
        int exitCode = session.runFor(durationMillis, tracker, tracker == null ? null : ProgressLine.onTerminal(err));
        if (lateness != null && !options.json()) {
            lateness.print(out);
        }
        return exitCode;
    }

    @Override
    public void close() {
        if (recorder != null) {
            recorder.close();
        }
    }
}
