package io.haprobe.sim;

import io.haprobe.spi.TlsSimulation;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.time.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Plays one {@link Behaviour} on one accepted check connection: the one place that decides which bytes a scripted
 * backend writes, when, and when it sends a FIN or an RST. The simulated transport drives it over an in-memory
 * channel on virtual time, the loopback backends of {@code io.haprobe:haprobe-testkit} over a real socket; each
 * gives it a {@link PeerWire} and tells it when the connection was accepted, what the check wrote, and when the
 * connection closed. Both worlds therefore play a script alike, byte for byte.
 *
 * <table>
 *   <caption>What the player does on the wire</caption>
 *   <tr><th>behaviour</th><th>at accept</th><th>on the check's bytes</th><th>bytes it does not expect</th></tr>
 *   <tr><td>{@link Behaviour.Http}</td><td>nothing</td><td>once the request head (up to the blank line) is in:
 *       waits {@code delay}, writes the response, FIN. A first read that starts a TLS handshake record (a check with
 *       {@code ssl} on a plain server) gets {@code 400 Bad Request} and a FIN at once</td><td>any after the response
 *       (never after the 400: those are the TLS client's alerts)</td></tr>
 *   <tr><td>{@link Behaviour.Tcp}</td><td>with {@code banner}: waits {@code delay}, writes {@code reply}, FIN if
 *       {@code close}</td><td>without {@code banner}, on the first bytes: the same</td><td>without {@code banner},
 *       any after the reply (a banner answers no request: it reads and drops)</td></tr>
 *   <tr><td>{@link Behaviour.Dialogue}</td><td>plays the exchanges that await nothing</td><td>plays each exchange
 *       once the bytes received since the previous one contain its awaited ones, after its {@code delay}; FIN after
 *       the last one if {@code close}, RST if {@code reset}</td><td>any after the last reply, when the last exchange answered awaited
 *       bytes</td></tr>
 *   <tr><td>{@link Behaviour.Reset}</td><td>RST after {@code delay}</td><td>reads and drops</td><td>none</td></tr>
 *   <tr><td>{@link Behaviour.Close}</td><td>FIN after {@code delay}</td><td>reads and drops</td><td>none</td></tr>
 *   <tr><td>{@link Behaviour.Hang}, {@link Behaviour.Refuse}, {@link Behaviour.Blackhole}</td><td>nothing (the
 *       transport refuses or never completes the connect before there is a connection to play)</td><td>reads and
 *       drops</td><td>none</td></tr>
 *   <tr><td>{@link Behaviour.Tls}</td><td>nothing</td><td>feeds them to a server TLS engine ({@link TlsPeer}) and
 *       writes its records back, then plays {@code then} over TLS</td><td>none (TLS records may legitimately
 *       follow, e.g. alerts)</td></tr>
 * </table>
 *
 * <p>A read of zero bytes is no read: a socket never delivers one, so an empty write of the check does not trigger
 * a reply in a simulation either. Delays draw from the {@link Stage}'s random source when the action is armed, in
 * the order connections and bytes arrive. A delay of 0 still goes through {@link Scheduler#schedule}, so the
 * action runs right after the current task, in both worlds.
 *
 * <pre>{@code
 * BehaviourPlayer.Stage stage = new BehaviourPlayer.Stage(new SplittableRandom(7), () -> null);
 * BehaviourPlayer player = stage.player(Behaviour.http(200), wire, BehaviourPlayer.Observer.NONE);
 * player.accepted();
 * player.received(requestBytes);   // writes the response and a FIN through the wire
 * player.closed();
 * }</pre>
 *
 * <p>Not thread-safe: confined to the wire's scheduler thread, where every method must be called.
 */
public final class BehaviourPlayer {

    private final Stage stage;
    private final Behaviour behaviour;
    private final PeerWire wire;
    private final Scheduler scheduler;
    private final Observer observer;
    private final DialogueCursor dialogue;
    /** The request head's scan ({@link RequestHeadEnd}'s state, kept here: one object less per check). */
    private int headEnd = RequestHeadEnd.START;
    private TlsPeer tlsPeer;
    /** The task of what the behaviour plays next ({@link #play}), not the HTTP answer's. */
    private Cancellable pending = Cancellable.NONE;
    /** The HTTP answer's task, made at the first answer and kept across {@link #rewind}s; null before. */
    private Timer httpAnswer;
    /**
     * Whether {@link #httpAnswer} is armed for this connection: a flag rather than {@link #pending}, so that a player
     * rewound for every check of a server (a long-lived object) stores no reference per check.
     */
    private boolean answerArmed;
    /** The HTTP behaviour's response, from the stage at the first answer and kept across {@link #rewind}s. */
    private byte[] httpResponse;
    /** The bytes that trigger the one answer of an http or tcp behaviour have come. */
    private boolean answered;
    /** The server wrote its last reply: more bytes are more than the script expects. */
    private boolean done;
    private boolean closed;

    private BehaviourPlayer(Stage stage, Behaviour behaviour, PeerWire wire, Observer observer) {
        this.stage = stage;
        this.behaviour = behaviour;
        this.wire = wire;
        this.scheduler = wire.scheduler();
        this.observer = observer;
        this.dialogue = behaviour instanceof Behaviour.Dialogue d ? new DialogueCursor(d) : null;
    }

    /**
     * Returns the behaviour this player plays.
     *
     * @return the behaviour; never a {@link Behaviour.Sequence}
     */
    public Behaviour behaviour() {
        return behaviour;
    }

    /**
     * The connection was accepted: plays what the behaviour does before the check sends anything (a banner, a
     * dialogue's first exchanges, a reset or close after its delay). Call it once, before {@link #received}.
     */
    public void accepted() {
        if (behaviour instanceof Behaviour.Reset reset) {
            play(reset.delay(), wire::reset);
        } else if (behaviour instanceof Behaviour.Close close) {
            play(close.delay(), wire::fin);
        } else if (behaviour instanceof Behaviour.Tcp tcp && tcp.banner()) {
            answered = true;
            play(tcp.delay(), () -> reply(tcp));
        } else if (dialogue != null) {
            converse();
        }
    }

    /**
     * The check wrote bytes: plays what they trigger. Ignored after {@link #closed()} and when {@code data} holds
     * no byte.
     *
     * @param data the bytes, readable from its reader index; not moved, not retained, not released; never null
     */
    public void received(ByteBuf data) {
        if (closed || !data.isReadable()) {
            return;
        }
        if (dialogue != null) {
            if (dialogue.finished() && lastExchangeAwaits()) {
                unexpected(data);
                return;
            }
            dialogue.received(data);
            converse();
            return;
        }
        if (behaviour instanceof Behaviour.Tls tls) {
            if (tlsPeer == null) {
                tlsPeer = new TlsPeer(tls, stage.tls().newServerEndpoint(tls.backend()), wire, stage.random,
                        observer);
            }
            tlsPeer.received(data);
            return;
        }
        if (done) {
            unexpected(data);
            return;
        }
        if (!answered) {
            answerRequest(data, null);
        }
    }

    /**
     * Answers the bytes of a request to an HTTP or TCP behaviour, once: an HTTP answer when its head is in (a 400 to
     * a TLS ClientHello), a TCP reply at once. The bytes are in {@code buf}, or in {@code bytes} when it is null.
     */
    private void answerRequest(ByteBuf buf, byte[] bytes) {
        if (behaviour instanceof Behaviour.Http http) {
            int head = headEnd;
            boolean tls = buf != null ? RequestHeadEnd.opensWithTlsHandshake(head, buf)
                    : RequestHeadEnd.opensWithTlsHandshake(head, bytes);
            head = RequestHeadEnd.sawBytes(head);
            if (tls) {
                headEnd = head;
                // what follows are the TLS client's alerts, not requests: never "done"
                answered = true;
                play(Delay.NONE, this::answerBadRequest);
                return;
            }
            head = buf != null ? RequestHeadEnd.scan(head, buf) : RequestHeadEnd.scan(head, bytes);
            headEnd = head;
            if (RequestHeadEnd.found(head)) {
                answered = true;
                armHttpAnswer(http);
            }
        } else if (behaviour instanceof Behaviour.Tcp tcp && !tcp.banner()) {
            answered = true;
            play(tcp.delay(), () -> reply(tcp));
        }
    }

    /** Arms the answer of an {@link Behaviour.Http} whose request head is in, after the behaviour's delay. */
    private void armHttpAnswer(Behaviour.Http http) {
        if (httpAnswer == null) {
            // a wire that lends its own timer runs the answer through answerHttp() (one object less per check)
            Timer lent = wire instanceof AnswerTimer answerTimer ? answerTimer.answerTimer() : null;
            httpAnswer = lent != null ? lent : scheduler.timer(this::answerHttp);
        }
        answerArmed = true;
        httpAnswer.schedule(http.delay().sampleNanos(stage.random));
    }

    /** What a plain HTTP server answers to a TLS ClientHello: a 400, then a FIN. */
    private void answerBadRequest() {
        wire.write(RequestHeadEnd.BAD_REQUEST);
        wire.fin();
    }

    /**
     * The answer of an {@link Behaviour.Http} to the request head: the response, then a FIN. Run by the answer's
     * timer, or by the wire's ({@link AnswerTimer}) when that timer comes due.
     */
    void answerHttp() {
        answerArmed = false;
        done = true;
        byte[] response = httpResponse;
        if (response == null) {
            response = stage.response((Behaviour.Http) behaviour);
            httpResponse = response;
        }
        wire.write(response);
        wire.fin();
    }

    /**
     * Makes this player, closed, a new one for another connection of the same wire with the same behaviour, as
     * {@link Stage#player} would: the simulated transport re-opens a server's connection from one check to the next.
     * A player that kept a dialogue's or TLS session's state is not rewound.
     *
     * @return true when rewound; false when the caller needs a new player
     */
    boolean rewind() {
        if (!closed || dialogue != null || tlsPeer != null) {
            return false;
        }
        cancelPending();
        headEnd = RequestHeadEnd.START;
        answered = false;
        done = false;
        closed = false;
        return true;
    }

    /**
     * As {@link #received(ByteBuf)}, for bytes in an array (the simulated transport's channel-free connections):
     * an HTTP or TCP behaviour reads them without a buffer around them.
     *
     * @param bytes the bytes; not modified, not retained; never null
     */
    void received(byte[] bytes) {
        if (closed || bytes.length == 0) {
            return;
        }
        if (dialogue != null || done || behaviour instanceof Behaviour.Tls) {
            received(Unpooled.wrappedBuffer(bytes));
            return;
        }
        if (!answered) {
            answerRequest(null, bytes);
        }
    }

    /** The connection is closed, by either side: nothing more is played. Calling it again does nothing. */
    public void closed() {
        closed = true;
        cancelPending();
        if (tlsPeer != null) {
            tlsPeer.closed();
        }
    }

    /** Plays the dialogue's exchanges from the current one as far as the bytes received allow. */
    private void converse() {
        Behaviour.Dialogue.Exchange exchange = dialogue.take();
        if (exchange == null) {
            return;
        }
        play(exchange.delay(), () -> {
            dialogue.replied();
            byte[] reply = exchange.replyBytes();
            if (reply.length > 0) {
                wire.write(reply);
            }
            if (!dialogue.finished()) {
                converse();
            } else if (((Behaviour.Dialogue) behaviour).close()) {
                wire.fin();
            } else if (((Behaviour.Dialogue) behaviour).reset()) {
                wire.reset();
            }
        });
    }

    /** Whether the dialogue's last exchange answers a request, so that a further one is more than it expects. */
    private boolean lastExchangeAwaits() {
        List<Behaviour.Dialogue.Exchange> exchanges = ((Behaviour.Dialogue) behaviour).exchanges();
        return exchanges.get(exchanges.size() - 1).await().length > 0;
    }

    private void reply(Behaviour.Tcp tcp) {
        done = !tcp.banner();
        byte[] reply = tcp.replyBytes();
        if (reply.length > 0) {
            wire.write(reply);
        }
        if (tcp.close()) {
            wire.fin();
        }
    }

    /** Cancels what the player had armed (its HTTP answer, a played step), if anything: nothing is armed after. */
    private void cancelPending() {
        if (answerArmed) {
            httpAnswer.cancel();
            answerArmed = false;
        }
        if (pending != Cancellable.NONE) {
            pending.cancel();
            pending = Cancellable.NONE;
        }
    }

    private void play(Delay delay, Runnable action) {
        pending = scheduler.schedule(action, delay.sampleNanos(stage.random));
    }

    private void unexpected(ByteBuf data) {
        if (observer != Observer.NONE) {
            observer.unexpected(ByteBufUtil.getBytes(data));
        }
    }

    /**
     * What a player reports besides the bytes it writes, e.g. to a recording loopback backend. Called on the wire's
     * scheduler thread; an implementation must be fast and must not call the player back.
     */
    /**
     * A wire that lends the player a timer of its own for the HTTP answer, so that arming the answer touches the
     * wire (in the cache: it carried the request) instead of a timer object of the player's. Package-private: the
     * simulated transport's channel-free connection.
     */
    interface AnswerTimer {

        /**
         * Returns the wire's timer for the answer: each time it comes due while armed by the player, the wire calls
         * {@link BehaviourPlayer#answerHttp()} on its current player. The wire must not arm it for anything else
         * while the player may arm it (from the request's arrival to the connection's close).
         *
         * @return the timer, or null when the wire has none to lend (the player then makes its own)
         */
        Timer answerTimer();
    }

    public interface Observer {

        /** Reports nothing: what a simulation passes. */
        Observer NONE = new Observer() {
        };

        /**
         * The check sent bytes the behaviour does not expect: a request after the server answered its last one (see
         * the table of {@link BehaviourPlayer}). The player read and dropped them.
         *
         * @param bytes a copy of the bytes; never null, not empty
         */
        default void unexpected(byte[] bytes) {
        }

        /**
         * The server side of a {@link Behaviour.Tls} completed its handshake.
         *
         * @param applicationProtocol the ALPN protocol it selected, or null when none was negotiated
         */
        default void handshakeCompleted(String applicationProtocol) {
        }
    }

    /**
     * What the players of one world share: the random source of the delays, the TLS side of {@link Behaviour.Tls}
     * behaviours, and each HTTP behaviour's response, rendered once. One per simulated transport, one per loopback
     * event loop.
     *
     * <p>Not thread-safe: confined to the thread of the wires its players play on.
     */
    public static final class Stage {

        private final RandomGenerator random;
        private final Supplier<TlsSimulation> tls;
        private final Map<Behaviour.Http, byte[]> responses = new IdentityHashMap<>();
        /**
         * The rendered responses by their bytes: equal behaviours of many servers (each scripted on its own) share
         * one array, which stays in the cache for all of them.
         */
        private final Map<ByteBuffer, byte[]> rendered = new HashMap<>();

        /**
         * Creates a stage.
         *
         * @param random the seeded source of delay ranges, drawn from in the order actions are armed; never null
         * @param tls    gives the TLS side when a {@link Behaviour.Tls} connection gets its first bytes; never null,
         *               may supply null when no script plays tls
         * @throws NullPointerException if an argument is null
         */
        public Stage(RandomGenerator random, Supplier<TlsSimulation> tls) {
            this.random = Objects.requireNonNull(random, "random");
            this.tls = Objects.requireNonNull(tls, "tls");
        }

        /**
         * Creates the player of one accepted connection.
         *
         * @param behaviour what the connection plays; never null, not a {@link Behaviour.Sequence} (the transport
         *                  picks the step of the connection)
         * @param wire      the connection; never null
         * @param observer  told of unexpected bytes and TLS handshakes; never null, {@link Observer#NONE} for
         *                  nothing
         * @return the player, not yet {@linkplain BehaviourPlayer#accepted() accepted}
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if {@code behaviour} is a sequence
         */
        public BehaviourPlayer player(Behaviour behaviour, PeerWire wire, Observer observer) {
            Objects.requireNonNull(behaviour, "behaviour");
            if (behaviour instanceof Behaviour.Sequence) {
                throw new IllegalArgumentException("behaviour: sequence (expected: the step of this connection)");
            }
            return new BehaviourPlayer(this, behaviour, Objects.requireNonNull(wire, "wire"),
                    Objects.requireNonNull(observer, "observer"));
        }

        private TlsSimulation tls() {
            TlsSimulation simulation = tls.get();
            if (simulation == null) {
                throw new IllegalStateException("a 'tls' behaviour needs io.haprobe:haprobe-engine-tls on the "
                        + "classpath");
            }
            return simulation;
        }

        private byte[] response(Behaviour.Http http) {
            byte[] bytes = responses.get(http);
            if (bytes == null) {
                byte[] fresh = http.responseBytes();
                bytes = rendered.computeIfAbsent(ByteBuffer.wrap(fresh), key -> fresh);
                responses.put(http, bytes);
            }
            return bytes;
        }
    }
}
