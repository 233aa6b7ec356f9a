package io.haprobe.engine;

import io.haprobe.config.ServerConfig;
import io.haprobe.config.TrafficLog;
import io.haprobe.report.HttpLog;
import io.haprobe.report.ResponseSize;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Capacity;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServedRequest;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import io.haprobe.time.Scheduler;
import io.haprobe.traffic.BackendTraffic;
import io.haprobe.traffic.ConnectFailure;
import io.haprobe.traffic.Decision;
import io.haprobe.traffic.FrontendTraffic;
import io.haprobe.traffic.Request;
import io.haprobe.traffic.ServerTraffic;
import io.haprobe.traffic.Stream;
import io.haprobe.traffic.Termination;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Plays a simulation's client traffic on virtual time: sends each {@link Traffic} item's requests, hands them to
 * their backend's request model ({@link BackendTraffic}), and carries out what the model decides: a connect meets
 * the scripted server's {@linkplain Phase#requestBehaviour() request behaviour} ({@link ServedRequest}), queue
 * and turn-around timers fire, the server answers after its delay or {@code timeout server} expires, the client
 * gives up after its own timeout. Each request's end becomes a {@link HealthEvent.RequestCompleted}, with the
 * fields of its frontend's {@code option httplog} line when the frontend logs ({@link #httpLog}).
 *
 * <p>The model is pure; this is its only driver. Stale timers are harmless: each callback checks that the stream
 * is still where the timer left it (its id, phase and attempt number). An ended stream goes back to the model
 * ({@link BackendTraffic#recycle}) as soon as its event is out, so a steady flow reuses a few stream objects; the
 * driver's own per-request objects are pooled the same way (a {@link Client} per stream, a {@link Timer} per timer
 * armed, one {@link RateSender} per rate item), so a steady flow allocates nothing here but the scheduler's task
 * per timer and, when recorded, the request's event.
 *
 * <p>Recording: with {@code recordRequests} every request's end becomes an event; without, only those with an
 * httplog line do (the lines are the output), and the rest are counted ({@link #requestsEnded()},
 * {@link #replies503()}).
 *
 * <p>Threading: confined to the simulation's thread, like the engine it shares the scheduler with.
 */
final class TrafficDriver {

    private static final int FIRST_PORT = 32768;
    private static final int LAST_PORT = 60999;
    private static final long NANOS_PER_MS = 1_000_000L;

    private final Scheduler scheduler;
    private final long startNanos;
    private final Function<String, BackendTraffic> backends;
    private final Function<Traffic.Target, String> router;
    private final Function<String, FrontendTraffic> frontends;
    /** Per frontend, the connections waiting in its listener's backlog while it holds {@code maxconn} sessions. */
    private final Map<String, java.util.ArrayDeque<Runnable>> backlogs = new HashMap<>();
    private final Map<String, ServerScript> scripts;
    private final Function<ServerTraffic, ServerConfig> configs;
    private final RandomGenerator random;
    private final Consumer<HealthEvent> sink;
    /** Whether every request's end goes to the sink, or only those with an httplog line. */
    private final boolean recordRequests;
    /** The client of each stream in flight (by identity: a recycled stream object serves another request). */
    private final Map<Stream, Client> clients = new java.util.IdentityHashMap<>();
    /** Clients of ended streams, for the next requests. */
    private final java.util.ArrayDeque<Client> freeClients = new java.util.ArrayDeque<>();
    /** Timers that ran, for the next ones. */
    private final java.util.ArrayDeque<Timer> freeTimers = new java.util.ArrayDeque<>();
    /** Per backend, the 503s its clients got (wherever they were counted). */
    private final Map<BackendTraffic, long[]> backend503s = new java.util.IdentityHashMap<>();
    /** Requests that ended, recorded or not. */
    private long ended;
    /** The clients and timers made so far (the pools' sizes plus those in use), for the retention tests. */
    private int clientsMade;
    private int timersMade;
    /** What the driver knows of each server, looked up once (the script, {@code ssl}, the counts). */
    private final Map<ServerTraffic, ServerSide> sides = new java.util.IdentityHashMap<>();
    /** The same by {@code backend/server}, for the scripted transport's capacity check. */
    private final Map<String, ServerSide> sidesById = new HashMap<>();
    /** How each frontend logs its requests; nothing by default. */
    private Function<String, TrafficLog> logs = frontend -> null;
    /** The wall-clock date of t=0 in the httplog lines, ms since the Unix epoch. */
    private long epochMillis;
    /** The next client port, as a kernel hands out its ephemeral range (Linux: 32768 to 60999). */
    private int nextPort = FIRST_PORT;
    /** Requests admitted and not yet ended (the httplog's {@code actconn}). */
    private int active;
    /** What {@link #serve} decided: the kind, status and delay of the server's answer. */
    private ServedRequest.Kind servedKind;
    private int servedStatus;
    private long servedDelayNanos;
    /** The decisions about other streams the model call being carried out left, not carried out yet. */
    private List<Decision> pending = List.of();

    /**
     * Creates a driver.
     *
     * @param scheduler  the simulation's virtual clock; never null
     * @param startNanos the scheduler time of t=0
     * @param backends   the request model of a backend by name, or null for none; never null
     * @param router     the backend a traffic target reaches (a frontend's {@code default_backend}); never null
     * @param frontends  the request model of a frontend by name ({@code maxconn}, FRONTEND counters), or null for
     *                   none; never null
     * @param scripts    the scripted backends by {@code backend/server}; never null
     * @param configs    a model server's configuration; never null
     * @param random     where delay ranges draw from; never null
     * @param sink       where request events go, in order; never null
     * @param recordRequests whether every request's end goes to {@code sink}; false sends only those with an
     *                   httplog line
     */
    TrafficDriver(Scheduler scheduler, long startNanos, Function<String, BackendTraffic> backends,
                  Function<Traffic.Target, String> router, Function<String, FrontendTraffic> frontends,
                  Map<String, ServerScript> scripts,
                  Function<ServerTraffic, ServerConfig> configs, RandomGenerator random, Consumer<HealthEvent> sink,
                  boolean recordRequests) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.startNanos = startNanos;
        this.backends = Objects.requireNonNull(backends, "backends");
        this.router = Objects.requireNonNull(router, "router");
        this.frontends = Objects.requireNonNull(frontends, "frontends");
        this.scripts = Objects.requireNonNull(scripts, "scripts");
        this.configs = Objects.requireNonNull(configs, "configs");
        this.random = Objects.requireNonNull(random, "random");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.recordRequests = recordRequests;
    }

    /**
     * Returns how many requests ended so far, recorded or not.
     *
     * @return the count, {@code >= 0}
     */
    long requestsEnded() {
        return ended;
    }

    /** How many {@link Client}s the driver made: bounded by the requests in flight at once, for tests. */
    int clientsMade() {
        return clientsMade;
    }

    /** How many {@link Timer}s the driver made: bounded by the timers armed at once, for tests. */
    int timersMade() {
        return timersMade;
    }

    /**
     * Returns the 503s the clients got so far, recorded or not: by {@code backend/server} for the server the
     * request was assigned, and by {@code backend/BACKEND} for every one of the backend's (its servers' included).
     *
     * @return the counts, by key; only keys with 503s; a new map
     */
    Map<String, Long> replies503() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        sides.forEach((server, side) -> {
            if (side.replies503 > 0) {
                counts.put(side.id, side.replies503);
            }
        });
        backend503s.forEach((backend, count) -> counts.put(backend.name() + "/BACKEND", count[0]));
        return counts;
    }

    /**
     * Turns on the {@code option httplog} lines of the frontends that log (their requests' events carry the
     * line's fields).
     *
     * @param logs        how a frontend logs, by name, or null for none; never null
     * @param epochMillis the date of t=0 in the lines ({@code %tr}), ms since the Unix epoch
     */
    void httpLog(Function<String, TrafficLog> logs, long epochMillis) {
        this.logs = Objects.requireNonNull(logs, "logs");
        this.epochMillis = epochMillis;
    }

    /**
     * Schedules a traffic item's requests.
     *
     * @param item the item; never null
     * @throws IllegalArgumentException if its target leads to no backend
     */
    void add(Traffic item) {
        String backendName = router.apply(item.target());
        BackendTraffic backend = backendName == null ? null : backends.apply(backendName);
        if (backend == null) {
            throw new IllegalArgumentException("traffic: " + item.target() + " (expected: a frontend with a "
                    + "default_backend, or a backend)");
        }
        String frontend = item.target().frontend() ? item.target().name() : null;
        Request request = new Request("GET", item.path(), item.headers(), item.source());
        long at = startNanos + item.atNanos();
        if (item.load() instanceof Traffic.Burst burst) {
            scheduler.schedule(() -> {
                for (int i = 0; i < burst.requests(); i++) {
                    send(item, frontend, backend, request, null);
                }
            }, delayUntil(at));
        } else if (item.load() instanceof Traffic.Sequential sequential) {
            scheduler.schedule(new SequenceSender(item, frontend, backend, request, sequential.requests()),
                    delayUntil(at));
        } else {
            new RateSender(item, frontend, backend, request, (Traffic.Rate) item.load(), at).scheduleNext();
        }
    }

    /**
     * Returns how many proxied requests a scripted server serves now (its {@code capacity:} counts them).
     *
     * @param server {@code backend/server}; never null
     * @return the open requests, {@code >= 0}
     */
    int sessions(String server) {
        ServerSide side = sidesById.get(server);
        return side == null ? 0 : side.open;
    }

    /**
     * Carries out decisions about other streams that a change of the health side caused (a server going DOWN
     * requeues its queue, one coming UP takes from the backend queue).
     *
     * @param backend   the backend; never null
     * @param decisions the decisions; never null
     */
    void carryOut(BackendTraffic backend, List<Decision> decisions) {
        for (Decision decision : List.copyOf(decisions)) {
            handle(backend, decision);
        }
    }

    /**
     * Carries out a decision the model just returned, then the decisions about other streams the same call left
     * in {@link BackendTraffic#effects()} (copied first: handling a decision calls the model again).
     */
    private void act(BackendTraffic backend, Decision decision) {
        List<Decision> effects = backend.effects().isEmpty() ? List.of() : List.copyOf(backend.effects());
        pending = effects;
        handle(backend, decision);
        pending = List.of();
        for (Decision effect : effects) {
            handle(backend, effect);
        }
    }

    /**
     * A {@code requests: N} item's sender: each run sends one request and, while requests are left, is that
     * request's follow-up (run once when it ends or its client gives up), so one object serves the whole sequence.
     */
    private final class SequenceSender implements Runnable {

        private final Traffic item;
        private final String frontend;
        private final BackendTraffic backend;
        private final Request request;
        private int left;

        SequenceSender(Traffic item, String frontend, BackendTraffic backend, Request request, int requests) {
            this.item = item;
            this.frontend = frontend;
            this.backend = backend;
            this.request = request;
            this.left = requests;
        }

        @Override
        public void run() {
            left--;
            send(item, frontend, backend, request, left > 0 ? this : null);
        }
    }

    /** A {@code rate:} item's sender: one timer armed at a time, so one object re-armed for every request. */
    private final class RateSender implements Runnable {

        private final Traffic item;
        private final String frontend;
        private final BackendTraffic backend;
        private final Request request;
        private final Traffic.Rate rate;
        private final long firstAt;
        private long index;

        RateSender(Traffic item, String frontend, BackendTraffic backend, Request request, Traffic.Rate rate,
                   long firstAt) {
            this.item = item;
            this.frontend = frontend;
            this.backend = backend;
            this.request = request;
            this.rate = rate;
            this.firstAt = firstAt;
        }

        /** Arms the timer of request {@code index}, unless it is past the item's end. */
        void scheduleNext() {
            // evenly spaced from the first request, without accumulating the period's rounding
            long at = firstAt + Math.round(index * 1e9 / rate.perSecond());
            if (at >= startNanos + rate.untilNanos()) {
                return;
            }
            scheduler.schedule(this, delayUntil(at));
        }

        @Override
        public void run() {
            send(item, frontend, backend, request, null);
            index++;
            scheduleNext();
        }
    }

    private void send(Traffic item, String frontend, BackendTraffic backend, Request request, Runnable then) {
        FrontendTraffic model = frontend == null ? null : frontends.apply(frontend);
        if (model != null && !model.accept(scheduler.nanoTime())) {
            // at maxconn HAProxy stops accepting: the connection waits in the backlog for a session to end
            backlogs.computeIfAbsent(frontend, name -> new java.util.ArrayDeque<>())
                    .add(() -> admit(item, frontend, backend, request, then));
            return;
        }
        admit(item, frontend, backend, request, then);
    }

    private void admit(Traffic item, String frontend, BackendTraffic backend, Request request, Runnable then) {
        long now = scheduler.nanoTime();
        Decision decision = backend.arrive(request, now);
        Client client = freeClients.poll();
        if (client == null) {
            client = new Client();
            clientsMade++;
        }
        client.start(frontend, backend, then);
        client.port = nextPort;
        nextPort = nextPort == LAST_PORT ? FIRST_PORT : nextPort + 1;
        active++;
        TrafficLog log = frontend == null ? null : logs.apply(frontend);
        if (log != null && log.httplog()) {
            client.log = log;
        }
        clients.put(decision.stream(), client);
        if (item.timeoutNanos() > 0) {
            Stream stream = decision.stream();
            scheduler.schedule(timer(Timer.CLIENT_TIMEOUT, backend, stream, 0, null), item.timeoutNanos());
        }
        act(backend, decision);
    }

    private void handle(BackendTraffic backend, Decision decision) {
        if (decision == null) {
            return;
        }
        Stream stream = decision.stream();
        if (decision instanceof Decision.Connect connect) {
            connect(backend, stream, connect.server());
        } else if (decision instanceof Decision.Queued queued) {
            client(stream).queued(scheduler.nanoTime());
            if (queued.deadlineNanos() != Long.MAX_VALUE) {
                scheduler.schedule(timer(Timer.QUEUE, backend, stream, 0, null),
                        delayUntil(queued.deadlineNanos()));
            }
        } else if (decision instanceof Decision.Turnaround turnaround) {
            scheduler.schedule(timer(Timer.TURNAROUND, backend, stream, client(stream).attempt, null),
                    delayUntil(turnaround.retryAtNanos()));
        } else {
            finish(backend, (Decision.Finished) decision);
        }
    }

    private void connect(BackendTraffic backend, Stream stream, ServerTraffic server) {
        Client client = client(stream);
        long now = scheduler.nanoTime();
        client.connecting(now);
        int attempt = ++client.attempt;
        serve(backend, server, now);
        switch (servedKind) {
            case REFUSED, HANDSHAKE_FAILURE -> act(backend, backend.connectFailed(stream, ConnectFailure.REFUSED,
                    now));
            case UNANSWERED -> {
                long timeout = backend.timeoutConnectNanos();
                if (timeout > 0) {
                    scheduler.schedule(timer(Timer.CONNECT_TIMEOUT, backend, stream, attempt, null),
                            delayUntil(now + timeout));
                }
            }
            default -> {
                if (client.log != null && servedKind == ServedRequest.Kind.RESPONSE) {
                    ServerSide side = side(backend, server);
                    client.responseBytes = ServedRequest.responseBytes(side.behaviour, side.index);
                }
                backend.connected(stream, now);
                client.openAt = side(backend, server);
                client.openAt.open++;
                long timeoutServer = backend.timeoutServerNanos();
                boolean answers = servedKind != ServedRequest.Kind.SILENT;
                if (timeoutServer > 0 && (!answers || servedDelayNanos >= timeoutServer)) {
                    scheduler.schedule(timer(Timer.SERVER_TIMEOUT, backend, stream, attempt, null),
                            delayUntil(now + timeoutServer));
                } else if (answers) {
                    Timer answer = timer(Timer.ANSWER, backend, stream, attempt, servedKind);
                    answer.status = servedStatus;
                    scheduler.schedule(answer, delayUntil(now + servedDelayNanos));
                }
            }
        }
    }

    /** A pooled timer, armed for {@code stream} as it is now (its id). */
    private Timer timer(int kind, BackendTraffic backend, Stream stream, int attempt, ServedRequest.Kind served) {
        Timer timer = freeTimers.poll();
        if (timer == null) {
            timer = new Timer();
            timersMade++;
        }
        timer.kind = kind;
        timer.backend = backend;
        timer.stream = stream;
        timer.id = stream.id();
        timer.attempt = attempt;
        timer.served = served;
        return timer;
    }

    /**
     * One timer of a stream. Each callback checks that the stream is still where the timer left it: the same
     * request (its id: an ended stream object serves later requests), and for most the same attempt and phase. A
     * timer goes back to the pool as it runs (before acting: acting arms new timers), so each is armed once at a
     * time.
     */
    private final class Timer implements Runnable {

        /** The client's own timeout ({@code timeout:} of the traffic item). */
        static final int CLIENT_TIMEOUT = 0;
        /** The queue's deadline ({@code timeout queue}). */
        static final int QUEUE = 1;
        /** The end of the turn-around before a retry. */
        static final int TURNAROUND = 2;
        /** {@code timeout connect} against a server that does not answer the connect. */
        static final int CONNECT_TIMEOUT = 3;
        /** {@code timeout server}. */
        static final int SERVER_TIMEOUT = 4;
        /** The server's answer after its delay. */
        static final int ANSWER = 5;

        int kind;
        BackendTraffic backend;
        Stream stream;
        long id;
        int attempt;
        ServedRequest.Kind served;
        int status;

        @Override
        public void run() {
            int kind = this.kind;
            BackendTraffic backend = this.backend;
            Stream stream = this.stream;
            long id = this.id;
            int attempt = this.attempt;
            ServedRequest.Kind served = this.served;
            int status = this.status;
            this.backend = null;
            this.stream = null;
            this.served = null;
            freeTimers.add(this);
            if (stream.id() != id) {
                return; // ended, and the object serves another request
            }
            long now = scheduler.nanoTime();
            if (kind == QUEUE) {
                Decision expired = backend.queueExpired(stream, now);
                if (expired != null) {
                    act(backend, expired);
                }
                return;
            }
            Client client = clients.get(stream);
            if (client == null) {
                return;
            }
            if (kind == CLIENT_TIMEOUT) {
                if (stream.phase() != Stream.Phase.DONE) {
                    // HAProxy 2.6 without option abortonclose (its default, and all haprobe models) does not abort
                    // a stream whose client closed after sending its request: queued or connected, it goes on to
                    // its end and is logged with that end's status and termination state (observed on 2.6.12:
                    // 200 '----' after the client's close). The client alone is gone: it received nothing, and
                    // its next request leaves now.
                    client.gaveUp();
                }
                return;
            }
            if (client.attempt != attempt) {
                return;
            }
            Stream.Phase phase = stream.phase();
            switch (kind) {
                case TURNAROUND -> {
                    if (phase == Stream.Phase.TURNAROUND) {
                        act(backend, backend.turnaroundExpired(stream, now));
                    }
                }
                case CONNECT_TIMEOUT -> {
                    if (phase == Stream.Phase.CONNECTING) {
                        act(backend, backend.connectFailed(stream, ConnectFailure.TIMEOUT, now));
                    }
                }
                case SERVER_TIMEOUT -> {
                    if (phase == Stream.Phase.CONNECTED) {
                        act(backend, backend.serverTimedOut(stream, now));
                    }
                }
                default -> {
                    if (phase == Stream.Phase.CONNECTED) {
                        act(backend, switch (served) {
                            case RESPONSE -> backend.responded(stream, status, now);
                            case RESET -> backend.serverReset(stream, now);
                            case INVALID -> backend.invalidResponse(stream, now);
                            default -> backend.serverClosed(stream, now);
                        });
                    }
                }
            }
        }
    }

    /**
     * What the server does with a proxied connection, into {@link #servedKind}, {@link #servedStatus} and
     * {@link #servedDelayNanos} (as {@link ServedRequest#of} says, without its object in the common case).
     */
    private void serve(BackendTraffic backend, ServerTraffic server, long now) {
        ServerSide side = side(backend, server);
        ServerScript script = side.script;
        if (script == null) {
            // nothing listens where the server line points: the connect is refused, as a check's is
            served(ServedRequest.REFUSED);
            return;
        }
        long elapsed = now - startNanos;
        int phaseIndex = script.phaseIndexAt(elapsed);
        Phase phase = script.phases().get(phaseIndex);
        if (phase.capacity() != null && phase.capacity().full(side.open)) {
            served(phase.capacity().whenFull() == Capacity.WhenFull.REFUSE ? ServedRequest.REFUSED
                    : ServedRequest.UNANSWERED);
            return;
        }
        long index = side.connections[phaseIndex]++;
        Behaviour behaviour = phase.requestBehaviour();
        side.behaviour = behaviour;
        side.index = index;
        if (!side.ssl && behaviour instanceof Behaviour.Http http) {
            // ServedRequest.of's answer for a plain http behaviour (one draw of its delay), without the record
            servedKind = ServedRequest.Kind.RESPONSE;
            servedStatus = http.status();
            servedDelayNanos = http.delay().sampleNanos(random);
            return;
        }
        served(ServedRequest.of(behaviour, index, side.ssl, random));
    }

    private void served(ServedRequest served) {
        servedKind = served.kind();
        servedStatus = served.status();
        servedDelayNanos = served.delayNanos();
    }

    private void finish(BackendTraffic backend, Decision.Finished finished) {
        Stream stream = finished.stream();
        Client client = clients.remove(stream);
        if (client == null) {
            return;
        }
        if (client.openAt != null) {
            client.openAt.open--;
        }
        long now = scheduler.nanoTime();
        // %Tw: -1 for a stream that never got as far as a queue or a connection attempt (no server available,
        // queue full), as HAProxy 2.6.12 logs it ('0/-1/-1/-1/0 503 ... SC--'); its whole wait when it ended in the
        // queue ('0/302/-1/-1/302 503 ... sQ--'); 0 when it never waited
        long queueNanos = client.connectingAt >= 0
                ? (client.queuedAt < 0 ? 0 : client.connectingAt - client.queuedAt)
                : client.queuedAt >= 0 ? now - client.queuedAt : -1;
        long connectedAt = stream.connectedAtNanos();
        long connectNanos = connectedAt < 0 ? -1 : connectedAt - client.connectingAt;
        long responseNanos = finished.status() > 0 && connectedAt >= 0
                && finished.termination() == Termination.SERVED ? now - connectedAt : -1;
        ServerTraffic server = stream.server();
        String terminationState = BackendTraffic.terminationState(stream);
        FrontendTraffic model = client.frontend == null ? null : frontends.apply(client.frontend);
        HttpLog.Fields httpLog = null;
        LogLevel level = LogLevel.INFO;
        if (client.log != null) {
            // log.c strm_log(): an error is a redispatch, a termination past 'L', retries, or a 5xx
            char cause = terminationState.charAt(0);
            boolean error = stream.redispatched() || cause != '-' && cause != 'L' || stream.retries() > 0
                    || finished.status() >= 500;
            level = error && client.log.logSeparateErrors() ? LogLevel.ERR : LogLevel.INFO;
            if ((error || !client.log.dontLogNormal()) && client.log.sends(level.severity())) {
                httpLog = httpLog(backend, stream, client, finished, terminationState, model, now);
            }
        }
        int status = client.gaveUp ? -1 : finished.status();
        ended++;
        if (status == 503) {
            if (server != null) {
                side(backend, server).replies503++;
            }
            backend503s.computeIfAbsent(backend, b -> new long[1])[0]++;
        }
        if (recordRequests || httpLog != null) {
            sink.accept(new HealthEvent.RequestCompleted(now, client.frontend, backend.name(),
                    server == null ? null : server.name(), stream.id(), stream.arrivalNanos(), status,
                    terminationState, queueNanos, connectNanos, responseNanos, stream.retries(),
                    stream.redispatched(), httpLog, level));
        }
        active--;
        // the event holds values only: the stream object goes back to the model for a later request (timers still
        // naming it check its id), the client to the pool
        backend.recycle(stream);
        String frontend = client.frontend;
        Runnable next = client.then;
        client.clear();
        freeClients.add(client);
        if (model != null && model.release(finished.status(), now)) {
            backlogs.get(frontend).poll().run();
        }
        if (next != null) {
            next.run();
        }
    }

    /**
     * The fields of the request's httplog line, as HAProxy fills them when it logs at the stream's end: its
     * timers are differences of times since the accept, each truncated to the ms (log.c's {@code %Tw},
     * {@code %Tc}, {@code %Tr} from {@code t_queue}, {@code t_connect}, {@code t_data}); the connection counts
     * still include the stream on the process and its frontend, no longer on its backend and server.
     */
    private HttpLog.Fields httpLog(BackendTraffic backend, Stream stream, Client client, Decision.Finished finished,
                                   String terminationState, FrontendTraffic frontend, long now) {
        long arrival = stream.arrivalNanos();
        long leftQueue = client.connectingAt >= 0 ? client.connectingAt
                : client.queuedAt >= 0 ? now : -1;
        long queueMs = leftQueue < 0 ? -1 : (leftQueue - arrival) / NANOS_PER_MS;
        long connectedAt = stream.connectedAtNanos();
        long connectMs = connectedAt < 0 ? -1 : (connectedAt - arrival) / NANOS_PER_MS - queueMs;
        long totalMs = (now - arrival) / NANOS_PER_MS;
        boolean served = finished.termination() == Termination.SERVED && connectedAt >= 0;
        long responseMs = served ? totalMs - (connectedAt - arrival) / NANOS_PER_MS : -1;
        int status = finished.status();
        long bytes = served ? client.responseBytes
                : status == 502 || status == 503 || status == 504 ? ResponseSize.errorPage(status) : 0;
        Request request = stream.request();
        ServerTraffic server = stream.server();
        return new HttpLog.Fields(request.source() == null ? "127.0.0.1" : request.source().getHostAddress(),
                client.port, epochMillis + (arrival - startNanos) / NANOS_PER_MS, client.frontend, backend.name(),
                server == null ? null : server.name(), 0, queueMs, connectMs, responseMs, totalMs, status, bytes,
                terminationState, stream.cookieState(), active, frontend == null ? active : frontend.currentSessions(),
                backend.currentSessions(), server == null ? 0 : currentSessions(server), stream.retries(),
                stream.redispatched(), stream.serverQueuePosition(), stream.backendQueuePosition(), request.method(),
                request.uri());
    }

    /**
     * The server's {@code cur_sess} as HAProxy logs it: the model counts a stream that a freed slot dequeued at
     * once, HAProxy only when that stream's own task connects, after this log line.
     */
    private int currentSessions(ServerTraffic server) {
        int sessions = server.currentSessions();
        for (int i = 0; i < pending.size(); i++) {
            if (pending.get(i) instanceof Decision.Connect connect && connect.server() == server) {
                sessions--;
            }
        }
        return Math.max(0, sessions);
    }

    private ServerSide side(BackendTraffic backend, ServerTraffic server) {
        ServerSide side = sides.get(server);
        if (side == null) {
            String id = backend.name() + '/' + server.name();
            side = new ServerSide(id, scripts.get(id), configs.apply(server).check().tls().ssl());
            sides.put(server, side);
            sidesById.put(id, side);
        }
        return side;
    }

    private Client client(Stream stream) {
        Client client = clients.get(stream);
        if (client == null) {
            throw new IllegalStateException("stream " + stream.id() + " has no client");
        }
        return client;
    }

    private long delayUntil(long time) {
        return Math.max(0, time - scheduler.nanoTime());
    }

    /** A server as the driver plays it: its script and {@code ssl}, its connections per phase, its open requests. */
    private static final class ServerSide {

        /** {@code backend/server}. */
        final String id;
        final ServerScript script;
        final boolean ssl;
        final long[] connections;
        int open;
        /** The 503s the clients of requests assigned to it got. */
        long replies503;
        /** The behaviour and connection index of the last request served, for its httplog size. */
        Behaviour behaviour;
        long index;

        ServerSide(String id, ServerScript script, boolean ssl) {
            this.id = id;
            this.script = script;
            this.ssl = ssl;
            this.connections = new long[script == null ? 0 : script.phases().size()];
        }
    }

    /**
     * The client side of one stream: where it came in, what follows it, and its timers' bookkeeping. Pooled: set
     * by {@link #start}, cleared when its stream ends.
     */
    private static final class Client {

        String frontend;
        BackendTraffic backend;
        Runnable then;
        boolean gaveUp;
        int attempt;
        long queuedAt = -1;
        long connectingAt = -1;
        ServerSide openAt;
        int port;
        /** How its frontend logs it, or null when no line is built. */
        TrafficLog log;
        /** The {@code %B} of the server's response, when one came. */
        long responseBytes;

        /** Sets the client of a new request (a pooled one is {@linkplain #clear() clear}). */
        void start(String frontend, BackendTraffic backend, Runnable then) {
            this.frontend = frontend;
            this.backend = backend;
            this.then = then;
        }

        /** Forgets the ended request, for the pool. */
        void clear() {
            frontend = null;
            backend = null;
            then = null;
            gaveUp = false;
            attempt = 0;
            queuedAt = -1;
            connectingAt = -1;
            openAt = null;
            port = 0;
            log = null;
            responseBytes = 0;
        }

        /** The client's own timeout expired: it stops waiting, and its next request (if any) leaves. */
        void gaveUp() {
            gaveUp = true;
            next();
        }

        /** Runs what follows this request, once. */
        void next() {
            Runnable next = then;
            then = null;
            if (next != null) {
                next.run();
            }
        }

        void queued(long now) {
            if (queuedAt < 0) {
                queuedAt = now;
            }
        }

        void connecting(long now) {
            if (connectingAt < 0) {
                connectingAt = now;
            }
        }
    }
}
