package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.ExpectOptions;
import io.haprobe.config.HttpExpect;
import io.haprobe.config.StatusRange;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

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
 * <p>HTTP parsing follows HAProxy's H1 multiplexer: the version must be {@code HTTP/<digit>.<digit>};
 * the status is any run of digits (HAProxy keeps it in 16 bits: {@code 70000} reads as {@code 4464});
 * the reason phrase is optional; lines may end in CRLF or a bare LF; at most {@value #MAX_HEADERS}
 * headers; a Transfer-Encoding other than a single {@code chunked}, or conflicting Content-Length
 * values, are errors; chunked bodies are decoded before matching. Bytes are read as ISO-8859-1.
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
    public static final int MAX_HEADERS = 100;

    /** The info of a body rule that did not match. */
    public static final String INFO_NO_MATCH = "HTTP content check did not match";
    /** The info of a negated body rule that matched. */
    public static final String INFO_UNWANTED = "HTTP check matched unwanted content";
    /** The info of a body rule, negated or not, that found an empty body at the end of the message. */
    public static final String INFO_NO_BODY = "HTTP content check could not find a response body";

    private static final HttpResponseJudge IMPLICIT = new HttpResponseJudge(
            new Rule[] {Rule.status(false, new int[] {200}, new int[] {399})}, false, false, true);
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
        Rule[] rules = new Rule[expects.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = Rule.of(Objects.requireNonNull(expects.get(i), "expects[" + i + "]"));
        }
        return new HttpResponseJudge(rules, head, disableOn404, last);
    }

    private final Rule[] rules;
    private final boolean bodyRules;
    /** Whether a rule looks at headers ({@code hdr}, {@code fhdr}): only then are their bounds kept. */
    private final boolean headerRules;
    private final boolean headRequest;
    private final boolean disableOn404;
    private final boolean last;

    private HttpResponseJudge(Rule[] rules, boolean headRequest, boolean disableOn404, boolean last) {
        this.rules = rules;
        this.headRequest = headRequest;
        this.disableOn404 = disableOn404;
        this.last = last;
        boolean body = false;
        boolean headers = false;
        for (Rule rule : rules) {
            body |= rule.kind == HttpExpect.Match.STRING || rule.kind == HttpExpect.Match.RSTRING;
            headers |= rule.kind == HttpExpect.Match.HDR || rule.kind == HttpExpect.Match.FHDR;
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
        Objects.requireNonNull(buf, "buf");
        if (length < 0 || length > buf.length || length > MAX_RESPONSE_BYTES) {
            throw new IllegalArgumentException("length: " + length + " (expected: 0.." + Math.min(buf.length,
                    MAX_RESPONSE_BYTES) + ")");
        }
        boolean full = length == MAX_RESPONSE_BYTES;
        Message msg = new Message(buf, length, headerRules);
        int head = msg.parseHead();
        if (head == Message.BAD) {
            return invalid();
        }
        if (head == Message.MORE) {
            return endOfStream || full ? invalid() : null;
        }
        msg.frameBody(headRequest, bodyRules);
        if (msg.bad) {
            return invalid();
        }
        if (disableOn404 && msg.code() == 404) {
            return new CheckVerdict(CheckStatus.L7OKC, 404, "");
        }
        boolean lastRead = endOfStream || full || msg.complete;
        for (Rule rule : rules) {
            CheckVerdict failure;
            switch (rule.kind) {
                case STATUS, RSTATUS, HDR, FHDR -> failure = rule.matchesHead(msg) == rule.inverse
                        ? rule.failure(CheckStatus.L7STS, msg.code(), msg.reason()) : null;
                default -> {
                    if (msg.bodyLength == 0) {
                        if (!lastRead) {
                            return null;
                        }
                        return rule.failure(CheckStatus.L7RSP, msg.code(), INFO_NO_BODY);
                    }
                    int wanted = rule.minRecv >= 0 ? rule.minRecv : rule.needle != null ? rule.needle.length : 0;
                    if (!lastRead && msg.bodyLength < wanted) {
                        return null;
                    }
                    boolean match = rule.matchesBody(msg);
                    if (!match && !lastRead && rule.minRecv < 0) {
                        return null;
                    }
                    failure = match == rule.inverse
                            ? rule.failure(CheckStatus.L7RSP, msg.code(), rule.inverse ? INFO_UNWANTED : INFO_NO_MATCH)
                            : null;
                }
            }
            if (failure != null) {
                return failure;
            }
        }
        if (!last) {
            return new CheckVerdict(CheckStatus.L7OK, msg.code(), "");
        }
        Rule final_ = rules[rules.length - 1];
        return new CheckVerdict(final_.okStatus != null ? final_.okStatus : CheckStatus.L7OK,
                final_.statusCode != null ? final_.statusCode : msg.code(),
                final_.onSuccess != null ? final_.onSuccess : "");
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
        Rule waiting = rules[0];
        if (length > 0 && new Message(buf, Math.min(length, buf.length), false).parseHead() >= 0) {
            for (Rule rule : rules) {
                if (rule.kind == HttpExpect.Match.STRING || rule.kind == HttpExpect.Match.RSTRING) {
                    waiting = rule;
                    break;
                }
            }
        }
        return waiting.timeoutStatus != null ? waiting.timeoutStatus : CheckStatus.L7TOUT;
    }

    /** A response that is not HTTP: {@code L7RSP}, code 0, the first rule's {@code on-error} and comment. */
    private CheckVerdict invalid() {
        return rules[0].withOptions(CheckStatus.L7RSP, 0, "");
    }

    /** One compiled {@code http-check expect} rule. */
    private static final class Rule {
        static Rule status(boolean inverse, int[] lows, int[] highs) {
            return new Rule(HttpExpect.Match.STATUS, inverse, lows, highs, null, null, null,
                    ExpectOptions.NONE);
        }

        static Rule of(HttpExpect expect) {
            return switch (expect.match()) {
                case STATUS -> {
                    List<StatusRange> ranges = expect.statuses();
                    int[] lows = new int[ranges.size()];
                    int[] highs = new int[ranges.size()];
                    for (int i = 0; i < lows.length; i++) {
                        lows[i] = ranges.get(i).low();
                        highs[i] = ranges.get(i).high();
                    }
                    yield new Rule(expect.match(), expect.inverse(), lows, highs, null, null, null, expect.options());
                }
                case STRING -> new Rule(expect.match(), expect.inverse(), null, null, null,
                        expect.pattern().getBytes(StandardCharsets.ISO_8859_1), null, expect.options());
                case RSTATUS, RSTRING -> new Rule(expect.match(), expect.inverse(), null, null, expect.regex(), null,
                        null, expect.options());
                case HDR, FHDR -> new Rule(expect.match(), expect.inverse(), null, null, null, null, expect.header(),
                        expect.options());
            };
        }

        final HttpExpect.Match kind;
        final boolean inverse;
        final int[] lows;
        final int[] highs;
        final Pattern regex;
        final byte[] needle;
        final HttpExpect.HeaderMatch header;
        final String comment;
        final CheckStatus okStatus;
        final CheckStatus errorStatus;
        final CheckStatus timeoutStatus;
        final String onSuccess;
        final String onError;
        final Integer statusCode;
        final int minRecv;

        private Rule(HttpExpect.Match kind, boolean inverse, int[] lows, int[] highs, Pattern regex, byte[] needle,
                     HttpExpect.HeaderMatch header, ExpectOptions options) {
            this.kind = kind;
            this.inverse = inverse;
            this.lows = lows;
            this.highs = highs;
            this.regex = regex;
            this.needle = needle;
            this.header = header;
            this.comment = options.comment();
            this.okStatus = options.okStatus();
            this.errorStatus = options.errorStatus();
            this.timeoutStatus = options.timeoutStatus();
            this.onSuccess = options.onSuccess();
            this.onError = options.onError();
            this.statusCode = options.statusCode();
            this.minRecv = options.minRecv();
        }

        /**
         * Builds a failure: the rule's {@code error-status} or {@code fallback}; the {@code on-error} text or
         * {@code info}, then {@code " comment: <comment>"}; the {@code status-code} or {@code code}.
         */
        CheckVerdict failure(CheckStatus fallback, int code, String info) {
            return withOptions(errorStatus != null ? errorStatus : fallback, code, info);
        }

        CheckVerdict withOptions(CheckStatus status, int code, String info) {
            String text = onError != null ? onError : info;
            if (comment != null) {
                text = text + " comment: " + comment;
            }
            return new CheckVerdict(status, statusCode != null ? statusCode : code, text);
        }

        boolean matchesHead(Message msg) {
            switch (kind) {
                case STATUS -> {
                    for (int i = 0; i < lows.length; i++) {
                        if (msg.status >= lows[i] && msg.status <= highs[i]) {
                            return true;
                        }
                    }
                    return false;
                }
                case RSTATUS -> {
                    return Regexes.find(regex, new Latin1(msg.buf, msg.codeStart, msg.codeEnd));
                }
                default -> {
                    return matchesHeader(msg);
                }
            }
        }

        /** HAProxy's {@code hdr}/{@code fhdr}: any header whose name and (one of its) value(s) match. */
        private boolean matchesHeader(Message msg) {
            for (int h = 0; h < msg.headerCount; h++) {
                int nameStart = msg.headers[4 * h];
                int nameEnd = msg.headers[4 * h + 1];
                if (!matchesName(msg.buf, nameStart, nameEnd)) {
                    continue;
                }
                if (header.value() == null) {
                    return true;
                }
                int valueStart = msg.headers[4 * h + 2];
                int valueEnd = msg.headers[4 * h + 3];
                if (kind == HttpExpect.Match.FHDR) {
                    if (matchesText(header.value(), new Latin1(msg.buf, valueStart, valueEnd), false)) {
                        return true;
                    }
                    continue;
                }
                int p = valueStart;
                while (p <= valueEnd) {
                    int comma = p;
                    while (comma < valueEnd && msg.buf[comma] != ',') {
                        comma++;
                    }
                    int from = p;
                    int to = comma;
                    while (from < to && (msg.buf[from] == ' ' || msg.buf[from] == '\t')) {
                        from++;
                    }
                    while (to > from && (msg.buf[to - 1] == ' ' || msg.buf[to - 1] == '\t')) {
                        to--;
                    }
                    if (matchesText(header.value(), new Latin1(msg.buf, from, to), false)) {
                        return true;
                    }
                    p = comma + 1;
                }
            }
            return false;
        }

        /** Header names are compared without case; a regex sees the lowercased name, as HAProxy's HTX stores it. */
        private boolean matchesName(byte[] buf, int from, int to) {
            String name = new String(buf, from, to - from, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            return matchesText(header.name(), name, true);
        }

        private static boolean matchesText(HttpExpect.TextMatch match, CharSequence text, boolean ignoreCase) {
            String pattern = match.pattern();
            String value = text.toString();
            if (ignoreCase && match.method() != HttpExpect.Method.REG) {
                pattern = pattern.toLowerCase(Locale.ROOT);
            }
            return switch (match.method()) {
                case STR -> value.equals(pattern);
                case BEG -> value.startsWith(pattern);
                case END -> value.endsWith(pattern);
                case SUB -> value.contains(pattern);
                case REG -> Regexes.find(match.regex(), text);
            };
        }

        boolean matchesBody(Message msg) {
            if (needle != null) {
                return indexOf(msg.body, msg.bodyStart, msg.bodyStart + msg.bodyLength, needle) >= 0;
            }
            return Regexes.find(regex, new Latin1(msg.body, msg.bodyStart, msg.bodyStart + msg.bodyLength));
        }

        private static int indexOf(byte[] hay, int from, int to, byte[] needle) {
            int n = needle.length;
            if (n == 0) {
                return from;
            }
            byte first = needle[0];
            int last = to - n;
            outer:
            for (int i = from; i <= last; i++) {
                if (hay[i] != first) {
                    continue outer;
                }
                for (int j = 1; j < n; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    /**
     * One pass of HAProxy's H1 response parser over the bytes received so far. Confined to the calling
     * thread; one per {@link #judge} call.
     */
    private static final class Message {
        static final int MORE = -1;
        static final int BAD = -2;

        private static final int FRAME_NONE = 0;
        private static final int FRAME_LENGTH = 1;
        private static final int FRAME_CHUNKED = 2;
        private static final int FRAME_CLOSE = 3;

        private static final int HEADER_CONTENT_LENGTH = 1;
        private static final int HEADER_TRANSFER_ENCODING = 2;

        final byte[] buf;
        final int length;
        /**
         * Name and value bounds of each header, 4 ints a header, grown as headers come up to MAX_HEADERS; null
         * when no rule looks at headers.
         */
        int[] headers;
        int headerCount;
        int status;
        int codeStart;
        int codeEnd;
        int reasonStart;
        int reasonEnd;
        int headEnd;
        long contentLength = -1;
        boolean transferEncoding;
        boolean chunked;
        boolean bad;
        boolean complete;
        byte[] body;
        int bodyStart;
        int bodyLength;

        Message(byte[] buf, int length, boolean keepHeaders) {
            this.buf = buf;
            this.length = length;
            this.headers = keepHeaders ? new int[4 * 8] : null;
        }

        int code() {
            return (short) status;
        }

        String reason() {
            int end = reasonStart;
            while (end < reasonEnd && buf[end] != 0) {
                end++;
            }
            return new String(buf, reasonStart, end - reasonStart, StandardCharsets.ISO_8859_1);
        }

        /** Parses the status line and headers; returns the offset of the body, {@link #MORE} or {@link #BAD}. */
        int parseHead() {
            int p = 0;
            while (true) {
                if (p >= length) {
                    return MORE;
                }
                if (buf[p] == '\n') {
                    p++;
                } else if (buf[p] == '\r') {
                    if (p + 1 >= length) {
                        return MORE;
                    }
                    if (buf[p + 1] != '\n') {
                        return BAD;
                    }
                    p += 2;
                } else {
                    break;
                }
            }
            int versionStart = p;
            while (p < length && isVersionChar(buf[p])) {
                p++;
            }
            if (p >= length) {
                return p - versionStart > 8 ? BAD : MORE;
            }
            if (!isSpaceOrTab(buf[p]) || !isValidVersion(versionStart, p)) {
                return BAD;
            }
            p = skipSpacesAndTabs(p);
            if (p >= length) {
                return MORE;
            }
            codeStart = p;
            int code = 0;
            while (p < length && isDigit(buf[p])) {
                code = code * 10 + (buf[p++] - '0');
            }
            if (p >= length) {
                return MORE;
            }
            codeEnd = p;
            status = code & 0xFFFF;
            if (p == codeStart || !isWhitespace(buf[p])) {
                return BAD;
            }
            p = skipSpacesAndTabs(p);
            reasonStart = p;
            while (p < length && buf[p] != '\r' && buf[p] != '\n') {
                p++;
            }
            reasonEnd = p;
            p = endOfLine(p);
            if (p < 0) {
                return p;
            }
            return parseHeaders(p);
        }

        /** Frames the body after the header block; sets {@link #bad}, {@link #complete} and the body view. */
        void frameBody(boolean headRequest, boolean wantBody) {
            body = buf;
            bodyStart = headEnd;
            int available = length - headEnd;
            int frame;
            if (headRequest || (status >= 100 && status < 200) || status == 204 || status == 304) {
                frame = FRAME_NONE;
            } else if (chunked) {
                frame = FRAME_CHUNKED;
            } else if (contentLength >= 0 && !transferEncoding) {
                frame = FRAME_LENGTH;
            } else {
                frame = FRAME_CLOSE;
            }
            switch (frame) {
                case FRAME_NONE -> complete = true;
                case FRAME_LENGTH -> {
                    bodyLength = (int) Math.min(available, contentLength);
                    complete = bodyLength == contentLength;
                }
                case FRAME_CHUNKED -> dechunk(wantBody);
                default -> bodyLength = available;
            }
        }

        private int parseHeaders(int p) {
            int count = 0;
            int pendingStart = -1;
            int pendingEnd = -1;
            int pendingKind = 0;
            while (true) {
                if (p >= length) {
                    return MORE;
                }
                byte c = buf[p];
                if (c == ' ' || c == '\t') {
                    if (count == 0) {
                        return BAD;
                    }
                    int end = lineContentEnd(p);
                    if (end < 0) {
                        return end;
                    }
                    pendingEnd = trimEnd(pendingStart, end);
                    if (headers != null) {
                        headers[4 * (count - 1) + 3] = pendingEnd;
                    }
                    p = endOfLine(end);
                    if (p < 0) {
                        return p;
                    }
                    continue;
                }
                if (pendingKind != 0 && !applyHeader(pendingKind, pendingStart, pendingEnd)) {
                    return BAD;
                }
                pendingKind = 0;
                if (c == '\r' || c == '\n') {
                    p = endOfLine(p);
                    if (p >= 0) {
                        headEnd = p;
                    }
                    return p;
                }
                int nameStart = p;
                p = headerNameEnd(p);
                if (p < 0) {
                    return p;
                }
                int kind = headerKind(nameStart, p);
                int nameEnd = p;
                p = skipSpacesAndTabs(p + 1);
                int end = lineContentEnd(p);
                if (end < 0) {
                    return end;
                }
                if (++count > MAX_HEADERS) {
                    return BAD;
                }
                pendingKind = kind;
                pendingStart = p;
                pendingEnd = trimEnd(p, end);
                if (headers != null) {
                    if (4 * count > headers.length) {
                        headers = Arrays.copyOf(headers, Math.min(2 * headers.length, 4 * MAX_HEADERS));
                    }
                    headers[4 * (count - 1)] = nameStart;
                    headers[4 * (count - 1) + 1] = nameEnd;
                    headers[4 * (count - 1) + 2] = pendingStart;
                    headers[4 * (count - 1) + 3] = pendingEnd;
                }
                headerCount = count;
                p = endOfLine(end);
                if (p < 0) {
                    return p;
                }
            }
        }

        private int headerKind(int from, int to) {
            if (equalsIgnoreCase(from, to, "content-length")) {
                return HEADER_CONTENT_LENGTH;
            }
            if (equalsIgnoreCase(from, to, "transfer-encoding")) {
                return HEADER_TRANSFER_ENCODING;
            }
            return 0;
        }

        /** Applies a Content-Length or Transfer-Encoding value; false when HAProxy rejects it. */
        private boolean applyHeader(int kind, int from, int to) {
            if (kind == HEADER_CONTENT_LENGTH) {
                return applyContentLength(from, to);
            }
            transferEncoding = true;
            int p = from;
            while (p < to) {
                int end = p;
                while (end < to && buf[end] != ',') {
                    end++;
                }
                int start = p;
                while (start < end && isWhitespace(buf[start])) {
                    start++;
                }
                int stop = end;
                while (stop > start && isWhitespace(buf[stop - 1])) {
                    stop--;
                }
                if (stop > start) {
                    if (!equalsIgnoreCase(start, stop, "chunked") || chunked) {
                        return false;
                    }
                    chunked = true;
                }
                p = end + 1;
            }
            return true;
        }

        private boolean applyContentLength(int from, int to) {
            int p = from;
            do {
                while (p < to && isWhitespace(buf[p])) {
                    p++;
                }
                if (p >= to || !isDigit(buf[p])) {
                    return false;
                }
                long value = 0;
                while (p < to && isDigit(buf[p])) {
                    if (value > (Long.MAX_VALUE - 9) / 10) {
                        return false;
                    }
                    value = value * 10 + (buf[p++] - '0');
                }
                while (p < to && isWhitespace(buf[p])) {
                    p++;
                }
                if (p < to && buf[p] != ',') {
                    return false;
                }
                if (contentLength >= 0 && contentLength != value) {
                    return false;
                }
                contentLength = value;
            } while (p++ < to);
            return true;
        }

        /**
         * Walks a chunked body: sets {@link #bad} on a framing error, {@link #complete} after the last chunk
         * and its trailers, and when {@code decode} copies the chunk data into {@link #body}.
         */
        private void dechunk(boolean decode) {
            byte[] out = decode ? new byte[length - headEnd] : null;
            int size = 0;
            int p = headEnd;
            while (p < length) {
                int sizeStart = p;
                long chunk = 0;
                while (p < length && hexValue(buf[p]) >= 0) {
                    if (chunk > (Long.MAX_VALUE >> 4)) {
                        bad = true;
                        return;
                    }
                    chunk = (chunk << 4) | hexValue(buf[p++]);
                }
                if (p >= length) {
                    break;
                }
                if (p == sizeStart) {
                    bad = true;
                    return;
                }
                p = skipSpacesAndTabs(p);
                if (p < length && buf[p] == ';') {
                    while (p < length && buf[p] != '\r' && buf[p] != '\n') {
                        p++;
                    }
                }
                if (p >= length) {
                    break;
                }
                p = endOfLine(p);
                if (p == BAD) {
                    bad = true;
                    return;
                }
                if (p == MORE) {
                    break;
                }
                if (chunk == 0) {
                    int end = parseTrailers(p);
                    bad = end == BAD;
                    complete = end >= 0;
                    break;
                }
                int take = (int) Math.min(chunk, length - p);
                if (decode) {
                    System.arraycopy(buf, p, out, size, take);
                }
                size += take;
                p += take;
                if (take < chunk || p >= length) {
                    break;
                }
                p = endOfLine(p);
                if (p == BAD) {
                    bad = true;
                    return;
                }
                if (p == MORE) {
                    break;
                }
            }
            if (decode) {
                body = out;
                bodyStart = 0;
            }
            bodyLength = size;
        }

        /** Parses the trailer section after the last chunk; returns the offset after it, MORE or BAD. */
        private int parseTrailers(int p) {
            while (true) {
                if (p >= length) {
                    return MORE;
                }
                if (buf[p] == '\r' || buf[p] == '\n') {
                    return endOfLine(p);
                }
                p = headerNameEnd(p);
                if (p < 0) {
                    return p;
                }
                int end = lineContentEnd(p + 1);
                if (end < 0) {
                    return end;
                }
                p = endOfLine(end);
                if (p < 0) {
                    return p;
                }
            }
        }

        /**
         * Scans a header or trailer name starting at {@code p}; returns the offset of the colon that ends it,
         * {@link #MORE} when the buffer ends first, or {@link #BAD} for an empty name or a non-token byte.
         */
        private int headerNameEnd(int p) {
            int nameStart = p;
            while (p < length && isToken(buf[p])) {
                p++;
            }
            if (p >= length) {
                return MORE;
            }
            return buf[p] == ':' && p != nameStart ? p : BAD;
        }

        /** Returns the offset of the CR or LF ending the line that holds {@code p}, or {@link #MORE}. */
        private int lineContentEnd(int p) {
            while (p < length && buf[p] != '\r' && buf[p] != '\n') {
                p++;
            }
            return p < length ? p : MORE;
        }

        /** Consumes the line end at {@code p} (LF or CRLF); returns the next offset, MORE or BAD. */
        private int endOfLine(int p) {
            if (p >= length) {
                return MORE;
            }
            if (buf[p] == '\n') {
                return p + 1;
            }
            if (buf[p] != '\r') {
                return BAD;
            }
            if (p + 1 >= length) {
                return MORE;
            }
            return buf[p + 1] == '\n' ? p + 2 : BAD;
        }

        private int trimEnd(int from, int to) {
            while (to > from && isWhitespace(buf[to - 1])) {
                to--;
            }
            return to;
        }

        private int skipSpacesAndTabs(int p) {
            while (p < length && isSpaceOrTab(buf[p])) {
                p++;
            }
            return p;
        }

        private boolean isValidVersion(int from, int to) {
            return to - from == 8 && buf[from] == 'H' && buf[from + 1] == 'T' && buf[from + 2] == 'T'
                    && buf[from + 3] == 'P' && buf[from + 4] == '/' && isDigit(buf[from + 5])
                    && buf[from + 6] == '.' && isDigit(buf[from + 7]);
        }

        private boolean equalsIgnoreCase(int from, int to, String lowerCase) {
            if (to - from != lowerCase.length()) {
                return false;
            }
            for (int i = 0; i < lowerCase.length(); i++) {
                int c = buf[from + i];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != lowerCase.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isDigit(byte c) {
            return c >= '0' && c <= '9';
        }

        private static int hexValue(byte c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            return -1;
        }

        private static boolean isSpaceOrTab(byte c) {
            return c == ' ' || c == '\t';
        }

        private static boolean isWhitespace(byte c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static boolean isVersionChar(byte c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '.' || c == '/';
        }

        /** RFC 9110 {@code tchar}: the characters of a header name. */
        private static boolean isToken(byte c) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c)) {
                return true;
            }
            return switch (c) {
                case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
                default -> false;
            };
        }
    }

    /** A view of ISO-8859-1 bytes as characters, so that regexes run without copying. */
    private static final class Latin1 implements CharSequence {
        private final byte[] bytes;
        private final int from;
        private final int to;

        Latin1(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.from = from;
            this.to = to;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[from + index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Latin1(bytes, from + start, from + end);
        }

        @Override
        public String toString() {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }
}
