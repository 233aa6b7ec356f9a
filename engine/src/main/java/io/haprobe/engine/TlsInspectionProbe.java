package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.TlsSettings;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsPeer;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Cancellable;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;

/**
 * The follow-up probe of a failing TLS check that looks at the certificate: one connection to the server's check
 * address with the TLS SPI's inspection handler ({@link TlsClient#newInspectionHandler}), which reports the
 * server's certificates and why the configured check refuses them as a {@link TlsPeer}. Bounded by a deadline on
 * the transport's scheduler; the connection is closed when the report arrives or the deadline passes.
 *
 * <p>Not thread-safe as a whole: {@link #start} may be called from any thread, the channel's work runs on the
 * transport's scheduler thread.
 */
final class TlsInspectionProbe extends ChannelDuplexHandler {

    private final ChannelHandler inspection;
    private final CompletableFuture<TlsPeer> result = new CompletableFuture<>();

    private TlsInspectionProbe(ChannelHandler inspection) {
        this.inspection = inspection;
    }

    /**
     * Starts an inspection of the server's TLS with its configured settings.
     *
     * @param boundNanos how long the inspection may take, nanoseconds, more than 0
     * @return the report, or a future completed with null when the TLS SPI is absent, cannot inspect, the address
     *         does not resolve, the connect fails, or the deadline passes first
     */
    static CompletableFuture<TlsPeer> start(HaproxyConfig config, ProxyConfig proxy, ServerConfig server,
                                           ProbeTransport transport, long boundNanos) {
        TlsSupport support = TlsSupport.find().orElse(null);
        if (support == null) {
            return CompletableFuture.completedFuture(null);
        }
        TlsSettings tls = server.check().tls();
        TlsClient client;
        CheckTarget target;
        try {
            client = transport.tlsClient(support, new TlsClientSpec(proxy.name(), server.name(), server.location(),
                    tls, tls.verifies(config.global())));
            InetSocketAddress address = transport.resolve(server.effectiveCheckAddress(), server.effectiveCheckPort());
            InetSocketAddress source = server.source().isSet()
                    ? transport.resolve(server.source().address(), server.source().port()) : null;
            target = new CheckTarget(proxy.name(), server.name(), address, source);
        } catch (UnknownHostException | RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
        ChannelHandler handler = client.newInspectionHandler(tls.hello().checkSni(), tls.hello().checkAlpnOrServer());
        if (handler == null) {
            return CompletableFuture.completedFuture(null);
        }
        TlsInspectionProbe probe = new TlsInspectionProbe(handler);
        transport.scheduler().execute(() -> probe.open(transport, target, boundNanos));
        return probe.result;
    }

    private void open(ProbeTransport transport, CheckTarget target, long boundNanos) {
        ChannelFuture connect = transport.connect(target, this);
        Cancellable deadline = transport.scheduler().schedule(() -> {
            result.complete(null);
            connect.channel().close();
        }, boundNanos);
        result.whenComplete((peer, error) -> deadline.cancel());
        connect.addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                result.complete(null);
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), null, inspection);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof TlsPeer peer) {
            result.complete(peer);
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
