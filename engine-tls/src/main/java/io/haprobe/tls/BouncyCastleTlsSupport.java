package io.haprobe.tls;

import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSimulation;
import io.haprobe.spi.TlsSupport;
import io.haprobe.tls.internal.ClientFiles;
import io.haprobe.tls.internal.SimulatedPki;

import java.util.Objects;

/**
 * TLS health checks on Bouncy Castle's JSSE provider (spec §6.2), found by the engine through
 * {@link java.util.ServiceLoader}: having {@code io.haprobe:haprobe-engine-tls} on the class path is enough.
 *
 * <table>
 *   <caption>What HAProxy keyword does what</caption>
 *   <tr><th>keyword</th><th>effect on the check connection</th></tr>
 *   <tr><td>{@code ssl}, {@code check-ssl}, {@code no-check-ssl}, {@code port}, {@code addr}</td>
 *       <td>whether it uses TLS ({@link io.haprobe.config.TlsSettings#checkUsesTls(boolean)})</td></tr>
 *   <tr><td>{@code verify}, global {@code ssl-server-verify}</td><td>chain verification on or off</td></tr>
 *   <tr><td>{@code ca-file}</td><td>the trusted CAs (PEM bundle)</td></tr>
 *   <tr><td>{@code verifyhost}, {@code check-sni}</td><td>the name the certificate must carry; the SNI</td></tr>
 *   <tr><td>{@code crt}</td><td>the client certificate and key (PEM)</td></tr>
 *   <tr><td>{@code alpn}, {@code check-alpn}</td><td>the ALPN offer</td></tr>
 *   <tr><td>{@code ssl-min-ver}, {@code ssl-max-ver}</td><td>the enabled versions (TLSv1.2 to TLSv1.3 by
 *       default)</td></tr>
 *   <tr><td>{@code ciphers}, {@code ciphersuites}</td><td>the enabled suites</td></tr>
 * </table>
 *
 * <p>The provider instances are handed to each SSL context and never installed with
 * {@link java.security.Security#addProvider}, so the application's own TLS is untouched. Thread-safe.
 */
public final class BouncyCastleTlsSupport implements TlsSupport {

    /** Creates the provider; {@link java.util.ServiceLoader} calls it. */
    public BouncyCastleTlsSupport() {
    }

    /**
     * Reads the server's {@code ca-file} and {@code crt} and prepares its TLS client.
     *
     * @throws io.haprobe.config.ConfigException if a file cannot be read or holds no usable PEM data; the message
     *                                           names the server's line, the keyword and the file
     */
    @Override
    public TlsClient newClient(TlsClientSpec spec) {
        return ClientFiles.load(Objects.requireNonNull(spec, "spec"));
    }

    @Override
    public TlsSimulation newSimulation() {
        return new SimulatedPki();
    }
}
