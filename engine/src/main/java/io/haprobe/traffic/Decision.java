package io.haprobe.traffic;

import java.util.Objects;

/**
 * What the traffic model decided for one stream, for the driver to carry out on its clock: connect to a server,
 * wait in a queue (and arm the {@code timeout queue} timer), wait for a connect retry, or nothing more because
 * the stream ended. A value: the model has already applied the decision to its counters and queues.
 *
 * <p>Immutable; the {@link Stream} it names is not (confined to the model's thread).
 */
public sealed interface Decision permits Decision.Connect, Decision.Queued, Decision.Turnaround, Decision.Finished {

    /**
     * Returns the stream the decision is about.
     *
     * @return the stream, never null
     */
    Stream stream();

    /**
     * Connect to {@code server} now: the stream holds one of its slots. The driver reports the outcome with
     * {@link BackendTraffic#connected} or {@link BackendTraffic#connectFailed}, and arms {@code timeout connect}
     * ({@link BackendTraffic#timeoutConnectNanos()}) itself.
     *
     * @param stream the stream; never null
     * @param server the server to connect to; never null
     */
    record Connect(Stream stream, ServerTraffic server) implements Decision {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if an argument is null
         */
        public Connect {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(server, "server");
        }
    }

    /**
     * The stream waits in a queue. At {@code deadlineNanos} the driver calls {@link BackendTraffic#queueExpired}
     * unless the model dequeued it before (then the call does nothing).
     *
     * @param stream        the stream; never null
     * @param server        the server whose queue it waits in, or null for the backend's queue
     * @param deadlineNanos when {@code timeout queue} expires, virtual nanoseconds; {@link Long#MAX_VALUE} when
     *                      neither {@code timeout queue} nor {@code timeout connect} is set (no limit)
     */
    record Queued(Stream stream, ServerTraffic server, long deadlineNanos) implements Decision {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code stream} is null
         */
        public Queued {
            Objects.requireNonNull(stream, "stream");
        }
    }

    /**
     * A connect attempt failed and the next one waits HAProxy's turn-around ({@code min(1s, timeout connect)}).
     * At {@code retryAtNanos} the driver calls {@link BackendTraffic#turnaroundExpired}, which decides again.
     *
     * @param stream       the stream; never null
     * @param retryAtNanos when to try again, virtual nanoseconds
     */
    record Turnaround(Stream stream, long retryAtNanos) implements Decision {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code stream} is null
         */
        public Turnaround {
            Objects.requireNonNull(stream, "stream");
        }
    }

    /**
     * The stream ended: answered, rejected or aborted. The counters already count it.
     *
     * @param stream      the stream; never null
     * @param status      the status the client got (the server's, 503, 502, 504), -1 for none
     * @param termination how it ended; never null
     */
    record Finished(Stream stream, int status, Termination termination) implements Decision {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if an argument is null
         */
        public Finished {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(termination, "termination");
        }
    }
}
