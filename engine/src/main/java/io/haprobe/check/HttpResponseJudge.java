package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.HttpExpect;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Judges an HTTP check's response with the backend's {@code http-check expect} rules (CFG §4.2
 * {@code http-check expect}; spec §4.5), as HAProxy 2.6.12 does: strict HTTP/1.x parsing, status rules
 * judged as soon as the header block is complete, body rules waiting for data.
 *
 * <table>
 *   <caption>Verdicts</caption>
 *   <tr><th>response</th><th>status</th><th>code</th><th>info</th></tr>
 *   <tr><td>every rule passes</td><td>{@link CheckStatus#L7OK} ({@code L7OK})</td><td>the HTTP status</td>
 *       <td>empty</td></tr>
 *   <tr><td>a {@code status}, {@code rstatus}, {@code hdr} or {@code fhdr} rule fails</td><td>{@link CheckStatus#L7STS}</td>
 *       <td>the HTTP status</td><td>the reason phrase, possibly empty</td></tr>
 *   <tr><td>a {@code string} or {@code rstring} rule does not match</td><td>{@link CheckStatus#L7RSP}</td>
 *       <td>the HTTP status</td><td>{@value #INFO_NO_MATCH}</td></tr>
 *   <tr><td>a negated body rule matches</td><td>{@link CheckStatus#L7RSP}</td><td>the HTTP status</td>
 *       <td>{@value #INFO_UNWANTED}</td></tr>
 *   <tr><td>a body rule meets an empty body at the end of the message</td><td>{@link CheckStatus#L7RSP}</td>
 *       <td>the HTTP status</td><td>{@value #INFO_NO_BODY}</td></tr>
 *   <tr><td>not HTTP, malformed, or closed before the end of the header block</td>
 *       <td>{@link CheckStatus#L7RSP}</td><td>0</td><td>empty</td></tr>
 * </table>
 *
 * <p>Expect options change these verdicts as HAProxy does: {@code error-status} the failure status,
 * {@code on-error} the failure info, {@code comment} is appended to it as {@code " comment: <text>"},
 * {@code status-code int(<n>)} the code; on the last rules of a check, {@code ok-status}, {@code on-success}
 * and {@code status-code} shape the pass. With {@code http-check disable-on-404} (for a server that is not
 * DOWN) a 404 skips every rule: {@link CheckStatus#L7OKC} ({@code L7OKC}), code 404, no info.
 *
 * <p>Rules are evaluated in order and the first failing one decides. An empty rule list stands for
 * HAProxy's implicit {@code http-check expect status 200-399}; a list with only body rules checks no
 * status, so a 503 whose body matches passes with code 503. Interim {@code 1xx} responses are judged as
 * they are, not skipped. A body rule passes as soon as the body received so far matches, and fails on a
 * mismatch only at the end of the message (Content-Length reached, last chunk, or the server's close), or
 * when {@link #MAX_RESPONSE_BYTES} have been received ({@code tune.bufsize}). Responses to {@code HEAD},
 * and {@code 1xx}, {@code 204} and {@code 304} responses, have no body.
 *
 * <p>HTTP parsing follows HAProxy's H1 multiplexer ({@link Http1Response}): the version must be
 * {@code HTTP/<digit>.<digit>}; the status is any run of digits (HAProxy keeps it in 16 bits: {@code 70000}
 * reads as {@code 4464}); the reason phrase is optional; lines may end in CRLF or a bare LF; at most
 * {@value #MAX_HEADERS} headers; a Transfer-Encoding other than a single {@code chunked}, or conflicting
 * Content-Length values, are errors; chunked bodies are decoded before matching. Bytes are read as ISO-8859-1.
 * The body rules are the {@link ContentMatch}es of {@code tcp-check expect string}/{@code rstring}, run on the
 * body.
 *
 * <p>Immutable and thread-safe: build one per backend with {@link #of(List)} and share it.
 *
 * <pre>{@code
 * HttpResponseJudge judge = HttpResponseJudge.of(List.of()); // expect status 200-399
 * byte[] rsp = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
 * judge.judge(rsp, rsp.length, false); // CheckVerdict[status=L7OK, code=204, info=]
 * }</pre>
 */
public final class HttpResponseJudge {

    /**
     * The most response bytes HAProxy 2.6 holds for a check ({@code tune.bufsize}, 16384 by default):
     * callers never pass more, and a response that reaches it is judged as complete.
     */
    public static final int MAX_RESPONSE_BYTES = 16384;

    /** The most headers a response may have ({@code tune.http.maxhdr} 101, less one slot HAProxy keeps). */
    public static final int MAX_HEADERS = Http1Response.MAX_HEADERS;

    /** The info of a body rule that did not match. */
    public static final String INFO_NO_MATCH = "HTTP content check did not match";
    /** The info of a negated body rule that matched. */
    public static final String INFO_UNWANTED = "HTTP check matched unwanted content";
    /** The info of a body rule, negated or not, that found an empty body at the end of the message. */
    public static final String INFO_NO_BODY = "HTTP content check could not find a response body";

    private static final HttpResponseJudge IMPLICIT = new HttpResponseJudge(
            new HttpExpectRule[] {HttpExpectRule.IMPLICIT}, false, false, true);
    private static final HttpResponseJudge IMPLICIT_HEAD = new HttpResponseJudge(IMPLICIT.rules, true, false, true);

    /**
     * Returns a judge for the responses to a request whose method is not {@code HEAD}.
     *
     * @param expects the backend's {@code http-check expect} rules in order; empty for HAProxy's implicit
     *                {@code expect status 200-399}; never null
     * @return the judge
     * @throws NullPointerException if {@code expects} or one of its elements is null
     */
    public static HttpResponseJudge of(List<HttpExpect> expects) {
        return of(expects, "GET");
    }

    /**
     * Returns a judge for the responses to a request with method {@code requestMethod}: the response to
     * {@code HEAD} (case-sensitive, as HAProxy recognizes methods) has no body whatever its headers say.
     *
     * @param expects       the backend's {@code http-check expect} rules in order; empty for HAProxy's
     *                      implicit {@code expect status 200-399}; never null
     * @param requestMethod the method of the check request ({@link io.haprobe.config.HttpSend#method()});
     *                      never null
     * @return the judge
     * @throws NullPointerException if an argument or an element of {@code expects} is null
     */
    public static HttpResponseJudge of(List<HttpExpect> expects, String requestMethod) {
        return of(expects, requestMethod, false, true);
    }

    /**
     * Returns a judge for one connect/send/expect sequence of a check.
     *
     * @param expects       the sequence's {@code http-check expect} rules in order; empty for HAProxy's
     *                      implicit {@code expect status 200-399}; never null
     * @param requestMethod the method of the sequence's request; never null
     * @param disableOn404  true when {@code http-check disable-on-404} applies to this check (the backend has
     *                      it and the server is not DOWN): a 404 skips the rules and passes conditionally
     *                      ({@code L7OKC}, code 404, no info)
     * @param last          true when these are the last rules of the check: a pass then takes the last
     *                      rule's {@code ok-status}, {@code on-success} and {@code status-code}
     * @return the judge
     * @throws NullPointerException if an argument or an element of {@code expects} is null
     */
    public static HttpResponseJudge of(List<HttpExpect> expects, String requestMethod, boolean disableOn404,
                                       boolean last) {
        boolean head = Objects.requireNonNull(requestMethod, "requestMethod").equals("HEAD");
        if (expects.isEmpty()) {
            return !disableOn404 && last ? (head ? IMPLICIT_HEAD : IMPLICIT)
                    : new HttpResponseJudge(IMPLICIT.rules, head, disableOn404, last);
        }
        HttpExpectRule[] rules = new HttpExpectRule[expects.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = HttpExpectRule.of(Objects.requireNonNull(expects.get(i), "expects[" + i + "]"));
        }
        return new HttpResponseJudge(rules, head, disableOn404, last);
    }

    private final HttpExpectRule[] rules;
    private final boolean bodyRules;
    /** Whether a rule looks at headers ({@code hdr}, {@code fhdr}): only then are their bounds kept. */
    private final boolean headerRules;
    private final boolean headRequest;
    private final boolean disableOn404;
    private final boolean last;

    private HttpResponseJudge(HttpExpectRule[] rules, boolean headRequest, boolean disableOn404, boolean last) {
        this.rules = rules;
        this.headRequest = headRequest;
        this.disableOn404 = disableOn404;
        this.last = last;
        boolean body = false;
        boolean headers = false;
        for (HttpExpectRule rule : rules) {
            body |= rule.isBodyRule();
            headers |= rule.isHeaderRule();
        }
        this.bodyRules = body;
        this.headerRules = headers;
    }

    /**
     * Judges the response bytes received so far. Call it again with the longer buffer each time bytes
     * arrive, and once with {@code endOfStream} when the server closes; it re-reads from the start and keeps
     * no state between calls. Nothing the server sends makes it throw.
     *
     * @param buf         the response bytes from the first byte received; never null
     * @param length      how many bytes of {@code buf} are valid, {@code 0..min(buf.length, }
     *                    {@value #MAX_RESPONSE_BYTES}{@code )}; reaching {@value #MAX_RESPONSE_BYTES} means
     *                    the buffer is full and the verdict is final
     * @param endOfStream true when the server closed its side, so that no byte will follow
     * @return the verdict, or null when more bytes are needed to decide (never null when
     *         {@code endOfStream} or when the buffer is full)
     * @throws NullPointerException     if {@code buf} is null
     * @throws IllegalArgumentException if {@code length} is out of range
     */
    public CheckVerdict judge(byte[] buf, int length, boolean endOfStream) {
        return judge(buf, length, endOfStream, null);
    }

    /**
     * Judges as {@link #judge(byte[], int, boolean)} does, parsing with {@code scratch}'s message instead of a new
     * one: the check sessions of a thread judge every read of every check with one. When the scratch's last
     * judgement was by this judge, of a response of at most 512 bytes equal byte for byte to this one (same length,
     * same end of stream), it returns that judgement's verdict instance without parsing: verdicts are immutable
     * values, so only their identity can repeat, never their content.
     *
     * @param buf         as {@link #judge(byte[], int, boolean)}
     * @param length      as {@link #judge(byte[], int, boolean)}
     * @param endOfStream as {@link #judge(byte[], int, boolean)}
     * @param scratch     the caller's reusable parsing state, confined to the caller's thread; null for none
     * @return as {@link #judge(byte[], int, boolean)}
     * @throws NullPointerException     if {@code buf} is null
     * @throws IllegalArgumentException if {@code length} is out of range
     */
    public CheckVerdict judge(byte[] buf, int length, boolean endOfStream, Scratch scratch) {
        Objects.requireNonNull(buf, "buf");
        if (length < 0 || length > buf.length || length > MAX_RESPONSE_BYTES) {
            throw new IllegalArgumentException("length: " + length + " (expected: 0.." + Math.min(buf.length,
                    MAX_RESPONSE_BYTES) + ")");
        }
        if (length == 0 && !endOfStream) {
            // nothing read yet (the interpreter asks right after sending the request): more is needed, as the
            // parser would say, without building a message
            return null;
        }
        if (scratch == null) {
            return judge(new Http1Response(buf, length, headerRules), length, endOfStream);
        }
        if (scratch.judge == this && scratch.length == length && scratch.endOfStream == endOfStream
                && Arrays.equals(scratch.bytes, 0, length, buf, 0, length)) {
            // the same bytes as the last judgement, by this (immutable) judge: the same verdict
            return scratch.verdict;
        }
        Http1Response msg = scratch.message;
        if (msg == null) {
            msg = new Http1Response(buf, length, headerRules);
            scratch.message = msg;
        } else {
            msg.reset(buf, length, headerRules);
        }
        CheckVerdict verdict = judge(msg, length, endOfStream);
        scratch.remember(this, buf, length, endOfStream, verdict);
        return verdict;
    }

    /** Judges the response {@code msg} holds, from its first byte: the verdict of {@link #judge(byte[], int, boolean)}. */
    private CheckVerdict judge(Http1Response msg, int length, boolean endOfStream) {
        boolean full = length == MAX_RESPONSE_BYTES;
        int head = msg.parseHead();
        if (head == Http1Response.BAD) {
            return invalid();
        }
        if (head == Http1Response.MORE) {
            return endOfStream || full ? invalid() : null;
        }
        msg.frameBody(headRequest, bodyRules);
        if (msg.isBad()) {
            return invalid();
        }
        if (disableOn404 && msg.code() == 404) {
            return new CheckVerdict(CheckStatus.L7OKC, 404, "");
        }
        boolean lastRead = endOfStream || full || msg.isComplete();
        for (HttpExpectRule rule : rules) {
            CheckVerdict failure;
            if (!rule.isBodyRule()) {
                failure = rule.matchesHead(msg) == rule.inverse()
                        ? rule.failure(CheckStatus.L7STS, msg.code(), msg.reason()) : null;
            } else {
                if (msg.bodyLength() == 0) {
                    if (!lastRead) {
                        return null;
                    }
                    return rule.failure(CheckStatus.L7RSP, msg.code(), INFO_NO_BODY);
                }
                if (!lastRead && msg.bodyLength() < rule.bodyBytesWanted()) {
                    return null;
                }
                boolean match = rule.matchesBody(msg);
                if (!match && !lastRead && rule.waitsOnMismatch()) {
                    return null;
                }
                failure = match == rule.inverse()
                        ? rule.failure(CheckStatus.L7RSP, msg.code(), rule.inverse() ? INFO_UNWANTED : INFO_NO_MATCH)
                        : null;
            }
            if (failure != null) {
                return failure;
            }
        }
        if (!last) {
            return new CheckVerdict(CheckStatus.L7OK, msg.code(), "");
        }
        return rules[rules.length - 1].success(msg.code());
    }

    /**
     * Returns the status of a timeout while the rules wait on the bytes received so far: the
     * {@code tout-status} of the rule that waits (the first rule while the header block is incomplete, else
     * the first body rule), or {@link CheckStatus#L7TOUT}.
     *
     * @param buf    the response bytes so far; never null
     * @param length how many bytes of {@code buf} are valid
     * @return the timeout status, never null
     * @throws NullPointerException if {@code buf} is null
     */
    public CheckStatus timeoutStatus(byte[] buf, int length) {
        Objects.requireNonNull(buf, "buf");
        HttpExpectRule waiting = rules[0];
        if (length > 0 && new Http1Response(buf, Math.min(length, buf.length), false).parseHead() >= 0) {
            for (HttpExpectRule rule : rules) {
                if (rule.isBodyRule()) {
                    waiting = rule;
                    break;
                }
            }
        }
        return waiting.timeoutStatus();
    }

    /** A response that is not HTTP: {@code L7RSP}, code 0, the first rule's {@code on-error} and comment. */
    private CheckVerdict invalid() {
        return rules[0].withOptions(CheckStatus.L7RSP, 0, "");
    }

    /**
     * A judge's parsing state that a caller reuses from one call to the next (any judge may use it): the check
     * sessions of one thread share one. What one call leaves for the next changes no verdict: the message parsed
     * last (its bytes stay referenced until the next call), and the last short response judged with its verdict,
     * given again without parsing when the same judge is asked about the same bytes (an exact copy is compared, so
     * the caller may reuse or change its arrays).
     *
     * <p>Not thread-safe: confined to the thread of its owner.
     */
    public static final class Scratch {

        /** The longest response whose verdict a scratch remembers: a steady server's short answer. */
        static final int REMEMBERED_BYTES = 512;

        private Http1Response message;
        /**
         * The last judgement of a response of at most {@link #REMEMBERED_BYTES} bytes: the judge, a copy of the bytes,
         * their length, whether the stream had ended, and the verdict (null: more bytes were needed). A judge is
         * immutable and its verdict a function of these alone (verdicts are immutable values), so the same call
         * again gives this verdict without parsing: the simulation's scripted servers answer every check with the
         * same bytes. Null judge: nothing remembered.
         */
        private HttpResponseJudge judge;
        private byte[] bytes = new byte[0];
        private int length;
        private boolean endOfStream;
        private CheckVerdict verdict;

        /** Creates an empty scratch. */
        public Scratch() {
        }

        private void remember(HttpResponseJudge by, byte[] buf, int count, boolean ended, CheckVerdict result) {
            if (count > REMEMBERED_BYTES) {
                judge = null;
                return;
            }
            if (bytes.length < count) {
                bytes = new byte[REMEMBERED_BYTES];
            }
            System.arraycopy(buf, 0, bytes, 0, count);
            judge = by;
            length = count;
            endOfStream = ended;
            verdict = result;
        }
    }
}
