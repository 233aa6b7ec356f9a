/**
 * haprobe's front doors. {@link io.haprobe.engine.HealthCheckEngine} runs the health checks of a parsed
 * haproxy.cfg as HAProxy 2.6 would, over real sockets or any {@link io.haprobe.transport.ProbeTransport}, and
 * reports {@link io.haprobe.engine.HealthEvent}s to {@link io.haprobe.engine.HealthListener}s;
 * {@link io.haprobe.engine.ServerSnapshot} is an immutable view of one server. {@link io.haprobe.engine.Simulation}
 * runs the same engine on virtual time against scripted backends and records a
 * {@link io.haprobe.engine.Timeline}. This package sits above every other engine package; nothing in the engine
 * imports it.
 *
 * <p>Inside, the engine is split by role, in package-private types: a planner (boot state and spreading of the
 * first checks, name resolution, TLS set-up), one checker per server (its check loop on the engine's event loop),
 * a transition log (what a check did, as events and HAProxy's log lines, with the backend counts of
 * {@link io.haprobe.traffic.Backend}) and a listener dispatcher (isolated listeners on their executor).
 */
package io.haprobe.engine;
