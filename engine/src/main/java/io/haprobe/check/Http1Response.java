package io.haprobe.check;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One pass of HAProxy 2.6's H1 response parser (its H1 multiplexer) over the bytes of an HTTP check's response
 * received so far: the status line, the header block, then the body's framing. {@link HttpResponseJudge} runs
 * a new pass from the first byte each time bytes arrive. As in HAProxy: leading empty lines are skipped; the
 * version must be {@code HTTP/<digit>.<digit>}; the status is any run of digits kept in 16 bits; lines end in
 * CRLF or a bare LF; header names are tokens, a line starting with a space or tab continues the previous value,
 * at most {@value #MAX_HEADERS} headers; a Transfer-Encoding other than a single {@code chunked}, or
 * Content-Length values that disagree, are errors; chunked bodies are decoded, extensions and trailers skipped;
 * the response to {@code HEAD} and {@code 1xx}, {@code 204} and {@code 304} responses have no body, and a body
 * without length or chunking runs to the close. Bytes are read as ISO-8859-1.
 *
 * <p>Confined to the calling thread; one per {@link HttpResponseJudge#judge} call. Nothing the server sends
 * makes it throw.
 */
final class Http1Response {

    /** What {@link #parseHead()} returns when the header block is not complete yet. */
    static final int MORE = -1;
    /** What {@link #parseHead()} returns for a response HAProxy rejects. */
    static final int BAD = -2;

    /** The most headers a response may have ({@code tune.http.maxhdr} 101, less one slot HAProxy keeps). */
    static final int MAX_HEADERS = 100;

    private static final int FRAME_NONE = 0;
    private static final int FRAME_LENGTH = 1;
    private static final int FRAME_CHUNKED = 2;
    private static final int FRAME_CLOSE = 3;

    private static final int HEADER_CONTENT_LENGTH = 1;
    private static final int HEADER_TRANSFER_ENCODING = 2;

    private byte[] buf;
    private int length;
    /**
     * Name and value bounds of each header, 4 ints a header, grown as headers come up to MAX_HEADERS; null
     * when no rule looks at headers.
     */
    private int[] headers;
    private int headerCount;
    private int status;
    private int codeStart;
    private int codeEnd;
    private int reasonStart;
    private int reasonEnd;
    private int headEnd;
    private long contentLength = -1;
    private boolean transferEncoding;
    private boolean chunked;
    private boolean bad;
    private boolean complete;
    private byte[] body;
    private int bodyStart;
    private int bodyLength;

    /**
     * Prepares a pass over {@code length} bytes of {@code buf}; nothing is parsed yet.
     *
     * @param buf         the response bytes from the first byte received; not copied
     * @param length      how many of them count
     * @param keepHeaders whether to keep each header's bounds, for {@code hdr} and {@code fhdr} rules
     */
    Http1Response(byte[] buf, int length, boolean keepHeaders) {
        this.buf = buf;
        this.length = length;
        this.headers = keepHeaders ? new int[4 * 8] : null;
    }

    /**
     * Makes this pass a new one over {@code length} bytes of {@code buf}, as the constructor would (the header
     * bounds' array is kept): a check session judges each read with one message.
     *
     * @param buf         the response bytes from the first byte received; not copied
     * @param length      how many of them count
     * @param keepHeaders whether to keep each header's bounds, for {@code hdr} and {@code fhdr} rules
     */
    void reset(byte[] buf, int length, boolean keepHeaders) {
        this.buf = buf;
        this.length = length;
        if (!keepHeaders) {
            headers = null;
        } else if (headers == null) {
            headers = new int[4 * 8];
        }
        headerCount = 0;
        status = 0;
        codeStart = 0;
        codeEnd = 0;
        reasonStart = 0;
        reasonEnd = 0;
        headEnd = 0;
        contentLength = -1;
        transferEncoding = false;
        chunked = false;
        bad = false;
        complete = false;
        body = null;
        bodyStart = 0;
        bodyLength = 0;
    }

    /** Returns the status as HAProxy stores it, in 16 unsigned bits: what {@code status} ranges compare. */
    int status() {
        return status;
    }

    /** Returns the status as HAProxy reports it (a signed 16-bit value): the verdict's code. */
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

    /** Returns the status digits as they were sent, what an {@code rstatus} regex sees. */
    CharSequence statusText() {
        return new ContentMatch.Latin1(buf, codeStart, codeEnd - codeStart);
    }

    /** Returns the response bytes this pass reads. */
    byte[] bytes() {
        return buf;
    }

    /** Returns how many headers were kept; 0 unless the pass keeps headers. */
    int headerCount() {
        return headers == null ? 0 : headerCount;
    }

    /** Returns the offset in {@link #bytes()} where the name of header {@code h} starts. */
    int nameStart(int h) {
        return headers[4 * h];
    }

    /** Returns the offset in {@link #bytes()} just after the name of header {@code h}. */
    int nameEnd(int h) {
        return headers[4 * h + 1];
    }

    /** Returns the offset in {@link #bytes()} where the value of header {@code h} starts, spaces skipped. */
    int valueStart(int h) {
        return headers[4 * h + 2];
    }

    /** Returns the offset in {@link #bytes()} just after the value of header {@code h}, trailing spaces trimmed. */
    int valueEnd(int h) {
        return headers[4 * h + 3];
    }

    /** Returns the array holding the body after {@link #frameBody}: {@link #bytes()}, or the decoded chunks. */
    byte[] body() {
        return body;
    }

    /** Returns where the body starts in {@link #body()}. */
    int bodyStart() {
        return bodyStart;
    }

    /** Returns how many body bytes were received (decoded, for a chunked body). */
    int bodyLength() {
        return bodyLength;
    }

    /** Tells whether {@link #frameBody} found a framing error HAProxy rejects. */
    boolean isBad() {
        return bad;
    }

    /** Tells whether the whole message was received (its length reached, its last chunk, or no body). */
    boolean isComplete() {
        return complete;
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

    /** Frames the body after the header block; sets {@link #isBad()}, {@link #isComplete()} and the body view. */
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
                // only this line is scanned: a blank continuation leaves the value's end where it was (everything
                // back to it is blank), and scanning back over all earlier ones made many of them quadratic
                int trimmed = trimEnd(p, end);
                if (trimmed > p) {
                    pendingEnd = trimmed;
                }
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
     * and its trailers, and when {@code decode} copies the chunk data into {@link #body()}.
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
