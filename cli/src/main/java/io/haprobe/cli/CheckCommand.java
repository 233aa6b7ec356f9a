package io.haprobe.cli;

import io.haprobe.config.ConfigValidation;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.runtime.MetricsServer;
import io.haprobe.runtime.StatsSocketServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code haprobe check -f haproxy.cfg [--duration 30s] [--backend NAME]... [--timestamps]
 * [--stats-socket ADDRESS] [--metrics HOST:PORT] [--no-probe] [--threads N] [--lateness] [--warmup TIME]}: runs the
 * config's health checks against the real servers it names, prints HAProxy's log lines as they happen, a per-server
 * summary and, for each server not UP, its diagnosis (cause, evidence, fix; follow-up probes off with
 * {@code --no-probe}). With {@code --stats-socket}, HAProxy's runtime API (spec §10) is served there while the
 * checks run, for {@code socat} and the runbooks' scripts; the config's own {@code stats socket} addresses are
 * refused (they belong to the host's HAProxy). With
 * {@code --metrics}, {@code /metrics} is served in the text of HAProxy 2.6's Prometheus exporter for the
 * duration of the run (loopback addresses only). With {@code --lateness}, how late the checks started (actual −
 * planned start, an HdrHistogram) is printed after the summary as its mean and percentiles in ms, over the whole
 * run and over the checks planned after every server's first check, or in the JSON document's
 * {@code run.lateness}. With {@code --warmup} (by default 1.5 s from 10,000 servers), the checks' event loops
 * first check haprobe's own responder on 127.0.0.1 ({@link io.haprobe.engine.WarmUp}), so that the run's first
 * checks do not start late on a cold JVM; the run's times (its {@code t=0}, {@code --duration}) start after it.
 */
@Command(name = "check",
        description = {"Runs the health checks of a haproxy.cfg against its real servers.",
                "Prints the lines HAProxy 2.6 logs as they happen, then a per-server summary and, for each server",
                "not UP, its diagnosis: the runbook's root cause, the evidence and the fix.",
                "Exit status: 0 all checked servers UP; 2 some DOWN; 3 none DOWN but some not checked (no check",
                "completed before the end: --duration too short); 1 usage or config error, or nothing to check."},
        mixinStandardHelpOptions = true)
final class CheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the haproxy.cfg to load")
    private Path file;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "30s",
            converter = HaproxyTimeConverter.class,
            description = "how long to run the checks, in HAProxy time units (us, ms, s, m, h, d; bare = ms); "
                    + "default: ${DEFAULT-VALUE}")
    private long durationMillis;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "check only this backend or listen section (repeatable); default: all")
    private List<String> backends = new ArrayList<>();

    @Option(names = "--timestamps", description = "prefix each line with t=<ms since start>ms")
    private boolean timestamps;

    @Option(names = "--stats-socket", paramLabel = "ADDRESS",
            description = {"serve HAProxy's runtime API (show stat, set server ..., ...) while the checks run, on a",
                    "UNIX socket path or 127.0.0.1:PORT ([::1]:PORT); loopback only; never the config's own"})
    private String statsSocket;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "serve /metrics (HAProxy 2.6's Prometheus exporter: haproxy_server_status, ...) on this "
                    + "loopback address during the run, e.g. 127.0.0.1:9101")
    private String metrics;

    @Option(names = "--no-probe",
            description = {"no follow-up probes for the diagnoses of servers not UP (they are few, bounded, to the",
                    "addresses and ports the config names, at most one of up to 30s per server)"})
    private boolean noProbe;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = {"run the checks on N event loops (HAProxy's threads; each server's checks stay on one);",
                    "default: the config's nbthread, else one per processor"})
    private int threads;

    @Option(names = "--lateness",
            description = {"measure how late each check starts (actual - planned start): print the mean, p50, p90,",
                    "p99, p99.9 and max in ms after the summary, for the whole run and after the first checks",
                    "(JSON: run.lateness)"})
    private boolean lateness;

    @Option(names = "--warmup", paramLabel = "TIME", converter = HaproxyTimeConverter.class,
            description = {"before the first checks, check haprobe's own responder on 127.0.0.1 for TIME (HAProxy time",
                    "units), so that the JVM has compiled the check path; never a server of the config; 0: none;",
                    "default: " + WARMUP_DEFAULT_MS + "ms from " + WARMUP_DEFAULT_SERVERS + " servers, else 0"})
    private Long warmupMillis;

    /** The default {@code --warmup} of a run of at least {@link #WARMUP_DEFAULT_SERVERS} servers, ms. */
    static final long WARMUP_DEFAULT_MS = 1500;
    /** From how many servers of the checked sections (with {@code check} or not) a warm-up is the default. */
    static final int WARMUP_DEFAULT_SERVERS = 10_000;

    @Mixin
    private RunOutputOptions output = new RunOutputOptions();

    @Option(names = "--record", paramLabel = "FILE",
            description = "record every check's outcome and timing to FILE (JSON lines), for 'haprobe replay'")
    private Path record;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (metrics != null) {
            MetricsServer.loopbackAddress(metrics); // a bad address fails before any check runs
        }
        ConfigValidation validation = ValidateCommand.validate(file, err);
        if (!validation.accepted()) {
            return ServerSummary.EXIT_USAGE;
        }
        HaproxyConfig config = validation.config();
        if (threads < 0) {
            err.println("haprobe: --threads " + threads + ": expected a number of threads >= 1 (0: the default)");
            return ServerSummary.EXIT_USAGE;
        }
        if (statsSocket != null) {
            RuntimeSockets.refuseConfigSocket(statsSocket, config);
        }
        try (LiveRunExtras extras = new LiveRunExtras(output, record, lateness);
             LiveSession session = new LiveSession(config, backends, timestamps, extras.lineOut(out),
                     extras.listeners(), threads, extras.checkStarts());
             StatsSocketServer socket = statsSocket == null ? null : bind(session)) {
            ServerSummary.requireServersToCheck(session.servers(), config.file(), backends);
            if (noProbe) {
                session.noProbe();
            }
            long warmup = warmupMillis != null ? warmupMillis
                    : session.servers().size() >= WARMUP_DEFAULT_SERVERS ? WARMUP_DEFAULT_MS : 0;
            session.warmUpFor(warmup);
            MetricsServer server;
            try {
                server = metrics == null ? null : session.serveMetrics(metrics);
            } catch (UncheckedIOException e) {
                err.println("haprobe: " + e.getMessage());
                return ServerSummary.EXIT_USAGE;
            }
            try {
                if (socket != null) {
                    err.println("haprobe: runtime API on " + RuntimeSockets.describe(socket.localAddress())
                            + " (e.g. echo \"show stat\" | socat stdio "
                            + RuntimeSockets.socatAddress(socket.localAddress()) + ")");
                }
                if (server != null) {
                    err.println("haprobe: serving http://" + hostPort(server) + "/metrics during the run");
                }
                if (warmup > 0) {
                    err.println("haprobe: warming up for " + warmup + " ms on 127.0.0.1 before the first checks"
                            + " (--warmup 0: none)");
                }
                err.flush();
                extras.diagnoses(session::diagnoses);
                int exitCode = extras.run(session, config, durationMillis, out, err);
                ServerSummary.hintNotChecked(session.servers(), durationMillis, session.lastFirstCheckDelay(), err);
                return exitCode;
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        }
    }

    private StatsSocketServer bind(LiveSession session) {
        try {
            return StatsSocketServer.bind(statsSocket, session.engine()::executeAsync);
        } catch (IOException e) {
            throw new IllegalArgumentException("--stats-socket " + statsSocket + ": cannot listen there: "
                    + RuntimeSockets.reason(e), e);
        }
    }

    private static String hostPort(MetricsServer server) {
        String ip = server.address().getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + server.address().getPort();
    }
}
