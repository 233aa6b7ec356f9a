package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.HttpExpect;
import io.haprobe.config.StatusRange;

import java.nio.charset.StandardCharsets;
import java.util.List;
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
 *   <tr><td>every rule passes</td><td>{@link CheckStatus#L7OKD} ({@code L7OK})</td><td>the HTTP status</td>
 *       <td>empty</td></tr>
 *   <tr><td>a {@code status} or {@code rstatus} rule fails</td><td>{@link CheckStatus#L7STS}</td>
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
 * judge.judge(rsp, rsp.length, false); // CheckVerdict[status=L7OKD, code=204, info=]
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

    private static final CheckVerdict INVALID = new CheckVerdict(CheckStatus.L7RSP, 0, "");
    private static final HttpResponseJudge IMPLICIT = new HttpResponseJudge(
            new Rule[] {Rule.status(false, new int[] {200}, new int[] {399})}, false);
    private static final HttpResponseJudge IMPLICIT_HEAD = new HttpResponseJudge(IMPLICIT.rules, true);

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
        boolean head = Objects.requireNonNull(requestMethod, "requestMethod").equals("HEAD");
        if (expects.isEmpty()) {
            return head ? IMPLICIT_HEAD : IMPLICIT;
        }
        Rule[] rules = new Rule[expects.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = Rule.of(Objects.requireNonNull(expects.get(i), "expects[" + i + "]"));
        }
        return new HttpResponseJudge(rules, head);
    }

    private final Rule[] rules;
    private final boolean bodyRules;
    private final boolean headRequest;

    private HttpResponseJudge(Rule[] rules, boolean headRequest) {
        this.rules = rules;
        this.headRequest = headRequest;
        boolean body = false;
        for (Rule rule : rules) {
            body |= rule.kind == HttpExpect.Match.STRING || rule.kind == HttpExpect.Match.RSTRING;
        }
        this.bodyRules = body;
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
        Message msg = new Message(buf, length);
        int head = msg.parseHead();
        if (head == Message.BAD) {
            return INVALID;
        }
        if (head == Message.MORE) {
            return endOfStream || full ? INVALID : null;
        }
        msg.frameBody(headRequest, bodyRules);
        if (msg.bad) {
            return INVALID;
        }
        boolean lastRead = endOfStream || full || msg.complete;
        for (Rule rule : rules) {
            CheckVerdict failure;
            switch (rule.kind) {
                case STATUS, RSTATUS -> failure = judgeStatus(rule, msg);
                default -> {
                    if (msg.bodyLength == 0) {
                        if (!lastRead) {
                            return null;
                        }
                        return new CheckVerdict(CheckStatus.L7RSP, msg.code(), INFO_NO_BODY);
                    }
                    if (!lastRead && rule.needle != null && msg.bodyLength < rule.needle.length) {
                        return null;
                    }
                    boolean match = rule.matchesBody(msg);
                    if (!match && !lastRead) {
                        return null;
                    }
                    failure = match == rule.inverse
                            ? new CheckVerdict(CheckStatus.L7RSP, msg.code(), rule.inverse ? INFO_UNWANTED : INFO_NO_MATCH)
                            : null;
                }
            }
            if (failure != null) {
                return failure;
            }
        }
        return new CheckVerdict(CheckStatus.L7OKD, msg.code(), "");
    }

    private static CheckVerdict judgeStatus(Rule rule, Message msg) {
        boolean match;
        if (rule.kind == HttpExpect.Match.STATUS) {
            match = false;
            for (int i = 0; i < rule.lows.length && !match; i++) {
                match = msg.status >= rule.lows[i] && msg.status <= rule.highs[i];
            }
        } else {
            match = rule.regex.matcher(new Latin1(msg.buf, msg.codeStart, msg.codeEnd)).find();
        }
        return match == rule.inverse ? new CheckVerdict(CheckStatus.L7STS, msg.code(), msg.reason()) : null;
    }

    /** One compiled {@code http-check expect} rule. */
    private static final class Rule {
        static Rule status(boolean inverse, int[] lows, int[] highs) {
            return new Rule(HttpExpect.Match.STATUS, inverse, lows, highs, null, null);
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
                    yield status(expect.inverse(), lows, highs);
                }
                case STRING -> new Rule(expect.match(), expect.inverse(), null, null, null,
                        expect.pattern().getBytes(StandardCharsets.ISO_8859_1));
                case RSTATUS, RSTRING -> new Rule(expect.match(), expect.inverse(), null, null, expect.regex(), null);
            };
        }

        final HttpExpect.Match kind;
        final boolean inverse;
        final int[] lows;
        final int[] highs;
        final Pattern regex;
        final byte[] needle;

        private Rule(HttpExpect.Match kind, boolean inverse, int[] lows, int[] highs, Pattern regex, byte[] needle) {
            this.kind = kind;
            this.inverse = inverse;
            this.lows = lows;
            this.highs = highs;
            this.regex = regex;
            this.needle = needle;
        }

        boolean matchesBody(Message msg) {
            if (needle != null) {
                return indexOf(msg.body, msg.bodyStart, msg.bodyStart + msg.bodyLength, needle) >= 0;
            }
            return regex.matcher(new Latin1(msg.body, msg.bodyStart, msg.bodyStart + msg.bodyLength)).find();
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
                    continue;
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

        Message(byte[] buf, int length) {
            this.buf = buf;
            this.length = length;
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
