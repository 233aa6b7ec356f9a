/**
 * haprobe's public face: {@link io.haprobe.HealthCheckEngine} runs the health checks of a parsed
 * haproxy.cfg as HAProxy 2.6 would, and reports {@link io.haprobe.HealthEvent}s to
 * {@link io.haprobe.HealthListener}s. {@link io.haprobe.CheckStatus} is HAProxy's status table,
 * {@link io.haprobe.CheckOutcome} one check's result, {@link io.haprobe.ServerState} the operational state
 * and {@link io.haprobe.ServerSnapshot} an immutable view of a server.
 */
package io.haprobe;
