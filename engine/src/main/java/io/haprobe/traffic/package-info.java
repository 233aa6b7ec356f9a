/**
 * The traffic model: what load balancing and the request path see of a backend (spec §9).
 * <ul>
 *   <li>{@link io.haprobe.traffic.Backend} keeps HAProxy's counts of usable active and backup servers and their
 *       weights ({@code srv_act}, {@code srv_bck}, {@code tot_wact}, {@code tot_wbck}, {@code tot_weight};
 *       backend.c {@code recount_servers()}, spec §9.1), which the transition log lines and the
 *       {@code send-state} header print.</li>
 *   <li>{@link io.haprobe.traffic.BackendTraffic} is the request model of one backend: for each request
 *       ({@link io.haprobe.traffic.Stream}), what HAProxy 2.6 decides ({@link io.haprobe.traffic.Decision}),
 *       from persistence and load balancing to queues, retries and the response; the counters {@code show stat}
 *       prints; and what a server's state change does to its queue, with the numbers of its transition line
 *       ({@link io.haprobe.traffic.Transition}).</li>
 *   <li>{@link io.haprobe.traffic.FrontendTraffic} is a frontend's side: where its requests go, its
 *       {@code maxconn} (connections wait in the backlog), its FRONTEND row's counters.</li>
 *   <li>{@link io.haprobe.traffic.LoadBalancer#of} builds HAProxy 2.6's load-balancing algorithms over
 *       {@link io.haprobe.traffic.LbServer}s, one class per lookup (lb_fwrr.c, lb_map.c, lb_fwlc.c, lb_fas.c,
 *       lb_chash.c), with the request keys of backend.c and the hash functions of hash.c
 *       ({@link io.haprobe.traffic.HashFunctions}), backups and {@code allbackups} included.</li>
 * </ul>
 * Pure: nothing here imports Netty or reads a clock; time comes in as {@code nowNanos} arguments.
 */
package io.haprobe.traffic;
