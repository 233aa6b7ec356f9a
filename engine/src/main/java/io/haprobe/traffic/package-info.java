/**
 * The traffic model: what load balancing sees of a backend. {@link io.haprobe.traffic.Backend} keeps HAProxy's
 * counts of usable active and backup servers and their weights ({@code srv_act}, {@code srv_bck},
 * {@code tot_wact}, {@code tot_wbck}, {@code tot_weight}; backend.c {@code recount_servers()}, spec §9.1),
 * which the transition log lines ("1 active and 0 backup servers left") and the {@code send-state} header
 * print. {@link io.haprobe.traffic.LoadBalancer#of} builds HAProxy 2.6's load-balancing algorithms over
 * {@link io.haprobe.traffic.LbServer}s, one class per lookup (lb_fwrr.c, lb_map.c, lb_fwlc.c, lb_fas.c,
 * lb_chash.c), with the request keys of backend.c and the hash functions of hash.c
 * ({@link io.haprobe.traffic.HashFunctions}), including backups and {@code allbackups}. Slowstart, persistence
 * and queues (spec §9) grow here.
 * Pure: nothing here imports Netty or reads a clock.
 */
package io.haprobe.traffic;
