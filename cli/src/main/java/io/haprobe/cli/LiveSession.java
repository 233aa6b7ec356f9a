package io.haprobe.cli;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.CheckStartRecorder;
import io.haprobe.engine.Diagnoses;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.HealthListener;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.WarmUp;
import io.haprobe.runtime.MetricsServer;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.NettyProbeTransport;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One live run of the checks for the CLI: prints every HAProxy log line as it happens, then the per-server
 * summary, and tells the exit code. Shared by {@code haprobe check} and {@code haprobe demo}.
 *
 * <p>Not thread-safe: driven by the command's thread; the engine's listener only writes lines, under the
 * output's lock.
 */
final class LiveSession implements AutoCloseable {

    private final NettyProbeTransport transport;
    private final HealthCheckEngine engine;
    private final PrintWriter out;
    private final boolean timestamps;
    private final List<HealthEvent> events = Collections.synchronizedList(new ArrayList<>());
    private Consumer<List<ServerSnapshot>> summary;
    /** What the diagnoses need, per server: not every check (a long run over many servers stays flat). */
    private final Diagnoses.Recorder recorder = new Diagnoses.Recorder(this::startNanos);
    private boolean probe = true;
    private volatile RunDiagnoses diagnoses = RunDiagnoses.NONE;
    private Integer exitCode;
    private long finishedNanos = -1;
    /** {@code --warmup}, milliseconds; 0 for none. */
    private long warmupMillis;

    LiveSession(HaproxyConfig config, List<String> backends, boolean timestamps, PrintWriter out) {
        this(config, backends, timestamps, out, List.of(), 0, CheckStartRecorder.NONE);
    }

    /**
     * Creates a session.
     *
     * @param out       where log lines and the summary go, or null to print nothing (JSON output: the caller
     *                  prints the document from {@link #events()} in {@link #onFinish})
     * @param listeners more listeners of the engine's events (the {@code --record} trace, {@code --until-stable})
     * @param threads   the event loops to check on ({@code --threads}); 0 for the config's {@code nbthread}, else
     *                  one per processor
     * @param checkStarts receives each check's planned and actual start ({@code --lateness}), or
     *                  {@link CheckStartRecorder#NONE}
     */
    LiveSession(HaproxyConfig config, List<String> backends, boolean timestamps, PrintWriter out,
                List<HealthListener> listeners, int threads, CheckStartRecorder checkStarts) {
        this.out = out;
        this.timestamps = timestamps;
        this.summary = out == null ? servers -> { } : servers -> {
            ServerSummary.print(servers, out);
            diagnoses.print(out);
        };
        this.transport = NettyProbeTransport.create(HealthCheckEngine.eventLoops(config, threads));
        HealthCheckEngine.Builder builder = HealthCheckEngine.builder(config)
                .transport(transport)
                .backends(backends)
                .checkStarts(checkStarts)
                .listener(event -> {
                    if (out == null && (event.logMessage() != null || !(event instanceof HealthEvent.CheckCompleted
                            || event instanceof HealthEvent.AgentCheckCompleted))) {
                        // only the JSON document (printed at the end) needs lines and changes; text prints them
                        // as they come, and a check without a line would only pile up
                        events.add(event);
                    }
                    if (out != null && event.logMessage() != null) {
                        printLine(event.timeNanos(), event.logMessage());
                    }
                })
                .listener(recorder);
        listeners.forEach(builder::listener);
        this.engine = builder.build();
        recorder.expect(engine.servers());
    }

    /** Replaces what {@link #finish()} prints (the summary table) by {@code summary}, e.g. the JSON document. */
    void onFinish(Consumer<List<ServerSnapshot>> summary) {
        this.summary = summary;
    }

    /**
     * Returns the events so far, in order, for the JSON document: every event except the checks that logged no
     * line (with {@code option log-health-checks} off, all of them), which are not kept; always empty for a
     * session that prints (its {@code out} is not null), which keeps none.
     */
    List<HealthEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Returns how long the run lasted (until {@link #finish()}, or until now), milliseconds. */
    long elapsedMillis() {
        long end = finishedNanos >= 0 ? finishedNanos : transport.scheduler().nanoTime();
        return TimeUnit.NANOSECONDS.toMillis(end - engine.startNanos());
    }

    /**
     * Sets the warm-up ({@code --warmup}): how long {@link #start()} checks haprobe's own responder
     * ({@link WarmUp}) on the session's event loops before the engine starts; 0 (the default) for none.
     *
     * @param millis milliseconds, {@code >= 0}
     */
    void warmUpFor(long millis) {
        this.warmupMillis = millis;
    }

    /**
     * Starts the engine's checks, after the warm-up if one was set ({@link #warmUpFor}): the warm-up's garbage and
     * the engine's build's are then collected at once, before the first check, rather than in the pauses of the
     * first rounds of checks.
     *
     * @throws InterruptedException if interrupted during the warm-up (its checks are stopped first)
     */
    void start() throws InterruptedException {
        if (warmupMillis > 0) {
            WarmUp.run(transport, Duration.ofMillis(warmupMillis));
            System.gc();
        }
        engine.start();
    }

    /** The engine's start, the origin of the recorder's times (read once events come, after the start). */
    private long startNanos() {
        return engine.startNanos();
    }

    /** Returns the engine, for the runtime API's socket and the metrics endpoint. */
    HealthCheckEngine engine() {
        return engine;
    }

    /**
     * Waits until {@code millis} after the start, as timed by the engine's own scheduler (the one time
     * seam), so that "t=" prefixes and the run's end agree.
     */
    void awaitMillisSinceStart(long millis) throws InterruptedException {
        Scheduler scheduler = transport.scheduler();
        CountDownLatch reached = new CountDownLatch(1);
        long delay = engine.startNanos() + TimeUnit.MILLISECONDS.toNanos(millis) - scheduler.nanoTime();
        scheduler.schedule(reached::countDown, delay);
        reached.await();
    }

    private void awaitStableOrMillis(long millis, StabilityTracker until, ProgressLine progress)
            throws InterruptedException {
        Scheduler scheduler = transport.scheduler();
        CountDownLatch reached = new CountDownLatch(1);
        long end = engine.startNanos() + TimeUnit.MILLISECONDS.toNanos(millis);
        scheduler.schedule(() -> {
            reached.countDown();
            synchronized (until) {
                until.notifyAll();
            }
        }, end - scheduler.nanoTime());
        while (reached.getCount() > 0 && !until.awaitStable(200)) {
            if (progress != null) {
                progress.show(until.progress(TimeUnit.NANOSECONDS.toMillis(end - scheduler.nanoTime())));
            }
        }
        if (progress != null) {
            progress.clear();
        }
    }

    /**
     * Stops the checks, prints the summary and returns the exit code. Only the first call prints; later
     * calls (e.g. from the Ctrl-C hook after a normal end) return the same code.
     */
    synchronized int finish() {
        return finish(probe);
    }

    private synchronized int finish(boolean followUps) {
        if (exitCode != null) {
            return exitCode;
        }
        finishedNanos = transport.scheduler().nanoTime();
        engine.close();
        List<ServerSnapshot> servers = engine.servers();
        exitCode = ServerSummary.exitCode(servers);
        List<io.haprobe.diagnosis.TransitionDiagnosis> transitions = Diagnoses.transitions(engine, recorder, transport);
        diagnoses = new RunDiagnoses(Diagnoses.live(engine, recorder, transport, followUps), transitions);
        summary.accept(servers);
        close();
        return exitCode;
    }

    /** Turns the follow-up probes of the diagnoses off ({@code --no-probe}); they are on by default. */
    void noProbe() {
        probe = false;
    }

    /**
     * Returns the run's diagnoses (servers not UP at the end, DOWN transitions), once {@link #finish()} has made
     * them.
     *
     * @return the diagnoses, {@link RunDiagnoses#NONE} before the run has finished
     */
    RunDiagnoses diagnoses() {
        return diagnoses;
    }

    /**
     * Runs the checks until {@code millis} after the start and finishes, or finishes early with the
     * summary when the JVM is asked to stop (Ctrl-C).
     *
     * @return the exit code of {@link #finish()}
     */
    int runFor(long millis) throws InterruptedException {
        return runFor(millis, null, null);
    }

    /**
     * Runs as {@link #runFor(long)}, but with {@code until} stops as soon as it is stable ({@code --until-stable}),
     * showing {@code progress} meanwhile; {@code millis} stays the upper bound.
     *
     * @param until    the stability rule, or null to run the whole {@code millis}
     * @param progress the progress line, or null
     */
    int runFor(long millis, StabilityTracker until, ProgressLine progress) throws InterruptedException {
        Thread onInterrupt = new Thread(this::finishOnInterrupt, "haprobe-summary");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            start();
            if (until == null) {
                awaitMillisSinceStart(millis);
            } else {
                awaitStableOrMillis(millis, until, progress);
            }
            return finish();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: it prints the summary
            }
        }
    }

    /**
     * Serves {@code /metrics} (HAProxy 2.6's Prometheus exporter) from this session's engine until the returned
     * server is closed; once the session is finished it answers 503.
     *
     * @param hostPort a loopback {@code HOST:PORT}
     * @return the running server
     * @throws IllegalArgumentException if {@code hostPort} is not a loopback {@code HOST:PORT}
     * @throws java.io.UncheckedIOException if it cannot be bound
     */
    MetricsServer serveMetrics(String hostPort) {
        return MetricsServer.bind(hostPort, () -> engine.executeAsync("show stat"),
                () -> engine.executeAsync("show info"));
    }

    /** Returns when the last first health check is planned after the start; see the engine's. */
    Duration lastFirstCheckDelay() {
        return engine.lastFirstCheckDelay();
    }

    List<ServerSnapshot> servers() {
        return engine.servers();
    }

    @Override
    public void close() {
        engine.close();
        transport.close();
    }

    /** {@link #finish()} from the Ctrl-C hook: a failure there is one line on standard error, not a trace. */
    private void finishOnInterrupt() {
        try {
            finish(false); // no follow-up probes while the JVM stops
        } catch (RuntimeException | Error e) {
            System.err.println("haprobe: " + Main.internalError(e));
            System.err.flush();
        }
    }

    private void printLine(long timeNanos, String message) {
        synchronized (out) {
            if (timestamps) {
                out.print("t=" + TimeUnit.NANOSECONDS.toMillis(timeNanos - engine.startNanos()) + "ms ");
            }
            out.println(message);
            out.flush();
        }
    }
}
