package io.haprobe.traffic;

import io.haprobe.ServerState;

/**
 * One server of a {@link BackendTraffic}: HAProxy's {@code struct server} as the request path sees it. Its
 * state (operational, maintenance, drain, weights), its slots and its queue, and the counters {@code show stat}
 * prints for it.
 *
 * <table>
 *   <caption>Counters ({@code show stat} columns)</caption>
 *   <tr><th>method</th><th>column</th><th>HAProxy</th><th>meaning</th></tr>
 *   <tr><td>{@link #currentSessions()}</td><td>scur</td><td>{@code cur_sess}</td><td>connections being made
 *       or established</td></tr>
 *   <tr><td>{@link #maxSessions()}</td><td>smax</td><td>{@code cur_sess_max}</td><td>highest scur</td></tr>
 *   <tr><td>{@link #totalSessions()}</td><td>stot</td><td>{@code cum_sess}</td><td>connect attempts, retries
 *       included</td></tr>
 *   <tr><td>{@link #lbTotal()}</td><td>lbtot</td><td>{@code cum_lbconn}</td><td>times load balancing picked
 *       this server (not persistence, not dequeues)</td></tr>
 *   <tr><td>{@link #queueLength()}, {@link #maxQueueLength()}</td><td>qcur, qmax</td><td>{@code queue.length},
 *       {@code nbpend_max}</td><td>requests waiting in this server's queue</td></tr>
 *   <tr><td>{@link #connectErrors()}</td><td>econ</td><td>{@code failed_conns}</td><td>requests that failed to
 *       connect here after their retries, or timed out or overflowed in this server's queue</td></tr>
 *   <tr><td>{@link #responseErrors()}</td><td>eresp</td><td>{@code failed_resp}</td><td>504 and 502 on the
 *       response</td></tr>
 *   <tr><td>{@link #retries()}, {@link #redispatches()}</td><td>wretr, wredis</td><td>{@code retries},
 *       {@code redispatches}</td><td>connect retries here, requests moved away from here</td></tr>
 *   <tr><td>{@link #httpResponses(int)}, {@link #requestTotal()}</td><td>hrsp_1xx..5xx, hrsp_other,
 *       req_tot</td><td>{@code p.http.rsp[]}, {@code p.http.cum_req}</td><td>responses the server sent</td></tr>
 *   <tr><td>{@link #clientAborts()}</td><td>cli_abrt</td><td>{@code cli_aborts}</td><td>clients that gave up
 *       while the server had the request</td></tr>
 *   <tr><td>{@link #csvWeight()}, {@link #throttle()}</td><td>weight, throttle</td><td>spec §9.2, §9.3</td>
 *       <td>the effective weight in user units, the slowstart percentage</td></tr>
 * </table>
 *
 * <p>Not thread-safe: confined with its backend to the thread that runs the traffic model. The getters are
 * plain field reads, for {@link LoadBalancer}s.
 */
public final class ServerTraffic implements LbServer, TrafficCounters {

    private final BackendTraffic backend;
    private final int index;
    private final int puid;
    private final String name;
    private final boolean backup;
    final int maxConn;
    final int minConn;
    final int maxQueue;
    final int slowStartSeconds;
    final String cookie;
    final boolean shutdownOnMarkedDown;
    final boolean shutdownBackupsOnMarkedUp;
    final int initialWeight;

    ServerState state = ServerState.UP;
    boolean maintenance;
    boolean drain;
    int uweight;
    int eweight;
    boolean usable;
    long lastChangeSeconds;
    long nextWarmupNanos = -1;

    int served;
    int currentSessions;
    final StreamQueue queue = new StreamQueue(true);
    /** The streams holding one of this server's slots, newest first. */
    Stream slotHolders;

    int maxSessions;
    long totalSessions;
    long lbTotal;
    int maxQueueLength;
    long connectErrors;
    long responseErrors;
    long retries;
    long redispatches;
    final long[] httpResponses = new long[6];
    long requestTotal;
    long clientAborts;

    ServerTraffic(BackendTraffic backend, int index, int puid, String name, boolean backup, int maxConn, int minConn,
                  int maxQueue, long slowStartNanos, String cookie, boolean shutdownOnMarkedDown,
                  boolean shutdownBackupsOnMarkedUp, int weight) {
        this.backend = backend;
        this.index = index;
        this.puid = puid;
        this.name = name;
        this.backup = backup;
        this.maxConn = maxConn;
        this.minConn = minConn;
        this.maxQueue = maxQueue;
        // HAProxy keeps slowstart in seconds, rounded up (spec §9.3)
        long ms = (slowStartNanos + 999_999) / 1_000_000;
        this.slowStartSeconds = (int) Math.min(Integer.MAX_VALUE, (ms + 999) / 1000);
        this.cookie = cookie;
        this.shutdownOnMarkedDown = shutdownOnMarkedDown;
        this.shutdownBackupsOnMarkedUp = shutdownBackupsOnMarkedUp;
        this.initialWeight = weight;
        this.uweight = weight;
    }

    /**
     * Returns the backend the server belongs to.
     *
     * @return the backend, never null
     */
    public BackendTraffic backendTraffic() {
        return backend;
    }

    /**
     * Returns the server's name.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int puid() {
        return puid;
    }

    @Override
    public boolean backup() {
        return backup;
    }

    @Override
    public boolean usable() {
        return usable;
    }

    @Override
    public int eweight() {
        return eweight;
    }

    @Override
    public int served() {
        return served;
    }

    @Override
    public int queueLength() {
        return queue.length;
    }

    @Override
    public int maxConn() {
        return maxConn;
    }

    @Override
    public int dynamicMaxConn() {
        return backend.dynamicMaxConn(this);
    }

    /**
     * Returns the operational state as the traffic model knows it: {@link ServerState#STARTING} while the
     * slowstart ramp runs, {@link ServerState#DOWN} in maintenance (HAProxy's MAINT forces STOPPED).
     *
     * @return the state, never null
     */
    public ServerState state() {
        return state;
    }

    /**
     * Tells whether the server is in maintenance ({@code disabled}, {@code set server ... state maint}).
     *
     * @return true in MAINT
     */
    public boolean maintenance() {
        return maintenance;
    }

    /**
     * Tells whether the server is drained ({@code set server ... state drain}, an agent's {@code drain}).
     *
     * @return true in DRAIN
     */
    public boolean drain() {
        return drain;
    }

    /**
     * Returns the user weight ({@code uweight}: the {@code weight} keyword, changed at run time).
     *
     * @return the weight, 0..256
     */
    public int userWeight() {
        return uweight;
    }

    /**
     * Returns the {@code weight} column of {@code show stat}: the effective weight in user units, rounded up
     * ({@code (eweight*wmult + wdiv-1)/wdiv}, spec §9.2): during slowstart it climbs 1, 2, ..., 10 for weight 10.
     *
     * @return the weight, {@code >= 0}
     */
    public int csvWeight() {
        int wdiv = backend.wdiv();
        return (eweight + wdiv - 1) / wdiv;
    }

    /**
     * Returns the {@code throttle} column of {@code show stat} (spec §9.3): the slowstart percentage
     * {@code (100*eweight + wdiv-1) / (wdiv*uweight)}, shown only while STARTING and not drained.
     *
     * @return the percentage, or -1 when the column is empty
     */
    public int throttle() {
        if (state != ServerState.STARTING || drain || maintenance || uweight == 0) {
            return -1;
        }
        int wdiv = backend.wdiv();
        return (100 * eweight + wdiv - 1) / (wdiv * uweight);
    }

    /**
     * Returns when the slowstart warm-up task runs next ({@code server_warmup()}, every second while STARTING);
     * the driver then calls {@link BackendTraffic#warmup}.
     *
     * @return the virtual time in nanoseconds, or -1 when the server is not warming up
     */
    public long nextWarmupNanos() {
        return nextWarmupNanos;
    }

    /**
     * Returns the slowstart duration HAProxy works with: {@code slowstart} in seconds, rounded up.
     *
     * @return seconds, 0 without slowstart
     */
    public int slowStartSeconds() {
        return slowStartSeconds;
    }

    /**
     * Returns {@code minconn} as HAProxy runs with it (equal to {@code maxconn} for a static limit).
     *
     * @return the lower limit, 0 without {@code maxconn}
     */
    public int minConn() {
        return minConn;
    }

    /**
     * Returns {@code maxqueue}.
     *
     * @return the limit of the server's queue, 0 meaning none
     */
    public int maxQueue() {
        return maxQueue;
    }

    /**
     * Returns the server's {@code cookie} value.
     *
     * @return the value, or null
     */
    public String cookie() {
        return cookie;
    }

    /**
     * Returns the current sessions: connections being made or established ({@code cur_sess}, {@code scur};
     * the "N sessions active" of a DOWN line).
     *
     * @return the count, {@code >= 0}
     */
    public int currentSessions() {
        return currentSessions;
    }

    /**
     * Returns the highest {@link #currentSessions()} seen ({@code smax}).
     *
     * @return the count, {@code >= 0}
     */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * Returns the connection attempts to this server, retries included ({@code stot}).
     *
     * @return the count, {@code >= 0}
     */
    public long totalSessions() {
        return totalSessions;
    }

    /**
     * Returns how many times load balancing picked this server ({@code lbtot}).
     *
     * @return the count, {@code >= 0}
     */
    public long lbTotal() {
        return lbTotal;
    }

    /**
     * Returns the longest the server's queue has been ({@code qmax}).
     *
     * @return the count, {@code >= 0}
     */
    public int maxQueueLength() {
        return maxQueueLength;
    }

    /**
     * Returns {@code econ}: requests that failed to connect to this server after their retries, and those that
     * timed out or overflowed in its queue.
     *
     * @return the count, {@code >= 0}
     */
    public long connectErrors() {
        return connectErrors;
    }

    /**
     * Returns {@code eresp}: responses that failed ({@code timeout server}: 504; closed without response: 502).
     *
     * @return the count, {@code >= 0}
     */
    public long responseErrors() {
        return responseErrors;
    }

    /**
     * Returns {@code wretr}: connect retries on this server.
     *
     * @return the count, {@code >= 0}
     */
    public long retries() {
        return retries;
    }

    /**
     * Returns {@code wredis}: requests that were assigned to this server and moved to another one (redispatch
     * after a failed connect, requeue when it went DOWN).
     *
     * @return the count, {@code >= 0}
     */
    public long redispatches() {
        return redispatches;
    }

    /**
     * Returns the responses the server sent, by class ({@code hrsp_1xx} .. {@code hrsp_5xx}, {@code hrsp_other}).
     * Errors HAProxy produced itself (502, 504) are counted by the backend, not here.
     *
     * @param statusClass 1 to 5 for {@code hrsp_1xx} to {@code hrsp_5xx}, 0 for {@code hrsp_other}
     * @return the count, {@code >= 0}
     * @throws IllegalArgumentException if {@code statusClass} is outside 0..5
     */
    public long httpResponses(int statusClass) {
        return httpResponses[BackendTraffic.checkClass(statusClass)];
    }

    /**
     * Returns the HTTP responses the server sent ({@code req_tot} of a server row).
     *
     * @return the count, {@code >= 0}
     */
    public long requestTotal() {
        return requestTotal;
    }

    /**
     * Returns {@code cli_abrt}: clients that gave up while this server had their request.
     *
     * @return the count, {@code >= 0}
     */
    public long clientAborts() {
        return clientAborts;
    }

    @Override
    public String toString() {
        return backend.name() + '/' + name + '[' + state + (maintenance ? " MAINT" : "") + (drain ? " DRAIN" : "")
                + " eweight " + eweight + ", served " + served + ", queue " + queue.length + ']';
    }
}
