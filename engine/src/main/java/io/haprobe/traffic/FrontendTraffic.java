package io.haprobe.traffic;

import io.haprobe.config.FrontendConfig;

import java.util.Objects;

/**
 * One frontend (or the frontend side of a listen section) as the request path sees it: where its requests go,
 * how many it holds at once ({@code maxconn}), and the counters of its {@code show stat} FRONTEND row. At
 * {@code maxconn} HAProxy stops accepting: new connections wait in the listener's backlog until a session ends
 * (they are not refused); the driver keeps them and accepts the next one when {@link #release} says so.
 *
 * <table>
 *   <caption>Counters</caption>
 *   <tr><th>method</th><th>column</th><th>meaning</th></tr>
 *   <tr><td>{@link #currentSessions()}, {@link #maxSessions()}</td><td>scur, smax</td><td>sessions held</td></tr>
 *   <tr><td>{@link #totalSessions()}</td><td>stot</td><td>sessions accepted</td></tr>
 *   <tr><td>{@link #maxConn()}</td><td>slim</td><td>the limit</td></tr>
 *   <tr><td>{@link #requestTotal()}, {@link #httpResponses(int)}</td><td>req_tot, hrsp_*</td><td>requests and
 *       the statuses the clients got, HAProxy's own errors included</td></tr>
 * </table>
 *
 * <p>Not thread-safe: confined to the thread that runs the traffic model.
 */
public final class FrontendTraffic {

    private final String name;
    private final String backend;
    private final int maxConn;
    private int currentSessions;
    private int maxSessions;
    private long totalSessions;
    private long requestTotal;
    private final long[] httpResponses = new long[6];
    private int waiting;

    private FrontendTraffic(String name, String backend, int maxConn) {
        this.name = name;
        this.backend = backend;
        this.maxConn = maxConn;
    }

    /**
     * Builds the model of a frontend.
     *
     * @param config        the frontend; never null
     * @param globalMaxConn the global {@code maxconn}, used when the frontend has none (HAProxy derives it from
     *                      the file-descriptor limit when {@code global maxconn} is unset), {@code >= 1}
     * @return the model
     * @throws NullPointerException     if {@code config} is null
     * @throws IllegalArgumentException if {@code globalMaxConn} is below 1
     */
    public static FrontendTraffic of(FrontendConfig config, int globalMaxConn) {
        Objects.requireNonNull(config, "config");
        if (globalMaxConn < 1) {
            throw new IllegalArgumentException("globalMaxConn: " + globalMaxConn + " (expected: >= 1)");
        }
        return new FrontendTraffic(config.name(), config.backend(),
                config.maxConn() > 0 ? config.maxConn() : globalMaxConn);
    }

    /**
     * Returns the frontend's name.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * Returns the backend its requests go to ({@link FrontendConfig#backend()}).
     *
     * @return the backend name, or null when the frontend names none (HAProxy then answers 503)
     */
    public String backend() {
        return backend;
    }

    /**
     * Returns the {@code maxconn} in force.
     *
     * @return the limit, {@code >= 1}
     */
    public int maxConn() {
        return maxConn;
    }

    /**
     * A client connects: accepted when the frontend holds fewer than {@code maxconn} sessions (counted in
     * {@code scur} and {@code stot}), else it waits in the backlog ({@link #waiting()}).
     *
     * @param nowNanos the virtual time
     * @return true if accepted now; false if it waits until {@link #release} returns true
     */
    public boolean accept(long nowNanos) {
        if (currentSessions >= maxConn) {
            waiting++;
            return false;
        }
        admit();
        return true;
    }

    /**
     * A session of this frontend ended with the status its client got: counted in {@code req_tot} and
     * {@code hrsp_*}; its place goes to the oldest waiting connection, if any.
     *
     * @param status   the status (a server's, or 503, 502, 504), -1 when the client got none
     * @param nowNanos the virtual time
     * @return true when a waiting connection was accepted in its place: the driver hands over its oldest one
     * @throws IllegalStateException if the frontend holds no session
     */
    public boolean release(int status, long nowNanos) {
        if (currentSessions == 0) {
            throw new IllegalStateException("frontend " + name + " holds no session");
        }
        int n = status / 100;
        httpResponses[n < 1 || n > 5 ? 0 : n]++;
        requestTotal++;
        currentSessions--;
        if (waiting > 0) {
            waiting--;
            admit();
            return true;
        }
        return false;
    }

    /**
     * Returns the connections waiting in the backlog for a place.
     *
     * @return the count, {@code >= 0}
     */
    public int waiting() {
        return waiting;
    }

    /**
     * Returns {@code scur}.
     *
     * @return the count, {@code >= 0}
     */
    public int currentSessions() {
        return currentSessions;
    }

    /**
     * Returns {@code smax}.
     *
     * @return the count, {@code >= 0}
     */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * Returns {@code stot}.
     *
     * @return the count, {@code >= 0}
     */
    public long totalSessions() {
        return totalSessions;
    }

    /**
     * Returns {@code req_tot}.
     *
     * @return the count, {@code >= 0}
     */
    public long requestTotal() {
        return requestTotal;
    }

    /**
     * Returns the statuses the clients got, by class.
     *
     * @param statusClass 1 to 5 for {@code hrsp_1xx} to {@code hrsp_5xx}, 0 for {@code hrsp_other}
     * @return the count, {@code >= 0}
     * @throws IllegalArgumentException if {@code statusClass} is outside 0..5
     */
    public long httpResponses(int statusClass) {
        return httpResponses[BackendTraffic.checkClass(statusClass)];
    }

    @Override
    public String toString() {
        return "FrontendTraffic[" + name + " -> " + backend + ", scur " + currentSessions + "/" + maxConn + "]";
    }

    private void admit() {
        currentSessions++;
        maxSessions = Math.max(maxSessions, currentSessions);
        totalSessions++;
    }
}
