package io.haprobe.sim;

import io.haprobe.spi.TlsBackend;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a scripted backend does with each check connection during one phase of a scenario. Each behaviour
 * acts on the wire only (accept, bytes, FIN, RST, silence); the status, code and info the check reports
 * follow from HAProxy's rules in the one check interpreter, exactly as against a real server:
 *
 * <table>
 *   <caption>Behaviours and what HAProxy 2.6 reports for them (spec §3.1, §4.5)</caption>
 *   <tr><th>behaviour</th><th>on the wire</th><th>plain connect check</th><th>{@code option httpchk}</th></tr>
 *   <tr><td>{@link Http}</td><td>accepts; once the request head is in, waits {@code delay}, answers, FIN. A
 *       request that starts with a TLS handshake record gets {@code 400 Bad Request} and a FIN, as plain HTTP
 *       servers answer a check with {@code ssl}</td>
 *       <td>L4OK</td><td>L7OK, or L7STS with the code and reason, per {@code http-check expect}</td></tr>
 *   <tr><td>{@link Tcp}</td><td>accepts; after the first bytes (or at once with {@code banner}), waits
 *       {@code delay}, writes {@code reply}, then FIN if {@code close}</td><td>L4OK</td>
 *       <td>judged as an HTTP response (e.g. L7RSP)</td></tr>
 *   <tr><td>{@link Dialogue}</td><td>accepts; plays its exchanges in order: each waits for its bytes
 *       (none: at once), waits {@code delay}, writes its reply; then FIN if {@code close}, RST if
 *       {@code reset}</td><td>L4OK</td>
 *       <td>per the replies (protocol checks: {@code tcp-check}, {@code smtpchk}, {@code mysql-check} ...); a
 *       reset while an HTTP check still waits (part of a head, say) is SOCKERR
 *       {@code Connection reset by peer}</td></tr>
 *   <tr><td>{@link Refuse}</td><td>nothing listens: the SYN gets an RST</td>
 *       <td colspan="2">L4CON, {@code Connection refused}</td></tr>
 *   <tr><td>{@link Blackhole}</td><td>the connect never completes</td><td colspan="2">L4TOUT</td></tr>
 *   <tr><td>{@link Hang}</td><td>accepts, never answers</td><td>L4OK</td><td>L7TOUT</td></tr>
 *   <tr><td>{@link Reset}</td><td>accepts, RST after {@code delay}</td><td>L4OK</td>
 *       <td>SOCKERR, {@code Connection reset by peer}</td></tr>
 *   <tr><td>{@link Close}</td><td>accepts, FIN after {@code delay}</td><td>L4OK</td><td>L7RSP</td></tr>
 *   <tr><td>{@link Sequence}</td><td>the n-th connection of the phase plays step {@code n mod size}</td>
 *       <td colspan="2">per step (flapping)</td></tr>
 *   <tr><td>{@link Tls}</td><td>accepts; runs a real server TLS handshake (its certificate, SNI names,
 *       versions, ALPN, client certificate), then plays {@code then} over TLS</td>
 *       <td colspan="2">checks with {@code ssl}/{@code check-ssl}: L6OK, L6RSP {@code SSL handshake failure},
 *       the certificate-name infos, or {@code then}'s result; plain checks: L4OK, or L7RSP for an HTTP check
 *       (the server answers with an alert)</td></tr>
 * </table>
 *
 * <p>A plain connect check reports L4OK as soon as the handshake completes, whatever the server does next:
 * like HAProxy 2.6.5+, it aborts before the server even accepts (spec §5.1). A crash is two phases: a
 * {@link Refuse} phase (every connection still open is reset at its start, as the kernel does when the process
 * dies) and a later phase that answers again.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Behaviour
        permits Behaviour.Http, Behaviour.Tcp, Behaviour.Dialogue, Behaviour.Refuse, Behaviour.Blackhole,
        Behaviour.Hang, Behaviour.Reset, Behaviour.Close, Behaviour.Sequence, Behaviour.Tls {

    /**
     * Returns the behaviour's name as scenario files write it.
     *
     * @return e.g. {@code http}, {@code refuse}
     */
    String kind();

    /**
     * Returns an HTTP server answering {@code status} with its standard reason, no body, at once.
     *
     * @param status the status code, 100 to 999
     * @return the behaviour
     */
    static Http http(int status) {
        return new Http(status, null, Map.of(), "", Delay.NONE);
    }

    /**
     * Returns "nothing listens".
     *
     * @return the behaviour
     */
    static Refuse refuse() {
        return Refuse.INSTANCE;
    }

    /**
     * Returns "the connect never completes".
     *
     * @return the behaviour
     */
    static Blackhole blackhole() {
        return Blackhole.INSTANCE;
    }

    /**
     * Returns "accepts and never answers".
     *
     * @return the behaviour
     */
    static Hang hang() {
        return Hang.INSTANCE;
    }

    /**
     * Returns a TLS server with a certificate from the simulation's CA for {@code localhost}, RSA, any version
     * and SNI, no ALPN, no client certificate, answering at once, then playing {@code then}.
     *
     * @param then what the server does over TLS once the handshake is done; see {@link Tls}
     * @return the behaviour
     */
    static Tls tls(Behaviour then) {
        return new Tls(new TlsBackend(TlsBackend.Issuer.TRUSTED, TlsBackend.KeyType.RSA, List.of("localhost"),
                List.of(), null, null, List.of(), false), Delay.NONE, then);
    }

    /**
     * An HTTP/1.1 server: once the check's request head (up to the blank line) has arrived, it waits
     * {@code delay}, sends {@code HTTP/1.1 <status> <reason>}, the headers, a {@code Content-Length} (unless
     * given), {@code Connection: close} and the body, then closes with a FIN.
     *
     * @param status  the status code, 100 to 999
     * @param reason  the reason phrase; null for the standard one of {@code status} (e.g. {@code No Content}
     *                for 204, empty for an unknown code)
     * @param headers extra response headers, in order; never null
     * @param body    the body, sent as ISO-8859-1 bytes; never null, may be empty
     * @param delay   the wait before answering; never null
     */
    record Http(int status, String reason, Map<String, String> headers, String body, Delay delay)
            implements Behaviour {

        /**
         * Validates and copies the components.
         *
         * @throws NullPointerException     if {@code headers}, {@code body} or {@code delay} is null
         * @throws IllegalArgumentException if {@code status} is not in 100..999, or a header name is empty or a
         *                                  header holds a CR or LF
         */
        public Http {
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("status: " + status + " (expected: 100 to 999)");
            }
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(delay, "delay");
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().isEmpty() || hasLineBreak(header.getKey()) || hasLineBreak(header.getValue())) {
                    throw new IllegalArgumentException("headers: '" + header.getKey() + "' (expected: a non-empty "
                            + "name and a value without CR or LF)");
                }
            }
            if (reason != null && hasLineBreak(reason)) {
                throw new IllegalArgumentException("reason: '" + reason + "' (expected: no CR or LF)");
            }
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }

        @Override
        public String kind() {
            return "http";
        }

        /**
         * Returns the reason phrase sent: the given one, or the standard phrase of the status.
         *
         * @return the phrase, possibly empty
         */
        public String effectiveReason() {
            if (reason != null) {
                return reason;
            }
            String standard = HttpResponseStatus.valueOf(status).reasonPhrase();
            // Netty names codes it does not know after their class, e.g. "Success (299)": send no phrase then
            return standard.endsWith("(" + status + ")") ? "" : standard;
        }

        /**
         * Returns the exact bytes of the response this backend sends.
         *
         * @return a new array
         */
        public byte[] responseBytes() {
            StringBuilder out = new StringBuilder(96 + body.length());
            out.append("HTTP/1.1 ").append(status).append(' ').append(effectiveReason()).append("\r\n");
            boolean length = false;
            boolean connection = false;
            for (Map.Entry<String, String> header : headers.entrySet()) {
                out.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
                length |= header.getKey().equalsIgnoreCase("content-length")
                        || header.getKey().equalsIgnoreCase("transfer-encoding");
                connection |= header.getKey().equalsIgnoreCase("connection");
            }
            if (!length) {
                out.append("Content-Length: ").append(body.getBytes(StandardCharsets.ISO_8859_1).length)
                        .append("\r\n");
            }
            if (!connection) {
                out.append("Connection: close\r\n");
            }
            return out.append("\r\n").append(body).toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        private static boolean hasLineBreak(String text) {
            return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
        }
    }

    /**
     * A raw TCP server: after the check's first bytes (or right after accepting, with {@code banner}), it waits
     * {@code delay}, writes {@code reply}, then sends a FIN if {@code close}.
     *
     * @param reply  the bytes to write; never null, may be empty (then only the FIN, if any). Not copied by
     *               users of the record: do not modify it
     * @param delay  the wait before replying; never null
     * @param close  whether to close (FIN) after the reply; false keeps the connection open
     * @param banner whether to reply right after accepting instead of after the first bytes received
     */
    record Tcp(byte[] reply, Delay delay, boolean close, boolean banner) implements Behaviour {

        /**
         * Validates and copies the components.
         *
         * @throws NullPointerException if {@code reply} or {@code delay} is null
         */
        public Tcp {
            reply = reply.clone();
            Objects.requireNonNull(delay, "delay");
        }

        /**
         * Returns the bytes the server writes.
         *
         * @return a copy of the reply
         */
        @Override
        public byte[] reply() {
            return reply.clone();
        }

        /** The reply itself, not a copy, for the players of this package, which only read it. */
        byte[] replyBytes() {
            return reply;
        }

        @Override
        public String kind() {
            return "tcp";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Tcp tcp && Arrays.equals(reply, tcp.reply) && delay.equals(tcp.delay)
                    && close == tcp.close && banner == tcp.banner;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(reply), delay, close, banner);
        }

        @Override
        public String toString() {
            return "Tcp[" + reply.length + " bytes, delay=" + delay + ", close=" + close + ", banner=" + banner + ']';
        }
    }

    /**
     * A scripted conversation, for protocols where the server speaks first or answers several requests (SMTP's
     * banner, EHLO and QUIT; a MySQL greeting; a tcp-check with several send/expect steps). The exchanges run in
     * order: each waits until the bytes received since the previous one contain its {@code await} bytes (an
     * empty {@code await} does not wait), then waits its {@code delay} and writes its {@code reply}. After the
     * last exchange the server sends a FIN if {@code close}, an RST if {@code reset} (a server that dies
     * halfway through an answer), else keeps the connection open. Bytes that match no exchange are read and
     * ignored, as a server that waits for a whole command does.
     *
     * @param exchanges the exchanges, in order; never null, not empty
     * @param close     whether to close (FIN) after the last exchange
     * @param reset     whether to reset (RST) the connection after the last exchange
     */
    record Dialogue(List<Exchange> exchanges, boolean close, boolean reset) implements Behaviour {

        /**
         * Validates and copies the components.
         *
         * @throws NullPointerException     if {@code exchanges} or an exchange is null
         * @throws IllegalArgumentException if {@code exchanges} is empty, or both {@code close} and {@code reset}
         */
        public Dialogue {
            exchanges = List.copyOf(exchanges);
            if (exchanges.isEmpty()) {
                throw new IllegalArgumentException("exchanges: [] (expected: at least one exchange)");
            }
            if (close && reset) {
                throw new IllegalArgumentException("close and reset: both true (expected: at most one)");
            }
        }

        @Override
        public String kind() {
            return "dialogue";
        }

        /**
         * One turn of a {@link Dialogue}.
         *
         * @param await the bytes to wait for; never null, empty to go on at once. Copied
         * @param reply the bytes to write then; never null, may be empty. Copied
         * @param delay the wait between the awaited bytes and the reply; never null
         */
        public record Exchange(byte[] await, byte[] reply, Delay delay) {

            /**
             * Validates and copies the components.
             *
             * @throws NullPointerException if a component is null
             */
            public Exchange {
                await = await.clone();
                reply = reply.clone();
                Objects.requireNonNull(delay, "delay");
            }

            /**
             * Returns the bytes this exchange waits for.
             *
             * @return a copy, empty when the exchange does not wait
             */
            @Override
            public byte[] await() {
                return await.clone();
            }

            /**
             * Returns the bytes this exchange writes.
             *
             * @return a copy, possibly empty
             */
            @Override
            public byte[] reply() {
                return reply.clone();
            }

            /**
             * Tells where {@code await} first occurs in {@code bytes[0, length)}.
             *
             * @param bytes  what the server has received; never null
             * @param length how many bytes of {@code bytes} count
             * @return the index just past the first occurrence, 0 when {@code await} is empty, -1 when absent
             */
            public int endOfAwaitIn(byte[] bytes, int length) {
                if (await.length == 0) {
                    return 0;
                }
                outer:
                for (int i = 0; i + await.length <= length; i++) {
                    for (int j = 0; j < await.length; j++) {
                        if (bytes[i + j] != await[j]) {
                            continue outer;
                        }
                    }
                    return i + await.length;
                }
                return -1;
            }

            byte[] replyBytes() {
                return reply;
            }

            @Override
            public boolean equals(Object other) {
                return other instanceof Exchange exchange && Arrays.equals(await, exchange.await)
                        && Arrays.equals(reply, exchange.reply) && delay.equals(exchange.delay);
            }

            @Override
            public int hashCode() {
                return Objects.hash(Arrays.hashCode(await), Arrays.hashCode(reply), delay);
            }

            @Override
            public String toString() {
                return "Exchange[await " + await.length + " bytes, reply " + reply.length + " bytes, delay=" + delay
                        + ']';
            }
        }
    }

    /** Nothing listens on the check port: every connect is refused (L4CON {@code Connection refused}). */
    record Refuse() implements Behaviour {

        static final Refuse INSTANCE = new Refuse();

        @Override
        public String kind() {
            return "refuse";
        }
    }

    /** The connect never completes, as when SYNs are dropped (L4TOUT). */
    record Blackhole() implements Behaviour {

        static final Blackhole INSTANCE = new Blackhole();

        @Override
        public String kind() {
            return "blackhole";
        }
    }

    /** The server accepts and never sends anything nor closes. */
    record Hang() implements Behaviour {

        static final Hang INSTANCE = new Hang();

        @Override
        public String kind() {
            return "hang";
        }
    }

    /**
     * The server accepts, then resets the connection (RST) after {@code delay}.
     *
     * @param delay the time between accept and RST; never null
     */
    record Reset(Delay delay) implements Behaviour {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code delay} is null
         */
        public Reset {
            Objects.requireNonNull(delay, "delay");
        }

        @Override
        public String kind() {
            return "reset";
        }
    }

    /**
     * The server accepts, then closes the connection (FIN) after {@code delay} without sending anything.
     *
     * @param delay the time between accept and FIN; never null
     */
    record Close(Delay delay) implements Behaviour {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code delay} is null
         */
        public Close {
            Objects.requireNonNull(delay, "delay");
        }

        @Override
        public String kind() {
            return "close";
        }
    }

    /**
     * A per-connection cycle: the n-th check connection of the phase (from 0) plays {@code steps[n % size]}, so
     * {@code [503, 503, 200, 200]} flaps forever.
     *
     * @param steps the behaviours, in order; never null, not empty, no sequence inside
     */
    record Sequence(List<Behaviour> steps) implements Behaviour {

        /**
         * Validates and copies the components.
         *
         * @throws NullPointerException     if {@code steps} or a step is null
         * @throws IllegalArgumentException if {@code steps} is empty or holds a sequence
         */
        public Sequence {
            steps = List.copyOf(steps);
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("steps: [] (expected: at least one behaviour)");
            }
            for (Behaviour step : steps) {
                if (step instanceof Sequence) {
                    throw new IllegalArgumentException("steps: a sequence inside a sequence (expected: plain "
                            + "behaviours)");
                }
            }
        }

        @Override
        public String kind() {
            return "sequence";
        }

        /**
         * Returns the step the {@code index}-th connection of the phase plays.
         *
         * @param index the connection's position in the phase, from 0
         * @return {@code steps[index mod size]}
         * @throws IllegalArgumentException if {@code index} is negative
         */
        public Behaviour step(long index) {
            if (index < 0) {
                throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
            }
            return steps.get((int) (index % steps.size()));
        }
    }

    /**
     * A TLS server: it accepts, waits for the check's ClientHello, waits {@code delay}, then runs a real server TLS
     * handshake (the simulation's TLS provider) with what {@code backend} presents and accepts. A failed handshake
     * ends with the server's alert and a FIN. Once the handshake is done it plays {@code then} over TLS:
     * {@link Http} (answers the request, then {@code close_notify} and FIN), {@link Tcp}, {@link Hang},
     * {@link Close} ({@code close_notify} and FIN after its delay) or {@link Reset}. A plain check connecting to
     * it is answered with an alert when it writes.
     *
     * @param backend the certificate, names and protocols; never null
     * @param delay   the wait before the server's first handshake flight; never null
     * @param then    what the server does over TLS; never null, one of the kinds above
     */
    record Tls(TlsBackend backend, Delay delay, Behaviour then) implements Behaviour {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if a component is null
         * @throws IllegalArgumentException if {@code then} is not an http, tcp, hang, close or reset behaviour
         */
        public Tls {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(then, "then");
            if (!(then instanceof Http || then instanceof Tcp || then instanceof Hang || then instanceof Close
                    || then instanceof Reset)) {
                throw new IllegalArgumentException("then: " + then.kind() + " (expected: http, tcp, hang, close or"
                        + " reset)");
            }
        }

        @Override
        public String kind() {
            return "tls";
        }
    }
}
