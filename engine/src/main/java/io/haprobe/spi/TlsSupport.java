package io.haprobe.spi;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * TLS for check connections (spec §6.2), provided by {@code io.haprobe:haprobe-engine-tls} through
 * {@link ServiceLoader}. The engine asks for one {@link TlsClient} per server whose checks use TLS when it is
 * built, and a simulation asks for one {@link TlsSimulation}.
 *
 * <p>Implementations are thread-safe and have a public no-argument constructor.
 */
public interface TlsSupport {

    /**
     * Finds the TLS provider on the class path of this interface.
     *
     * @return the first provider found, or empty when {@code haprobe-engine-tls} is absent
     */
    static Optional<TlsSupport> find() {
        return ServiceLoader.load(TlsSupport.class, TlsSupport.class.getClassLoader()).findFirst();
    }

    /**
     * Prepares the TLS client of one server's checks, as HAProxy prepares a server's SSL context at startup:
     * reads its {@code ca-file} and {@code crt}, sets versions, ciphers and verification. Called once per server
     * when an engine is built, from the builder's thread.
     *
     * @param spec the server and its settings; never null
     * @return the client
     * @throws io.haprobe.config.ConfigException if a file cannot be read or holds no usable PEM data, or a setting
     *                                           cannot be applied; the message names the server's line and the file
     */
    TlsClient newClient(TlsClientSpec spec);

    /**
     * Creates the certificates of one simulation: a CA that every {@code ca-file} of the configuration stands for,
     * client certificates it issues for {@code crt}, and server certificates for scripted TLS backends.
     *
     * @return a new simulation PKI
     */
    TlsSimulation newSimulation();
}
