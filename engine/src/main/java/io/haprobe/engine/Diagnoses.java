package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.config.CheckTiming;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.HealthCheck;
import io.haprobe.config.HttpCheckRule;
import io.haprobe.config.HttpSend;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.SourceLocation;
import io.haprobe.config.TlsProtocols;
import io.haprobe.config.TlsSettings;
import io.haprobe.config.TlsVerification;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.Diagnostician;
import io.haprobe.diagnosis.FollowUp;
import io.haprobe.diagnosis.ServerHistory;
import io.haprobe.diagnosis.TlsFindings;
import io.haprobe.diagnosis.TransitionDiagnosis;
import io.haprobe.spi.TlsPeer;
import io.haprobe.transport.ProbeTransport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Diagnoses every checked server that is not UP at the end of a run: reads its check history from the run's
 * {@link Timeline}, runs the follow-up probes that tell the causes apart, and hands both to the pure
 * {@link Diagnostician}.
 *
 * <p>Follow-up probes are few and bounded, and only go to addresses and ports the config names: for a refused
 * connect, a plain connect to each other port the config names for the server's host (the traffic port,
 * {@code port}, {@code agent-port}, other servers on that host; at most {@value #MAX_PORT_PROBES}); for a
 * timeout, the server's own check once with {@code timeout connect}, {@code timeout check} and {@code inter} of
 * 30 s (one long probe per server); for a failed TLS handshake, the server's check once with {@code verify none},
 * once also without {@code ssl-min-ver}/{@code ssl-max-ver}, once without TLS, and one handshake through the TLS
 * SPI's inspection ({@code TlsClient.newInspectionHandler}) that reports the certificate the server presents and
 * why verification fails (at most 10 s); for a 404 answer, the server's own check (its address and port only) with
 * each other request URI the config's HTTP checks name (at most 3). All probes of a run go out
 * together, so the whole step lasts at most about
 * 31 s. They run on the run's transport: real sockets for a live run, the scripted backends on virtual time
 * (advancing the simulation's clock) for a {@link Simulation} via {@link Simulation#diagnoses(boolean)}.
 *
 * <p>Not thread-safe: call from the thread that owns the run (for a simulation, the simulation's thread).
 */
public final class Diagnoses {

    /** The long probe's timeouts, nanoseconds: 30 s, the bound. */
    static final long LONG_PROBE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** The certificate inspection's bound, nanoseconds: 10 s (a handshake, no application data). */
    static final long INSPECTION_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** At most this many other HTTP check paths are tried per server after a 404. */
    static final int MAX_PATH_PROBES = 3;
    /** At most this many other ports are tried per server. */
    static final int MAX_PORT_PROBES = 4;

    private Diagnoses() {
    }

    /**
     * Waits for a follow-up probe: on the wall clock for a live run, by running the virtual scheduler for a
     * simulation.
     */
    @FunctionalInterface
    interface Await {
        /** Returns the probe's outcomes, or an empty list when it did not complete within {@code nanos}. */
        List<CheckOutcome> await(CompletableFuture<List<CheckOutcome>> future, long nanos);
    }

    /**
     * Diagnoses the servers of a live run that are not UP.
     *
     * @param engine    the engine that ran the checks (closed or not); never null
     * @param timeline  the run's events, at least every {@link HealthEvent.CheckCompleted} and
     *                  {@link HealthEvent.StateChanged}; never null
     * @param transport the transport to probe on, still open; null to run no follow-up probe ({@code --no-probe})
     * @return a diagnosis per checked server not UP (DOWN, or never checked), in the engine's order; never null
     * @throws NullPointerException if {@code engine} or {@code timeline} is null
     */
    public static List<Diagnosis> live(HealthCheckEngine engine, Timeline timeline, ProbeTransport transport) {
        return live(engine, timeline, transport, Duration.ofNanos(LONG_PROBE_NANOS));
    }

    /**
     * Diagnoses the servers of a live run that are not UP, with or without follow-up probes; either way the
     * transport names the address each server's checks left from ({@link ProbeTransport#lastSource}).
     *
     * @param engine    the engine that ran the checks (closed or not); never null
     * @param timeline  the run's events; never null
     * @param transport the transport the checks ran on (still open when {@code probe} is true); never null
     * @param probe     whether to run follow-up probes (false: {@code --no-probe})
     * @return a diagnosis per checked server not UP, in the engine's order; never null
     * @throws NullPointerException if an argument is null
     */
    public static List<Diagnosis> live(HealthCheckEngine engine, Timeline timeline, ProbeTransport transport,
                                       boolean probe) {
        Objects.requireNonNull(transport, "transport");
        return diagnose(engine.config(), engine.servers(), timeline, transport, probe, Diagnoses::awaitWallClock,
                LONG_PROBE_NANOS);
    }

    /**
     * Diagnoses the servers of a live run that are not UP, with a shorter bound for the long probe (for tests and
     * impatient callers: a timeout the long probe does not get past reads as no answer).
     *
     * @param engine    the engine that ran the checks (closed or not); never null
     * @param timeline  the run's events; never null
     * @param transport the transport to probe on, still open; null to run no follow-up probe
     * @param longProbe the long probe's {@code timeout connect}, {@code timeout check} and {@code inter}, more
     *                  than 0 and at most 30 s
     * @return a diagnosis per checked server not UP, in the engine's order; never null
     * @throws NullPointerException     if {@code engine}, {@code timeline} or {@code longProbe} is null
     * @throws IllegalArgumentException if {@code longProbe} is not in (0, 30 s]
     */
    public static List<Diagnosis> live(HealthCheckEngine engine, Timeline timeline, ProbeTransport transport,
                                       Duration longProbe) {
        long nanos = longProbe.toNanos();
        if (nanos <= 0 || nanos > LONG_PROBE_NANOS) {
            throw new IllegalArgumentException("longProbe: " + longProbe + " (expected: > 0 and <= 30s)");
        }
        return diagnose(engine.config(), engine.servers(), timeline, transport, transport != null,
                Diagnoses::awaitWallClock, nanos);
    }

    /**
     * Diagnoses the servers of a live run that are not UP, from what a {@link Recorder} took of the run, as
     * {@link #live(HealthCheckEngine, Timeline, ProbeTransport, boolean)} does from a timeline (the same diagnoses
     * for the same events).
     *
     * @param engine    the engine that ran the checks (closed or not); never null
     * @param recorder  the recorder that listened to the engine; never null
     * @param transport the transport the checks ran on (still open when {@code probe} is true); never null
     * @param probe     whether to run follow-up probes (false: {@code --no-probe})
     * @return a diagnosis per checked server not UP, in the engine's order; never null
     * @throws NullPointerException if an argument is null
     */
    public static List<Diagnosis> live(HealthCheckEngine engine, Recorder recorder, ProbeTransport transport,
                                       boolean probe) {
        Objects.requireNonNull(transport, "transport");
        synchronized (recorder) {
            // a late event of the closed engine waits: the histories are read while the probes run
            return diagnose(engine.config(), engine.servers(), recorder.histories(engine.startNanos()), transport,
                    probe, Diagnoses::awaitWallClock, LONG_PROBE_NANOS);
        }
    }

    /**
     * Diagnoses every DOWN transition of a live run, from what a {@link Recorder} took of the run, as
     * {@link #transitions(HaproxyConfig, Timeline, ProbeTransport)} does from a timeline.
     *
     * @param engine    the engine that ran the checks; never null
     * @param recorder  the recorder that listened to the engine; never null
     * @param transport the transport the checks ran on, or null to name only configured {@code source}s
     * @return a diagnosis per DOWN transition, in the order they happened; never null
     * @throws NullPointerException if {@code engine} or {@code recorder} is null
     */
    public static List<TransitionDiagnosis> transitions(HealthCheckEngine engine, Recorder recorder,
                                                        ProbeTransport transport) {
        synchronized (recorder) {
            return transitions(engine.config(), recorder.histories(engine.startNanos()), transport);
        }
    }

    /**
     * Records the events a diagnosis needs from a live engine (checks and state changes), as a listener.
     *
     * <p>Two kinds: {@link #Recorder()} keeps every check and state change (a {@link #timeline(long)} to read, with
     * memory that grows with the checks: for tests and short runs); {@link #Recorder(LongSupplier)} keeps only what
     * the diagnoses need, per server (the counts and last checks of {@code CheckHistories}) and the state changes,
     * so a run of hours over 100,000 servers does not grow with its checks; diagnose it with
     * {@link Diagnoses#live(HealthCheckEngine, Recorder, ProbeTransport, boolean)} and
     * {@link Diagnoses#transitions(HealthCheckEngine, Recorder, ProbeTransport)}.
     *
     * <p>Thread-safe: the engine may call it from its listener executor while another thread reads it.
     */
    public static final class Recorder implements HealthListener {
        private final List<HealthEvent> events = new ArrayList<>();
        private final LongSupplier originNanos;
        private final CheckHistories histories;

        /** Creates an empty recorder that keeps every check and state change. */
        public Recorder() {
            this.originNanos = null;
            this.histories = null;
        }

        /**
         * Creates an empty recorder that keeps only what the diagnoses need: its memory grows with servers and
         * state changes, not with checks.
         *
         * @param originNanos returns the run's start ({@link HealthCheckEngine#startNanos()}), read at each event
         *                    (events come only after the engine's start); never null
         * @throws NullPointerException if {@code originNanos} is null
         */
        public Recorder(LongSupplier originNanos) {
            this.originNanos = Objects.requireNonNull(originNanos, "originNanos");
            this.histories = new CheckHistories();
        }

        /**
         * Makes ahead, for a recorder made with an origin, the state each of {@code servers} will keep, so that a
         * live run does not make them at the servers' first checks, thousands within one {@code inter} of a running
         * loop: call it once the engine is built, with {@link HealthCheckEngine#servers()}. Records nothing;
         * nothing for a recorder without origin. Any thread.
         *
         * @param servers the servers the run will check; never null
         * @throws NullPointerException if {@code servers} is null
         */
        public synchronized void expect(List<ServerSnapshot> servers) {
            Objects.requireNonNull(servers, "servers");
            if (histories == null) {
                return;
            }
            for (ServerSnapshot server : servers) {
                histories.expect(server.backend(), server.server());
            }
        }

        /**
         * Keeps check completions and state changes (a recorder made with an origin keeps the state changes and
         * takes each check into its servers' histories).
         *
         * @param event the event; never null
         */
        @Override
        public synchronized void onEvent(HealthEvent event) {
            boolean check = event instanceof HealthEvent.CheckCompleted;
            if (!check && !(event instanceof HealthEvent.StateChanged)) {
                return;
            }
            if (histories != null) {
                histories.add(event, TimeUnit.NANOSECONDS.toMillis(event.timeNanos() - originNanos.getAsLong()));
                if (check) {
                    return;
                }
            }
            events.add(event);
        }

        /**
         * Returns what was recorded so far: every check and state change, or, for a recorder made with an origin,
         * the state changes only.
         *
         * @param originNanos the run's start ({@link HealthCheckEngine#startNanos()})
         * @return the timeline, never null
         */
        public synchronized Timeline timeline(long originNanos) {
            return new Timeline(originNanos, List.copyOf(events));
        }

        /** Returns the histories so far, from the kept timeline for a recorder without origin. */
        synchronized CheckHistories histories(long originNanos) {
            return histories != null ? histories : CheckHistories.of(new Timeline(originNanos, List.copyOf(events)));
        }
    }

    /**
     * Diagnoses every DOWN transition of a timeline, from the checks around it (see
     * {@link Diagnostician#diagnoseTransition}): a server that went DOWN at t=12 s and came back UP at t=40 s gets
     * the cause of that DOWN, even though it is UP at the end. No follow-up probe runs: a failure that is over
     * cannot be probed. The last DOWN transition of a server still DOWN at the end is included too (with
     * {@link TransitionDiagnosis#recoveredAtMillis()} -1); {@link #live} and {@link Simulation#diagnoses} give
     * the fuller diagnosis of such a server, with probes.
     *
     * <p>Works the same on a live run's timeline ({@link Recorder}) and a simulation's ({@link
     * Simulation#timeline()}). Reads the config's file to quote its lines in the fixes.
     *
     * @param config   the run's config; never null
     * @param timeline the run's events, at least every {@link HealthEvent.CheckCompleted} and
     *                 {@link HealthEvent.StateChanged}; never null
     * @return a diagnosis per DOWN transition, in the timeline's order; never null
     * @throws NullPointerException if an argument is null
     */
    public static List<TransitionDiagnosis> transitions(HaproxyConfig config, Timeline timeline) {
        return transitions(config, timeline, null);
    }

    /**
     * As {@link #transitions(HaproxyConfig, Timeline)}, naming the address each server's checks left from as the
     * transport saw it ({@link ProbeTransport#lastSource}).
     *
     * @param config    the run's config; never null
     * @param timeline  the run's events; never null
     * @param transport the transport the checks ran on, or null to name only configured {@code source}s
     * @return a diagnosis per DOWN transition, in the timeline's order; never null
     * @throws NullPointerException if {@code config} or {@code timeline} is null
     */
    public static List<TransitionDiagnosis> transitions(HaproxyConfig config, Timeline timeline,
                                                        ProbeTransport transport) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(timeline, "timeline");
        return transitions(config, CheckHistories.of(timeline), transport);
    }

    /** As {@link #transitions(HaproxyConfig, Timeline, ProbeTransport)}, from histories taken as the run went. */
    static List<TransitionDiagnosis> transitions(HaproxyConfig config, CheckHistories histories,
                                                 ProbeTransport transport) {
        Function<SourceLocation, String> lines = lineReader(config);
        List<TransitionDiagnosis> diagnoses = new ArrayList<>();
        Map<String, ServerConfig> configs = histories.downs().isEmpty() ? Map.of() : serverConfigs(config);
        for (CheckHistories.Down down : histories.downs()) {
            ProxyConfig proxy = config.proxy(down.backend()).orElse(null);
            ServerConfig server = proxy == null ? null : configs.get(serverKey(down.backend(), down.server()));
            if (server == null) {
                continue;
            }
            diagnoses.add(Diagnostician.diagnoseTransition(proxy, server, sourceOf(proxy, server, transport),
                    down.history(), down.downAtMillis(), down.recoveredAtMillis(), lines));
        }
        return diagnoses;
    }

    static List<Diagnosis> diagnose(HaproxyConfig config, List<ServerSnapshot> servers, Timeline timeline,
                                    ProbeTransport transport, boolean probe, Await await) {
        return diagnose(config, servers, timeline, transport, probe, await, LONG_PROBE_NANOS);
    }

    /**
     * The address a server's checks leave from: as the transport saw it, else its configured {@code source},
     * else null.
     */
    private static String sourceOf(ProxyConfig proxy, ServerConfig server, ProbeTransport transport) {
        if (transport != null) {
            java.util.Optional<java.net.InetSocketAddress> seen = transport.lastSource(proxy.name(), server.name());
            if (seen.isPresent()) {
                return seen.get().getHostString();
            }
        }
        return server.source().isSet() ? server.source().address() : null;
    }

    static List<Diagnosis> diagnose(HaproxyConfig config, List<ServerSnapshot> servers, Timeline timeline,
                                    ProbeTransport transport, boolean probe, Await await, long longProbeNanos) {
        return diagnose(config, servers, CheckHistories.of(timeline), transport, probe, await, longProbeNanos);
    }

    /** As {@link #diagnose(HaproxyConfig, List, Timeline, ProbeTransport, boolean, Await, long)}, from histories. */
    static List<Diagnosis> diagnose(HaproxyConfig config, List<ServerSnapshot> servers, CheckHistories histories,
                                    ProbeTransport transport, boolean probe, Await await, long longProbeNanos) {
        Function<SourceLocation, String> lines = lineReader(config);
        List<Pending> pending = new ArrayList<>();
        // one pass over the config, not one per server DOWN: 100k servers DOWN stay linear
        Map<String, ServerConfig> configs = null;
        for (ServerSnapshot snapshot : servers) {
            if (!snapshot.checked() || snapshot.maintenance() || snapshot.state() != ServerState.DOWN) {
                continue;
            }
            if (configs == null) {
                configs = serverConfigs(config);
            }
            ProxyConfig proxy = config.proxy(snapshot.backend()).orElse(null);
            ServerConfig server = proxy == null ? null
                    : configs.get(serverKey(snapshot.backend(), snapshot.server()));
            if (server == null) {
                continue;
            }
            ServerHistory history = histories.history(snapshot.backend(), snapshot.server());
            // read before the probes, which connect for the same server
            String source = sourceOf(proxy, server, transport);
            boolean probing = probe && transport != null;
            pending.add(new Pending(proxy, server, source, history, !probing ? List.of()
                    : startProbes(config, proxy, server, history, transport, longProbeNanos),
                    probing && tlsHandshakeFailed(server, history)
                            ? TlsInspectionProbe.start(config, proxy, server, transport,
                            Math.min(longProbeNanos, INSPECTION_NANOS)) : null));
        }
        List<Diagnosis> diagnoses = new ArrayList<>();
        for (Pending p : pending) {
            List<FollowUp> followUps = new ArrayList<>();
            for (Started started : p.probes()) {
                List<CheckOutcome> outcomes = await.await(started.future(), longProbeNanos + TimeUnit.SECONDS
                        .toNanos(1));
                CheckOutcome outcome = outcomes.isEmpty()
                        ? CheckOutcome.of(started.kind() == FollowUp.Kind.PORT ? CheckStatus.L4TOUT
                        : CheckStatus.L7TOUT, 0, "no answer within the probe's bound", longProbeNanos)
                        : outcomes.get(outcomes.size() - 1);
                followUps.add(new FollowUp(started.kind(), started.address(), started.port(), outcome,
                        started.path()));
            }
            TlsFindings tls = null;
            if (p.inspection() != null) {
                // the Await waits on its own clock (wall or virtual) for any future; the report is read after it
                await.await(p.inspection().handle((peer, error) -> List.<CheckOutcome>of()), INSPECTION_NANOS);
                TlsPeer peer = p.inspection().getNow(null);
                tls = peer == null ? null : new TlsFindings(peer.protocol(), peer.chain(),
                        TlsFindings.Problem.valueOf(peer.problem().name()), peer.detail());
            }
            diagnoses.add(Diagnostician.diagnose(p.proxy(), p.server(), p.source(), p.history(), followUps, tls,
                    probe && transport != null, lines));
        }
        return diagnoses;
    }

    private record Pending(ProxyConfig proxy, ServerConfig server, String source, ServerHistory history,
                           List<Started> probes, CompletableFuture<TlsPeer> inspection) {
    }

    private record Started(FollowUp.Kind kind, String address, int port,
                           CompletableFuture<List<CheckOutcome>> future, String path) {

        Started(FollowUp.Kind kind, String address, int port, CompletableFuture<List<CheckOutcome>> future) {
            this(kind, address, port, future, null);
        }
    }

    /**
     * Whether the server's last failed check was a TLS failure (L6RSP, L6TOUT, or an info naming SSL, TLS, the
     * handshake or a certificate, as the diagnosis reads it) of a check that uses TLS.
     */
    private static boolean tlsHandshakeFailed(ServerConfig server, ServerHistory history) {
        CheckOutcome last = history.lastFailure();
        if (last == null || !server.check().tls().checkUsesTls(server.check().target().isSet())) {
            return false;
        }
        String info = last.info().toLowerCase(java.util.Locale.ROOT);
        return last.status() == CheckStatus.L6RSP || last.status() == CheckStatus.L6TOUT || info.contains("ssl")
                || info.contains("tls") || info.contains("handshake") || info.contains("certificate");
    }

    /** The first server of each {@code backend/server} name of the config (as {@link ProxyConfig#server}). */
    private static Map<String, ServerConfig> serverConfigs(HaproxyConfig config) {
        Map<String, ServerConfig> configs = new HashMap<>();
        Set<String> sections = new java.util.HashSet<>();
        for (ProxyConfig proxy : config.proxies()) {
            if (!sections.add(proxy.name())) {
                continue; // a later section of a name already seen: proxy(name) never returns it
            }
            for (ServerConfig server : proxy.servers()) {
                configs.putIfAbsent(serverKey(proxy.name(), server.name()), server);
            }
        }
        return configs;
    }

    private static String serverKey(String backend, String server) {
        return backend + '\0' + server;
    }

    private static List<Started> startProbes(HaproxyConfig config, ProxyConfig proxy, ServerConfig server,
                                             ServerHistory history, ProbeTransport transport,
                                             long longProbeNanos) {
        CheckOutcome last = history.lastFailure();
        if (last == null) {
            return List.of();
        }
        List<Started> started = new ArrayList<>();
        CheckStatus status = last.status();
        if (status == CheckStatus.L4CON && !history.wasUp()) {
            String host = server.effectiveCheckAddress();
            int checkPort = server.effectiveCheckPort();
            for (int port : portsNamedFor(config, server, host)) {
                if (port == checkPort || started.size() >= MAX_PORT_PROBES) {
                    continue;
                }
                ServerConfig plain = ServerConfig.builder(server.name(), host, port, server.location())
                        .timing(server.timing()).check(HealthCheck.ENABLED).build();
                ProxyConfig probeProxy = new ProxyConfig(proxy.name(), proxy.listen(), proxy.location(),
                        List.of(plain), List.of(), proxy.timeoutCheckNanos(), proxy.timeoutConnectNanos(), false);
                started.add(new Started(FollowUp.Kind.PORT, host, port, check(config, probeProxy, server, transport)));
            }
        } else if (status == CheckStatus.L7STS && last.code() == 404 && proxy.httpCheck()) {
            for (String path : otherPaths(config, proxy)) {
                List<HttpCheckRule> rules = new ArrayList<>();
                for (HttpCheckRule rule : proxy.httpCheckRules()) {
                    rules.add(rule instanceof HttpSend send ? new HttpSend(send.method(), path, send.version(),
                            send.headers(), send.body(), send.location()) : rule);
                }
                ProxyConfig probeProxy = new ProxyConfig(proxy.name(), proxy.listen(), proxy.location(),
                        List.of(server), rules, proxy.timeoutCheckNanos(), proxy.timeoutConnectNanos(), false,
                        proxy.checkOption(), proxy.disableOn404(), proxy.sendState(), proxy.balancing(),
                        proxy.traffic());
                started.add(new Started(FollowUp.Kind.PATH, server.effectiveCheckAddress(),
                        server.effectiveCheckPort(), check(config, probeProxy, server, transport), path));
            }
        } else if ((status == CheckStatus.L6RSP || status == CheckStatus.L6TOUT)
                && server.check().tls().checkUsesTls(server.check().target().isSet())) {
            TlsSettings tls = server.check().tls();
            TlsSettings unverified = new TlsSettings(tls.ssl(), tls.checkSsl(), new TlsVerification(false, null, null),
                    tls.crt(), tls.hello(), tls.protocols());
            TlsSettings anyVersion = new TlsSettings(tls.ssl(), tls.checkSsl(), unverified.verification(), tls.crt(),
                    tls.hello(), TlsProtocols.DEFAULT);
            started.add(tlsProbe(config, proxy, server, unverified, FollowUp.Kind.TLS_UNVERIFIED, transport));
            started.add(tlsProbe(config, proxy, server, anyVersion, FollowUp.Kind.TLS_ANY_VERSION, transport));
            started.add(tlsProbe(config, proxy, server, TlsSettings.NONE, FollowUp.Kind.PLAIN, transport));
        } else if (status == CheckStatus.L4TOUT || status == CheckStatus.L6TOUT || status == CheckStatus.L7TOUT) {
            CheckTiming t = server.timing();
            ServerConfig slow = server.toBuilder()
                    .timing(new CheckTiming(longProbeNanos, t.fastInterNanos(), t.downInterNanos(), t.rise(),
                            t.fall()))
                    .build();
            ProxyConfig probeProxy = new ProxyConfig(proxy.name(), proxy.listen(), proxy.location(), List.of(slow),
                    proxy.httpCheckRules(), longProbeNanos, longProbeNanos, false, proxy.checkOption(),
                    proxy.disableOn404(), proxy.sendState(), proxy.balancing(),
                    proxy.traffic());
            started.add(new Started(FollowUp.Kind.LONG_TIMEOUT, server.effectiveCheckAddress(),
                    server.effectiveCheckPort(), check(config, probeProxy, server, transport)));
        }
        return started;
    }

    private static Started tlsProbe(HaproxyConfig config, ProxyConfig proxy, ServerConfig server, TlsSettings tls,
                                    FollowUp.Kind kind, ProbeTransport transport) {
        HealthCheck check = server.check();
        ServerConfig changed = server.toBuilder()
                .check(new HealthCheck(true, check.target(), check.sendProxy(), tls)).build();
        ProxyConfig probeProxy = new ProxyConfig(proxy.name(), proxy.listen(), proxy.location(), List.of(changed),
                proxy.httpCheckRules(), proxy.timeoutCheckNanos(), proxy.timeoutConnectNanos(), false,
                proxy.checkOption(), proxy.disableOn404(), proxy.sendState(), proxy.balancing(),
                    proxy.traffic());
        return new Started(kind, server.effectiveCheckAddress(), server.effectiveCheckPort(),
                check(config, probeProxy, server, transport));
    }

    private static CompletableFuture<List<CheckOutcome>> check(HaproxyConfig config, ProxyConfig probeProxy,
                                                               ServerConfig server, ProbeTransport transport) {
        HaproxyConfig probeConfig = new HaproxyConfig(config.file(), config.global(), List.of(probeProxy),
                List.of());
        try {
            Probe probe = Probe.create(probeConfig, transport);
            return probe.check(probeProxy.name(), server.name());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(List.of());
        }
    }

    /**
     * The request URIs of the config's other HTTP checks ({@code option httpchk <uri>}, {@code http-check send
     * uri}), in file order, without the proxy's own and without duplicates; at most {@value #MAX_PATH_PROBES}.
     */
    static List<String> otherPaths(HaproxyConfig config, ProxyConfig proxy) {
        Set<String> own = new LinkedHashSet<>();
        for (HttpCheckRule rule : proxy.httpCheckRules()) {
            if (rule instanceof HttpSend send) {
                own.add(send.uri());
            }
        }
        Set<String> paths = new LinkedHashSet<>();
        for (ProxyConfig other : config.proxies()) {
            for (HttpCheckRule rule : other.httpCheckRules()) {
                if (rule instanceof HttpSend send && !own.contains(send.uri()) && paths.size() < MAX_PATH_PROBES) {
                    paths.add(send.uri());
                }
            }
        }
        return List.copyOf(paths);
    }

    /** The ports the config names for {@code host}: the server's own, check and agent ports, other servers'. */
    static Set<Integer> portsNamedFor(HaproxyConfig config, ServerConfig server, String host) {
        Set<Integer> ports = new LinkedHashSet<>();
        if (server.address().equals(host) && server.port() > 0) {
            ports.add(server.port());
        }
        if (server.check().target().port() > 0) {
            ports.add(server.check().target().port());
        }
        if (server.agent().enabled() && server.effectiveAgentPort() > 0) {
            ports.add(server.effectiveAgentPort());
        }
        for (ProxyConfig proxy : config.proxies()) {
            for (ServerConfig other : proxy.servers()) {
                if (other.address().equals(host) && other.port() > 0) {
                    ports.add(other.port());
                }
                if (other.check().target().isSet() && host.equals(other.effectiveCheckAddress())
                        && other.effectiveCheckPort() > 0) {
                    ports.add(other.effectiveCheckPort());
                }
            }
        }
        return ports;
    }

    private static List<CheckOutcome> awaitWallClock(CompletableFuture<List<CheckOutcome>> future, long nanos) {
        try {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Reads config lines by location, each file once; null for a line that cannot be read. */
    private static Function<SourceLocation, String> lineReader(HaproxyConfig config) {
        Map<String, List<String>> files = new HashMap<>();
        return location -> {
            List<String> lines = files.computeIfAbsent(location.file(), file -> {
                try {
                    return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
                } catch (IOException | RuntimeException e) {
                    return List.of();
                }
            });
            int index = location.line() - 1;
            return index >= 0 && index < lines.size() ? lines.get(index).trim() : null;
        };
    }
}
