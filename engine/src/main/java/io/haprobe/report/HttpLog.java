package io.haprobe.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * HAProxy 2.6's {@code option httplog} line (CFG §8.2.3), as {@code log ... format raw} prints it:
 * <pre>
 * %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r
 * 127.0.0.1:39944 [06/Dec/2026:02:41:20.561] fe_main app/web02 0/0/-1/-1/3006 503 217 - - SC-- 1/1/0/0/3 0/0 "GET /x?y=1 HTTP/1.1"
 * </pre>
 * Captured cookies print {@code -}; the last two characters of {@code %tsc} are the persistence cookie's states
 * ({@code --} when the backend has no {@code cookie}); without {@code capture request/response header} the {@code %hr} and
 * {@code %hs} fields are left out, as HAProxy does. Timers are whole milliseconds, -1 for a phase never reached.
 *
 * <p>Stateless and thread-safe.
 */
public final class HttpLog {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private HttpLog() {
    }

    /**
     * Formats one request's line.
     *
     * @param fields the request's values; never null
     * @return the line, without a line terminator
     * @throws NullPointerException if {@code fields} is null
     */
    public static String format(Fields fields) {
        Objects.requireNonNull(fields, "fields");
        StringBuilder line = new StringBuilder(160);
        line.append(fields.clientAddress()).append(':').append(fields.clientPort())
                .append(" [").append(DATE.format(Instant.ofEpochMilli(fields.acceptEpochMillis()))).append("] ")
                .append(fields.frontend()).append(' ')
                .append(fields.backend()).append('/').append(fields.server() == null ? "<NOSRV>" : fields.server())
                .append(' ')
                .append(fields.requestMillis()).append('/').append(fields.queueMillis()).append('/')
                .append(fields.connectMillis()).append('/').append(fields.responseMillis()).append('/')
                .append(fields.totalMillis()).append(' ')
                .append(fields.status()).append(' ').append(fields.bytes())
                .append(" - - ")
                .append(fields.terminationState()).append(fields.cookieState()).append(' ')
                .append(fields.actconn()).append('/').append(fields.feconn()).append('/').append(fields.beconn())
                .append('/').append(fields.srvConn()).append('/');
        if (fields.redispatched()) {
            line.append('+');
        }
        line.append(fields.retries()).append(' ')
                .append(fields.serverQueue()).append('/').append(fields.backendQueue())
                .append(" \"").append(fields.method()).append(' ').append(fields.uri()).append(" HTTP/1.1\"");
        return line.toString();
    }

    /**
     * The values of one httplog line, in HAProxy's log-format names.
     *
     * @param clientAddress    {@code %ci}, the client's address as text; never null
     * @param clientPort       {@code %cp}, the client's port
     * @param acceptEpochMillis {@code %tr}, when the connection was accepted, milliseconds since the Unix epoch,
     *                         printed in UTC
     * @param frontend         {@code %ft}; never null
     * @param backend          {@code %b}; never null
     * @param server           {@code %s}, or null for {@code <NOSRV>}
     * @param requestMillis    {@code %TR}, time to receive the request headers, ms
     * @param queueMillis      {@code %Tw}, time in queues, ms, -1 when it never left a queue
     * @param connectMillis    {@code %Tc}, ms, -1 when no connection was established
     * @param responseMillis   {@code %Tr}, ms, -1 when no response headers came
     * @param totalMillis      {@code %Ta}, ms
     * @param status           {@code %ST}, the status sent to the client, -1 when none
     * @param bytes            {@code %B}, bytes sent to the client
     * @param terminationState the first two characters of {@code %tsc}; never null, two characters
     * @param cookieState      the last two characters of {@code %tsc}: the client's persistence cookie
     *                         ({@code N} none, {@code I} naming no server, {@code D} naming a DOWN server,
     *                         {@code V} valid) and what HAProxy did to the response's ({@code N} nothing,
     *                         {@code I} inserted); {@code --} when the backend has no {@code cookie}; never null,
     *                         two characters
     * @param actconn          {@code %ac}, connections on the process when logged
     * @param feconn           {@code %fc}, connections on the frontend when logged
     * @param beconn           {@code %bc}, connections on the backend when logged
     * @param srvConn          {@code %sc}, connections on the server when logged
     * @param retries          {@code %rc}, connect retries
     * @param redispatched     whether the request was redispatched ({@code +} before {@code %rc})
     * @param serverQueue      {@code %sq}: for each stay in a server's queue, the requests that left it for a
     *                         connection while this one waited, plus one (its position from 1 in a first come
     *                         first served queue); 0 when it never waited there
     * @param backendQueue     {@code %bq}, the same for the backend's queue
     * @param method           the request method; never null
     * @param uri              the request target; never null
     */
    public record Fields(String clientAddress, int clientPort, long acceptEpochMillis, String frontend, String backend,
                         String server, long requestMillis, long queueMillis, long connectMillis,
                         long responseMillis, long totalMillis, int status, long bytes, String terminationState,
                         String cookieState, int actconn, int feconn, int beconn, int srvConn, int retries, boolean redispatched,
                         int serverQueue, int backendQueue, String method, String uri) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if a non-nullable component is null
         * @throws IllegalArgumentException if {@code terminationState} or {@code cookieState} is not two characters
         */
        public Fields {
            Objects.requireNonNull(clientAddress, "clientAddress");
            Objects.requireNonNull(frontend, "frontend");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(terminationState, "terminationState");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(cookieState, "cookieState");
            if (terminationState.length() != 2) {
                throw new IllegalArgumentException("terminationState: '" + terminationState
                        + "' (expected: two characters)");
            }
            if (cookieState.length() != 2) {
                throw new IllegalArgumentException("cookieState: '" + cookieState + "' (expected: two characters)");
            }
        }

        /**
         * The same values for a backend without cookie persistence: {@code cookieState} is {@code --}.
         *
         * @throws NullPointerException     if a non-nullable argument is null
         * @throws IllegalArgumentException if {@code terminationState} is not two characters
         */
        public Fields(String clientAddress, int clientPort, long acceptEpochMillis, String frontend, String backend,
                      String server, long requestMillis, long queueMillis, long connectMillis, long responseMillis,
                      long totalMillis, int status, long bytes, String terminationState, int actconn, int feconn,
                      int beconn, int srvConn, int retries, boolean redispatched, int serverQueue, int backendQueue,
                      String method, String uri) {
            this(clientAddress, clientPort, acceptEpochMillis, frontend, backend, server, requestMillis, queueMillis,
                    connectMillis, responseMillis, totalMillis, status, bytes, terminationState, "--", actconn, feconn,
                    beconn, srvConn, retries, redispatched, serverQueue, backendQueue, method, uri);
        }
    }
}
