/**
 * The transport seam: {@link io.haprobe.transport.ProbeTransport} opens the channel a check runs over,
 * a real socket ({@link io.haprobe.transport.NettyProbeTransport}) or a simulated one.
 */
package io.haprobe.transport;
