/**
 * HAProxy's runtime interfaces served from haprobe's reports: {@link io.haprobe.runtime.PrometheusExposition}
 * turns {@code show stat} and {@code show info} into the text of HAProxy 2.6's built-in Prometheus exporter,
 * {@link io.haprobe.runtime.MetricsServer} serves it on {@code /metrics} (loopback only), and
 * {@link io.haprobe.runtime.HaproxyMeterBinder} registers the same families as Micrometer meters (Micrometer is
 * an optional dependency: only that class needs it).
 *
 * <p>A shell package: it may use Netty and threads. It takes its input as text and functions ({@code show stat}
 * CSV, {@code show info} lines), never as an engine: {@code io.haprobe.engine} is the facade above it, and wiring
 * the two together is the caller's job ({@code engine::showStat}, {@code () -> engine.executeAsync("show info")}).
 */
package io.haprobe.runtime;
