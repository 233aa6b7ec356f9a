/**
 * Bouncy Castle behind {@link io.haprobe.tls.BouncyCastleTlsSupport}: the providers, PEM files, the client and
 * server TLS engines, the Netty layer of check connections. Not API: anything here may change at any time, and no
 * Bouncy Castle type leaves this package.
 */
package io.haprobe.tls.internal;
