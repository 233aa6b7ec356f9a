package io.haprobe.check;

import io.haprobe.config.HttpHeader;
import io.haprobe.config.HttpSend;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Serializes the request of an HTTP check ({@code option httpchk}, {@code http-check send}; CFG §4.2)
 * to exactly the bytes HAProxy 2.6.12 puts on the wire (spec §4.3), where HAProxy builds the request as
 * HTX and its H1 multiplexer rewrites it.
 *
 * <table>
 *   <caption>What the multiplexer changes</caption>
 *   <tr><th>part</th><th>on the wire</th></tr>
 *   <tr><td>request line</td><td>{@code HTTP/1.1} when the version counts as 1.1 for the request line (see
 *       below), otherwise the version exactly as configured, e.g. {@code HTTP/1.0}, {@code HTTP/3},
 *       {@code FOO}</td></tr>
 *   <tr><td>header names</td><td>lowercased (ASCII); values unchanged; headers with an empty value,
 *       {@code content-length} and {@code transfer-encoding} left out</td></tr>
 *   <tr><td>{@code connection}</td><td>the tokens {@code close} and {@code keep-alive} are taken out of
 *       the user's Connection headers (which stay in place with their other tokens joined by {@code ,}, or
 *       go if none is left); then {@code connection: close} is added last for a keep-alive version when the
 *       user gave no Connection header or gave {@code close}, and {@code connection: keep-alive} is added
 *       last for another version when the user asked for {@code keep-alive} without {@code close}; nothing
 *       is added when a token {@code upgrade} was given</td></tr>
 *   <tr><td>{@code content-length}</td><td>after the user's headers: the body length when there is a
 *       body, {@code 0} when there is none and the method is not {@code GET}, {@code HEAD},
 *       {@code OPTIONS} or {@code DELETE} (case-sensitive), absent otherwise</td></tr>
 * </table>
 *
 * <p>Two version tests are involved, on the characters of the version string: it is a <em>keep-alive
 * version</em> if it has 8 characters and its 6th is above {@code '1'}, or is {@code '1'} with the 8th at
 * least {@code '1'} ({@code HTTP/1.1}, {@code HTTP/2.0}, {@code http/1.1}); it says {@code HTTP/1.1} on the
 * request line if it is a keep-alive version or has 6 characters with a 6th {@code '2'} ({@code HTTP/2}),
 * so {@code HTTP/2} sends {@code HTTP/1.1} yet behaves as 1.0 for the Connection header.
 *
 * <p>Strings are written one byte per character (ISO-8859-1), as HAProxy copies configuration bytes; a
 * character above U+00FF becomes {@code ?}. {@code uri-lf} and log-format header values are not handled
 * here. The {@code http-check send-state} header ({@link #serverState}) is written after the user's headers,
 * as {@code x-haproxy-server-state} (spec §4.4).
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * byte[] wire = HttpRequestEncoder.encode(send); // "GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
 * }</pre>
 */
public final class HttpRequestEncoder {

    private static final int TOKEN_CLOSE = 1;
    private static final int TOKEN_KEEP_ALIVE = 2;
    private static final int TOKEN_UPGRADE = 4;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COMMA = {','};
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] CONTENT_LENGTH = ascii("content-length: ");
    private static final byte[] CONNECTION = ascii("connection: ");
    private static final byte[] CONNECTION_CLOSE = ascii("connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("connection: keep-alive\r\n");
    private static final byte[] SERVER_STATE = ascii("x-haproxy-server-state: ");

    /**
     * Returns the bytes HAProxy 2.6.12 sends for {@code send}.
     *
     * @param send the merged request of {@code option httpchk} and the first {@code http-check send}; never
     *             null
     * @return a new array holding the request line, the headers, the empty line and the body
     * @throws NullPointerException if {@code send} is null
     */
    public static byte[] encode(HttpSend send) {
        return encode(send, null);
    }

    /**
     * Returns the bytes HAProxy 2.6.12 sends for {@code send} in a backend with {@code http-check send-state}:
     * the header {@code x-haproxy-server-state: <serverState>} follows the user's headers.
     *
     * @param send        the request; never null
     * @param serverState the header value from {@link #serverState}, or null for no such header
     * @return a new array holding the request line, the headers, the empty line and the body
     * @throws NullPointerException if {@code send} is null
     */
    public static byte[] encode(HttpSend send, String serverState) {
        String version = send.version();
        boolean keepAliveVersion = isKeepAliveVersion(version);
        boolean saysHttp11 = keepAliveVersion || (version.length() == 6 && version.charAt(5) == '2');
        byte[] body = send.body().getBytes(StandardCharsets.ISO_8859_1);

        Out out = new Out(128 + body.length);
        out.write(send.method()).write(' ').write(send.uri()).write(' ');
        if (saysHttp11) {
            out.write(HTTP_1_1);
        } else {
            out.write(version);
        }
        out.write(CRLF);

        boolean userConnection = false;
        int tokens = 0;
        for (HttpHeader header : send.headers()) {
            String name = header.name();
            String value = header.value();
            if (value.isEmpty() || name.equalsIgnoreCase("content-length")
                    || name.equalsIgnoreCase("transfer-encoding")) {
                continue;
            }
            if (name.equalsIgnoreCase("connection")) {
                userConnection = true;
                tokens |= writeConnection(out, value);
                continue;
            }
            out.writeLowerCase(name).write(':').write(' ').write(value).write(CRLF);
        }
        if (serverState != null) {
            out.write(SERVER_STATE).write(serverState).write(CRLF);
        }

        if (body.length > 0 || !isBodylessMethod(send.method())) {
            out.write(CONTENT_LENGTH).write(Integer.toString(body.length)).write(CRLF);
        }
        boolean close = !userConnection || (tokens & TOKEN_CLOSE) != 0;
        if ((tokens & TOKEN_UPGRADE) == 0) {
            if (keepAliveVersion && close) {
                out.write(CONNECTION_CLOSE);
            } else if (!keepAliveVersion && !close && (tokens & TOKEN_KEEP_ALIVE) != 0) {
                out.write(CONNECTION_KEEP_ALIVE);
            }
        }
        return out.write(CRLF).write(body).toByteArray();
    }

    /**
     * Returns the bytes the request takes as the HTX message HAProxy 2.6.12 builds before its H1 multiplexer
     * writes it, which must fit the check's buffer ({@code tune.bufsize}; {@link CheckRule.SendError#ofHttp}):
     * 100 bytes of message and start-line overhead, the method, URI and version as configured, 8 bytes plus name
     * and value per user header and for {@code x-haproxy-server-state}, a {@code content-length} header and a
     * data block (8 bytes plus the body) when there is a body, and 8 for the end of headers. The Connection
     * header is the multiplexer's and takes no room here. Fitted on 2.6.12 with {@code tune.bufsize 2048}: the
     * last URI, header value and body lengths that pass are 1928, 1915 and 1894 bytes
     * ({@code GET / HTTP/1.0}, one header {@code X-Big}).
     *
     * @param send        the request; never null
     * @param serverState the {@code send-state} header value, or null for none
     * @return the size in bytes
     * @throws NullPointerException if {@code send} is null
     */
    public static int htxSize(HttpSend send, String serverState) {
        long size = 100L + send.method().length() + send.uri().length() + send.version().length() + 8;
        for (HttpHeader header : send.headers()) {
            size += 8 + header.name().length() + header.value().length();
        }
        if (serverState != null) {
            size += 8 + "x-haproxy-server-state".length() + serverState.length();
        }
        int body = send.body().length();
        if (body > 0) {
            size += 8 + "content-length".length() + Integer.toString(body).length() + 8 + body;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /**
     * Builds the value of the {@code X-Haproxy-Server-State} header of {@code http-check send-state} (spec
     * §4.4), e.g. {@code UP 1/3; address=127.0.0.1; port=8080; name=be/s1; node=vm; weight=10/20; scur=0/0;
     * qcur=0}. No {@code throttle} part: it only appears during slowstart.
     *
     * @param state           the server's state as HAProxy words it here: {@code UP}, {@code UP 1/3},
     *                        {@code DOWN}, {@code DOWN 1/2}, {@code NOLB}, {@code NOLB 2/3} or
     *                        {@code no check}; never null
     * @param address         the server's address (not the check address); never null
     * @param port            the server's service port (not the check port)
     * @param backend         the backend name; never null
     * @param server          the server name; never null
     * @param node            the global {@code node} name; never null
     * @param weight          the server's current weight
     * @param totalWeight     the backend's total weight of usable servers
     * @param sessions        the server's current sessions
     * @param backendSessions the backend's connections less its queue
     * @param queued          the server's queue length
     * @return the header value, never null
     */
    public static String serverState(String state, String address, int port, String backend, String server,
                                     String node, int weight, int totalWeight, int sessions, int backendSessions,
                                     int queued) {
        return state + "; address=" + address + "; port=" + port + "; name=" + backend + '/' + server + "; node="
                + node + "; weight=" + weight + '/' + totalWeight + "; scur=" + sessions + '/' + backendSessions
                + "; qcur=" + queued;
    }

    /**
     * Tells whether HAProxy's H1 multiplexer treats {@code version} as HTTP/1.1 or later (keep-alive by
     * default): 8 characters, and {@code major > '1'} or {@code major == '1' && minor >= '1'}.
     */
    static boolean isKeepAliveVersion(String version) {
        if (version.length() != 8) {
            return false;
        }
        char major = version.charAt(5);
        return major > '1' || (major == '1' && version.charAt(7) >= '1');
    }

    private HttpRequestEncoder() {
    }

    private static boolean isBodylessMethod(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("DELETE");
    }

    /**
     * Writes a user Connection header without its {@code close} and {@code keep-alive} tokens, or nothing if
     * no other token is left, and returns the {@code TOKEN_*} bits seen. Kept tokens lose their leading
     * blanks but keep their trailing ones and are joined by a bare comma, as the H1 multiplexer rewrites
     * them ({@code "Upgrade, close, foo"} becomes {@code "Upgrade,foo"}, {@code "Upgrade , keep-alive"}
     * becomes {@code "Upgrade "}).
     */
    private static int writeConnection(Out out, String value) {
        int seen = 0;
        int kept = 0;
        int length = value.length();
        int start = 0;
        while (start <= length) {
            int end = value.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            int from = start;
            while (from < end && isBlank(value.charAt(from))) {
                from++;
            }
            int to = end;
            while (to > from && isBlank(value.charAt(to - 1))) {
                to--;
            }
            if (to > from) {
                if (value.regionMatches(true, from, "close", 0, 5) && to - from == 5) {
                    seen |= TOKEN_CLOSE;
                } else if (value.regionMatches(true, from, "keep-alive", 0, 10) && to - from == 10) {
                    seen |= TOKEN_KEEP_ALIVE;
                } else {
                    if (value.regionMatches(true, from, "upgrade", 0, 7) && to - from == 7) {
                        seen |= TOKEN_UPGRADE;
                    }
                    out.write(kept++ == 0 ? CONNECTION : COMMA).write(value, from, end);
                }
            }
            start = end + 1;
        }
        if (kept > 0) {
            out.write(CRLF);
        }
        return seen;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growable byte array writing characters as ISO-8859-1. */
    private static final class Out {
        private byte[] bytes;
        private int size;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        Out write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
            return this;
        }

        Out write(char c) {
            ensure(1);
            bytes[size++] = latin1(c);
            return this;
        }

        Out write(String s) {
            return write(s, 0, s.length());
        }

        Out write(String s, int from, int to) {
            ensure(to - from);
            for (int i = from; i < to; i++) {
                bytes[size++] = latin1(s.charAt(i));
            }
            return this;
        }

        Out writeLowerCase(String s) {
            int n = s.length();
            ensure(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                bytes[size++] = latin1(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
            }
            return this;
        }

        byte[] toByteArray() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        private static byte latin1(char c) {
            return c <= 0xFF ? (byte) c : (byte) '?';
        }
    }
}
