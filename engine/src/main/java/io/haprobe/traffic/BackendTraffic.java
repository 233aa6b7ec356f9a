package io.haprobe.traffic;

import io.haprobe.ServerState;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ProxyTrafficSettings;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.TrafficSettings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The request model of one backend (or listen section): what HAProxy 2.6 decides for each request, from its
 * arrival to its end, and the counters {@code show stat} prints (spec §9; backend.c
 * {@code assign_server_and_queue()}, queue.c, stream.c/stream.h {@code stream_choose_redispatch()}, server.c
 * {@code srv_update_status()}). Pure: no I/O, no clock; time comes in as {@code nowNanos} arguments (virtual
 * nanoseconds, never decreasing), and decisions go out as {@link Decision} values that a driver carries out on
 * its clock.
 *
 * <p>The driver's part:
 * <ol>
 *   <li>A request arrives: {@link #arrive}. {@link Decision.Connect}: connect to the server, arm
 *       {@code timeout connect} ({@link #timeoutConnectNanos()}), report {@link #connected} or
 *       {@link #connectFailed}. {@link Decision.Queued}: arm a timer at its deadline that calls
 *       {@link #queueExpired}. {@link Decision.Turnaround}: call {@link #turnaroundExpired} then.
 *       {@link Decision.Finished}: the client has its answer (a 503).</li>
 *   <li>Once connected, the server answers ({@link #responded}), or {@code timeout server}
 *       ({@link #timeoutServerNanos()}) expires ({@link #serverTimedOut}: 504), or it closes
 *       ({@link #serverClosed}: 502), or the client gives up ({@link #clientAborted}).</li>
 *   <li>A stream that ends frees a slot: waiting streams get it. Every method that can move <em>other</em>
 *       streams leaves their decisions in {@link #effects()} (in order, valid until the next call); the driver
 *       carries them out as it does the returned decision.</li>
 *   <li>The health side reports each state change of a server ({@link #serverChanged}) and gets the numbers of
 *       HAProxy's transition line ({@link Transition}); a server warming up ({@code slowstart}) needs
 *       {@link #warmup} at {@link ServerTraffic#nextWarmupNanos()}.</li>
 *   <li>Optionally, an ended stream the driver is done with goes back through {@link #recycle}: the next
 *       arrival reuses it, and the decisions made for a stream are reused when equal, so that a steady flow
 *       allocates (almost) nothing.</li>
 * </ol>
 * Events the driver scheduled may go stale: a stream it waits on may have been dequeued, requeued or killed
 * since (effects of another call). {@link #queueExpired} returns null for a stale queue timer; for the other
 * events, check {@link Stream#phase()} first (a {@link Stream.Phase#DONE} stream takes no more calls; the
 * methods throw {@link IllegalStateException} for a stream in the wrong phase).
 *
 * <p>Quirks of 2.6.12 kept on purpose (each checked against a capture, see the tests' resources
 * {@code haproxy-2.6.12/}): streams a server takes from the backend queue when it comes UP hold no slot, so
 * the server can go over its {@code maxconn}; under roundrobin, static-rr and first a non-empty backend queue
 * takes new requests even when a server is idle; a retry under a non-hashing algorithm with more than one
 * active server goes to another server at once; lines count the sessions that {@code on-marked-down
 * shutdown-sessions} is about to kill.
 *
 * <table>
 *   <caption>What is modelled, by HAProxy keyword</caption>
 *   <tr><th>keyword</th><th>effect</th></tr>
 *   <tr><td>server {@code maxconn}, {@code minconn}, proxy {@code fullconn}</td><td>slots per server, dynamic
 *       limit {@code max(minconn, beconn*maxconn/fullconn)} (queue.c {@code srv_dynamic_maxconn()})</td></tr>
 *   <tr><td>server {@code maxqueue}</td><td>a full server queue redispatches (with {@code option redispatch})
 *       or gives 503 {@code SQ}</td></tr>
 *   <tr><td>{@code timeout queue} (default {@code timeout connect})</td><td>503 {@code sQ}</td></tr>
 *   <tr><td>{@code retries} (default 3), {@code option redispatch [N]}</td><td>connect retries, on the same
 *       server or another one; 503 {@code SC}/{@code sC} when out of retries</td></tr>
 *   <tr><td>{@code timeout server}</td><td>504 {@code sH}</td></tr>
 *   <tr><td>{@code slowstart}</td><td>weight and maxconn ramps, the 1 s warm-up, the second "is UP" line</td></tr>
 *   <tr><td>{@code backup}, {@code option allbackups}</td><td>which servers serve, which take from the backend
 *       queue</td></tr>
 *   <tr><td>{@code cookie NAME insert|prefix|rewrite}, server {@code cookie}, {@code option persist}</td>
 *       <td>persistence to the named server unless it is DOWN (spec §9.1)</td></tr>
 *   <tr><td>{@code on-marked-down shutdown-sessions}, {@code on-marked-up shutdown-backup-sessions}</td>
 *       <td>streams killed on transitions</td></tr>
 * </table>
 *
 * <p>Not modelled: priorities ({@code http-request set-priority-*}), {@code force-persist}, {@code option
 * prefer-last-server} and connection reuse, L7 retries ({@code retry-on}), {@code observe}, {@code srv_abrt};
 * the HTTP counters ({@code hrsp_*}, {@code req_tot}) are counted as in {@code mode http} whatever the mode.
 * HAProxy runs several threads; the model is HAProxy with {@code nbthread 1} (where threads race, as for the
 * sessions a DOWN line counts with {@code shutdown-sessions}, it gives the one-thread answer).
 *
 * <p>Not thread-safe: a backend, its servers and its streams are confined to one thread (the simulation's).
 *
 * <pre>{@code
 * BackendTraffic be = BackendTraffic.of(config.proxy("app").orElseThrow(), 100, AlgorithmTraits.ROUND_ROBIN,
 *         servers -> new MyRoundRobin(servers));
 * Decision d = be.arrive(Request.ROOT, now);
 * if (d instanceof Decision.Connect c) { ... connect to c.server() ...; be.connected(c.stream(), now2); }
 * be.responded(stream, 200, now3);              // frees the slot; be.effects() says who got it
 * }</pre>
 */
public final class BackendTraffic implements TrafficCounters {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final long WARMUP_PERIOD_NANOS = NANOS_PER_SECOND;

    private final String name;
    private final AlgorithmTraits traits;
    private final int fullConn;
    private final long timeoutQueueNanos;
    private final long timeoutConnectNanos;
    private final long timeoutServerNanos;
    private final int retries;
    private final int redispatchAfter;
    private final boolean allBackups;
    private final boolean persist;
    private final ProxyTrafficSettings.Cookie cookie;
    private final List<ServerTraffic> servers;
    /** The servers by name, the first of a name kept: {@link #server(String)} in constant time at any size. */
    private final Map<String, ServerTraffic> byName;
    private final LoadBalancer balancer;
    private final StreamQueue queue = new StreamQueue(false);
    private final ArrayList<Decision> effects = new ArrayList<>();
    private final List<Decision> effectsView = Collections.unmodifiableList(effects);

    private long nextStreamId = 1;
    /** Streams handed back by {@link #recycle}, linked through {@code Stream.next}. */
    private Stream recycled;
    /** HAProxy's {@code now.tv_sec} of the call being handled: whole virtual seconds. */
    private long clockSeconds;
    private int activeServers;
    private int backupServers;
    private ServerTraffic firstBackup;

    private int currentSessions;
    private int maxSessions;
    private long totalSessions;
    private long lbTotal;
    private int maxQueueLength;
    private long connectErrors;
    private long responseErrors;
    private long retriesCount;
    private long redispatches;
    private final long[] httpResponses = new long[6];
    private long requestTotal;
    private long clientAborts;
    private final long[] terminations = new long[Termination.values().length];

    private BackendTraffic(ProxyConfig proxy, int fullConn, AlgorithmTraits traits,
                           Function<List<? extends LbServer>, LoadBalancer> balancerFactory) {
        this.name = proxy.name();
        this.traits = Objects.requireNonNull(traits, "traits");
        if (fullConn < 1) {
            throw new IllegalArgumentException("fullConn: " + fullConn + " (expected: >= 1)");
        }
        this.fullConn = fullConn;
        ProxyTrafficSettings settings = proxy.traffic();
        this.timeoutConnectNanos = proxy.timeoutConnectNanos();
        this.timeoutQueueNanos = settings.timeoutQueueNanos() > 0 ? settings.timeoutQueueNanos()
                : proxy.timeoutConnectNanos();
        this.timeoutServerNanos = settings.timeoutServerNanos();
        this.retries = settings.retries();
        this.redispatchAfter = settings.redispatchAfter();
        this.allBackups = settings.allBackups();
        this.persist = settings.persist();
        this.cookie = settings.cookie();
        List<ServerTraffic> list = new ArrayList<>();
        Set<Integer> usedIds = new HashSet<>();
        for (ServerConfig server : proxy.servers()) {
            if (server.traffic().id() > 0) {
                usedIds.add(server.traffic().id());
            }
        }
        int nextId = 1;
        for (ServerConfig server : proxy.servers()) {
            TrafficSettings t = server.traffic();
            int puid = t.id();
            if (puid == 0) {
                while (usedIds.contains(nextId)) {
                    nextId++;
                }
                puid = nextId;
                usedIds.add(nextId);
            }
            ServerTraffic s = new ServerTraffic(this, list.size(), puid, server.name(), t.backup(),
                    t.effectiveMaxConn(), t.effectiveMinConn(), t.maxQueue(), t.slowStartNanos(), t.cookie(),
                    t.shutdownOnMarkedDown(), t.shutdownBackupsOnMarkedUp(), t.weight());
            s.maintenance = t.disabled();
            s.state = t.disabled() ? ServerState.DOWN : ServerState.UP;
            list.add(s);
        }
        this.servers = Collections.unmodifiableList(list);
        this.byName = new HashMap<>(Math.max(16, list.size() * 2));
        for (ServerTraffic s : servers) {
            byName.putIfAbsent(s.name(), s);
            recalcEweight(s, 0);
            s.usable = computeUsable(s);
        }
        recount();
        this.balancer = Objects.requireNonNull(balancerFactory.apply(servers), "balancer");
    }

    /**
     * Builds the request model of a backend or listen section, its servers in their boot state (UP, or in
     * maintenance with {@code disabled}; call {@link #bootState} to start them otherwise).
     *
     * @param proxy    the section; never null
     * @param fullConn the {@code fullconn} HAProxy runs with: the section's own, else 10% of the {@code maxconn}
     *                 of the frontends that can route to it, rounded up, at least 1
     *                 ({@link io.haprobe.config.HaproxyConfig#fullConn(ProxyConfig, int)})
     * @param traits   the algorithm's properties; never null
     * @param balancer makes the algorithm over the servers (in declaration order); never null, nor what it
     *                 returns
     * @return the model
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code fullConn} is below 1
     */
    public static BackendTraffic of(ProxyConfig proxy, int fullConn, AlgorithmTraits traits,
                                    Function<List<? extends LbServer>, LoadBalancer> balancer) {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(balancer, "balancer");
        return new BackendTraffic(proxy, fullConn, traits, balancer);
    }

    // ---- configuration and state

    /**
     * Returns the backend's name.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * Returns the servers in declaration order.
     *
     * @return an unmodifiable list, never null
     */
    public List<ServerTraffic> servers() {
        return servers;
    }

    /**
     * Returns the server called {@code name}.
     *
     * @param serverName a server name; never null
     * @return the server, or null when there is none of that name
     */
    public ServerTraffic server(String serverName) {
        return byName.get(serverName);
    }

    /**
     * Returns {@code timeout connect}, which the driver arms on each connect attempt.
     *
     * @return nanoseconds, 0 meaning no limit
     */
    public long timeoutConnectNanos() {
        return timeoutConnectNanos;
    }

    /**
     * Returns {@code timeout server}, which the driver arms once connected.
     *
     * @return nanoseconds, 0 meaning no limit
     */
    public long timeoutServerNanos() {
        return timeoutServerNanos;
    }

    /**
     * Returns the queue timeout that applies: {@code timeout queue}, else {@code timeout connect}.
     *
     * @return nanoseconds, 0 meaning no limit
     */
    public long timeoutQueueNanos() {
        return timeoutQueueNanos;
    }

    /**
     * Returns the {@code fullconn} this model runs with.
     *
     * @return the value, {@code >= 1}
     */
    public int fullConn() {
        return fullConn;
    }

    /**
     * Returns the usable active servers ({@code srv_act}).
     *
     * @return the count, {@code >= 0}
     */
    public int activeServers() {
        return activeServers;
    }

    /**
     * Returns the usable backup servers ({@code srv_bck}).
     *
     * @return the count, {@code >= 0}
     */
    public int backupServers() {
        return backupServers;
    }

    /**
     * Returns the decisions about other streams that the last call of this model caused (streams taken from a
     * queue, requeued, killed), in the order HAProxy makes them.
     *
     * @return an unmodifiable view, valid until the next call of a method of this model; never null
     */
    public List<Decision> effects() {
        return effectsView;
    }

    // ---- counters

    /**
     * Returns the backend's current sessions ({@code scur}, HAProxy's {@code beconn}): streams between arrival
     * and end, queued ones included.
     *
     * @return the count, {@code >= 0}
     */
    public int currentSessions() {
        return currentSessions;
    }

    /**
     * Returns the highest {@link #currentSessions()} seen ({@code smax}).
     *
     * @return the count, {@code >= 0}
     */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * Returns the streams that reached the backend ({@code stot}).
     *
     * @return the count, {@code >= 0}
     */
    public long totalSessions() {
        return totalSessions;
    }

    /**
     * Returns how many times load balancing picked a server ({@code lbtot}).
     *
     * @return the count, {@code >= 0}
     */
    public long lbTotal() {
        return lbTotal;
    }

    /**
     * Returns the streams waiting in the backend's own queue ({@code qcur} of the BACKEND row).
     *
     * @return the count, {@code >= 0}
     */
    public int queueLength() {
        return queue.length;
    }

    /**
     * Returns the longest the backend's queue has been ({@code qmax}).
     *
     * @return the count, {@code >= 0}
     */
    public int maxQueueLength() {
        return maxQueueLength;
    }

    /**
     * Returns {@code econ}: 503s for no server, connect failures after retries, queue timeouts and overflows.
     *
     * @return the count, {@code >= 0}
     */
    public long connectErrors() {
        return connectErrors;
    }

    /**
     * Returns {@code eresp}: 504s and 502s on the response.
     *
     * @return the count, {@code >= 0}
     */
    public long responseErrors() {
        return responseErrors;
    }

    /**
     * Returns {@code wretr}: connect retries.
     *
     * @return the count, {@code >= 0}
     */
    public long retries() {
        return retriesCount;
    }

    /**
     * Returns {@code wredis}: streams moved from one server to another.
     *
     * @return the count, {@code >= 0}
     */
    public long redispatches() {
        return redispatches;
    }

    /**
     * Returns the responses the clients got, by class, HAProxy's own errors included ({@code hrsp_*} of the
     * BACKEND row; a client abort counts as {@code hrsp_other}).
     *
     * @param statusClass 1 to 5 for {@code hrsp_1xx} to {@code hrsp_5xx}, 0 for {@code hrsp_other}
     * @return the count, {@code >= 0}
     * @throws IllegalArgumentException if {@code statusClass} is outside 0..5
     */
    public long httpResponses(int statusClass) {
        return httpResponses[checkClass(statusClass)];
    }

    /**
     * Returns the HTTP requests that ended ({@code req_tot} of the BACKEND row).
     *
     * @return the count, {@code >= 0}
     */
    public long requestTotal() {
        return requestTotal;
    }

    /**
     * Returns {@code cli_abrt}: clients that gave up once a server had their request.
     *
     * @return the count, {@code >= 0}
     */
    public long clientAborts() {
        return clientAborts;
    }

    /**
     * Returns how many streams ended one way, for example the 503s of {@link Termination#QUEUE_TIMEOUT}.
     *
     * @param termination the way; never null
     * @return the count, {@code >= 0}
     * @throws NullPointerException if {@code termination} is null
     */
    public long terminations(Termination termination) {
        return terminations[termination.ordinal()];
    }

    /**
     * Returns the exact termination state of an ended stream's log line: {@link Termination#state()}, with the
     * phase letter filled in for aborts and shutdowns ({@code CQ}, {@code CC}, {@code CH}, {@code DC}, ...).
     *
     * @param stream an ended stream; never null
     * @return two characters, or null before the stream ended
     */
    public static String terminationState(Stream stream) {
        return stream.termination == null ? null : stream.terminationState;
    }

    // ---- the request path

    /**
     * A request reaches the backend: HAProxy's {@code stream_set_backend()} then
     * {@code srv_redispatch_connect()}. Counts {@code stot} and {@code scur}; then persistence (a cookie naming
     * a server that is not DOWN, or any with {@code option persist}), else load balancing; a full server queues
     * the stream in its own queue (unless {@code maxqueue} is reached), every server full queues it in the
     * backend's queue, no usable server gives 503.
     *
     * @param request   the request; never null
     * @param nowNanos  the virtual time
     * @return {@link Decision.Connect}, {@link Decision.Queued} or {@link Decision.Finished} (503); never null
     * @throws NullPointerException if {@code request} is null
     */
    public Decision arrive(Request request, long nowNanos) {
        Objects.requireNonNull(request, "request");
        tick(nowNanos);
        ServerTraffic persistent = persistentServer(request);
        Stream stream = recycled;
        if (stream == null) {
            stream = new Stream(nextStreamId++, request, nowNanos, persistent);
        } else {
            recycled = stream.next;
            stream.reset(nextStreamId++, request, nowNanos, persistent);
            stream.recycled = true;
        }
        currentSessions++;
        maxSessions = Math.max(maxSessions, currentSessions);
        totalSessions++;
        if (persistent != null && (persistent.state != ServerState.DOWN || persist)) {
            stream.server = persistent;
            stream.direct = true;
            stream.assigned = true;
        }
        if (cookie != null) {
            stream.insertsCookie = cookie.mode() == ProxyTrafficSettings.CookieMode.INSERT;
            stream.clientCookie = stream.direct ? 'V' : persistent != null ? 'D' : hasCookie(request) ? 'I' : 'N';
        }
        return assignAndQueue(stream, nowNanos);
    }

    /**
     * The connection to the server is established ({@code SC_ST_EST}); the driver now arms
     * {@code timeout server} and waits for the server's answer.
     *
     * @param stream   a stream in {@link Stream.Phase#CONNECTING}; never null
     * @param nowNanos the virtual time
     * @throws IllegalStateException if the stream is not connecting
     */
    public void connected(Stream stream, long nowNanos) {
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.CONNECTING);
        stream.phase = Stream.Phase.CONNECTED;
        stream.connectedAtNanos = nowNanos;
    }

    /**
     * A connect attempt failed (backend.c {@code back_handle_st_cer()}, 2.6.12): out of {@code retries} the
     * stream ends with 503 ({@code SC}, or {@code sC} when the first failure was a timeout) and {@code econ};
     * else it retries, on the same server ({@code wretr}) or, with {@code option redispatch}, through load
     * balancing again ({@code wredis} when another server is picked, {@code wretr} when the same one is): at
     * once when the server is not running or the request is not persistent, more than one active server is
     * usable and the algorithm does not hash; else on the last retry (every Nth with an interval). A refused or
     * reset connect waits the turn-around delay ({@code min(1 s, timeout connect)}) before retrying on the same
     * server, or when at most one active server is usable.
     *
     * @param stream   a stream in {@link Stream.Phase#CONNECTING}; never null
     * @param failure  what happened; never null
     * @param nowNanos the virtual time
     * @return the next step: {@link Decision.Connect}, {@link Decision.Turnaround}, {@link Decision.Queued} or
     *         {@link Decision.Finished}; streams its freed slot went to are in {@link #effects()}
     * @throws IllegalStateException if the stream is not connecting
     */
    public Decision connectFailed(Stream stream, ConnectFailure failure, long nowNanos) {
        Objects.requireNonNull(failure, "failure");
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.CONNECTING);
        if (stream.firstFailure == null) {
            stream.firstFailure = failure;
        }
        ServerTraffic server = stream.server;
        if (stream.currentSession) {
            stream.currentSession = false;
            server.currentSessions--;
        }
        if (stream.retries >= retries) {
            server.connectErrors++;
            connectErrors++;
            releaseSlot(stream, nowNanos);
            return finish(stream, failureTermination(stream), -1, nowNanos);
        }
        stream.retries++;
        boolean redispatched = chooseRedispatch(stream, nowNanos);
        if (redispatched) {
            // SF_REDISP: the log's retry count gets its '+'
            stream.redispatched = true;
        }
        if (failure.isError()) {
            long delay = timeoutConnectNanos > 0 ? Math.min(NANOS_PER_SECOND, timeoutConnectNanos)
                    : NANOS_PER_SECOND;
            // "only wait when we're retrying on the same server" (2.6.12, GitHub issue #1878)
            if (!redispatched || activeServers <= 1) {
                stream.phase = Stream.Phase.TURNAROUND;
                stream.retryAtNanos = nowNanos + delay;
                return new Decision.Turnaround(stream, stream.retryAtNanos);
            }
        }
        return redispatched ? assignAndQueue(stream, nowNanos) : connect(stream, server);
    }

    /**
     * The turn-around delay of a failed connect is over ({@code SC_ST_TAR} expired): the stream connects again to
     * its server, or goes through load balancing when it was redispatched.
     *
     * @param stream   a stream in {@link Stream.Phase#TURNAROUND}; never null
     * @param nowNanos the virtual time
     * @return {@link Decision.Connect}, {@link Decision.Queued} or {@link Decision.Finished}; never null
     * @throws IllegalStateException if the stream is not in its turn-around
     */
    public Decision turnaroundExpired(Stream stream, long nowNanos) {
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.TURNAROUND);
        stream.retryAtNanos = -1;
        return stream.assigned ? connect(stream, stream.server) : assignAndQueue(stream, nowNanos);
    }

    /**
     * {@code timeout queue} expired for a queued stream: it leaves its queue and ends with 503 {@code sQ}
     * ({@code econ} of the backend, and of the server whose queue it was in).
     *
     * @param stream   a stream; never null
     * @param nowNanos the virtual time
     * @return the {@link Decision.Finished}, or null when the stream is no longer queued (a stale timer: it was
     *         dequeued or requeued since)
     */
    public Decision queueExpired(Stream stream, long nowNanos) {
        tick(nowNanos);
        if (stream.phase != Stream.Phase.QUEUED || nowNanos < stream.queueDeadlineNanos) {
            return null;
        }
        ((StreamQueue) stream.queue).remove(stream);
        if (stream.server != null) {
            stream.server.connectErrors++;
        }
        connectErrors++;
        Termination termination = stream.firstFailure == null ? Termination.QUEUE_TIMEOUT
                : failureTermination(stream);
        return finish(stream, termination, -1, nowNanos);
    }

    /**
     * The server answered: its status is counted ({@code hrsp_*} and {@code req_tot} of the server and the
     * backend), the stream ends and frees its slot.
     *
     * @param stream   a stream in {@link Stream.Phase#CONNECTED}; never null
     * @param status   the HTTP status, 100..599 (others count as {@code hrsp_other})
     * @param nowNanos the virtual time
     * @return the {@link Decision.Finished}; streams the freed slot went to are in {@link #effects()}
     * @throws IllegalStateException if the stream is not connected
     */
    public Decision.Finished responded(Stream stream, int status, long nowNanos) {
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.CONNECTED);
        ServerTraffic server = stream.server;
        server.httpResponses[statusClass(status)]++;
        server.requestTotal++;
        return end(stream, Termination.SERVED, status, nowNanos);
    }

    /**
     * {@code timeout server} expired before the response: 504 {@code sH}, {@code eresp}.
     *
     * @param stream   a stream in {@link Stream.Phase#CONNECTED}; never null
     * @param nowNanos the virtual time
     * @return the {@link Decision.Finished}; streams the freed slot went to are in {@link #effects()}
     * @throws IllegalStateException if the stream is not connected
     */
    public Decision.Finished serverTimedOut(Stream stream, long nowNanos) {
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.CONNECTED);
        stream.server.responseErrors++;
        responseErrors++;
        return end(stream, Termination.SERVER_TIMEOUT, 504, nowNanos);
    }

    /**
     * The server closed the connection (FIN) without a response: 502 {@code SH}, {@code eresp}. A reset is
     * {@link #serverReset}.
     *
     * @param stream   a stream in {@link Stream.Phase#CONNECTED}; never null
     * @param nowNanos the virtual time
     * @return the {@link Decision.Finished}; streams the freed slot went to are in {@link #effects()}
     * @throws IllegalStateException if the stream is not connected
     */
    public Decision.Finished serverClosed(Stream stream, long nowNanos) {
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.CONNECTED);
        stream.server.responseErrors++;
        responseErrors++;
        return end(stream, Termination.SERVER_CLOSED, 502, nowNanos);
    }

    /**
     * The server reset the connection (RST) without a response: 502 {@code SH}, and {@code eresp} counted twice, as
     * HAProxy 2.6.12 counts a read error on the server side (two requests reset after their request was sent:
     * {@code eresp} 4 on the server and the backend; a close with a FIN counts once, {@link #serverClosed}).
     *
     * @param stream   a stream in {@link Stream.Phase#CONNECTED}; never null
     * @param nowNanos the virtual time
     * @return the {@link Decision.Finished}; streams the freed slot went to are in {@link #effects()}
     * @throws IllegalStateException if the stream is not connected
     */
    public Decision.Finished serverReset(Stream stream, long nowNanos) {
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.CONNECTED);
        stream.server.responseErrors += 2;
        responseErrors += 2;
        return end(stream, Termination.SERVER_CLOSED, 502, nowNanos);
    }

    /**
     * The server answered something that is not an HTTP response: 502 {@code PH} (HAProxy's proxy rejected the
     * response headers), {@code eresp} once.
     *
     * @param stream   a stream in {@link Stream.Phase#CONNECTED}; never null
     * @param nowNanos the virtual time
     * @return the {@link Decision.Finished}; streams the freed slot went to are in {@link #effects()}
     * @throws IllegalStateException if the stream is not connected
     */
    public Decision.Finished invalidResponse(Stream stream, long nowNanos) {
        tick(nowNanos);
        requirePhase(stream, Stream.Phase.CONNECTED);
        stream.server.responseErrors++;
        responseErrors++;
        return end(stream, Termination.SERVER_CLOSED, 502, nowNanos, "PH");
    }

    /**
     * The client gave up (its own timeout): a queued stream leaves its queue ({@code CQ}), a connecting one
     * its connect ({@code CC}), a connected one its server ({@code CH}, {@code cli_abrt}). No status.
     *
     * @param stream   a stream that has not ended; never null
     * @param nowNanos the virtual time
     * @return the {@link Decision.Finished}; streams the freed slot went to are in {@link #effects()}
     * @throws IllegalStateException if the stream has ended
     */
    public Decision.Finished clientAborted(Stream stream, long nowNanos) {
        tick(nowNanos);
        if (stream.phase == Stream.Phase.DONE) {
            throw new IllegalStateException("stream " + stream.id() + " has ended");
        }
        char phase = 'C';
        switch (stream.phase) {
            case QUEUED -> {
                ((StreamQueue) stream.queue).remove(stream);
                phase = 'Q';
            }
            case CONNECTED -> {
                phase = 'H';
                stream.server.clientAborts++;
                clientAborts++;
            }
            default -> {
            }
        }
        return end(stream, Termination.CLIENT_ABORTED, -1, nowNanos, "C" + phase);
    }

    /**
     * Hands back an ended stream the driver no longer refers to, nor to any decision naming it: a later
     * {@link #arrive} reuses the object, so that a steady flow of requests allocates nothing. Optional: a
     * driver that keeps streams (a timeline of requests) simply does not call it.
     *
     * @param stream a stream of this backend in {@link Stream.Phase#DONE}; never null
     * @throws IllegalStateException if the stream has not ended
     */
    public void recycle(Stream stream) {
        requirePhase(stream, Stream.Phase.DONE);
        stream.next = recycled;
        recycled = stream;
    }

    // ---- server state

    /**
     * Starts a server in a state without a transition (HAProxy's state at startup: no line, no slowstart).
     *
     * @param server      one of this backend's servers; never null
     * @param state       its operational state; never null; STARTING counts as UP
     * @param maintenance true in maintenance
     * @param drain       true when drained
     * @param weight      its user weight, 0..256
     * @throws IllegalArgumentException if {@code weight} is outside 0..256 or the server is another backend's
     */
    public void bootState(ServerTraffic server, ServerState state, boolean maintenance, boolean drain, int weight) {
        checkServer(server);
        checkWeight(weight);
        server.state = maintenance || state == ServerState.DOWN ? ServerState.DOWN
                : state == ServerState.STARTING ? ServerState.UP : state;
        server.maintenance = maintenance;
        server.drain = drain;
        server.uweight = weight;
        recalcEweight(server, 0);
        refresh(server);
    }

    /**
     * Applies a state change of a server as HAProxy's {@code srv_update_status()} does, and returns the numbers
     * its line prints. Call it once per HAProxy transition line (a check taking the server DOWN, a CLI
     * {@code state maint}, an agent's {@code drain}, ...), with the server's whole state after the change.
     * <ul>
     *   <li>going DOWN, NOLB, into MAINT or DRAIN: with {@code option redispatch} and without
     *       {@code option persist}, the server's queue goes back to load balancing ({@code requeued}; each
     *       such stream's decision is in the effects), else it stays ({@code queued}: "remaining in queue");
     *       {@code on-marked-down shutdown-sessions} kills its streams (DOWN and MAINT only);</li>
     *   <li>coming UP (from DOWN or NOLB, or leaving MAINT): STARTING with a {@code slowstart} (the warm-up
     *       then runs every second, see {@link #warmup}), then it takes what it can from the backend queue
     *       ({@code requeued}: "sessions requeued"); {@code on-marked-up shutdown-backup-sessions} kills the
     *       backups' streams;</li>
     *   <li>a weight change recomputes the effective weight; nothing is printed.</li>
     * </ul>
     *
     * @param server      one of this backend's servers; never null
     * @param state       the operational state after the change: DOWN, UP or NOLB (STARTING counts as UP: the
     *                    model decides the ramp); in maintenance HAProxy's STOPPED is implied; never null
     * @param maintenance true in maintenance after the change
     * @param drain       true when drained after the change
     * @param weight      the user weight after the change, 0..256
     * @param nowNanos    the virtual time
     * @return the transition's numbers and effects; never null
     * @throws IllegalArgumentException if {@code weight} is outside 0..256 or the server is another backend's
     */
    public Transition serverChanged(ServerTraffic server, ServerState state, boolean maintenance, boolean drain,
                                    int weight, long nowNanos) {
        checkServer(server);
        Objects.requireNonNull(state, "state");
        checkWeight(weight);
        tick(nowNanos);
        long nowSeconds = clockSeconds;
        Change change = new Change();
        ServerState target = state == ServerState.STARTING ? ServerState.UP : state;
        server.uweight = weight;
        if (!server.maintenance && !maintenance) {
            ServerState current = server.state;
            if (current != ServerState.DOWN && target == ServerState.DOWN) {
                goDown(server, ServerState.DOWN, change);
            } else if (current != ServerState.NOLB && target == ServerState.NOLB) {
                goDown(server, ServerState.NOLB, change);
            } else if ((current == ServerState.DOWN || current == ServerState.NOLB) && target == ServerState.UP) {
                comeUp(server, nowNanos, change);
                change.logged = true;
            } else {
                recalcEweight(server, nowSeconds);
                refresh(server);
            }
        } else if (!server.maintenance) {
            server.maintenance = true;
            if (server.state != ServerState.DOWN) {
                goDown(server, ServerState.DOWN, change);
            } else {
                refresh(server);
            }
        } else if (!maintenance) {
            // leaving maintenance: its line has no counts, but the server takes from the backend queue all the same
            server.maintenance = false;
            server.drain = drain;
            if (target == ServerState.DOWN) {
                recalcEweight(server, nowSeconds);
                refresh(server);
            } else {
                comeUp(server, nowNanos, change);
            }
            change.requeued = 0;
        } else {
            recalcEweight(server, nowSeconds);
            refresh(server);
        }
        if (!server.maintenance) {
            if (!server.drain && drain) {
                server.drain = true;
                server.lastChangeSeconds = nowSeconds;
                refresh(server);
                change.requeued = redistribute(server, change.requeuedStreams);
                change.logged = true;
            } else if (server.drain && !drain) {
                server.drain = false;
                server.lastChangeSeconds = nowSeconds;
                recalcEweight(server, nowSeconds);
                refresh(server);
            }
        } else {
            server.drain = drain;
            refresh(server);
        }
        return complete(server, change, nowNanos);
    }

    /**
     * Runs the slowstart warm-up of a STARTING server ({@code server_warmup()}, every second): recomputes its
     * effective weight and dynamic maxconn, and lets it take more from the backend queue. When the ramp is over
     * the server becomes fully UP and HAProxy logs a second "is UP" line, without a reason (spec §8.1): the
     * returned transition is then {@linkplain Transition#logged() logged}, with the entries that change took
     * from the backend queue as {@code requeued}.
     *
     * @param server   one of this backend's servers; never null
     * @param nowNanos the virtual time, normally {@link ServerTraffic#nextWarmupNanos()}
     * @return the transition: logged at the end of the ramp; its effects are the streams the server took;
     *         never null
     * @throws IllegalArgumentException if the server is another backend's
     */
    public Transition warmup(ServerTraffic server, long nowNanos) {
        checkServer(server);
        tick(nowNanos);
        Change change = new Change();
        if (server.maintenance || server.state != ServerState.STARTING) {
            server.nextWarmupNanos = -1;
            return complete(server, change, nowNanos);
        }
        recalcEweight(server, clockSeconds);
        if (server.state == ServerState.UP) {
            // srv_update_status(): the UP branch again, with its line
            server.lastChangeSeconds = clockSeconds;
            refresh(server);
            shutdownBackups(server, change);
            change.requeued = grabFromBackend(server);
            change.logged = true;
        } else {
            refresh(server);
        }
        Transition transition = complete(server, change, nowNanos);
        int before = effects.size();
        grabFromBackend(server);
        server.nextWarmupNanos = server.state == ServerState.STARTING ? nowNanos + WARMUP_PERIOD_NANOS : -1;
        return effects.size() == before ? transition : new Transition(transition.active(), transition.backup(),
                transition.sessions(), transition.requeued(), transition.queued(), transition.logged(), effects);
    }

    /** The DOWN and STOPPING branches of {@code srv_update_status()}, and MAINT on a running server. */
    private void goDown(ServerTraffic server, ServerState state, Change change) {
        server.state = state;
        server.lastChangeSeconds = clockSeconds;
        server.nextWarmupNanos = -1;
        recalcEweight(server, clockSeconds);
        refresh(server);
        if (state == ServerState.DOWN && server.shutdownOnMarkedDown) {
            // stream_shutdown() only wakes the streams: the line still counts them
            slotHolders(server, change.killed);
            change.killedAs = Termination.SERVER_DOWN;
        }
        change.requeued = redistribute(server, change.requeuedStreams);
        change.logged = true;
    }

    /** Builds the transition's numbers, then runs the streams the change woke up, as HAProxy's tasks would. */
    private Transition complete(ServerTraffic server, Change change, long nowNanos) {
        int active = activeServers;
        int backup = backupServers;
        int sessions = server.currentSessions;
        int queued = server.queue.length;
        if (change.killedAs != null) {
            shutdownStreams(change.killed, change.killedAs, nowNanos);
        }
        for (Stream stream : change.requeuedStreams) {
            effects.add(assignAndQueue(stream, nowNanos));
        }
        return new Transition(active, backup, sessions, change.requeued, queued, change.logged, effects);
    }

    @Override
    public String toString() {
        return "BackendTraffic[" + name + ": " + activeServers + " active, " + backupServers + " backup, scur "
                + currentSessions + ", queue " + queue.length + "]";
    }

    // ---- package-private helpers for servers

    /** Starts a call: its time, and no effects yet. */
    private void tick(long nowNanos) {
        effects.clear();
        clockSeconds = nowNanos / NANOS_PER_SECOND;
    }

    int wdiv() {
        return traits.dynamicWeights() ? 16 : 1;
    }

    /** queue.c {@code srv_dynamic_maxconn()}, slowstart included. */
    int dynamicMaxConn(ServerTraffic s) {
        int max;
        if (currentSessions >= fullConn || s.minConn == s.maxConn) {
            max = s.maxConn;
        } else {
            max = Math.max(s.minConn, (int) ((long) currentSessions * s.maxConn / fullConn));
        }
        if (s.state == ServerState.STARTING && s.slowStartSeconds > 0 && clockSeconds >= s.lastChangeSeconds
                && clockSeconds < s.lastChangeSeconds + s.slowStartSeconds) {
            long ratio = 100 * (clockSeconds - s.lastChangeSeconds) / s.slowStartSeconds;
            max = (int) Math.max(1, max * ratio / 100);
        }
        return max;
    }

    static int checkClass(int statusClass) {
        if (statusClass < 0 || statusClass > 5) {
            throw new IllegalArgumentException("statusClass: " + statusClass + " (expected: 0..5)");
        }
        return statusClass;
    }

    // ---- private

    private static int statusClass(int status) {
        int n = status / 100;
        return n < 1 || n > 5 ? 0 : n;
    }

    private static void checkWeight(int weight) {
        if (weight < 0 || weight > 256) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0..256)");
        }
    }

    private void checkServer(ServerTraffic server) {
        if (Objects.requireNonNull(server, "server").backendTraffic() != this) {
            throw new IllegalArgumentException("server: " + server.name() + " (expected: a server of " + name + ")");
        }
    }

    private static void requirePhase(Stream stream, Stream.Phase phase) {
        Objects.requireNonNull(stream, "stream");
        if (stream.phase != phase) {
            throw new IllegalStateException("stream " + stream.id() + ": " + stream.phase + " (expected: " + phase
                    + ")");
        }
    }

    private Termination failureTermination(Stream stream) {
        return stream.firstFailure == ConnectFailure.TIMEOUT ? Termination.CONNECT_TIMEOUT
                : Termination.CONNECT_ERROR;
    }

    /** Whether the request carries the backend's persistence cookie, naming a server or not. */
    private boolean hasCookie(Request request) {
        String header = request.header("cookie");
        return header != null && cookieValue(header, cookie.name()) != null;
    }

    /** The server a request's persistence cookie names, whatever its state; null without cookie persistence. */
    private ServerTraffic persistentServer(Request request) {
        if (cookie == null) {
            return null;
        }
        String header = request.header("cookie");
        if (header == null) {
            return null;
        }
        String value = cookieValue(header, cookie.name());
        if (value == null) {
            return null;
        }
        if (cookie.mode() == ProxyTrafficSettings.CookieMode.PREFIX) {
            int delimiter = value.indexOf('~');
            if (delimiter >= 0) {
                value = value.substring(0, delimiter);
            }
        }
        for (ServerTraffic s : servers) {
            if (value.equals(s.cookie)) {
                return s;
            }
        }
        return null;
    }

    /** The value of cookie {@code name} in a {@code Cookie} header ({@code a=1; b=2}), or null. */
    static String cookieValue(String header, String name) {
        int i = 0;
        int length = header.length();
        while (i < length) {
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = length;
            }
            String pair = header.substring(i, end).strip();
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).strip().equals(name)) {
                return pair.substring(equals + 1).strip();
            }
            i = end + 1;
        }
        return null;
    }

    /**
     * backend.c {@code assign_server_and_queue()} with {@code srv_redispatch_connect()} around it: a stream that
     * is not assigned goes through load balancing; an assigned one connects, or waits in its server's queue.
     */
    private Decision assignAndQueue(Stream stream, long nowNanos) {
        while (true) {
            ServerTraffic server;
            if (!stream.assigned) {
                ServerTraffic previous = stream.server;
                Outcome outcome = assignServer(stream);
                if (previous != null) {
                    if (previous != stream.server) {
                        previous.redispatches++;
                        redispatches++;
                    } else {
                        previous.retries++;
                        retriesCount++;
                    }
                }
                if (outcome == Outcome.NO_SERVER) {
                    connectErrors++;
                    return finish(stream, stream.firstFailure == null ? Termination.NO_SERVER
                            : failureTermination(stream), -1, nowNanos);
                }
                if (outcome == Outcome.FULL) {
                    return enqueue(stream, null, nowNanos);
                }
            }
            server = stream.server;
            if (stream.slot == server) {
                return connect(stream, server);
            }
            if (server.maxConn > 0 && (server.queue.length > 0 || server.served >= dynamicMaxConn(server))) {
                if (server.maxQueue > 0 && server.queue.length >= server.maxQueue) {
                    // SRV_STATUS_FULL: a persistent stream may be redispatched, else 503
                    if (stream.direct && redispatchAfter != 0) {
                        stream.direct = false;
                        stream.assigned = false;
                        continue;
                    }
                    server.connectErrors++;
                    connectErrors++;
                    return finish(stream, stream.firstFailure == null ? Termination.QUEUE_FULL
                            : failureTermination(stream), -1, nowNanos);
                }
                return enqueue(stream, server, nowNanos);
            }
            takeSlot(stream, server);
            return connect(stream, server);
        }
    }

    /** backend.c {@code assign_server()} for the algorithms that balance (the only kind haprobe models). */
    private Outcome assignServer(Stream stream) {
        ServerTraffic previous = stream.server;
        if (stream.slot != null) {
            releaseSlotOnly(stream);
        }
        stream.server = null;
        if (activeServers + backupServers == 0) {
            return Outcome.NO_SERVER;
        }
        if (queue.length > 0 && queue.length != currentSessions && traits.queueShortcut()) {
            return Outcome.FULL;
        }
        LbServer picked = balancer.pick(stream.request(), previous);
        if (picked == null) {
            return Outcome.FULL;
        }
        ServerTraffic server = servers.get(picked.index());
        if (server != previous) {
            lbTotal++;
            server.lbTotal++;
        }
        stream.server = server;
        stream.assigned = true;
        return Outcome.OK;
    }

    private Decision enqueue(Stream stream, ServerTraffic server, long nowNanos) {
        StreamQueue q = server == null ? queue : server.queue;
        q.add(stream);
        stream.phase = Stream.Phase.QUEUED;
        stream.queuedAtNanos = nowNanos;
        stream.queuedAtMillis = nowNanos / NANOS_PER_MS;
        stream.queueDeadlineNanos = timeoutQueueNanos > 0 ? saturatedAdd(nowNanos, timeoutQueueNanos)
                : Long.MAX_VALUE;
        if (server == null) {
            maxQueueLength = Math.max(maxQueueLength, queue.length);
        } else {
            server.maxQueueLength = Math.max(server.maxQueueLength, server.queue.length);
        }
        return new Decision.Queued(stream, server, stream.queueDeadlineNanos);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** {@code sess_change_server(s, srv)}: the stream takes one of the server's slots. */
    private void takeSlot(Stream stream, ServerTraffic server) {
        stream.slot = server;
        server.served++;
        stream.slotPrevious = null;
        stream.slotNext = server.slotHolders;
        if (server.slotHolders != null) {
            server.slotHolders.slotPrevious = stream;
        }
        server.slotHolders = stream;
        balancer.taken(server);
    }

    /** {@code sess_change_server(s, NULL)} alone. */
    private void releaseSlotOnly(Stream stream) {
        ServerTraffic slot = stream.slot;
        stream.slot = null;
        slot.served--;
        if (stream.slotPrevious == null) {
            slot.slotHolders = stream.slotNext;
        } else {
            stream.slotPrevious.slotNext = stream.slotNext;
        }
        if (stream.slotNext != null) {
            stream.slotNext.slotPrevious = stream.slotPrevious;
        }
        stream.slotPrevious = null;
        stream.slotNext = null;
        balancer.released(slot);
    }

    /** {@code sess_change_server(s, NULL)} then {@code process_srv_queue()} when {@code may_dequeue_tasks()}. */
    private void releaseSlot(Stream stream, long nowNanos) {
        if (stream.slot != null) {
            releaseSlotOnly(stream);
        }
        ServerTraffic server = stream.server;
        if (server != null && mayDequeue(server)) {
            processServerQueue(server, nowNanos);
        }
    }

    /** The stream connects to its server now ({@code connect_server()}): {@code cur_sess} and {@code stot}. */
    private Decision.Connect connect(Stream stream, ServerTraffic server) {
        stream.phase = Stream.Phase.CONNECTING;
        stream.queueDeadlineNanos = Long.MAX_VALUE;
        stream.currentSession = true;
        server.currentSessions++;
        server.maxSessions = Math.max(server.maxSessions, server.currentSessions);
        server.totalSessions++;
        Decision.Connect decision = stream.connectDecision;
        if (decision == null || decision.server() != server) {
            decision = stream.recycledConnect(server, servers.size());
            stream.connectDecision = decision;
        }
        return decision;
    }

    /** stream.h {@code stream_choose_redispatch()}: true when the stream goes back to load balancing. */
    private boolean chooseRedispatch(Stream stream, long nowNanos) {
        ServerTraffic server = stream.server;
        boolean redispatch = redispatchAfter != 0
                && (server.state == ServerState.DOWN || server.state == ServerState.STARTING
                || redispatchAfter > 0 && stream.retries % redispatchAfter == 0
                || redispatchAfter < 0 && stream.retries % (retries + 1 + redispatchAfter) == 0
                || !stream.direct && activeServers > 1 && !traits.hashing());
        if (redispatch) {
            releaseSlot(stream, nowNanos);
            stream.direct = false;
            stream.assigned = false;
            return true;
        }
        server.retries++;
        retriesCount++;
        return false;
    }

    /** queue.h {@code may_dequeue_tasks()}. */
    private boolean mayDequeue(ServerTraffic s) {
        return (s.queue.length > 0 || queue.length > 0 && s.usable)
                && (s.maxConn == 0 || s.currentSessions < dynamicMaxConn(s));
    }

    /** queue.c {@code process_srv_queue()}: hands the server's free slots to the oldest waiting streams. */
    private void processServerQueue(ServerTraffic s, long nowNanos) {
        boolean backendOk = s.usable && (!s.backup() || activeServers == 0 && (s == firstBackup || allBackups));
        while (s.served < dynamicMaxConn(s)) {
            Stream p = s.queue.head;
            Stream pp = backendOk ? queue.head : null;
            Stream next;
            if (p == null && pp == null) {
                break;
            } else if (pp == null || p != null && p.queuedAtMillis <= pp.queuedAtMillis) {
                next = p;
                s.queue.dequeue(p);
            } else {
                next = pp;
                queue.dequeue(pp);
            }
            next.server = s;
            next.assigned = true;
            takeSlot(next, s);
            effects.add(connect(next, s));
        }
    }

    /**
     * queue.c {@code pendconn_redistribute()}: with {@code option redispatch} and without {@code option persist},
     * the server's queue leaves it for load balancing. Returns how many left. Each is redispatched
     * ({@code SF_REDISP}): HAProxy 2.6.12 logs it with a {@code +} before its retry count, {@code +0} when it never
     * retried (conformance 086 and 105).
     */
    private int redistribute(ServerTraffic s, List<Stream> out) {
        if (redispatchAfter == 0 || persist) {
            return 0;
        }
        int moved = 0;
        for (Stream p = s.queue.head; p != null; ) {
            Stream following = p.next;
            s.queue.remove(p);
            p.direct = false;
            p.assigned = false;
            p.redispatched = true;
            p.phase = Stream.Phase.QUEUED;
            out.add(p);
            moved++;
            p = following;
        }
        return moved;
    }

    /**
     * queue.c {@code pendconn_grab_from_px()}: a server that became usable takes streams from the backend queue,
     * up to its dynamic maxconn (all of them without {@code maxconn}). HAProxy gives them no slot
     * ({@code served} does not count them), only a connection; haprobe does the same.
     */
    private int grabFromBackend(ServerTraffic s) {
        if (!s.usable) {
            return 0;
        }
        if (s.backup() && (activeServers > 0 || s != firstBackup && !allBackups)) {
            return 0;
        }
        int max = dynamicMaxConn(s);
        int moved = 0;
        Stream p;
        while ((p = queue.head) != null) {
            if (s.maxConn > 0 && s.served + moved >= max) {
                break;
            }
            queue.remove(p);
            p.server = s;
            p.assigned = true;
            effects.add(connect(p, s));
            moved++;
        }
        return moved;
    }

    /** The UP branch of {@code srv_update_status()} (and leaving MAINT): STARTING or UP, then the backend queue. */
    private void comeUp(ServerTraffic server, long nowNanos, Change change) {
        server.lastChangeSeconds = clockSeconds;
        if (server.slowStartSeconds > 0) {
            server.state = ServerState.STARTING;
            server.nextWarmupNanos = nowNanos + WARMUP_PERIOD_NANOS;
        } else {
            server.state = ServerState.UP;
            server.nextWarmupNanos = -1;
        }
        recalcEweight(server, clockSeconds);
        refresh(server);
        shutdownBackups(server, change);
        change.requeued = grabFromBackend(server);
    }

    /** {@code on-marked-up shutdown-backup-sessions}: an active server with a weight kills the backups' streams. */
    private void shutdownBackups(ServerTraffic server, Change change) {
        if (server.shutdownBackupsOnMarkedUp && !server.backup() && server.eweight > 0) {
            for (ServerTraffic s : servers) {
                if (s.backup()) {
                    slotHolders(s, change.killed);
                }
            }
            change.killedAs = Termination.BACKUP_SHUTDOWN;
        }
    }

    /** server.c {@code server_recalc_eweight()}: the ramp ends (STARTING to UP) once {@code slowstart} is over. */
    private void recalcEweight(ServerTraffic s, long nowSeconds) {
        if (s.state == ServerState.STARTING && (nowSeconds < s.lastChangeSeconds
                || nowSeconds >= s.lastChangeSeconds + s.slowStartSeconds)) {
            s.state = ServerState.UP;
        }
        int w;
        if (s.state == ServerState.STARTING && traits.dynamicWeights()) {
            w = (int) ((16 * (nowSeconds - s.lastChangeSeconds) + s.slowStartSeconds) / s.slowStartSeconds);
        } else {
            w = wdiv();
        }
        s.eweight = s.uweight * w;
    }

    private static boolean computeUsable(ServerTraffic s) {
        return (s.state == ServerState.UP || s.state == ServerState.STARTING) && !s.maintenance && !s.drain
                && s.eweight > 0;
    }

    /**
     * Recomputes the server's usability, the backend's counts, and tells the algorithm. The counts change by the
     * one server (a full {@link #recount()} per server made booting N servers O(N^2)); the first usable backup is
     * looked for again only when a backup's usability changes.
     */
    private void refresh(ServerTraffic s) {
        boolean was = s.usable;
        s.usable = computeUsable(s);
        if (was != s.usable) {
            counted(s);
        }
        if (balancer != null) {
            balancer.update(s);
        }
    }

    /**
     * {@link #recount()} after one server's usability flipped (the counts read nothing else): O(1), but when the
     * first usable backup stops being usable (the backups after it are scanned), so that a backend of 100,000
     * servers does not walk them all on each transition.
     */
    private void counted(ServerTraffic s) {
        int delta = s.usable ? 1 : -1;
        if (!s.backup()) {
            activeServers += delta;
            return;
        }
        backupServers += delta;
        if (allBackups) {
            return;
        }
        if (s.usable && (firstBackup == null || s.index() < firstBackup.index())) {
            firstBackup = s;
        } else if (!s.usable && firstBackup == s) {
            firstBackup = null;
            for (int i = s.index() + 1; i < servers.size(); i++) {
                ServerTraffic next = servers.get(i);
                if (next.backup() && next.usable) {
                    firstBackup = next;
                    break;
                }
            }
        }
    }

    /** backend.c {@code recount_servers()}: the usable servers and the first usable backup. */
    private void recount() {
        activeServers = 0;
        backupServers = 0;
        firstBackup = null;
        for (ServerTraffic s : servers) {
            if (!s.usable) {
                continue;
            }
            if (s.backup()) {
                backupServers++;
                if (firstBackup == null && !allBackups) {
                    firstBackup = s;
                }
            } else {
                activeServers++;
            }
        }
    }

    /** server.c {@code srv_shutdown_streams()}: kills every stream connecting to or connected to a server. */
    private void shutdownStreams(List<Stream> victims, Termination termination, long nowNanos) {
        for (Stream s : victims) {
            if (s.phase == Stream.Phase.DONE) {
                continue;
            }
            boolean connected = s.phase == Stream.Phase.CONNECTED;
            if (connected) {
                // the client gets a 502 and the response counts as failed (2.6.12: "502 ... DH--", eresp)
                s.server.responseErrors++;
                responseErrors++;
            }
            effects.add(end(s, termination, connected ? 502 : -1, nowNanos,
                    termination.state().charAt(0) + (connected ? "H" : "C")));
        }
    }

    /** The streams holding a slot of the server, oldest first: those {@code srv_shutdown_streams()} kills. */
    private static void slotHolders(ServerTraffic server, List<Stream> out) {
        int from = out.size();
        for (Stream s = server.slotHolders; s != null; s = s.slotNext) {
            out.add(s);
        }
        Collections.reverse(out.subList(from, out.size()));
    }

    private Decision.Finished finish(Stream stream, Termination termination, int status, long nowNanos) {
        return end(stream, termination, status, nowNanos, termination.state());
    }

    private Decision.Finished end(Stream stream, Termination termination, int status, long nowNanos) {
        return end(stream, termination, status, nowNanos, termination.state());
    }

    /** The end of a stream ({@code stream_free()}): counts, releases the connection and the slot, dequeues. */
    private Decision.Finished end(Stream stream, Termination termination, int status, long nowNanos, String state) {
        int finalStatus = termination == Termination.SERVED || termination == Termination.SERVER_DOWN
                || termination == Termination.BACKUP_SHUTDOWN ? status : termination.status();
        stream.phase = Stream.Phase.DONE;
        stream.termination = termination;
        stream.terminationState = state;
        stream.status = finalStatus;
        stream.queueDeadlineNanos = Long.MAX_VALUE;
        stream.retryAtNanos = -1;
        terminations[termination.ordinal()]++;
        httpResponses[statusClass(finalStatus)]++;
        requestTotal++;
        ServerTraffic server = stream.server;
        if (stream.currentSession) {
            stream.currentSession = false;
            server.currentSessions--;
        }
        // process_stream() frees the slot and serves the queue while the backend still counts the stream
        // (beconn, which the dynamic maxconn reads), then stops counting it, then stream_free() looks again
        releaseSlot(stream, nowNanos);
        currentSessions--;
        if (server != null && mayDequeue(server)) {
            processServerQueue(server, nowNanos);
        }
        Decision.Finished decision = stream.finishedDecision;
        if (decision == null || decision.status() != finalStatus || decision.termination() != termination) {
            decision = new Decision.Finished(stream, finalStatus, termination);
            stream.finishedDecision = decision;
        }
        return decision;
    }

    /** What {@code assign_server()} found. */
    private enum Outcome { OK, FULL, NO_SERVER }

    /** What one state change did, gathered while {@code srv_update_status()} runs. */
    private static final class Change {
        int requeued;
        boolean logged;
        final List<Stream> requeuedStreams = new ArrayList<>(0);
        final List<Stream> killed = new ArrayList<>(0);
        Termination killedAs;
    }
}
