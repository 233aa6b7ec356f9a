package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One health check of a configured server, run now and on its own: the same probe HAProxy 2.6 would send for
 * that server's {@code check} (its program, {@code addr}/{@code port}, {@code timeout connect}/{@code timeout
 * check} bounds, TLS side and PROXY header), outside any schedule and without a health counter, so nothing is
 * logged and no state changes. For "does this server pass its check right now?" in a pre-deploy script or a
 * benchmark; {@link HealthCheckEngine} is the one for HAProxy's timeline (rise, fall, intervals, log lines).
 *
 * <p>Every server is probed as in its boot state (spec §1.3): UP, or DOWN when it starts in maintenance, which
 * matters for {@code disable-on-404} and {@code http-check send-state}. Names are resolved and TLS files read
 * once, when the probe is created.
 *
 * <pre>{@code
 * try (Probe probe = Probe.create(HaproxyConfig.parse(Path.of("haproxy.cfg")))) {
 *     List<CheckOutcome> outcomes = probe.check("app_backend", "web01").join();
 *     System.out.println(outcomes.get(outcomes.size() - 1)); // e.g. L7STS 204 "No Content"
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #check(String, String)} may be called from any thread, any number of times, also
 * concurrently; each call opens its own connection on the transport's event loop, and the futures complete on
 * that event loop.
 */
public final class Probe implements AutoCloseable {

    private final ProbeTransport transport;
    private final boolean ownsTransport;
    private final List<CheckedSection> sections;

    private Probe(HaproxyConfig config, ProbeTransport transport, boolean ownsTransport) {
        this.transport = transport;
        this.ownsTransport = ownsTransport;
        List<CheckPlanner.SectionPlan> plans = new CheckPlanner(config, transport).plan(Set.of());
        // a probe logs nothing and draws no jitter: its transition log and random source are never used
        CheckLoop loop = new CheckLoop(transport, transport.scheduler(), new SplittableRandom(0), 0,
                new TransitionLog(transport.scheduler(), event -> { }));
        List<CheckedSection> checked = new ArrayList<>();
        for (CheckPlanner.SectionPlan plan : plans) {
            checked.add(new CheckedSection(plan, () -> loop, new SplittableRandom(0)));
        }
        this.sections = List.copyOf(checked);
    }

    /**
     * Creates a probe for the servers of {@code config} over real sockets, on a transport of its own that
     * {@link #close()} shuts down.
     *
     * @param config the parsed configuration; never null
     * @return the probe
     * @throws NullPointerException  if {@code config} is null
     * @throws ConfigException       if a checked server's address cannot be resolved, or the TLS files of a server
     *                               whose checks use TLS cannot be read
     * @throws IllegalStateException if a server's checks use TLS and {@code haprobe-engine-tls} is not on the
     *                               class path
     */
    public static Probe create(HaproxyConfig config) {
        Objects.requireNonNull(config, "config");
        NettyProbeTransport transport = NettyProbeTransport.create();
        try {
            return new Probe(config, transport, true);
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /**
     * Creates a probe for the servers of {@code config} over {@code transport}, which stays the caller's:
     * {@link #close()} leaves it open.
     *
     * @param config    the parsed configuration; never null
     * @param transport the transport to connect with; never null
     * @return the probe
     * @throws NullPointerException  if an argument is null
     * @throws ConfigException       as {@link #create(HaproxyConfig)}
     * @throws IllegalStateException as {@link #create(HaproxyConfig)}
     */
    public static Probe create(HaproxyConfig config, ProbeTransport transport) {
        return new Probe(Objects.requireNonNull(config, "config"), Objects.requireNonNull(transport, "transport"),
                false);
    }

    /**
     * Runs one health check of a server now.
     *
     * @param backend the backend or listen section; never null
     * @param server  the server's name; never null
     * @return completes, on the transport's event loop, with what the check reported, in order: one outcome, or
     *         two for a passing {@code mysql-check} or {@code ldap-check} (as HAProxy 2.6.12 reports them); a
     *         failing backend is an outcome such as {@code L4CON}, never an exceptional completion
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the config has no such server, or the server has no {@code check}
     */
    public CompletableFuture<List<CheckOutcome>> check(String backend, String server) {
        ServerChecker checker = checker(Objects.requireNonNull(backend, "backend"),
                Objects.requireNonNull(server, "server"));
        CompletableFuture<List<CheckOutcome>> results = new CompletableFuture<>();
        transport.scheduler().execute(() -> checker.startHealthCheck(results::complete));
        return results;
    }

    /** Shuts down the transport when the probe created it; checks under way then end with their connection. */
    @Override
    public void close() {
        if (ownsTransport) {
            transport.close();
        }
    }

    private ServerChecker checker(String backend, String server) {
        List<String> known = new ArrayList<>();
        for (CheckedSection section : sections) {
            for (ServerChecker checker : section.servers()) {
                if (!checker.snapshot().checked()) {
                    continue;
                }
                if (section.name().equals(backend) && checker.name().equals(server)) {
                    return checker;
                }
                known.add(section.name() + "/" + checker.name());
            }
        }
        throw new IllegalArgumentException("server: '" + backend + "/" + server + "' (expected: a server with"
                + " check, one of " + known + ")");
    }
}
