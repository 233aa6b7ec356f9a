package io.haprobe.tls.internal;

import io.haprobe.spi.TlsBackend;
import io.haprobe.spi.TlsServerEndpoint;
import io.netty.buffer.Unpooled;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * One full TLS handshake in memory, client against server, the first time a live TLS client is built: loading
 * and initialising Bouncy Castle's TLS code takes 100-200 ms on a cold JVM, which would otherwise show in the
 * first TLS check's {@code check duration} (HAProxy's first one takes a few milliseconds). Nothing touches the
 * network; a failure here only means no warm-up.
 *
 * <p>Thread-safe.
 */
final class WarmUp {

    private static final System.Logger LOGGER = System.getLogger(WarmUp.class.getName());
    private static volatile boolean done;

    private WarmUp() {
    }

    /** Runs the warm-up handshake unless one already ran in this JVM. */
    static void once() {
        if (done) {
            return;
        }
        synchronized (WarmUp.class) {
            if (done) {
                return;
            }
            done = true;
            try {
                // RSA with the chain verified, ECDSA, and a chain that fails: the common paths of a live check
                SimulatedPki pki = new SimulatedPki();
                handshake(pki, TlsBackend.KeyType.RSA, TlsBackend.Issuer.TRUSTED, true);
                handshake(pki, TlsBackend.KeyType.EC, TlsBackend.Issuer.SELF_SIGNED, false);
                handshake(pki, TlsBackend.KeyType.EC, TlsBackend.Issuer.SELF_SIGNED, true);
            } catch (GeneralSecurityException | RuntimeException e) {
                LOGGER.log(System.Logger.Level.DEBUG, "TLS warm-up failed", e);
            }
        }
    }

    private static void handshake(SimulatedPki pki, TlsBackend.KeyType keyType, TlsBackend.Issuer issuer,
                                  boolean verify) throws GeneralSecurityException {
        TlsServerEndpoint server = pki.newServerEndpoint(new TlsBackend(issuer, keyType, List.of("warm-up.invalid"),
                List.of(), null, null, List.of(), false));
        SSLContext context = SSLContext.getInstance("TLS", Providers.JSSE);
        TrustManager trust = verify
                ? ServerTrust.verifying(List.of(pki.authority()), null, Map.of()) : ServerTrust.any();
        context.init(null, new TrustManager[] {trust}, new SecureRandom());
        SSLEngine client = context.createSSLEngine();
        client.setUseClientMode(true);
        try {
            exchange(client, server);
        } catch (SSLException expectedForAnUntrustedChain) {
            // the failure path is warmed too
        }
    }

    private static void exchange(SSLEngine client, TlsServerEndpoint server) throws SSLException {
        ByteBuffer net = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize());
        ByteBuffer fromServer = ByteBuffer.allocate(0);
        for (int round = 0; round < 8 && !server.isHandshakeDone() && !server.isFailed(); round++) {
            SSLEngineResult.HandshakeStatus status = client.getHandshakeStatus();
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                for (Runnable task; (task = client.getDelegatedTask()) != null; ) {
                    task.run();
                }
                continue;
            }
            if (status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP && fromServer.hasRemaining()) {
                client.unwrap(fromServer, app);
                app.clear();
                continue;
            }
            net.clear();
            client.wrap(ByteBuffer.allocate(0), net);
            net.flip();
            server.receive(Unpooled.wrappedBuffer(net));
            fromServer = ByteBuffer.wrap(server.takeOutbound());
        }
    }
}
