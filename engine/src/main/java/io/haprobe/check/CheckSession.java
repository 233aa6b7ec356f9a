package io.haprobe.check;

import io.haprobe.CheckResult;
import io.haprobe.CheckStatus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The check interpreter: runs one {@link CheckProgram} over one check connection and decides the verdict.
 * Pure: the transport feeds it what happened on the connection (connected, bytes, close, error, timeout)
 * and writes what it asks to send; it never touches a socket or a clock, so the same interpreter serves
 * live sockets and simulated channels.
 *
 * <p>Each event method returns the verdict once the check is decided, or null while it goes on; after a
 * verdict the session is done and every further event returns null. Received bytes are kept up to
 * {@value #MAX_BUFFER_BYTES} bytes (HAProxy's {@code tune.chksize}); more are dropped.
 *
 * <table>
 *   <caption>How connection events map to statuses (spec §3.1)</caption>
 *   <tr><th>event</th><th>before connected</th><th>after connected</th></tr>
 *   <tr><td>error</td><td>{@code L4CON}, info = errno text</td><td>{@code SOCKERR}, info = errno text</td></tr>
 *   <tr><td>timeout</td><td>{@code L4TOUT}, no info</td><td>{@code L7TOUT}, no info</td></tr>
 *   <tr><td>peer closed</td><td>-</td><td>judged by the expect rule (e.g. {@code L7RSP})</td></tr>
 * </table>
 *
 * <p>A program may open several connections ({@code http-check connect}): when the interpreter reaches a later
 * {@link CheckRule.Connect}, {@link #pendingConnect()} tells the transport to close the current connection and
 * open that one, then report it with {@link #connected(Consumer)} again; the received bytes are dropped.
 *
 * <p>Not thread-safe: one session per check, confined to the thread of its connection.
 */
public final class CheckSession {

    /** The most response bytes a check keeps, HAProxy's {@code tune.chksize} (16 KiB). */
    public static final int MAX_BUFFER_BYTES = HttpResponseJudge.MAX_RESPONSE_BYTES;

    private static final byte[] EMPTY = new byte[0];

    private final CheckProgram program;
    private Consumer<byte[]> out;
    private CheckRule.Connect pendingConnect;
    private AgentReply agentReply;
    private int ruleIndex;
    private boolean connected;
    private boolean peerClosed;
    private boolean done;
    private CheckVerdict lastVerdict;
    private byte[] buffer = EMPTY;
    private int length;

    /**
     * Creates a session for one run of {@code program}.
     *
     * @param program the program; never null
     * @throws NullPointerException if {@code program} is null
     */
    public CheckSession(CheckProgram program) {
        this.program = Objects.requireNonNull(program, "program");
    }

    /**
     * Reports that the connection is established (the first one, or the one {@link #pendingConnect()} asked
     * for); runs the send rules that follow, writing their bytes through {@code out}.
     *
     * @param out receives each chunk of bytes to write on this connection, in order; the arrays must not be
     *            modified; never null
     * @return the verdict ({@code L4OK} for a connect-only program), or null while waiting for the server
     */
    public CheckVerdict connected(Consumer<byte[]> out) {
        if (done || connected) {
            return null;
        }
        this.out = Objects.requireNonNull(out, "out");
        connected = true;
        if (pendingConnect != null) {
            pendingConnect = null;
            peerClosed = false;
            length = 0;
            ruleIndex++;
        } else {
            ruleIndex = 1;
        }
        return advance();
    }

    /**
     * Returns the connect rule the transport must open now: the program reached a later connect, so the current
     * connection must be closed (as HAProxy closes it: RST, or FIN with {@code linger}) and this one opened.
     *
     * @return the connect rule, or null when no new connection is wanted
     */
    public CheckRule.Connect pendingConnect() {
        return done ? null : pendingConnect;
    }

    /**
     * Returns the agent reply the check ended with ({@link CheckRule.ExpectAgent}).
     *
     * @return the parsed reply, or null when the check did not end on a reply line
     */
    public AgentReply agentReply() {
        return agentReply;
    }

    /**
     * Reports bytes received from the server.
     *
     * @param bytes  the array holding them; never null; not retained
     * @param offset where they start
     * @param count  how many
     * @return the verdict, or null while more bytes are needed
     */
    public CheckVerdict received(byte[] bytes, int offset, int count) {
        if (done) {
            return null;
        }
        int kept = Math.min(count, MAX_BUFFER_BYTES - length);
        if (kept > 0) {
            if (length + kept > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(MAX_BUFFER_BYTES, Math.max(length + kept, buffer.length * 2)));
            }
            System.arraycopy(bytes, offset, buffer, length, kept);
            length += kept;
        }
        return evaluate();
    }

    /**
     * Reports that the server closed its side of the connection (a FIN was read).
     *
     * @return the verdict: the expect rule judges what it has; a connect still in progress is {@code L4CON}
     */
    public CheckVerdict peerClosed() {
        if (done) {
            return null;
        }
        peerClosed = true;
        if (!connected) {
            return finish(new CheckVerdict(CheckStatus.L4CON, 0, ""));
        }
        return evaluate();
    }

    /**
     * Reports a connection error.
     *
     * @param errnoText the error as {@code strerror} words it, e.g. {@code Connection refused}; never null
     * @return the verdict: {@code L4CON} before the connection is established, {@code SOCKERR} after
     */
    public CheckVerdict failed(String errnoText) {
        if (done) {
            return null;
        }
        return finish(new CheckVerdict(connected ? CheckStatus.SOCKERR : CheckStatus.L4CON, 0, errnoText));
    }

    /**
     * Reports that the check's deadline passed.
     *
     * @return the verdict: {@code L4TOUT} before the connection is established, {@code L7TOUT} after
     */
    public CheckVerdict timedOut() {
        if (done) {
            return null;
        }
        if (!connected) {
            return finish(new CheckVerdict(CheckStatus.L4TOUT, 0, ""));
        }
        CheckRule rule = ruleIndex < program.rules().size() ? program.rules().get(ruleIndex) : null;
        CheckStatus status = rule instanceof CheckRule.ExpectHttp expect
                ? expect.judge().timeoutStatus(buffer, length) : CheckStatus.L7TOUT;
        return finish(new CheckVerdict(status, 0, ""));
    }

    /**
     * Tells whether the connection is established.
     *
     * @return true after {@link #connected(Consumer)}
     */
    public boolean isConnected() {
        return connected;
    }

    /**
     * Tells whether the server's FIN was read before the verdict. HAProxy then closes with a FIN; otherwise
     * it aborts the connection with an RST (spec §5.1).
     *
     * @return true if the peer closed first
     */
    public boolean isPeerClosed() {
        return peerClosed;
    }

    /**
     * Tells whether the verdict is known.
     *
     * @return true once an event returned a verdict
     */
    public boolean isDone() {
        return done;
    }

    private CheckVerdict advance() {
        while (ruleIndex < program.rules().size()) {
            CheckRule rule = program.rules().get(ruleIndex);
            if (rule instanceof CheckRule.Send send) {
                out.accept(send.bytes());
                ruleIndex++;
            } else if (rule instanceof CheckRule.Connect connect) {
                pendingConnect = connect;
                connected = false;
                return null;
            } else {
                return evaluate();
            }
        }
        return finish(lastVerdict != null ? lastVerdict : new CheckVerdict(CheckStatus.L4OK, 0, ""));
    }

    private CheckVerdict evaluate() {
        if (!connected || ruleIndex >= program.rules().size()) {
            return null;
        }
        CheckRule rule = program.rules().get(ruleIndex);
        if (rule instanceof CheckRule.ExpectAgent) {
            return evaluateAgentReply();
        }
        if (!(rule instanceof CheckRule.ExpectHttp expect)) {
            return null;
        }
        CheckVerdict verdict = expect.judge().judge(buffer, length, peerClosed || length == MAX_BUFFER_BYTES);
        if (verdict == null) {
            return null;
        }
        lastVerdict = verdict;
        ruleIndex++;
        if (verdict.status().result() == CheckResult.FAILED || ruleIndex >= program.rules().size()) {
            return finish(verdict);
        }
        // the next expect judges the same answer; a send or a connect moves the program on
        return advance();
    }

    private CheckVerdict evaluateAgentReply() {
        int end = 0;
        while (end < length && buffer[end] != '\r' && buffer[end] != '\n') {
            end++;
        }
        if (end == length) {
            // no line end yet; after a close HAProxy ignores the partial line and waits for the timeout
            return length == 0 && peerClosed ? finish(new CheckVerdict(CheckStatus.L7RSP, 0, AgentReply.INFO_EMPTY))
                    : null;
        }
        agentReply = AgentReply.parse(new String(buffer, 0, end, StandardCharsets.ISO_8859_1));
        return finish(agentReply.verdict());
    }

    private CheckVerdict finish(CheckVerdict verdict) {
        done = true;
        return verdict;
    }
}
