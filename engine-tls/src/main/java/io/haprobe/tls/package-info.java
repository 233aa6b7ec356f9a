/**
 * TLS health checks for haprobe (spec §6.2): {@link io.haprobe.tls.BouncyCastleTlsSupport}, found by the engine
 * through {@link io.haprobe.spi.TlsSupport}, and {@link io.haprobe.tls.Certificates} for keys and certificates made
 * in memory (the test kit's {@code TestCertificates} builds on it). Put {@code io.haprobe:haprobe-engine-tls} on the
 * class path and servers with {@code ssl} or {@code check-ssl} are checked over TLS; nothing else to call.
 */
package io.haprobe.tls;
