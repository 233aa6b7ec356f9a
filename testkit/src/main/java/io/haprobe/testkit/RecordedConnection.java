package io.haprobe.testkit;

import io.haprobe.sim.Behaviour;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One connection a {@link LoopbackBackends} server accepted, as recorded so far: who connected, what it sent, what
 * the server played, and how the checker ended it. A snapshot: the connection may have gone on since; take a new
 * one from {@link LoopbackBackends#recordedConnections(String)} or wait for the final one with
 * {@link LoopbackBackends#takeConnection(String, java.time.Duration)}.
 *
 * <pre>{@code
 * RecordedConnection first = backends.takeConnection("app_backend/web01", Duration.ofSeconds(5));
 * assertThat(first.receivedText()).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
 * assertThat(first.checkerClose()).isEqualTo(RecordedConnection.CheckerClose.RST);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RecordedConnection {

    private final String server;
    private final int index;
    private final InetSocketAddress peer;
    private final Behaviour behaviour;
    private final byte[] received;
    private final boolean truncated;
    private final CheckerClose checkerClose;
    private final boolean open;
    private final boolean handshakeCompleted;
    private final String applicationProtocol;

    RecordedConnection(String server, int index, InetSocketAddress peer, Behaviour behaviour, byte[] received,
                       boolean truncated, CheckerClose checkerClose, boolean open, boolean handshakeCompleted,
                       String applicationProtocol) {
        this.server = server;
        this.index = index;
        this.peer = peer;
        this.behaviour = behaviour;
        this.received = received;
        this.truncated = truncated;
        this.checkerClose = checkerClose;
        this.open = open;
        this.handshakeCompleted = handshakeCompleted;
        this.applicationProtocol = applicationProtocol;
    }

    /**
     * Returns the server that accepted the connection.
     *
     * @return {@code backend/server} as scripted
     */
    public String server() {
        return server;
    }

    /**
     * Returns the connection's place among the server's connections, in accept order.
     *
     * @return 0 for the first connection since {@link LoopbackBackends.Builder#bind()}
     */
    public int index() {
        return index;
    }

    /**
     * Returns the checker's end of the connection.
     *
     * @return its address and port, e.g. {@code 127.0.0.1:40312}; never null
     */
    public InetSocketAddress peer() {
        return peer;
    }

    /**
     * Returns what the server played on this connection: the phase's behaviour, or the step of a
     * {@link Behaviour.Sequence} that fell to it.
     *
     * @return the behaviour; never a sequence
     */
    public Behaviour behaviour() {
        return behaviour;
    }

    /**
     * Returns every byte the checker sent, in order, as received (a PROXY header, the request, TLS records),
     * up to {@link LoopbackBackends#MAX_RECORDED_BYTES}.
     *
     * @return a copy; empty when the checker sent nothing
     */
    public byte[] received() {
        return received.clone();
    }

    /**
     * Returns {@link #received()} as ISO-8859-1 text, one char per byte, e.g. {@code "GET / HTTP/1.0\r\n\r\n"}.
     *
     * @return the text; empty when the checker sent nothing
     */
    public String receivedText() {
        return new String(received, StandardCharsets.ISO_8859_1);
    }

    /**
     * Tells whether the checker sent more than {@link LoopbackBackends#MAX_RECORDED_BYTES}, of which
     * {@link #received()} holds the first ones.
     *
     * @return true when bytes were left out of the record
     */
    public boolean truncated() {
        return truncated;
    }

    /**
     * Returns how the checker ended the connection, as the server's next read saw it (spec §5.1: HAProxy ends
     * every check with an RST, and with a FIN only after {@code linger} or once it read the server's FIN).
     *
     * @return FIN, RST, or {@link CheckerClose#NONE} while open or when the server ended it first
     */
    public CheckerClose checkerClose() {
        return checkerClose;
    }

    /**
     * Tells whether the connection was still open when this snapshot was taken.
     *
     * @return true until both sides are done with it
     */
    public boolean open() {
        return open;
    }

    /**
     * Tells whether the server side of a {@link Behaviour.Tls} behaviour completed its TLS handshake.
     *
     * @return false for a plain behaviour, a failed handshake, or one still under way
     */
    public boolean handshakeCompleted() {
        return handshakeCompleted;
    }

    /**
     * Returns the ALPN protocol the server selected in its TLS handshake ({@code alpn}, {@code check-alpn}).
     *
     * @return e.g. {@code h2}; null without a completed handshake or when none was negotiated
     */
    public String applicationProtocol() {
        return applicationProtocol;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedConnection that && index == that.index && truncated == that.truncated
                && open == that.open && handshakeCompleted == that.handshakeCompleted && server.equals(that.server)
                && peer.equals(that.peer) && behaviour.equals(that.behaviour)
                && java.util.Arrays.equals(received, that.received) && checkerClose == that.checkerClose
                && Objects.equals(applicationProtocol, that.applicationProtocol);
    }

    @Override
    public int hashCode() {
        return Objects.hash(server, index, peer, checkerClose, open);
    }

    @Override
    public String toString() {
        return server + " #" + index + " from " + peer + " " + behaviour.kind() + " received="
                + receivedText().replace("\r", "\\r").replace("\n", "\\n") + (truncated ? "..." : "")
                + " close=" + checkerClose + (open ? " (open)" : "")
                + (handshakeCompleted ? " tls alpn=" + applicationProtocol : "");
    }

    /** How the checker ended a connection. */
    public enum CheckerClose {
        /** The server read the end of the stream: the checker sent a FIN. */
        FIN,
        /** A read or write failed with {@code Connection reset}: the checker sent an RST ({@code SO_LINGER 0}). */
        RST,
        /** Not (yet) known: the connection is open, or the server ended it first (reset, crash, close). */
        NONE
    }
}
