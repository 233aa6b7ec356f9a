/**
 * haprobe's vocabulary, the words every other package speaks: {@link io.haprobe.CheckStatus} is HAProxy's
 * check status table ({@code L4CON}, {@code L7STS}, ...), {@link io.haprobe.CheckResult} the result class a
 * status maps to, {@link io.haprobe.CheckOutcome} one check's result and {@link io.haprobe.ServerState} a
 * server's operational state ({@code UP}, {@code DOWN}, {@code NOLB}). Pure values: this package imports no
 * other haprobe package, so every package may import it without forming a cycle. The front doors are in
 * {@code io.haprobe.engine}: {@code HealthCheckEngine} (live) and {@code Simulation} (virtual time).
 */
package io.haprobe;
