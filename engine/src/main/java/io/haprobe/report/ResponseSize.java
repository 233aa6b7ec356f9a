package io.haprobe.report;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code %B} of an {@code option httplog} line: the size HAProxy 2.6 counts for a response it forwards to the
 * client. HAProxy counts the response as its internal HTX message holds it, not the bytes on the wire: a fixed 20
 * for the start line's block, the version, the three status digits and the reason phrase, then the name and value
 * of each header (without {@code ": "} and CRLF), 1 for the end of the headers, the body (decoded when chunked, and
 * then 1 more for the end of the trailers). A {@code Connection: close} or {@code keep-alive} header is consumed by
 * the HTTP/1 parser and not counted. Observed on 2.6.12 ({@code engine/src/test/resources/httplog/}):
 * {@code HTTP/1.1 200 OK} with {@code Content-Length: 0} is 49 although 38 bytes reach the client; HAProxy's own
 * 502, 503 and 504 pages are 209, 217 and 198.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResponseSize {

    /** The start line's block: {@code struct htx_sl}'s fixed part. */
    private static final int START_LINE = 20;
    /** The end-of-headers block. */
    private static final int END_OF_HEADERS = 1;

    private ResponseSize() {
    }

    /**
     * Returns the {@code %B} of one of HAProxy 2.6's own error responses, the ones the traffic model produces.
     *
     * @param status 502 ({@code Bad Gateway}: invalid or closed response), 503 ({@code Service Unavailable}: no
     *               server, queue timeout, connect failed) or 504 ({@code Gateway Time-out}: {@code timeout server})
     * @return 209, 217 or 198
     * @throws IllegalArgumentException for another status
     */
    public static long errorPage(int status) {
        return switch (status) {
            case 502 -> 209;
            case 503 -> 217;
            case 504 -> 198;
            default -> throw new IllegalArgumentException("status: " + status + " (expected: 502, 503 or 504)");
        };
    }

    /**
     * Returns the {@code %B} of a server's response as HAProxy counts it.
     *
     * @param version    the version of the status line, e.g. {@code HTTP/1.1}; never null
     * @param status     the status code, 100 to 999 (three digits)
     * @param reason     the reason phrase, possibly empty; never null
     * @param headers    the headers as sent, in order; never null
     * @param bodyLength the body's length in bytes (decoded when chunked), {@code >= 0}
     * @param chunked    whether the body is sent with {@code Transfer-Encoding: chunked}
     * @return the size, {@code > 0}
     * @throws NullPointerException if {@code version}, {@code reason} or {@code headers} is null
     */
    public static long of(String version, int status, String reason, Map<String, String> headers, long bodyLength,
                          boolean chunked) {
        long size = START_LINE + version.length() + digits(status) + reason.length();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            size += header(header.getKey(), header.getValue());
        }
        return size + END_OF_HEADERS + bodyLength + (chunked ? 1 : 0);
    }

    /**
     * Returns the {@code %B} of a raw reply that starts with an HTTP/1.x status line: its head as
     * {@link #of} counts it, and the body up to its {@code Content-Length} (everything after the head without one).
     *
     * @param reply the bytes the server sends; never null
     * @return the size, or -1 when the reply has no complete HTTP head
     * @throws NullPointerException if {@code reply} is null
     */
    public static long ofRaw(byte[] reply) {
        String text = new String(Objects.requireNonNull(reply, "reply"), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        int firstLine = text.indexOf("\r\n");
        if (end < 0 || firstLine < 12 || !text.startsWith("HTTP/1.")) {
            return -1;
        }
        String[] start = text.substring(0, firstLine).split(" ", 3);
        long size = START_LINE + start[0].length() + start[1].length() + (start.length > 2 ? start[2].length() : 0);
        long contentLength = -1;
        boolean chunked = false;
        for (String line : text.substring(firstLine + 2, end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            size += header(name, value);
            if (name.equalsIgnoreCase("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    contentLength = -1;
                }
            }
            chunked |= name.equalsIgnoreCase("transfer-encoding");
        }
        long rest = text.length() - end - 4L;
        long body = chunked ? dechunkedLength(text, end + 4) : contentLength >= 0 ? Math.min(contentLength, rest)
                : rest;
        return size + END_OF_HEADERS + body + (chunked ? 1 : 0);
    }

    /** The data bytes of a chunked body starting at {@code from}, up to the last chunk or what was sent. */
    private static long dechunkedLength(String text, int from) {
        long total = 0;
        int at = from;
        while (at < text.length()) {
            int lineEnd = text.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            String size = text.substring(at, lineEnd);
            int extension = size.indexOf(';');
            long length;
            try {
                length = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (length == 0) {
                break;
            }
            long available = Math.min(length, text.length() - (lineEnd + 2L));
            total += available;
            at = (int) Math.min(text.length(), lineEnd + 2L + length + 2L);
        }
        return total;
    }

    /** One header's share: 0 for a connection header that only says close or keep-alive (the parser drops it). */
    private static int header(String name, String value) {
        if (name.equalsIgnoreCase("connection") && onlyConnectionModes(value)) {
            return 0;
        }
        return name.length() + value.length();
    }

    private static boolean onlyConnectionModes(String value) {
        for (String token : value.split(",")) {
            String mode = token.trim();
            if (!mode.equalsIgnoreCase("close") && !mode.equalsIgnoreCase("keep-alive")) {
                return false;
            }
        }
        return true;
    }

    private static int digits(int status) {
        return status < 1000 ? 3 : Integer.toString(status).length();
    }
}
