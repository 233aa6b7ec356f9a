package io.haprobe.tls.internal;

import io.haprobe.spi.TlsEvent;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

import javax.net.ssl.SSLException;

/**
 * The TLS layer of one check connection: puts an {@link SslHandler} in front of itself and translates what it
 * does into what the check expects (the contract of {@link io.haprobe.spi.TlsClient#newHandler}).
 *
 * <table>
 *   <caption>Translations (spec §3.1, §6.2; texts verified on HAProxy 2.6.12)</caption>
 *   <tr><th>below</th><th>during the handshake</th><th>after it</th></tr>
 *   <tr><td>handshake completed</td><td>{@link TlsEvent#ESTABLISHED}</td><td>-</td></tr>
 *   <tr><td>handshake failed, any TLS error</td><td>{@link TlsEvent} {@code SSL handshake failure}, or the
 *       certificate-name text</td><td>{@link TlsEvent} {@code SSL fatal error}</td></tr>
 *   <tr><td>FIN, RST, close</td><td>{@link TlsEvent} {@code SSL handshake failure}</td><td>passed on</td></tr>
 *   <tr><td>the server's {@code close_notify}</td><td>-</td><td>{@link ChannelInputShutdownEvent}</td></tr>
 * </table>
 * After a failure was reported, the TLS events and errors that follow it are dropped. When the check closes the
 * channel, the {@link SslHandler} is taken out first so that no {@code close_notify} goes out, as HAProxy aborts
 * its check connections.
 *
 * <p>One instance per channel; confined to its event loop.
 */
final class CheckTlsLayer extends ChannelDuplexHandler {

    private final SslHandler ssl;
    private boolean reported;
    private boolean handshakeDone;
    private boolean failed;
    private boolean inputClosed;

    CheckTlsLayer(SslHandler ssl) {
        this.ssl = ssl;
        // the check's deadline is the only timer, and HAProxy sends no close_notify
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
            if (reported) {
                return;
            }
            reported = true;
            if (completion.isSuccess()) {
                handshakeDone = true;
                ctx.fireUserEventTriggered(TlsEvent.ESTABLISHED);
            } else {
                fail(ctx, handshakeFailure(completion.cause()));
            }
            return;
        }
        if (evt instanceof SslCloseCompletionEvent close) {
            // the server's close_notify ends its side of the stream, as a FIN would
            if (handshakeDone && !failed && close.isSuccess()) {
                inputClosed(ctx);
            }
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            if (!reported) {
                reported = true;
                fail(ctx, TlsEvent.HANDSHAKE_FAILURE);
            } else if (!failed) {
                inputClosed(ctx);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failed) {
            return;
        }
        if (!reported) {
            reported = true;
            fail(ctx, handshakeFailure(cause));
            return;
        }
        if (isTlsError(cause)) {
            fail(ctx, TlsEvent.FATAL_ERROR);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!reported) {
            reported = true;
            fail(ctx, TlsEvent.HANDSHAKE_FAILURE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (ctx.pipeline().context(ssl) != null) {
            // what the engine already wrapped (the client Finished) goes out; no close_notify follows it
            ctx.flush();
            ctx.pipeline().remove(ssl);
        }
        ctx.close(promise);
    }

    private void inputClosed(ChannelHandlerContext ctx) {
        if (!inputClosed) {
            inputClosed = true;
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    private void fail(ChannelHandlerContext ctx, String info) {
        failed = true;
        ctx.fireUserEventTriggered(TlsEvent.failed(info));
    }

    /** HAProxy's text for a failed handshake: the certificate-name texts, else {@code SSL handshake failure}. */
    private static String handshakeFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServerTrust.NameMismatch mismatch) {
                return mismatch.info();
            }
        }
        return TlsEvent.HANDSHAKE_FAILURE;
    }

    private static boolean isTlsError(Throwable cause) {
        return cause instanceof SSLException
                || (cause instanceof DecoderException && cause.getCause() instanceof SSLException);
    }
}
