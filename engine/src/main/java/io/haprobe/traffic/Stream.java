package io.haprobe.traffic;

import java.util.Objects;

/**
 * One client request on its way through a backend: HAProxy's {@code struct stream} as far as the queue and the
 * connection to a server are concerned. {@link BackendTraffic#arrive} creates it; the traffic model moves it
 * from queue to server and back; the driver (a simulation on virtual time) only reads it and hands it back to
 * the model's methods.
 *
 * <p>A stream goes through these {@linkplain Phase phases}: {@link Phase#QUEUED} (waiting in a server's or the
 * backend's queue), {@link Phase#CONNECTING} (a server was assigned and the driver is connecting to it),
 * {@link Phase#TURNAROUND} (a connect failed, the retry waits HAProxy's turn-around delay),
 * {@link Phase#CONNECTED} (the server has the request), then {@link Phase#DONE}.
 *
 * <p>Not thread-safe: confined to the thread that runs the traffic model. Identity matters: the model keeps
 * streams in intrusive queues, so a stream must not be used with another backend.
 */
public final class Stream {

    /** Where a stream is in its life. */
    public enum Phase {
        /** Waiting in a server's queue ({@link Stream#server()} set) or in the backend's queue (server null). */
        QUEUED,
        /** A server is assigned and holds a slot for it; the driver connects and reports the outcome. */
        CONNECTING,
        /**
         * A connect failed; the next attempt waits until {@link Stream#retryAtNanos()} (HAProxy's turn-around,
         * {@code SC_ST_TAR}); the driver then calls {@link BackendTraffic#turnaroundExpired}.
         */
        TURNAROUND,
        /** Connected: the server has the request; the driver reports its response or failure. */
        CONNECTED,
        /** Finished: answered, rejected or aborted; {@link Stream#termination()} says how. */
        DONE
    }

    private long id;
    private Request request;
    private long arrivalNanos;
    private ServerTraffic persistent;
    Phase phase;
    ServerTraffic server;
    /** The server whose slot ({@code srv->served}) this stream holds, HAProxy's {@code srv_conn}; or null. */
    ServerTraffic slot;
    /** True while counted in its server's current sessions ({@code SF_CURR_SESS}). */
    boolean currentSession;
    /** True when the server was chosen by persistence ({@code SF_DIRECT}). */
    boolean direct;
    /** True when {@link #server} is decided ({@code SF_ASSIGNED}); false sends the stream through balancing. */
    boolean assigned;
    long queuedAtNanos = -1;
    /** HAProxy's queue key: the entry time in whole milliseconds. */
    long queuedAtMillis;
    long queueDeadlineNanos = Long.MAX_VALUE;
    long connectedAtNanos = -1;
    long retryAtNanos = -1;
    int retries;
    /** True once a connect retry went back through load balancing ({@code SF_REDISP}). */
    boolean redispatched;
    /**
     * The client's persistence cookie as HAProxy 2.6 classes it ({@code TX_CK_*}): {@code -} when the backend has
     * no {@code cookie}, {@code N} none, {@code I} naming no server, {@code D} naming a server that is DOWN,
     * {@code V} valid (the stream went direct).
     */
    char clientCookie = '-';
    /** True when the backend inserts its cookie in responses ({@code cookie NAME insert}). */
    boolean insertsCookie;
    /** The first connect error ({@code conn_err_type}): null, or the failure that ends the stream. */
    ConnectFailure firstFailure;
    Termination termination;
    String terminationState;
    int status;
    // intrusive queue links
    Stream previous;
    Stream next;
    Object queue;
    /** The queue's dequeue count when this stream entered it. */
    long queueMark;
    /** HAProxy's {@code logs.srv_queue_pos} and {@code logs.prx_queue_pos}, the httplog's {@code %sq}/{@code %bq}. */
    int serverQueuePosition;
    int backendQueuePosition;
    // intrusive list of the streams holding a slot of a server (HAProxy's srv->per_thr.streams)
    Stream slotPrevious;
    Stream slotNext;
    // the last decisions made for this stream, reused when the next one is equal (no allocation per request)
    Decision.Connect connectDecision;
    /** True once the object came back through {@code BackendTraffic.recycle}: it lives on, so it keeps decisions. */
    boolean recycled;
    /** A recycled stream's connect decisions by server index, so that a new server allocates no decision. */
    private Decision.Connect[] connectByServer;
    Decision.Finished finishedDecision;

    Stream(long id, Request request, long arrivalNanos, ServerTraffic persistent) {
        reset(id, request, arrivalNanos, persistent);
    }

    /** Makes this (new or recycled) stream a fresh arrival; the cached decisions stay, they name this object. */
    void reset(long id, Request request, long arrivalNanos, ServerTraffic persistent) {
        this.id = id;
        this.request = Objects.requireNonNull(request, "request");
        this.arrivalNanos = arrivalNanos;
        this.persistent = persistent;
        phase = null;
        server = null;
        slot = null;
        currentSession = false;
        direct = false;
        assigned = false;
        queuedAtNanos = -1;
        queuedAtMillis = 0;
        queueDeadlineNanos = Long.MAX_VALUE;
        connectedAtNanos = -1;
        retryAtNanos = -1;
        retries = 0;
        redispatched = false;
        clientCookie = '-';
        insertsCookie = false;
        firstFailure = null;
        termination = null;
        terminationState = null;
        status = 0;
        previous = null;
        next = null;
        queue = null;
        queueMark = 0;
        serverQueuePosition = 0;
        backendQueuePosition = 0;
        slotPrevious = null;
        slotNext = null;
    }

    /**
     * Returns a connect decision to {@code server}: a new one for a stream that was never recycled (its decisions
     * die with it), else the one this object keeps for that server.
     *
     * @param servers the backend's number of servers, the size of the kept table
     */
    Decision.Connect recycledConnect(ServerTraffic server, int servers) {
        if (!recycled) {
            return new Decision.Connect(this, server);
        }
        int index = server.index();
        if (connectByServer == null || index >= connectByServer.length) {
            connectByServer = java.util.Arrays.copyOf(connectByServer == null ? new Decision.Connect[0]
                    : connectByServer, Math.max(servers, index + 1));
        }
        Decision.Connect decision = connectByServer[index];
        if (decision == null) {
            decision = new Decision.Connect(this, server);
            connectByServer[index] = decision;
        }
        return decision;
    }

    /**
     * Returns the stream's number: 1 for the backend's first request, then the next one.
     *
     * @return the id, {@code >= 1}
     */
    public long id() {
        return id;
    }

    /**
     * Returns what the client asked for.
     *
     * @return the request, never null
     */
    public Request request() {
        return request;
    }

    /**
     * Returns when the request reached the backend.
     *
     * @return the virtual time in nanoseconds
     */
    public long arrivalNanos() {
        return arrivalNanos;
    }

    /**
     * Returns the server the request's persistence cookie names (spec §9.1), whatever its state.
     *
     * @return the server, or null when the request carries no cookie of a server of this backend
     */
    public ServerTraffic persistentServer() {
        return persistent;
    }

    /**
     * Returns the last two characters of the stream's {@code %tsc} termination state (CFG §8.5): the client's
     * persistence cookie ({@code N} none, {@code I} naming no server, {@code D} naming a server that is DOWN,
     * {@code V} valid) and what happened to the response's cookie: {@code I} when HAProxy inserted one
     * ({@code cookie NAME insert}, the stream not sent direct by a valid cookie, and a server's response
     * forwarded), else {@code N}. Without cookie persistence in the backend, {@code --}. Observed on 2.6.12:
     * {@code --NI} for a request without cookie, {@code --VN} for one with a valid cookie (conformance 089).
     *
     * @return two characters; never null
     */
    public String cookieState() {
        if (clientCookie == '-') {
            return "--";
        }
        boolean inserted = insertsCookie && !direct && termination == Termination.SERVED && server != null;
        return switch (clientCookie) {
            case 'N' -> inserted ? "NI" : "NN";
            case 'I' -> inserted ? "II" : "IN";
            case 'D' -> inserted ? "DI" : "DN";
            default -> inserted ? "VI" : "VN";
        };
    }

    /**
     * Returns where the stream is in its life.
     *
     * @return the phase, never null
     */
    public Phase phase() {
        return phase;
    }

    /**
     * Returns the server the stream is assigned to (HAProxy's {@code s->target}): the one it connects to, is
     * connected to, or waits for in that server's queue; after the end, the last server it was assigned to.
     *
     * @return the server, or null while waiting in the backend queue or when no server was ever assigned
     */
    public ServerTraffic server() {
        return server;
    }

    /**
     * Returns when the stream entered its current queue ({@code pendconn_add}).
     *
     * @return the virtual time in nanoseconds, or -1 when it never waited in a queue
     */
    public long queuedAtNanos() {
        return queuedAtNanos;
    }

    /**
     * Returns when {@code timeout queue} ends the wait of a queued stream with a 503 ({@code sQ}).
     *
     * @return the virtual time in nanoseconds; {@link Long#MAX_VALUE} when there is no queue timeout or the
     *         stream is not queued
     */
    public long queueDeadlineNanos() {
        return queueDeadlineNanos;
    }

    /**
     * Returns when the next connect attempt is due while in {@link Phase#TURNAROUND}.
     *
     * @return the virtual time in nanoseconds, or -1 outside the turn-around
     */
    public long retryAtNanos() {
        return retryAtNanos;
    }

    /**
     * Returns the connect retries performed so far ({@code s->conn_retries}); a stream gives up after
     * {@code retries} of them (default 3) have failed too.
     *
     * @return the count, {@code >= 0}
     */
    public int retries() {
        return retries;
    }

    /**
     * Tells whether this stream went back through load balancing ({@code option redispatch}, HAProxy's
     * {@code SF_REDISP}: the {@code +} before the retry count in the log line): a connect retry did, or its
     * server's queue was handed back to load balancing when the server went DOWN, DRAIN or MAINT.
     *
     * @return true once redispatched
     */
    public boolean redispatched() {
        return redispatched;
    }

    /**
     * Returns when the connection to the server was established.
     *
     * @return the virtual time in nanoseconds, or -1 before
     */
    public long connectedAtNanos() {
        return connectedAtNanos;
    }

    /**
     * Returns the httplog's {@code %sq} ({@code srv_queue}): for each stay in a server's queue, the streams that
     * left it for a connection while this one waited, plus one (its position when it entered, counted from 1,
     * when the queue is first come first served); 0 when it never waited there.
     *
     * @return the position, {@code >= 0}
     */
    public int serverQueuePosition() {
        return serverQueuePosition;
    }

    /**
     * Returns the httplog's {@code %bq} ({@code backend_queue}): for each stay in the backend queue, the streams
     * that left it for a connection while this one waited, plus one; 0 when it never waited there.
     *
     * @return the position, {@code >= 0}
     */
    public int backendQueuePosition() {
        return backendQueuePosition;
    }

    /**
     * Returns how the stream ended.
     *
     * @return the termination, or null before {@link Phase#DONE}
     */
    public Termination termination() {
        return termination;
    }

    /**
     * Returns the HTTP status the client got: the server's, or the one HAProxy produced (503, 502, 504).
     *
     * @return the status; -1 when the client got none (it aborted); 0 before {@link Phase#DONE}
     */
    public int status() {
        return status;
    }

    @Override
    public String toString() {
        return "Stream[" + id + " " + phase + (server != null ? " " + server.name() : "")
                + (termination != null ? " " + status + " " + termination.state() : "") + "]";
    }
}
