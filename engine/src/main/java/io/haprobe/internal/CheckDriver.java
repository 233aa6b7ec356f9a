package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.CheckVerdict;
import io.haprobe.time.Scheduler;
import io.haprobe.time.Timer;
import io.haprobe.transport.CheckTarget;
import io.netty.util.concurrent.FastThreadLocal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One run of a check, whatever carries its connections: feeds their events to a {@link CheckSession}, owns the
 * check's deadline (spec §2.4), opens one connection per connect rule, closes each the way HAProxy does once done
 * with it (RST, or FIN when the server's FIN was read first or the rule has {@code linger}, spec §5.1), and turns
 * the verdict into the {@link CheckOutcome}s it reports. The live check drives it through the Netty adapter
 * {@link CheckRun}; a simulated plain check straight from the virtual event queue through a
 * {@link DirectConnector}. There is one implementation of these rules for both.
 *
 * <p>Deadline: {@code inter} from the start; with both {@code timeout check} and {@code timeout connect},
 * {@code min(inter, timeout connect)} for the connect. Once connected (after the TLS handshake for TLS),
 * {@code timeout check} (when set) replaces it for the rest of the check. This is the documented behaviour, not
 * the 2.6.12 bug of spec §2.6. Each connect rule re-arms the connect bound.
 *
 * <p>A connection that cannot even be created ({@link CheckConnection#failure()}: {@code socket()} failing with
 * {@code EMFILE}, say) ends the check at once with {@code L4CON}, as HAProxy does.
 *
 * <p>Events name the connection that fires them; events of a connection the run already left (an earlier
 * connect rule's, or any after the verdict) are ignored. The driver is its own deadline task ({@link #run()}) and
 * the session's writer ({@link #accept}), so a check allocates no lambda.
 *
 * <p>Confined to the scheduler's thread: create and start it there. Not API.
 */
public final class CheckDriver implements Runnable, Consumer<byte[]> {

    /** Opens the connection of one connect rule: the Netty adapter's side of a run. */
    public interface Connector {

        /**
         * Starts connecting; the connection reports to the driver later (a synchronous report from within this call
         * is tolerated only through {@link CheckConnection#failure()}).
         *
         * @param target       the address of this connection (the rule's {@code addr}/{@code port} applied); never
         *                     null
         * @param rule         the connect rule; never null
         * @param proxyVersion the PROXY protocol version to send first (1 or 2), 0 for none
         * @return the connection; never null
         */
        CheckConnection open(CheckTarget target, CheckRule.Connect rule, int proxyVersion);
    }

    private CheckProgram program;
    private final CheckSession session;
    private final Scheduler scheduler;
    private final long interNanos;
    private final long timeoutConnectNanos;
    private final long timeoutCheckNanos;
    private final Consumer<List<CheckOutcome>> onResults;
    /*
     * A reused driver (one per server) lives long: in G1's terms an old object, where every reference stored
     * costs the post-write barrier a dirty card that a concurrent refinement thread then scans, once per card and
     * check. So a steady run of the same check stores no reference here: what comes back the same (program,
     * connector, target, connect rule, connection) is compared before it is written, and "no connection", "no
     * deadline", "no spare" are flags beside the references rather than nulls (a null store costs nothing, but the
     * store that follows it does).
     */
    /** The connector of the last start: exactly one of the two is non-null once started. */
    private Connector connector;
    private DirectConnector direct;
    /** The target of the last start; null before the first. */
    private CheckTarget target;
    /** Whether the driver was started since it was made or last {@linkplain #reset reset}. */
    private boolean started;
    private CheckRule.Connect openedWith;
    /** The connection whose events count while {@link #currentLive}; the last such one (or null) otherwise. */
    private CheckConnection current;
    /** Whether {@link #current}'s events count: false before the first open, between two, and once finished. */
    private boolean currentLive;
    /**
     * The connection opened last, kept so that {@link #reset} can offer it to the next run (see {@link #spare}).
     * Null before the first, and after a run that went through a {@link Connector} (which reuses none).
     */
    private CheckConnection lastOpened;
    /** Whether {@link #lastOpened}, closed, is offered to the first connect of this run and not yet taken. */
    private boolean spare;
    private long startNanos;
    private long stoppedDurationNanos = -1;
    /** Whether {@link #deadlineTimer} is armed for this run. */
    private boolean deadlineArmed;
    /** The deadline timer, reused by every run of a reused driver (the scheduler's {@link Scheduler#timer}). */
    private final Timer deadlineTimer;
    private boolean finished;
    /** The outcome of the last check that reported one, and its one-element results: {@link #resultsOf}. */
    private CheckOutcome lastOutcome;
    private List<CheckOutcome> lastResults;
    /**
     * Whether durations are whole milliseconds ({@link #wholeMillisDurations}): live, where the outcomes of a thread
     * are also shared through {@link #SHARED_RESULTS}.
     */
    private boolean wholeMillis;
    private int serverProxyVersion;
    private int checkProxyVersion;
    /** Where the drivers of a thread share their last results ({@link #shareResults}); null for none. */
    private SharedResults sharedResults;

    /** The durations, in milliseconds, below which a live thread shares its one-outcome results. */
    private static final int SHARED_MILLIS = 64;

    /**
     * Per thread (a live event loop's): the one-outcome results last reported with each whole-millisecond duration
     * below {@link #SHARED_MILLIS}, shared by every driver of the thread whose verdict is the same (outcomes are
     * immutable): the steady checks of many servers then end with an outcome that already exists, so that a check
     * stores no new object into its server's long-lived state (the driver's last outcome, the server's health),
     * which young collections would otherwise find through the cards of the old generation and copy.
     */
    private static final FastThreadLocal<List<CheckOutcome>[]> SHARED_RESULTS = new FastThreadLocal<>() {
        @Override
        @SuppressWarnings("unchecked")
        protected List<CheckOutcome>[] initialValue() {
            return (List<CheckOutcome>[]) new List<?>[SHARED_MILLIS];
        }
    };

    /**
     * Creates a run.
     *
     * @param program             the compiled check; never null
     * @param scheduler           the connections' scheduler; never null
     * @param interNanos          the check's plain {@code inter} (or {@code agent-inter}) in nanoseconds, {@code > 0}
     * @param timeoutConnectNanos {@code timeout connect} in nanoseconds, 0 when unset
     * @param timeoutCheckNanos   {@code timeout check} in nanoseconds, 0 when unset
     * @param onResults           receives, once and on the scheduler thread, what the check reported, in order,
     *                            all with the check's duration: one outcome, or two when HAProxy reports twice
     *                            within one check ({@link CheckVerdict#earlier()}); never null
     */
    public CheckDriver(CheckProgram program, Scheduler scheduler, long interNanos, long timeoutConnectNanos,
                       long timeoutCheckNanos, Consumer<List<CheckOutcome>> onResults) {
        this(program, scheduler, interNanos, timeoutConnectNanos, timeoutCheckNanos, onResults, null);
    }

    /**
     * Creates a run whose deadline is armed on {@code deadlineTimer}, a timer its owner lends while its checks run:
     * a server's next-check timer, idle from the start of a check to its results, so that a check arms and cancels
     * its deadline on an object already in the cache. The owner must hand every run of that timer that comes due
     * while a run of this driver is under way ({@link #finished()} false) to {@link #run()}, and must not arm it
     * then. The timing and order of the deadline are those of a timer of its own.
     *
     * @param program             the compiled check; never null
     * @param scheduler           the connections' scheduler; never null
     * @param interNanos          the check's plain {@code inter} in nanoseconds, {@code > 0}
     * @param timeoutConnectNanos {@code timeout connect} in nanoseconds, 0 when unset
     * @param timeoutCheckNanos   {@code timeout check} in nanoseconds, 0 when unset
     * @param onResults           receives what the check reported, as in the other constructor; never null
     * @param deadlineTimer       the timer to arm the deadline on, a timer of {@code scheduler}; null for a timer of
     *                            the driver's own
     */
    public CheckDriver(CheckProgram program, Scheduler scheduler, long interNanos, long timeoutConnectNanos,
                       long timeoutCheckNanos, Consumer<List<CheckOutcome>> onResults, Timer deadlineTimer) {
        this.program = Objects.requireNonNull(program, "program");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        // the ClientHello of ssl-hello-chk carries the wall-clock time, the one wall-clock value a check sends
        this.session = new CheckSession(program, scheduler.currentTimeMillis() / 1000);
        this.interNanos = interNanos;
        this.timeoutConnectNanos = timeoutConnectNanos;
        this.timeoutCheckNanos = timeoutCheckNanos;
        this.onResults = Objects.requireNonNull(onResults, "onResults");
        this.deadlineTimer = deadlineTimer != null ? deadlineTimer : scheduler.timer(this);
    }

    /**
     * Sets the PROXY protocol versions of the server (spec §6.2): before starting; by default none.
     *
     * @param serverVersion the server's {@code send-proxy} (1) or {@code send-proxy-v2} (2) version, 0 for none
     * @param checkVersion  what the checks send on an implicit or {@code default} connect, 0 for none
     */
    public void proxyProtocol(int serverVersion, int checkVersion) {
        this.serverProxyVersion = serverVersion;
        this.checkProxyVersion = checkVersion;
    }

    /**
     * Makes this driver end a check with the results another driver sharing {@code shared} ended its last check with
     * when they are equal (the same status, code, info and duration; outcomes are immutable), instead of its own: the
     * steady checks of thousands of servers then read one outcome, in the cache, instead of one cold outcome each.
     * The drivers sharing it must be confined to one thread. Before starting; by default none.
     *
     * @param shared the shared results, or null for none
     */
    public void shareResults(SharedResults shared) {
        this.sharedResults = shared;
    }

    /**
     * Makes the checks report durations in whole milliseconds (a live run's): the nanoseconds below the millisecond
     * are dropped, as HAProxy measures a check's duration in milliseconds of its clock ({@code check->duration},
     * what {@link CheckOutcome#durationMillis()} gives either way), so that the steady checks of a server end with
     * equal outcomes and allocate none; equal outcomes are then also shared between the drivers of the thread. Off
     * by default (a simulation keeps its virtual nanoseconds).
     *
     * @param on true for whole milliseconds
     */
    public void wholeMillisDurations(boolean on) {
        this.wholeMillis = on;
    }

    /**
     * Tells whether the run has reported its results: then it may be {@linkplain #reset reset} for another run.
     *
     * @return true once {@code onResults} was called
     */
    public boolean finished() {
        return finished;
    }

    /**
     * Tells whether no check of this driver is under way: it was never started (or was {@linkplain #reset reset}
     * and not started since), or its run has {@linkplain #finished() finished}. An idle driver may be
     * {@linkplain #reset reset}, for instance a driver made ahead of a server's first check, before its program is
     * known for sure.
     *
     * @return true when {@link #reset} may be called
     */
    public boolean idle() {
        return finished || !started;
    }

    /**
     * Makes an idle driver ready to run {@code program} (again), as a new driver with the same scheduler, bounds,
     * PROXY versions and {@code onResults} would be: a server runs one check at a time, so its checks can share
     * one driver and session instead of allocating them per check. Events of the connections of the run before
     * are ignored: no connection is current until this run opens one (the run before's last connection too, until
     * a {@link DirectConnector} takes it back through {@link #takeSpareConnection()} and re-opens it), and its
     * deadline was cancelled when it finished.
     *
     * @param program the compiled check; never null
     * @throws IllegalStateException if a run is under way (the driver is not {@linkplain #idle() idle})
     */
    public void reset(CheckProgram program) {
        if (!idle()) {
            throw new IllegalStateException("the check under way has not finished");
        }
        Objects.requireNonNull(program, "program");
        if (this.program != program) {
            this.program = program;
        }
        session.reset(program, scheduler.currentTimeMillis() / 1000);
        spare = lastOpened != null; // closed when the run finished: a connector may reuse it for the next run
        started = false;
        currentLive = false;
        startNanos = 0;
        stoppedDurationNanos = -1;
        deadlineArmed = false;
        finished = false;
    }

    /**
     * Starts the check over connections {@code connector} opens: arms the deadline and opens the first one.
     *
     * @param connector opens each connection; never null
     * @param target    the server and its check address; never null
     */
    public void start(Connector connector, CheckTarget target) {
        Objects.requireNonNull(connector, "connector");
        if (this.connector != connector) {
            this.connector = connector;
        }
        direct = null;
        begin(target);
    }

    /**
     * Starts the check over channel-free connections: arms the deadline and opens the first one.
     *
     * @param connector the transport's direct side; never null
     * @param target    the server and its check address; never null
     */
    public void start(DirectConnector connector, CheckTarget target) {
        Objects.requireNonNull(connector, "connector");
        if (direct != connector) {
            direct = connector;
        }
        this.connector = null;
        begin(target);
    }

    private void begin(CheckTarget target) {
        Objects.requireNonNull(target, "target");
        if (this.target != target) {
            this.target = target;
        }
        started = true;
        startNanos = scheduler.nanoTime();
        open(session.pendingConnect());
    }

    /**
     * Hands a {@link DirectConnector} the last connection of this driver's previous run, if any, once: closed by
     * the driver when that run finished, it may be re-opened for this run instead of a new one (the connector
     * checks that it is one of its own, and cancels whatever it still had queued). A connection is offered only
     * to the first connect of a run, never while a connection of the same run may still fire. Not API.
     *
     * @return the connection, or null (none, or already taken)
     */
    public CheckConnection takeSpareConnection() {
        if (!spare) {
            return null;
        }
        spare = false;
        return lastOpened;
    }

    /**
     * Returns the agent reply the check ended with, for agent checks.
     *
     * @return the parsed reply, or null when the check did not end on a reply line
     */
    public AgentReply agentReply() {
        return session.agentReply();
    }

    /**
     * Tells whether the connect rule being opened asks for HAProxy's delayed handshake ACK (spec §5.1).
     *
     * @return {@link CheckProgram#disablesQuickAck(int)} of the current connect rule
     */
    boolean disablesQuickAck() {
        return program.disablesQuickAck(session.connectIndex());
    }

    /**
     * The connection's TCP connect completed (for TLS: its handshake began, see {@link #tlsHandshakeStarted}).
     *
     * @param from the reporting connection
     */
    public void connected(CheckConnection from) {
        if (finished || !isCurrent(from)) {
            return;
        }
        armTimeoutCheck();
        conclude(session.connected(this));
    }

    /**
     * The connection's TCP connect completed and its TLS layer began the handshake: the rules wait for
     * {@link #tlsCompleted}.
     *
     * @param from the reporting connection
     */
    public void tlsHandshakeStarted(CheckConnection from) {
        if (finished || !isCurrent(from)) {
            return;
        }
        conclude(session.tlsHandshakeStarted());
    }

    /**
     * The connection's TLS layer reports its handshake's end (which may come before the TCP connect reached
     * {@link #tlsHandshakeStarted}: the TCP connection is up either way).
     *
     * @param from    the reporting connection
     * @param failure null when the handshake completed; else HAProxy's text for the TLS error
     */
    public void tlsCompleted(CheckConnection from, String failure) {
        if (!isCurrent(from)) {
            return;
        }
        session.tlsHandshakeStarted();
        if (failure == null) {
            armTimeoutCheck();
            conclude(session.tlsEstablished(this));
        } else {
            conclude(session.tlsFailed(failure));
        }
    }

    /**
     * The server sent bytes.
     *
     * @param from   the reporting connection
     * @param bytes  the array holding them; not retained
     * @param offset where they start
     * @param count  how many
     */
    public void received(CheckConnection from, byte[] bytes, int offset, int count) {
        if (isCurrent(from)) {
            conclude(session.received(bytes, offset, count));
        }
    }

    /**
     * The server's FIN was read, or the connection closed.
     *
     * @param from the reporting connection
     */
    public void peerClosed(CheckConnection from) {
        if (isCurrent(from)) {
            conclude(session.peerClosed());
        }
    }

    /**
     * The connection failed: a refused or failed connect, a reset, a failed write.
     *
     * @param from      the reporting connection
     * @param errnoText the error as HAProxy words it (see {@link ErrnoText}); never null
     */
    public void failed(CheckConnection from, String errnoText) {
        if (isCurrent(from)) {
            conclude(session.failed(errnoText));
        }
    }

    /**
     * The deadline: the check times out, unless what its connection's socket already holds ends it first
     * ({@link CheckConnection#readPending()}: HAProxy judges an answer the poller reported before it reports the
     * timeout). The run's own timer task; not for other callers.
     */
    @Override
    public void run() {
        if (currentLive && !finished) {
            current.readPending();
            if (finished) {
                return;
            }
        }
        conclude(session.timedOut());
    }

    /**
     * Writes bytes the session asks for on the current connection. The session's writer; not for other callers.
     *
     * @param bytes the bytes; never null, not modified
     */
    @Override
    public void accept(byte[] bytes) {
        current.send(bytes);
    }

    /** Whether events from {@code from} count: it is the connection of the step under way. */
    private boolean isCurrent(CheckConnection from) {
        return currentLive && from == current;
    }

    /** Once connected (after the TLS handshake for TLS), {@code timeout check} replaces the connect bound. */
    private void armTimeoutCheck() {
        if (timeoutCheckNanos > 0) {
            armDeadline(timeoutCheckNanos);
        }
    }

    /** (Re-)arms the deadline {@code delayNanos} from now, cancelling the one armed before. */
    private void armDeadline(long delayNanos) {
        deadlineTimer.schedule(delayNanos); // replaces the run armed before
        deadlineArmed = true;
    }

    /** Opens the connection of a connect rule, re-arming the deadline (spec §2.4: each connect re-applies it). */
    private void open(CheckRule.Connect rule) {
        if (openedWith != rule) {
            openedWith = rule;
        }
        int proxyVersion = rule.proxyVersion(serverProxyVersion, checkProxyVersion);
        long connectBound = interNanos;
        if (timeoutCheckNanos > 0 && timeoutConnectNanos > 0) {
            connectBound = Math.min(interNanos, timeoutConnectNanos);
        }
        armDeadline(connectBound);
        CheckTarget address = addressOf(rule);
        CheckConnection opened = direct != null ? direct.connect(address, proxyVersion, this)
                : connector.open(address, rule, proxyVersion);
        if (finished) {
            return; // the Netty adapter's connect failed and reported at once
        }
        if (current != opened) {
            current = opened;
        }
        currentLive = true;
        if (lastOpened != opened) {
            lastOpened = opened;
        }
        if (opened.failure() != null) {
            // no socket at all (EMFILE, ENFILE, ENOBUFS): HAProxy reports L4CON at once
            failed(opened, opened.failure());
        }
    }

    /** The rule's {@code addr} and {@code port} over the server's check address (spec §5.2 port order). */
    private CheckTarget addressOf(CheckRule.Connect rule) {
        if (rule.address() == null && rule.effectivePort() == 0) {
            return target;
        }
        InetSocketAddress server = target.address();
        int port = rule.effectivePort() != 0 ? rule.effectivePort() : server.getPort();
        InetSocketAddress address;
        if (rule.address() != null) {
            // an IP literal (the parser accepts nothing else): no name lookup happens here
            address = new InetSocketAddress(rule.address(), port);
        } else {
            address = server.isUnresolved() ? InetSocketAddress.createUnresolved(server.getHostString(), port)
                    : new InetSocketAddress(server.getAddress(), port);
        }
        return target.withAddress(address);
    }

    private void conclude(CheckVerdict verdict) {
        if (finished) {
            return;
        }
        if (verdict == null) {
            if (stoppedDurationNanos < 0 && session.durationStopped()) {
                stoppedDurationNanos = Math.max(0, scheduler.nanoTime() - startNanos);
            }
            CheckRule.Connect next = session.pendingConnect();
            if (next != null) {
                CheckConnection previous = currentLive ? current : null;
                // events of the previous connection are ignored from here on, even those its close fires
                currentLive = false;
                closeLikeHaproxy(previous);
                open(next);
            }
            return;
        }
        finished = true;
        long durationNanos = stoppedDurationNanos >= 0 ? stoppedDurationNanos
                : Math.max(0, scheduler.nanoTime() - startNanos);
        if (wholeMillis) {
            durationNanos -= durationNanos % 1_000_000L;
        }
        if (deadlineArmed) {
            deadlineTimer.cancel();
            deadlineArmed = false;
        }
        CheckConnection closing = currentLive ? current : null;
        currentLive = false;
        closeLikeHaproxy(closing);
        if (direct == null) {
            // only a direct connector reuses the last connection (takeSpareConnection): else it is let go now, not
            // kept reachable from this long-lived driver until the server's next check
            lastOpened = null;
            current = null;
        }
        if (verdict.earlier() != null) {
            onResults.accept(List.of(verdict.earlier().toOutcome(durationNanos), verdict.toOutcome(durationNanos)));
            return;
        }
        onResults.accept(resultsOf(verdict, durationNanos));
    }

    /**
     * The one-outcome results of {@code verdict}: those of the previous check when they are equal (a steady
     * server's checks end alike), so that its checks allocate no outcome and no list; outcomes are immutable.
     */
    private List<CheckOutcome> resultsOf(CheckVerdict verdict, long durationNanos) {
        CheckOutcome last = lastOutcome;
        if (last != null && endsAs(last, verdict, durationNanos)) {
            return lastResults;
        }
        SharedResults shared = sharedResults;
        List<CheckOutcome> results = null;
        if (shared != null && shared.outcome != null && endsAs(shared.outcome, verdict, durationNanos)) {
            results = shared.results;
        } else if (wholeMillis) {
            results = sharedResults(verdict, durationNanos);
        }
        if (results == null) {
            results = List.of(verdict.toOutcome(durationNanos));
        }
        lastOutcome = results.get(0);
        lastResults = results;
        if (shared != null) {
            shared.outcome = lastOutcome;
            shared.results = results;
        }
        return results;
    }

    /** Whether {@code outcome} is what {@code verdict} after {@code durationNanos} makes. */
    private static boolean endsAs(CheckOutcome outcome, CheckVerdict verdict, long durationNanos) {
        return outcome.durationNanos() == durationNanos && outcome.status() == verdict.status()
                && outcome.code() == verdict.code() && outcome.info().equals(verdict.info());
    }

    /**
     * The one-outcome results a thread's drivers ended their last check with, shared by those that end theirs alike
     * ({@link #shareResults}). Confined to that thread. Not API.
     */
    public static final class SharedResults {

        private CheckOutcome outcome;
        private List<CheckOutcome> results;

        /** Creates an empty one. */
        public SharedResults() {
        }
    }

    /**
     * The thread's shared one-outcome results for {@code verdict} and a whole-millisecond {@code durationNanos}
     * ({@link #SHARED_RESULTS}), made and kept when the thread has none equal; null for a duration beyond the shared
     * ones.
     */
    private static List<CheckOutcome> sharedResults(CheckVerdict verdict, long durationNanos) {
        long millis = durationNanos / 1_000_000L;
        if (millis >= SHARED_MILLIS) {
            return null;
        }
        List<CheckOutcome>[] shared = SHARED_RESULTS.get();
        List<CheckOutcome> results = shared[(int) millis];
        if (results != null) {
            CheckOutcome outcome = results.get(0);
            if (outcome.status() == verdict.status() && outcome.code() == verdict.code()
                    && outcome.info().equals(verdict.info())) {
                return results;
            }
        }
        results = List.of(verdict.toOutcome(durationNanos));
        shared[(int) millis] = results;
        return results;
    }

    private void closeLikeHaproxy(CheckConnection closing) {
        if (closing != null) {
            closing.close(!session.isPeerClosed() && !openedWith.linger());
        }
    }
}
