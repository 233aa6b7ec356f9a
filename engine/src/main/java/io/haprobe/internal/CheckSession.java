package io.haprobe.internal;

import io.haprobe.CheckResult;
import io.haprobe.CheckStatus;
import io.haprobe.check.AgentReply;
import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckRule;
import io.haprobe.check.CheckVerdict;
import io.haprobe.check.HttpResponseJudge;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The check interpreter: runs one {@link CheckProgram} over its check connections and decides the verdict,
 * as HAProxy's {@code tcpcheck_main} does. Pure: the transport opens the connection the session asks for
 * ({@link #pendingConnect()}), feeds it what happened on it (connected, bytes, close, error, timeout) and
 * writes what it asks to send; the session never touches a socket or a clock, so the same interpreter serves
 * live sockets and simulated channels.
 *
 * <p>Rules run in order. A connect asks for a new connection (the transport closes the previous one first);
 * a send drops what was received so far and writes its bytes; an expect judges everything received since the
 * last send or connect, waiting for more bytes while its rule says so (spec §5.3). Consecutive expects judge
 * the same bytes; when one of them waits, the next bytes are judged again from the first negated expect of
 * the chain (or from the waiting one). When the last rule is done the check passes with the last rule's
 * status and info.
 *
 * <p>Each event method returns the verdict once the check is decided, or null while it goes on; after a
 * verdict the session is done and every further event returns null. Received bytes are kept up to
 * {@value #MAX_BUFFER_BYTES} bytes (HAProxy's {@code tune.chksize}); more are dropped, and a full buffer
 * counts as the end of the answer.
 *
 * <table>
 *   <caption>How connection events map to statuses (spec §3.1, §2.5)</caption>
 *   <tr><th>event</th><th>before connected</th><th>after connected</th></tr>
 *   <tr><td>error</td><td>{@code L4CON}, info = errno text</td><td>a content expect judges the bytes already
 *       received, if any; else (and always for an HTTP expect, even after part of a response) {@code SOCKERR},
 *       info = errno text</td></tr>
 *   <tr><td>timeout</td><td>{@code L4TOUT}, no info</td><td>{@code L7TOUT} or the expect's {@code tout-status},
 *       no info</td></tr>
 *   <tr><td>peer closed</td><td>{@code L4CON}</td><td>judged by the expect rule; with nothing received,
 *       {@code TCPCHK got an empty response at step N} (not for HTTP)</td></tr>
 *   <tr><td>TLS handshake (between {@link #tlsHandshakeStarted()} and {@link #tlsEstablished(Consumer)})</td>
 *       <td colspan="2">failure: {@code L6RSP} with the TLS layer's info (e.g. {@code SSL handshake failure});
 *       timeout: {@code L6TOUT}, no info (spec §3.1, §6.2)</td></tr>
 * </table>
 * A program whose last rule is a connect passes with {@code L6OK} instead of {@code L4OK} when that connection
 * is TLS. For {@linkplain CheckProgram#tcpCheck() tcp-check programs} the infos of errors and timeouts end with the
 * step suffix of spec §5.4, e.g. {@code " at step 2 of tcp-check (expect string 'PONG')"}.
 *
 * <p>Not thread-safe: one session per check, confined to the thread of its connections. {@link CheckRun} drives
 * it over Netty channels; {@code CheckSessionBenchmark} in the engine's tests measures it without Netty.
 */
final class CheckSession {

    /** The most response bytes a check keeps, HAProxy's {@code tune.chksize} (16 KiB). */
    static final int MAX_BUFFER_BYTES = HttpResponseJudge.MAX_RESPONSE_BYTES;

    private static final byte[] EMPTY = new byte[0];
    private static final String TCP_CHECK_SUCCESS = "(tcp-check)";

    private CheckProgram program;
    private List<CheckRule> rules;
    private long unixTimeSeconds;
    private Consumer<byte[]> out;
    private int index;
    private boolean awaitingConnect = true;
    private boolean connected;
    private boolean handshaking;
    private boolean tls;
    private boolean peerClosed;
    private boolean errored;
    private boolean done;
    private AgentReply agentReply;
    private boolean durationStopped;
    private byte[] buffer = EMPTY;
    /**
     * The HTTP judge's parsing state: it keeps nothing from one judgement to the next, so the sessions of a thread
     * share one, which stays in the cache (one per session, thousands of servers each reached for a cold one).
     */
    private static final ThreadLocal<HttpResponseJudge.Scratch> HTTP_SCRATCH =
            ThreadLocal.withInitial(HttpResponseJudge.Scratch::new);
    private int length;
    /**
     * {@link #HTTP_SCRATCH}'s scratch of the session's thread, taken at its first HTTP judgement: a session is
     * confined to one thread, so that it asks the thread-local once instead of on every judgement.
     */
    private HttpResponseJudge.Scratch httpScratch;

    /**
     * Creates a session for one run of {@code program}, with a UNIX time of 0 for rules that send the time.
     *
     * @param program the program; never null
     * @throws NullPointerException if {@code program} is null
     */
    CheckSession(CheckProgram program) {
        this(program, 0);
    }

    /**
     * Creates a session for one run of {@code program}.
     *
     * @param program         the program; never null
     * @param unixTimeSeconds the check's start in seconds since 1970, written by rules that send the time
     *                        (the {@code ssl-hello-chk} ClientHello); only its low 32 bits are sent
     * @throws NullPointerException if {@code program} is null
     */
    CheckSession(CheckProgram program, long unixTimeSeconds) {
        this.program = Objects.requireNonNull(program, "program");
        this.rules = program.rules();
        this.unixTimeSeconds = unixTimeSeconds;
    }

    /**
     * Makes this session a new one for another run, as if just created with these arguments: every event of
     * the run before is forgotten. The caller must be done with that run (its verdict given or abandoned).
     *
     * @param program         the program; never null
     * @param unixTimeSeconds the check's start in seconds since 1970 (see {@link #CheckSession(CheckProgram, long)})
     * @throws NullPointerException if {@code program} is null
     */
    void reset(CheckProgram program, long unixTimeSeconds) {
        // a session is reused for every check of a server, a long-lived object: the references that come back the
        // same (program, rules, writer, empty buffer) are compared before they are stored, as G1's write barrier
        // dirties a card for each reference stored into an old object
        Objects.requireNonNull(program, "program");
        if (this.program != program) {
            this.program = program;
            this.rules = program.rules();
        }
        this.unixTimeSeconds = unixTimeSeconds;
        index = 0;
        awaitingConnect = true;
        connected = false;
        handshaking = false;
        tls = false;
        peerClosed = false;
        errored = false;
        done = false;
        agentReply = null;
        durationStopped = false;
        if (buffer != EMPTY) {
            buffer = EMPTY;
        }
        length = 0;
    }

    /**
     * Returns the connect rule the transport must open now: the first rule at the start, a later connect
     * rule once the rules before it are done. The transport closes the previous connection (with a FIN when
     * that connection's rule has {@code linger}, else an RST) and reports the new one with
     * {@link #connected(Consumer)}.
     *
     * @return the rule, or null while a connection is open or in its TLS handshake, or once the check is done
     */
    CheckRule.Connect pendingConnect() {
        return done || !awaitingConnect || handshaking ? null : (CheckRule.Connect) rules.get(index);
    }

    /**
     * Returns the index in the program of the {@linkplain #pendingConnect() pending connect}, or of the connect
     * that opened the current connection.
     *
     * @return the index of a {@link CheckRule.Connect} rule
     */
    int connectIndex() {
        int i = Math.min(index, rules.size() - 1);
        while (!(rules.get(i) instanceof CheckRule.Connect)) {
            i--;
        }
        return i;
    }

    /**
     * Returns the agent reply the check ended with ({@link CheckRule.ExpectAgent}).
     *
     * @return the parsed reply, or null when the check did not end on a reply line
     */
    AgentReply agentReply() {
        return agentReply;
    }

    /**
     * Reports that the pending plain connection is established; runs the rules that follow, writing the bytes
     * of send rules through {@code out}. Ignored while a TLS handshake is under way ({@link #tlsHandshakeStarted()}):
     * a TLS connection is established by {@link #tlsEstablished(Consumer)}.
     *
     * @param out receives each chunk of bytes to write on this connection, in order, now or at later events;
     *            the arrays must not be modified; never null
     * @return the verdict (e.g. {@code L4OK} for a connect-only program), or null while the check goes on
     */
    CheckVerdict connected(Consumer<byte[]> out) {
        if (handshaking) {
            return null;
        }
        return established(out, false);
    }

    /**
     * Reports that the pending connection's TCP handshake is done and its TLS handshake has begun (spec §6.2). The
     * rules wait until {@link #tlsEstablished(Consumer)}; a failure or timeout until then is a layer 6 one.
     *
     * @return null: the check goes on
     */
    CheckVerdict tlsHandshakeStarted() {
        if (!done && awaitingConnect) {
            handshaking = true;
        }
        return null;
    }

    /**
     * Reports that the TLS handshake of the pending connection completed: the connection is established, and
     * the rules that follow run as after {@link #connected(Consumer)}.
     *
     * @param out receives each chunk of plain bytes to write on this connection; never null
     * @return the verdict ({@code L6OK} for a program that only connects), or null while the check goes on
     */
    CheckVerdict tlsEstablished(Consumer<byte[]> out) {
        if (!handshaking) {
            return null;
        }
        return established(out, true);
    }

    /**
     * Reports that the TLS layer failed: during the handshake, an {@code L6RSP} with {@code info} (spec §3.1);
     * after it, an error on the established connection, as {@link #failed(String)}.
     *
     * @param info HAProxy's text for the TLS error, e.g. {@code SSL handshake failure} or {@code SSL fatal error};
     *             never null
     * @return the verdict, or null when the session is done or no connection is under way
     */
    CheckVerdict tlsFailed(String info) {
        if (done) {
            return null;
        }
        if (handshaking) {
            return finish(new CheckVerdict(CheckStatus.L6RSP, 0, info + stepSuffix()));
        }
        return connected ? failed(info) : null;
    }

    private CheckVerdict established(Consumer<byte[]> out, boolean overTls) {
        if (done || !awaitingConnect) {
            return null;
        }
        Objects.requireNonNull(out, "out");
        if (this.out != out) {
            this.out = out;
        }
        handshaking = false;
        tls = overTls;
        awaitingConnect = false;
        connected = true;
        peerClosed = false;
        errored = false;
        index++;
        return run(buffer);
    }

    /**
     * Reports bytes received from the server.
     *
     * @param bytes  the array holding them; never null; not retained
     * @param offset where they start
     * @param count  how many
     * @return the verdict, or null while more bytes are needed
     */
    CheckVerdict received(byte[] bytes, int offset, int count) {
        if (done || !connected) {
            return null;
        }
        if (length == 0 && offset == 0 && count > 0 && count < MAX_BUFFER_BYTES) {
            return judgeInPlace(bytes, count);
        }
        int kept = Math.min(count, MAX_BUFFER_BYTES - length);
        if (kept > 0) {
            if (length + kept > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(MAX_BUFFER_BYTES, Math.max(length + kept, buffer.length * 2)));
            }
            System.arraycopy(bytes, offset, buffer, length, kept);
            length += kept;
        }
        return evaluate(buffer);
    }

    /**
     * Judges a first read where it lies, in the caller's array: a whole response in one read (the common case) is
     * never copied. The bytes are kept, in the session's own buffer, only when the rules wait for more.
     */
    private CheckVerdict judgeInPlace(byte[] bytes, int count) {
        // the caller's array goes down to the judges as an argument, not through the buffer field: two references
        // stored per check into this long-lived session would each cost G1's write barrier
        length = count;
        CheckVerdict verdict;
        try {
            verdict = evaluate(bytes);
        } finally {
            if (length > 0 && !done) {
                if (buffer.length < length) {
                    buffer = new byte[Math.min(MAX_BUFFER_BYTES, Math.max(length, buffer.length * 2))];
                }
                System.arraycopy(bytes, 0, buffer, 0, length);
            } else if (done) {
                length = 0;
            }
        }
        return verdict;
    }

    /**
     * Reports that the server closed its side of the connection (a FIN was read).
     *
     * @return the verdict: the expect rule judges what it has; a connect still in progress is {@code L4CON}
     */
    CheckVerdict peerClosed() {
        if (done) {
            return null;
        }
        if (handshaking) {
            return finish(new CheckVerdict(CheckStatus.L6RSP, 0, stepSuffix()));
        }
        if (!connected) {
            return finish(new CheckVerdict(CheckStatus.L4CON, 0, stepSuffix()));
        }
        peerClosed = true;
        return evaluate(buffer);
    }

    /**
     * Reports a connection error.
     *
     * @param errnoText the error as {@code strerror} words it, e.g. {@code Connection refused}; never null
     * @return the verdict: {@code L4CON} before the connection is established; after it, a content expect's verdict
     *         on bytes already received, else {@code SOCKERR}
     */
    CheckVerdict failed(String errnoText) {
        if (done) {
            return null;
        }
        if (handshaking) {
            return finish(new CheckVerdict(CheckStatus.L6RSP, 0, errnoText + stepSuffix()));
        }
        if (!connected) {
            return finish(new CheckVerdict(CheckStatus.L4CON, 0, errnoText + stepSuffix()));
        }
        errored = true;
        // an HTTP check does not judge a response cut by an error, whether in its head or its body: HAProxy 2.6.12
        // reports SOCKERR (a tcp-check expect judges what it has)
        if (length > 0 && !(index < rules.size() && rules.get(index) instanceof CheckRule.ExpectHttp)) {
            CheckVerdict verdict = evaluate(buffer);
            if (verdict != null || done || awaitingConnect) {
                return verdict;
            }
        }
        return finish(new CheckVerdict(CheckStatus.SOCKERR, 0, errnoText + stepSuffix()));
    }

    /**
     * Reports that the check's deadline passed.
     *
     * @return the verdict: {@code L4TOUT} before the connection is established, {@code L7TOUT} (or the waiting
     *         expect's {@code tout-status}) after
     */
    CheckVerdict timedOut() {
        if (done) {
            return null;
        }
        if (handshaking) {
            return finish(new CheckVerdict(CheckStatus.L6TOUT, 0, stepSuffix()));
        }
        if (!connected) {
            return finish(new CheckVerdict(CheckStatus.L4TOUT, 0, stepSuffix()));
        }
        CheckStatus status = CheckStatus.L7TOUT;
        CheckRule waiting = index < rules.size() ? rules.get(index) : null;
        if (waiting instanceof CheckRule.ExpectContent expect && expect.timeoutStatus() != null) {
            status = expect.timeoutStatus();
        } else if (waiting instanceof CheckRule.ExpectHttp http) {
            status = http.judge().timeoutStatus(buffer, length);
        }
        return finish(new CheckVerdict(status, 0, stepSuffix()));
    }

    /**
     * Tells whether the current connection is established (for TLS, once its handshake is done).
     *
     * @return true between {@link #connected(Consumer)} (or {@link #tlsEstablished(Consumer)}) and the next connect
     *         rule or the verdict
     */
    boolean isConnected() {
        return connected;
    }

    /**
     * Tells whether the server's FIN was read on the current connection (or, while a connect is pending, on
     * the connection before it) before the session moved on. HAProxy then closes with a FIN; otherwise it
     * aborts the connection with an RST (spec §5.1).
     *
     * @return true if the peer closed first
     */
    boolean isPeerClosed() {
        return peerClosed;
    }

    /**
     * Tells whether HAProxy has already fixed this check's duration although the verdict is not known yet: an
     * agent's incomplete line at its last read, whose check then ends on its timeout with the duration of that
     * moment (spec §7; {@code set_server_check_status} keeps the first duration it computes).
     *
     * @return true from the event that stopped the duration on
     */
    boolean durationStopped() {
        return durationStopped;
    }

    /**
     * Tells whether the verdict is known.
     *
     * @return true once an event returned a verdict
     */
    boolean isDone() {
        return done;
    }

    /** Runs rules from {@link #index} until one waits, asks for a connection, or the program ends. */
    private CheckVerdict run(byte[] data) {
        while (index < rules.size()) {
            CheckRule rule = rules.get(index);
            if (rule instanceof CheckRule.Connect) {
                // peerClosed stays until the next connection is up: the transport closes this one by it
                awaitingConnect = true;
                connected = false;
                length = 0;
                return null;
            }
            if (rule instanceof CheckRule.SendError error) {
                // HAProxy fails the check when it cannot build the send, before writing anything
                return finish(new CheckVerdict(CheckStatus.L7RSP, 0, error.info()));
            }
            if (rule instanceof CheckRule.Send send) {
                if (errored) {
                    return null;
                }
                length = 0;
                out.accept(send.bytesAt(unixTimeSeconds));
                index++;
                continue;
            }
            return evaluate(data);
        }
        return finish(success(data, null));
    }

    /** Judges the received bytes with the expect chain from {@link #index}. */
    private CheckVerdict evaluate(byte[] data) {
        if (!connected || done || index >= rules.size() || !isExpect(rules.get(index))) {
            return null;
        }
        boolean lastRead = peerClosed || errored || length == MAX_BUFFER_BYTES;
        CheckRule first = rules.get(index);
        if (length == 0 && !(first instanceof CheckRule.ExpectHttp)) {
            // an agent's empty reply is HAProxy's generic empty response too (at step 2)
            if (!lastRead) {
                return null;
            }
            if (errored) {
                return null;
            }
            return finish(emptyResponse(first));
        }
        int i = index;
        CheckVerdict passed = null;
        while (i < rules.size() && isExpect(rules.get(i))) {
            CheckVerdict verdict = judge(rules.get(i), lastRead, data);
            if (verdict == null) {
                index = chainHead(i);
                return null;
            }
            if (verdict.status().result() == CheckResult.FAILED) {
                return finish(verdict);
            }
            passed = verdict;
            i++;
        }
        index = i;
        if (i == rules.size()) {
            // the program ends with this chain, whose last verdict the success reports: it goes there as an argument,
            // not through a field of this long-lived session (a check would store it there, and G1's write barrier
            // would dirty the session's card; a live check's verdict is young, and would be kept from the old
            // session until its next check)
            return finish(success(data, passed));
        }
        return run(data);
    }

    /** Judges one expect rule: a failing or passing verdict, or null to wait for more bytes. */
    private CheckVerdict judge(CheckRule rule, boolean lastRead, byte[] data) {
        if (rule instanceof CheckRule.ExpectHttp http) {
            HttpResponseJudge.Scratch scratch = httpScratch;
            if (scratch == null) {
                scratch = HTTP_SCRATCH.get();
                httpScratch = scratch;
            }
            return http.judge().judge(data, length, lastRead, scratch);
        }
        if (rule instanceof CheckRule.ExpectCustom custom) {
            return custom.judge().judge(data, length, lastRead);
        }
        if (rule instanceof CheckRule.ExpectAgent) {
            return judgeAgentLine(lastRead, data);
        }
        CheckRule.ExpectContent expect = (CheckRule.ExpectContent) rule;
        if (!lastRead && (length < expect.match().minimumLength() || (expect.minRecv() > 0 && length < expect.minRecv()))) {
            return null;
        }
        boolean match = expect.match().test(data, length);
        if (!match && !lastRead && expect.minRecv() == -1) {
            return null;
        }
        int code = expect.statusCode() == null ? 0 : expect.statusCode().extract(data, length);
        if (match != expect.inverse()) {
            return new CheckVerdict(CheckStatus.L7OK, code, "");
        }
        CheckStatus status = expect.errorStatus() != null ? expect.errorStatus() : CheckStatus.L7RSP;
        String info;
        if (expect.onError() != null) {
            info = expect.onError().render(data, length);
        } else if (program.tcpCheck()) {
            info = (match ? "TCPCHK matched unwanted content" : "TCPCHK did not match content")
                    + expect.match().failureText() + " at step " + expect.step();
        } else {
            info = "";
        }
        if (expect.comment() != null) {
            info += " comment: " + expect.comment();
        }
        return failure(status, code, info);
    }

    /**
     * Judges the agent's reply line once its CR or LF arrived. Without a line end it waits, even after a close
     * or a full buffer: HAProxy ignores a partial line and the check ends on its timeout. HAProxy scans the
     * reply as a C string, so a NUL byte before the line end makes the line partial for good: {@code \0maint\n}
     * never puts the server in maintenance (2.6.12: {@code Layer7 timeout}, status unchanged). At the last read
     * HAProxy already records the check's duration ("Ignoring incomplete line from agent"), so the timeout logs
     * that duration ({@link #durationStopped()}).
     */
    private CheckVerdict judgeAgentLine(boolean lastRead, byte[] data) {
        int end = 0;
        while (end < length && data[end] != '\r' && data[end] != '\n' && data[end] != 0) {
            end++;
        }
        if (end == length || data[end] == 0) {
            durationStopped |= lastRead;
            return null;
        }
        agentReply = AgentReply.parse(new String(data, 0, end, StandardCharsets.ISO_8859_1));
        return agentReply.verdict();
    }

    /**
     * The verdict once every rule is done: the last rule's success (spec §5.3 step 4). {@code passed} is the verdict
     * of the last expect rule when the program ends with one (null when it ends with a connect or a send).
     */
    private CheckVerdict success(byte[] data, CheckVerdict passed) {
        CheckRule last = rules.get(rules.size() - 1);
        if (last instanceof CheckRule.Connect connect) {
            return new CheckVerdict(tls ? CheckStatus.L6OK : CheckStatus.L4OK, 0,
                    connect.implicit() ? "" : TCP_CHECK_SUCCESS);
        }
        if (last instanceof CheckRule.Send) {
            return new CheckVerdict(CheckStatus.L7OK, 0, TCP_CHECK_SUCCESS);
        }
        if (last instanceof CheckRule.ExpectContent expect) {
            CheckStatus status = expect.okStatus() != null ? expect.okStatus() : CheckStatus.L7OK;
            String info = expect.onSuccess() != null ? expect.onSuccess().render(data, length)
                    : program.tcpCheck() ? TCP_CHECK_SUCCESS : "";
            return new CheckVerdict(status, passed == null ? 0 : passed.code(), info);
        }
        if (last instanceof CheckRule.ExpectCustom && passed != null) {
            // the protocol parser reported its success itself; the end of the rules reports again, with no info
            return new CheckVerdict(CheckStatus.L7OK, 0, "", passed);
        }
        return passed;
    }

    /** HAProxy's {@code TCPCHK got an empty response at step N}, with the rule's error status. */
    private CheckVerdict emptyResponse(CheckRule rule) {
        CheckStatus status = CheckStatus.L7RSP;
        if (rule instanceof CheckRule.ExpectContent expect && expect.errorStatus() != null) {
            status = expect.errorStatus();
        } else if (rule instanceof CheckRule.ExpectCustom custom && custom.errorStatus() != null) {
            status = custom.errorStatus();
        }
        String info = "TCPCHK got an empty response at step " + rule.step();
        if (rule.comment() != null) {
            info += " comment: '" + rule.comment() + "'";
        }
        return failure(status, 0, info);
    }

    /**
     * The step suffix HAProxy appends to connection-error and timeout infos of tcp-check programs (spec §5.4),
     * naming the rule the check was at; empty for other programs.
     */
    private String stepSuffix() {
        if (!program.tcpCheck()) {
            return "";
        }
        CheckRule rule = rules.get(Math.min(index, rules.size() - 1));
        if (rule instanceof CheckRule.Connect connect && connect.implicit()) {
            return " at initial connection step of tcp-check";
        }
        StringBuilder suffix = new StringBuilder(" at step ").append(rule.step()).append(" of tcp-check");
        if (rule instanceof CheckRule.Connect connect) {
            suffix.append(connect.port() != 0 ? " (connect port " + connect.port() + ")" : " (connect)");
        } else if (rule instanceof CheckRule.Send || rule instanceof CheckRule.SendError) {
            suffix.append(" (send)");
        } else if (rule instanceof CheckRule.ExpectContent expect) {
            suffix.append(" (").append(expect.match().expectText()).append(')');
        } else if (rule instanceof CheckRule.ExpectCustom) {
            suffix.append(" (expect custom function)");
        }
        if (rule.comment() != null) {
            suffix.append(" comment: '").append(rule.comment()).append('\'');
        }
        return suffix.toString();
    }

    /**
     * The rule HAProxy resumes from when the expect at {@code i} waits: the first negated expect of the chain
     * of expects ending at {@code i}, else {@code i} itself.
     */
    private int chainHead(int i) {
        int head = i;
        for (int j = i - 1; j >= 0 && isExpect(rules.get(j)); j--) {
            if (rules.get(j) instanceof CheckRule.ExpectContent expect && expect.inverse()) {
                head = j;
            }
        }
        return head;
    }

    private CheckVerdict finish(CheckVerdict verdict) {
        done = true;
        return verdict;
    }

    private static CheckVerdict failure(CheckStatus status, int code, String info) {
        return new CheckVerdict(status, code, info);
    }

    private static boolean isExpect(CheckRule rule) {
        return rule instanceof CheckRule.ExpectHttp || rule instanceof CheckRule.ExpectContent
                || rule instanceof CheckRule.ExpectCustom || rule instanceof CheckRule.ExpectAgent;
    }
}
