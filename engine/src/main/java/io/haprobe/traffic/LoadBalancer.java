package io.haprobe.traffic;

import io.haprobe.config.Balancing;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

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
 * <p>Read from HAProxy's v2.6.0 sources, plus 2.6.2's fix that balances a request without a source address by
 * round robin under {@code balance source}; 2.6.12's changelog has no other load-balancing change. Checked pick
 * by pick against HAProxy 2.6.12 (the engine's {@code LoadBalancerCaptureTest}).
 *
 * <p>Not thread-safe: confined to the thread that runs the traffic model.
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.of(proxy.balancing(), servers, allBackups, new SplittableRandom(seed));
 * LbServer server = lb.pick(request, null);   // null: no usable server, or all of them full
 * if (server != null) {
 *     // the model counts the request on the server, then tells the balancer
 *     lb.taken(server);
 *     // ... and when the server has answered:
 *     lb.released(server);
 * }
 * // a server went DOWN, into MAINT or DRAIN, came back, or changed weight:
 * lb.update(server);
 * }</pre>
 */
public interface LoadBalancer {

    /**
     * Builds the algorithm {@code balancing} names over a backend's servers, in the state they are in now, as
     * HAProxy does when it starts (cfgparse.c: {@code fwrr_init_server_groups}, {@code init_server_map},
     * {@code fwlc_init_server_tree}, {@code fas_init_server_tree}, {@code chash_init_server_tree}):
     *
     * <table>
     *   <caption>Algorithms</caption>
     *   <tr><th>{@code balance}</th><th>structure</th><th>HAProxy</th></tr>
     *   <tr><td>{@code roundrobin}</td><td>weighted round robin trees</td><td>lb_fwrr.c</td></tr>
     *   <tr><td>{@code static-rr}; {@code source}, {@code uri}, {@code url_param}, {@code hdr} with
     *       {@code hash-type map-based}</td><td>a static map</td><td>lb_map.c</td></tr>
     *   <tr><td>{@code leastconn}</td><td>trees by connections per weight</td><td>lb_fwlc.c</td></tr>
     *   <tr><td>{@code first}</td><td>trees by server id</td><td>lb_fas.c</td></tr>
     *   <tr><td>{@code random}; the hashes with {@code hash-type consistent}</td><td>hash rings</td>
     *       <td>lb_chash.c</td></tr>
     * </table>
     *
     * <p>Hashing algorithms read the request's key as backend.c does ({@code get_server_sh}, {@code _uh},
     * {@code _ph}, {@code _hh}) and balance by round robin on the same structure when the request has none (no
     * source address, no such header or parameter). {@code url_param ... check_post} never reads a body here: a
     * POST without the parameter in its query string is balanced by round robin.
     *
     * <p>Weights are read from {@link LbServer#eweight()} in the backend's scale ({@code 16 × weight} for
     * dynamic algorithms, {@code weight} for static ones, see {@link Balancing#staticWeights()}).
     *
     * @param balancing  the backend's {@code balance} and {@code hash-type}; never null
     * @param servers    the backend's servers in declaration order, {@code servers.get(i).index() == i}; never
     *                   null, may be empty
     * @param allBackups {@code option allbackups}: every usable backup takes traffic when no active server is
     *                   usable, instead of the first one alone
     * @param random     the random source of {@code balance random}, seeded for reproducible runs; never null
     * @return a balancer confined to the calling thread
     * @throws NullPointerException     if an argument or a server is null
     * @throws IllegalArgumentException if the servers are not in declaration order, or the algorithm is not
     *                                  modelled ({@code rdp-cookie}, {@code hash <expression>}:
     *                                  {@link Balancing#modelled()})
     */
    static LoadBalancer of(Balancing balancing, List<? extends LbServer> servers, boolean allBackups,
                           RandomGenerator random) {
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(random, "random");
        if (!balancing.modelled()) {
            throw new IllegalArgumentException("balancing: balance " + balancing.algorithm().statName()
                    + " (expected: an algorithm whose traffic decisions haprobe models, not rdp-cookie or hash)");
        }
        return switch (balancing.lookup()) {
            case WEIGHTED_ROUND_ROBIN -> new WeightedRoundRobin(servers, allBackups);
            case MAP -> new StaticMap(balancing, servers, allBackups);
            case LEAST_CONNECTIONS -> new LeastConnections(servers, allBackups);
            case FIRST_AVAILABLE -> new FirstAvailable(servers, allBackups);
            case CONSISTENT_HASH -> new ConsistentHash(balancing, servers, allBackups, random);
        };
    }

    /**
     * Picks the server for a request, as HAProxy's lookup function for the algorithm does.
     *
     * <p>Round robin, static round robin, leastconn and first skip {@linkplain LbServer#full() full} servers and
     * return null when every usable server is full (the request then waits in the backend queue); leastconn
     * counts a server's {@link LbServer#maxQueue()} as room, as lb_fwlc.c does. Hashing algorithms return the
     * server the key maps to even when it is full (the request then waits in that server's queue); without a
     * key they balance by round robin and skip full servers. {@code random} returns null when the server its
     * draws chose is full. When no active server is usable and {@code option allbackups} is off, the first
     * usable backup is returned without looking at its load (HAProxy's {@code lbprm.fbck}); the static map is
     * the exception: it is built over the usable backups with the first one's weight, as lb_map.c does.
     *
     * <p>What this does not do, and the traffic model must: assign_server's "backend queue not empty" rule
     * (with {@code first}, {@code roundrobin} and {@code static-rr}, a request goes straight to the backend
     * queue while it is not empty), persistence, and telling "no usable server" (503) from "all full"
     * (queue). Steady state allocates nothing, except for hashing an IPv6 source (16 bytes).
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
