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
}
