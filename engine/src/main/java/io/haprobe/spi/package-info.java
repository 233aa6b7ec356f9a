/**
 * The service provider interface where {@code haprobe-engine-tls} plugs TLS into the engine. The engine finds a
 * {@link io.haprobe.spi.TlsSupport} with {@link java.util.ServiceLoader} and never sees the TLS library behind
 * it. Meant for TLS providers, not for applications; it may change between minor versions.
 */
package io.haprobe.spi;
