package io.haprobe.tls.internal;

import io.haprobe.spi.TlsPeer;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The TLS layer of one inspection connection ({@link io.haprobe.spi.TlsClient#newInspectionHandler}): puts its
 * {@link SslHandler} in front of itself, waits for the handshake's end, turns what happened into one
 * {@link TlsPeer} (the judging is {@link ClientContext}'s), fires it and closes the channel. Errors before that are
 * part of the report, never thrown on.
 *
 * <p>One instance per channel; confined to its event loop.
 */
final class InspectionLayer extends ChannelDuplexHandler {

    private final SslHandler ssl;
    private final Inspection inspection;
    private final BiFunction<Inspection, Throwable, TlsPeer> judge;
    private boolean reported;

    /**
     * Creates the layer.
     *
     * @param ssl        the handler of the inspection engine
     * @param inspection what the engine's trust and key managers record
     * @param judge      turns the record and the failure (null for a completed handshake) into the report
     */
    InspectionLayer(SslHandler ssl, Inspection inspection, BiFunction<Inspection, Throwable, TlsPeer> judge) {
        this.ssl = ssl;
        this.inspection = inspection;
        this.judge = judge;
        ssl.setHandshakeTimeoutMillis(0);
        ssl.setCloseNotifyFlushTimeoutMillis(0);
        ssl.setCloseNotifyReadTimeoutMillis(0);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), null, ssl);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                SSLSession session = ssl.engine().getSession();
                inspection.protocol = session.getProtocol();
                if (inspection.chain.isEmpty()) {
                    inspection.chain = peerChain(session);
                }
            }
            report(ctx, completion.isSuccess() ? null : completion.cause());
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        report(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        report(ctx, new javax.net.ssl.SSLException("the server closed the connection during the handshake"));
        ctx.fireChannelInactive();
    }

    private void report(ChannelHandlerContext ctx, Throwable failure) {
        if (reported) {
            return;
        }
        reported = true;
        ctx.fireUserEventTriggered(judge.apply(inspection, failure));
        ctx.close();
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate certificate : session.getPeerCertificates()) {
                if (certificate instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            // no certificate: an anonymous suite, or none sent
        }
        return chain;
    }

    /** Tells whether a failure says the peer does not speak TLS at all. */
    static boolean notTls(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return true;
            }
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("not an ssl/tls record") || message.contains("plaintext")) {
                return true;
            }
        }
        return false;
    }

    /** What an inspection engine's managers record; event-loop thread only. */
    static final class Inspection {
        /** The certificates the server presented, leaf first, as the trust manager saw them. */
        List<X509Certificate> chain = List.of();
        /** Whether the server asked for a client certificate. */
        boolean clientCertificateRequested;
        /** The negotiated version, once the handshake completed. */
        String protocol;
    }
}
