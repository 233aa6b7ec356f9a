package io.haprobe.traffic;

/**
 * One backend's load-balancing algorithm ({@code balance}, {@code hash-type}; HAProxy's lb_fwrr.c, lb_map.c,
 * lb_fwlc.c, lb_fas.c, lb_chash.c and backend.c {@code assign_server()}): which server a request goes to, in
 * the same order of picks as HAProxy 2.6. It keeps its own structures (trees, maps, rings) over the servers it
 * was built with and learns about changes only through {@link #update(LbServer)}, {@link #taken(LbServer)}
 * and {@link #released(LbServer)}.
 *
 * <p>Active servers are used whenever one is usable; otherwise the first usable backup in declaration order,
 * or every usable backup with {@code option allbackups} (spec §9.1).
 *
 * <p>Not thread-safe: confined to the thread that runs the traffic model.
 */
public interface LoadBalancer {

    /**
     * Picks the server for a request, as HAProxy's lookup function for the algorithm does.
     *
     * <p>Round robin, static round robin, leastconn and first skip {@linkplain LbServer#full() full} servers and
     * return null when every usable server is full (the request then waits in the backend queue). Hashing
     * algorithms return the server the key maps to even when it is full (the request then waits in that
     * server's queue).
     *
     * @param request the request; never null
     * @param avoid   a server to avoid when another one is usable (HAProxy's {@code srvtoavoid}: the server a
     *                redispatched request failed on), or null
     * @return the server, or null when no usable server can take the request now
     * @throws NullPointerException if {@code request} is null
     */
    LbServer pick(Request request, LbServer avoid);

    /**
     * Tells the algorithm that a server's {@link LbServer#usable()} or {@link LbServer#eweight()} changed
     * (HAProxy's {@code set_server_status_up/down} and {@code update_server_eweight}). The algorithm compares
     * with what it saw last and moves the server in its structures.
     *
     * @param server one of the servers this balancer was built with; never null
     * @throws IllegalArgumentException if the server is not one of this balancer's
     */
    void update(LbServer server);

    /**
     * Tells the algorithm that a server's {@link LbServer#served()} grew by one (HAProxy's
     * {@code server_take_conn}); leastconn repositions the server.
     *
     * @param server one of the servers this balancer was built with; never null
     */
    void taken(LbServer server);

    /**
     * Tells the algorithm that a server's {@link LbServer#served()} fell by one (HAProxy's
     * {@code server_drop_conn}).
     *
     * @param server one of the servers this balancer was built with; never null
     */
    void released(LbServer server);
}
