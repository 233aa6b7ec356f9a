package io.haprobe.traffic;

/**
 * A server as a load-balancing algorithm sees it: HAProxy's {@code struct server} fields that the lb_*.c
 * algorithms read (spec §9.1, §9.2, §9.4). The traffic model owns the values; a {@link LoadBalancer} only reads
 * them, and is told by {@link LoadBalancer#update(LbServer)}, {@link LoadBalancer#taken(LbServer)} and
 * {@link LoadBalancer#released(LbServer)} when they change.
 *
 * <p>Implementations are confined to the thread that runs the traffic model (the simulation's thread); an
 * algorithm may call these getters as often as it likes, so they must be plain field reads.
 */
public interface LbServer {

    /**
     * Returns the server's position in its backend's declaration order, from 0. Algorithms that keep servers
     * in declaration order (HAProxy's server list) use it, and it names the server in arrays.
     *
     * @return the 0-based declaration index
     */
    int index();

    /**
     * Returns HAProxy's numeric server id ({@code srv->puid}): the server's {@code id} keyword, or the
     * automatic id (1 for the first server of the backend, then the next free number). {@code balance first}
     * orders servers by it, consistent hashing derives the server's points on the ring from it.
     *
     * @return the id, {@code >= 1}
     */
    int puid();

    /**
     * Tells whether the server was declared {@code backup}.
     *
     * @return true for a backup server
     */
    boolean backup();

    /**
     * Tells whether load balancing may give the server new requests: HAProxy's {@code srv_currently_usable()}:
     * the server is UP or STARTING (not DOWN, not in MAINT, not stopping), not in DRAIN, and its
     * {@link #eweight()} is above 0.
     *
     * @return true if the server may be picked
     */
    boolean usable();

    /**
     * Returns the effective weight in the backend's scale (HAProxy's {@code srv->cur_eweight}, spec §9.2):
     * {@code 16 × uweight} for dynamic algorithms, {@code uweight} for static ones, lower while a slowstart
     * ramp runs. 0 when the server must not be picked. It does not depend on the server's state: a DOWN
     * server keeps its weight, as HAProxy keeps its {@code cur_eweight}, and {@link #usable()} says whether it
     * may be picked. {@code static-rr} and map-based hashing divide it by the greatest common divisor of the
     * servers' weights when the balancer is built ({@code lbprm.wmult}).
     *
     * @return the effective weight, {@code >= 0}
     */
    int eweight();

    /**
     * Returns the number of requests the server is serving now (HAProxy's {@code srv->served}).
     *
     * @return the current sessions, {@code >= 0}
     */
    int served();

    /**
     * Returns the number of requests waiting in the server's own queue ({@code srv->queue.length}).
     *
     * @return the queue length, {@code >= 0}
     */
    int queueLength();

    /**
     * Returns the server's configured {@code maxconn} ({@code srv->maxconn}); 0 means no limit.
     *
     * @return the static limit, {@code >= 0}
     */
    int maxConn();

    /**
     * Returns the limit that applies now (queue.c {@code srv_dynamic_maxconn()}: {@code minconn}/{@code fullconn}
     * scaling and the slowstart ramp, spec §9.4); meaningless when {@link #maxConn()} is 0.
     *
     * @return the dynamic limit, {@code >= 1} when {@link #maxConn()} is above 0
     */
    int dynamicMaxConn();

    /**
     * Returns the server's {@code maxqueue} ({@code srv->maxqueue}): how many requests may wait in its own
     * queue; 0 means no limit. {@code balance leastconn} counts it as room: it picks a server while
     * {@code served + queueLength < dynamicMaxConn + maxQueue} (lb_fwlc.c). The default returns 0.
     *
     * @return the queue limit, {@code >= 0}
     */
    default int maxQueue() {
        return 0;
    }

    /**
     * Tells whether the server is full in HAProxy's sense: it has a {@code maxconn} and either requests wait in
     * its queue or it serves as many as {@link #dynamicMaxConn()}. Round robin, leastconn and first skip full
     * servers; hashing algorithms pick them anyway and the request waits in that server's queue.
     *
     * @return true if the server takes no new request now
     */
    default boolean full() {
        return maxConn() > 0 && (queueLength() > 0 || served() >= dynamicMaxConn());
    }
}
