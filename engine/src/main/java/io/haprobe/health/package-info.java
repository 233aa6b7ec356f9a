/**
 * The pure health core: the {@code health} counter ({@link io.haprobe.health.HealthCounter}), the server
 * state machine ({@link io.haprobe.health.ServerHealth}), the interval chooser
 * ({@link io.haprobe.health.IntervalPolicy}) and the boot spreading ({@link io.haprobe.health.BootSpread}).
 * Nothing here imports Netty or reads a clock.
 */
package io.haprobe.health;
