package io.haprobe.cli;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.engine.Diagnoses;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.runtime.MetricsServer;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.NettyProbeTransport;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
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
    private final Diagnoses.Recorder recorder = new Diagnoses.Recorder();
    private boolean probe = true;
    private Integer exitCode;

    LiveSession(HaproxyConfig config, List<String> backends, boolean timestamps, PrintWriter out) {
        this.out = out;
        this.timestamps = timestamps;
        this.transport = NettyProbeTransport.create();
        this.engine = HealthCheckEngine.builder(config)
                .transport(transport)
                .backends(backends)
                .listener(event -> {
                    if (event.logMessage() != null) {
                        printLine(event.timeNanos(), event.logMessage());
                    }
                })
                .listener(recorder)
                .build();
    }

    void start() {
        engine.start();
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

    /** Turns the follow-up probes of the diagnoses off ({@code --no-probe}); they are on by default. */
    void noProbe() {
        probe = false;
    }

    /**
     * Stops the checks, prints the summary, then the diagnosis of each server not UP, and returns the exit code.
     * Only the first call prints; later calls (e.g. from the Ctrl-C hook after a normal end) return the same code.
     */
    synchronized int finish() {
        return finish(probe);
    }

    private synchronized int finish(boolean followUps) {
        if (exitCode != null) {
            return exitCode;
        }
        engine.close();
        List<ServerSnapshot> servers = engine.servers();
        ServerSummary.print(servers, out);
        exitCode = ServerSummary.exitCode(servers);
        List<Diagnosis> diagnoses = Diagnoses.live(engine, recorder.timeline(engine.startNanos()),
                followUps ? transport : null);
        DiagnosisPrinter.print(diagnoses, out);
        close();
        return exitCode;
    }

    /**
     * Runs the checks until {@code millis} after the start and finishes, or finishes early with the
     * summary when the JVM is asked to stop (Ctrl-C).
     *
     * @return the exit code of {@link #finish()}
     */
    int runFor(long millis) throws InterruptedException {
        Thread onInterrupt = new Thread(this::finishOnInterrupt, "haprobe-summary");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            start();
            awaitMillisSinceStart(millis);
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
