package io.haprobe.spi;

/**
 * The certificates and TLS endpoints of one simulation. In a simulation the configuration's files are not read:
 * every {@code ca-file} stands for this simulation's CA, and {@code crt} for a client certificate that CA issued,
 * so a scenario runs the same on any machine.
 *
 * <p>Confined to the simulation's thread.
 */
public interface TlsSimulation {

    /**
     * Prepares the TLS client of one server's checks against this simulation's CA.
     *
     * @param spec the server and its settings; never null
     * @return the client
     */
    TlsClient newClient(TlsClientSpec spec);

    /**
     * Starts the server side of one connection to a scripted TLS backend.
     *
     * @param backend what the backend presents and accepts; never null
     * @return the server endpoint of one connection
     */
    TlsServerEndpoint newServerEndpoint(TlsBackend backend);

    /**
     * Returns this simulation's CA certificate as PEM, the form HAProxy's {@code ca-file} reads: a live checker
     * (haprobe or HAProxy) whose {@code ca-file} holds it trusts the scripted backends' {@code trusted} and
     * {@code expired} certificates, as a simulated check does.
     *
     * @return one {@code CERTIFICATE} block
     */
    String authorityPem();

    /**
     * Returns the client certificate every {@code crt} stands for, issued by this simulation's CA, with its key, as
     * PEM, the form HAProxy's {@code crt} reads: a live checker presenting it passes a scripted backend that
     * requires a client certificate.
     *
     * @return the {@code CERTIFICATE} block then the private key block
     */
    String clientCertificatePem();
}
