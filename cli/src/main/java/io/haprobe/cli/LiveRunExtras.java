package io.haprobe.cli;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthListener;
import io.haprobe.engine.ServerSnapshot;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What {@code haprobe check}'s {@code --format json}, {@code --until-stable} and {@code --record} add to a
 * {@link LiveSession}: the listeners they need, the JSON document at the end, the early stop.
 *
 * <p>Not thread-safe: driven by the command's thread.
 */
final class LiveRunExtras implements AutoCloseable {

    private final RunOutputOptions options;
    private final StabilityTracker tracker;
    private final TraceRecorder recorder;
    private Supplier<RunDiagnoses> diagnoses = () -> RunDiagnoses.NONE;

    /**
     * Opens the {@code --record} file, if any.
     *
     * @param record the trace file, or null
     */
    LiveRunExtras(RunOutputOptions options, Path record) {
        this.options = options;
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
        if (recorder != null) {
            recorder.header(config, servers);
            recorder.origin(() -> session.engine().startNanos());
        }
        if (options.json()) {
            session.onFinish(end -> JsonReport.print(JsonReport.document(
                    new JsonReport.Run(config.file(), "live", session.elapsedMillis(), options.untilStable, null,
                            ServerSummary.exitCode(end)),
                    end, session.events(), session.engine().startNanos(), diagnoses.get()), out));
        }
        return session.runFor(durationMillis, tracker, tracker == null ? null : ProgressLine.onTerminal(err));
    }

    @Override
    public void close() {
        if (recorder != null) {
            recorder.close();
        }
    }
}
