package io.haprobe.sim;

import io.haprobe.report.ResponseSize;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What a scripted server does with one proxied request, reduced to what HAProxy's side of the connection sees:
 * the connection is refused or never answered, or it is accepted and then the server answers with a status, never
 * answers, resets, closes, or answers something that is not HTTP. {@link #of} derives it from the
 * {@linkplain Phase#requestBehaviour() phase's request behaviour}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind       what happens; never null
 * @param status     the HTTP status of a {@link Kind#RESPONSE}, 0 for the other kinds
 * @param delayNanos for a {@link Kind#RESPONSE}, {@link Kind#RESET}, {@link Kind#CLOSE} or {@link Kind#INVALID},
 *                   the time from the connection being established to the server's act, in nanoseconds,
 *                   {@code >= 0}; 0 for the other kinds
 */
public record ServedRequest(Kind kind, int status, long delayNanos) {

    /** The connect is refused (RST to the SYN, or an ICMP unreachable from a firewall). */
    public static final ServedRequest REFUSED = new ServedRequest(Kind.REFUSED, 0, 0);
    /** The SYN is never answered: the connect lasts until HAProxy's {@code timeout connect}. */
    public static final ServedRequest UNANSWERED = new ServedRequest(Kind.UNANSWERED, 0, 0);
    /** The server accepts and then says nothing, for ever. */
    public static final ServedRequest SILENT = new ServedRequest(Kind.SILENT, 0, 0);
    /** The TLS handshake HAProxy starts ({@code ssl} on the server line) fails. */
    public static final ServedRequest HANDSHAKE_FAILURE = new ServedRequest(Kind.HANDSHAKE_FAILURE, 0, 0);

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code kind} is null
     * @throws IllegalArgumentException if the status is not 100..599 for a response or not 0 otherwise, or the
     *                                  delay is negative
     */
    public ServedRequest {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.RESPONSE ? status < 100 || status > 599 : status != 0) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..599 for a response, else 0)");
        }
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delayNanos: " + delayNanos + " (expected: >= 0)");
        }
    }

    /**
     * Derives what a server playing {@code behaviour} does with one proxied HTTP request.
     *
     * <table>
     *   <caption>Behaviours</caption>
     *   <tr><th>behaviour</th><th>request</th></tr>
     *   <tr><td>{@code http}</td><td>a response with its status after its delay</td></tr>
     *   <tr><td>{@code tcp}, {@code dialogue}</td><td>the (first) reply after its delay: a response when it starts
     *       with an HTTP/1.x status line, else not HTTP; a dialogue without a reply closes, resets or stays
     *       silent as it says</td></tr>
     *   <tr><td>{@code refuse}, {@code blackhole}, {@code hang}</td><td>refused, unanswered, silent</td></tr>
     *   <tr><td>{@code reset}, {@code close}</td><td>reset or closed without a response after the delay</td></tr>
     *   <tr><td>{@code sequence}</td><td>the step for the connection's index</td></tr>
     *   <tr><td>{@code tls}</td><td>with {@code ssl} on the server line, its inner behaviour after the handshake
     *       delay; without, not HTTP (the TLS server answers the plain request with an alert)</td></tr>
     * </table>
     * A server line with {@code ssl} meeting a plain behaviour fails its handshake.
     *
     * @param behaviour       the phase's request behaviour; never null
     * @param connectionIndex the connection's position among the server's proxied connections in the phase, from
     *                        0 (it picks a sequence's step)
     * @param ssl             whether the server line has {@code ssl} (HAProxy speaks TLS to the server)
     * @param random          where a delay range draws from; never null
     * @return what happens; never null
     * @throws NullPointerException if {@code behaviour} or {@code random} is null
     */
    public static ServedRequest of(Behaviour behaviour, long connectionIndex, boolean ssl, RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        Behaviour played = Objects.requireNonNull(behaviour, "behaviour") instanceof Behaviour.Sequence sequence
                ? sequence.step(connectionIndex)
                : behaviour;
        if (played instanceof Behaviour.Refuse) {
            return REFUSED;
        }
        if (played instanceof Behaviour.Blackhole) {
            return UNANSWERED;
        }
        if (played instanceof Behaviour.Tls tls) {
            if (!ssl) {
                return new ServedRequest(Kind.INVALID, 0, 0);
            }
            ServedRequest inner = plain(tls.then(), random);
            long handshake = tls.delay().sampleNanos(random);
            return switch (inner.kind) {
                case RESPONSE, RESET, CLOSE, INVALID -> new ServedRequest(inner.kind, inner.status,
                        saturatedAdd(inner.delayNanos, handshake));
                default -> inner;
            };
        }
        return ssl ? HANDSHAKE_FAILURE : plain(played, random);
    }

    /**
     * Returns the {@code %B} HAProxy's httplog line shows for the response a server playing {@code behaviour}
     * sends to one proxied request ({@link ResponseSize}), for the cases where {@link #of} gives a
     * {@link Kind#RESPONSE}: an {@code http} behaviour's response (its headers, the {@code Content-Length} it adds
     * unless given; the {@code Connection: close} it adds is not counted), or a raw reply that is an HTTP response.
     *
     * @param behaviour       the phase's request behaviour; never null
     * @param connectionIndex the connection's position among the server's proxied connections in the phase, as
     *                        given to {@link #of}
     * @return the size, or 0 when the behaviour gives no response
     * @throws NullPointerException if {@code behaviour} is null
     */
    public static long responseBytes(Behaviour behaviour, long connectionIndex) {
        Behaviour played = Objects.requireNonNull(behaviour, "behaviour") instanceof Behaviour.Sequence sequence
                ? sequence.step(connectionIndex)
                : behaviour;
        if (played instanceof Behaviour.Tls tls) {
            played = tls.then();
        }
        if (played instanceof Behaviour.Http http) {
            return httpBytes(http);
        }
        byte[] reply = null;
        if (played instanceof Behaviour.Tcp tcp) {
            reply = tcp.reply();
        } else if (played instanceof Behaviour.Dialogue dialogue) {
            for (Behaviour.Dialogue.Exchange exchange : dialogue.exchanges()) {
                if (exchange.reply().length > 0) {
                    reply = exchange.reply();
                    break;
                }
            }
        }
        return reply == null ? 0 : Math.max(0, ResponseSize.ofRaw(reply));
    }

    private static long httpBytes(Behaviour.Http http) {
        boolean length = false;
        boolean chunked = false;
        for (String name : http.headers().keySet()) {
            length |= name.equalsIgnoreCase("content-length");
            chunked |= name.equalsIgnoreCase("transfer-encoding");
            length |= chunked;
        }
        // the body goes as ISO-8859-1, one byte per char
        long body = http.body().length();
        long size = ResponseSize.of("HTTP/1.1", http.status(), http.effectiveReason(), http.headers(), body, chunked);
        if (!length) {
            size += "Content-Length".length() + Long.toString(body).length();
        }
        return size;
    }

    private static ServedRequest plain(Behaviour behaviour, RandomGenerator random) {
        if (behaviour instanceof Behaviour.Http http) {
            return new ServedRequest(Kind.RESPONSE, http.status(), http.delay().sampleNanos(random));
        }
        if (behaviour instanceof Behaviour.Tcp tcp) {
            return reply(tcp.reply(), tcp.delay().sampleNanos(random), tcp.close());
        }
        if (behaviour instanceof Behaviour.Dialogue dialogue) {
            for (Behaviour.Dialogue.Exchange exchange : dialogue.exchanges()) {
                if (exchange.reply().length > 0) {
                    return reply(exchange.reply(), exchange.delay().sampleNanos(random), true);
                }
            }
            if (dialogue.reset()) {
                return new ServedRequest(Kind.RESET, 0, 0);
            }
            return dialogue.close() ? new ServedRequest(Kind.CLOSE, 0, 0) : SILENT;
        }
        if (behaviour instanceof Behaviour.Reset reset) {
            return new ServedRequest(Kind.RESET, 0, reset.delay().sampleNanos(random));
        }
        if (behaviour instanceof Behaviour.Close close) {
            return new ServedRequest(Kind.CLOSE, 0, close.delay().sampleNanos(random));
        }
        if (behaviour instanceof Behaviour.Refuse) {
            return REFUSED;
        }
        if (behaviour instanceof Behaviour.Blackhole) {
            return UNANSWERED;
        }
        return SILENT;
    }

    /** A raw reply: an HTTP response when it starts with {@code HTTP/1.x NNN}, else not HTTP. */
    private static ServedRequest reply(byte[] reply, long delayNanos, boolean close) {
        if (reply.length == 0) {
            return close ? new ServedRequest(Kind.CLOSE, 0, delayNanos) : SILENT;
        }
        String head = new String(reply, 0, Math.min(reply.length, 12), StandardCharsets.ISO_8859_1);
        if (head.length() == 12 && head.matches("HTTP/1\\.[01] [1-5][0-9][0-9]")) {
            return new ServedRequest(Kind.RESPONSE, Integer.parseInt(head.substring(9, 12)), delayNanos);
        }
        return new ServedRequest(Kind.INVALID, 0, delayNanos);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** What the server does with the connection HAProxy opens for a request. */
    public enum Kind {
        /** The connect fails at once: HAProxy counts a connection error and retries. */
        REFUSED,
        /** The connect never completes: HAProxy waits {@code timeout connect}, then retries. */
        UNANSWERED,
        /** The TLS handshake fails: a connection error, as {@link #REFUSED}. */
        HANDSHAKE_FAILURE,
        /** An HTTP response after the delay. */
        RESPONSE,
        /** Connected, then nothing: HAProxy's {@code timeout server} ends it with a 504. */
        SILENT,
        /** Connected, then reset after the delay without a response: a 502. */
        RESET,
        /** Connected, then closed after the delay without a response: a 502. */
        CLOSE,
        /** Connected, then an answer that is not HTTP after the delay: a 502. */
        INVALID
    }
}
