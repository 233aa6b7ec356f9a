/**
 * haprobe's front doors. {@link io.haprobe.engine.HealthCheckEngine} runs the health checks of a parsed
 * haproxy.cfg as HAProxy 2.6 would, over real sockets or any {@link io.haprobe.transport.ProbeTransport}, and
 * reports {@link io.haprobe.engine.HealthEvent}s to {@link io.haprobe.engine.HealthListener}s;
 * {@link io.haprobe.engine.ServerSnapshot} is an immutable view of one server. {@link io.haprobe.engine.Simulation}
 * runs the same engine on virtual time against scripted backends and records a
 * {@link io.haprobe.engine.Timeline}. This package sits above every other engine package; nothing in the engine
 * imports it.
 */
package io.haprobe.engine;
