package io.haprobe.internal;

import io.haprobe.transport.CheckTarget;

/**
 * A transport that can run a plain (non-TLS) check connection without a Netty channel, pipeline or promise: the
 * simulated transport implements it, so a simulated check drives {@link CheckDriver} (the same interpreter and
 * timing rules as a live check) straight from its virtual event queue. {@link CheckRun} uses it when the transport
 * implements it and the check has no TLS side; TLS checks stay on channels.
 *
 * <p>Confined to the transport's scheduler thread. Not API.
 */
public interface DirectConnector {

    /**
     * Starts connecting to {@code target}. The connection reports to {@code driver} later, from tasks of the
     * scheduler, never from within this call; a connection that cannot be created at all is returned as
     * {@link CheckConnection#failed(String)}.
     *
     * @param target       the server and the address of this connection; never null
     * @param proxyVersion the PROXY protocol version to send first once connected (1 or 2), 0 for none
     * @param driver       where the connection's events go; never null
     * @return the connection; never null
     */
    CheckConnection connect(CheckTarget target, int proxyVersion, CheckDriver driver);
}
