package io.haprobe.traffic;

/**
 * The request counters a server and a backend share, as {@code show stat} names them (stats.c): what the CSV's
 * server and BACKEND rows print from the request model.
 *
 * <p>Implementations are confined to the thread that runs the traffic model; other threads may read slightly stale
 * values.
 */
public interface TrafficCounters {

    /**
     * Returns {@code qcur}: requests waiting in the queue now.
     *
     * @return the count, {@code >= 0}
     */
    int queueLength();

    /**
     * Returns {@code qmax}: the longest the queue has been.
     *
     * @return the count, {@code >= 0}
     */
    int maxQueueLength();

    /**
     * Returns {@code scur}: current sessions.
     *
     * @return the count, {@code >= 0}
     */
    int currentSessions();

    /**
     * Returns {@code smax}: the most sessions at once.
     *
     * @return the count, {@code >= 0}
     */
    int maxSessions();

    /**
     * Returns {@code stot}: sessions so far.
     *
     * @return the count, {@code >= 0}
     */
    long totalSessions();

    /**
     * Returns {@code lbtot}: times load balancing picked this server (or a server of this backend).
     *
     * @return the count, {@code >= 0}
     */
    long lbTotal();

    /**
     * Returns {@code econ}: connection errors (refused, timed out, queue timeouts).
     *
     * @return the count, {@code >= 0}
     */
    long connectErrors();

    /**
     * Returns {@code eresp}: response errors (timeout server, a close or reset before the response).
     *
     * @return the count, {@code >= 0}
     */
    long responseErrors();

    /**
     * Returns {@code wretr}: connect retries.
     *
     * @return the count, {@code >= 0}
     */
    long retries();

    /**
     * Returns {@code wredis}: redispatches.
     *
     * @return the count, {@code >= 0}
     */
    long redispatches();

    /**
     * Returns {@code cli_abrt}: requests their client aborted.
     *
     * @return the count, {@code >= 0}
     */
    long clientAborts();

    /**
     * Returns {@code hrsp_1xx} .. {@code hrsp_5xx} and {@code hrsp_other}.
     *
     * @param statusClass 1 to 5 for {@code hrsp_1xx} to {@code hrsp_5xx}, 0 for {@code hrsp_other}
     * @return the count, {@code >= 0}
     * @throws IllegalArgumentException if {@code statusClass} is outside 0..5
     */
    long httpResponses(int statusClass);

    /**
     * Returns {@code req_tot}: HTTP requests.
     *
     * @return the count, {@code >= 0}
     */
    long requestTotal();
}
