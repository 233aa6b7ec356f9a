/**
 * HAProxy's runtime interfaces, served from the engine's reports:
 * <ul>
 *   <li>the stats socket ("runtime API", management.txt section 9.3): {@link io.haprobe.runtime.CommandHandler}
 *       executes one command, {@link io.haprobe.runtime.StatsSocketServer} carries commands and replies over a
 *       UNIX socket or a loopback TCP port with HAProxy 2.6's session rules (non-interactive and {@code prompt}
 *       modes, {@code ';'} separators, {@code <<} payloads, {@code quit}, the 16384-byte request limit, the 10 s
 *       idle timeout); the command language itself is the handler's, the server only moves bytes;</li>
 *   <li>the Prometheus exporter: {@link io.haprobe.runtime.PrometheusExposition} turns {@code show stat} and
 *       {@code show info} into the text of HAProxy 2.6's built-in exporter, {@link io.haprobe.runtime.MetricsServer}
 *       serves it on {@code /metrics} (loopback only), and {@link io.haprobe.runtime.HaproxyMeterBinder} registers
 *       the same families as Micrometer meters (Micrometer is an optional dependency: only that class needs
 *       it).</li>
 * </ul>
 *
 * <p>A shell package: it may use Netty and threads. It takes its input as text and functions ({@code show stat}
 * CSV, {@code show info} lines, a {@link io.haprobe.runtime.CommandHandler}), never as an engine:
 * {@code io.haprobe.engine} is the facade above it, and wiring the two together is the caller's job
 * ({@code engine::executeAsync}, {@code engine::showStat}).
 */
package io.haprobe.runtime;
