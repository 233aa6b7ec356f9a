/**
 * The traffic model: what load balancing sees of a backend. {@link io.haprobe.traffic.Backend} keeps HAProxy's
 * counts of usable active and backup servers and their weights ({@code srv_act}, {@code srv_bck},
 * {@code tot_wact}, {@code tot_wbck}, {@code tot_weight}; backend.c {@code recount_servers()}, spec §9.1),
 * which the transition log lines ("1 active and 0 backup servers left") and the {@code send-state} header
 * print. Balance algorithms, slowstart, {@code allbackups}, persistence and queues (spec §9) will grow here.
 * Pure: nothing here imports Netty or reads a clock.
 */
package io.haprobe.traffic;
