package io.haprobe.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A tiny HTTP/1.1 server for Prometheus: {@code GET /metrics} answers {@link PrometheusExposition#render} of the
 * current {@code show stat} and {@code show info}, with HAProxy's headers ({@code content-type: text/plain;
 * version=0.0.4}, {@code cache-control: no-cache}); any other path is {@code 404}, any other method on
 * {@code /metrics} is {@code 405}. It mirrors HAProxy's {@code http-request use-service prometheus-exporter},
 * without its {@code scope} query parameters (a query string is ignored: every family is served).
 *
 * <p>Loopback only: it listens on {@code 127.0.0.0/8} or {@code ::1} and refuses any other address, since it
 * serves without authentication.
 *
 * <pre>{@code
 * try (MetricsServer metrics = MetricsServer.bind("127.0.0.1:9101",
 *         () -> engine.executeAsync("show stat"), () -> engine.executeAsync("show info"))) {
 *     ... // curl http://127.0.0.1:9101/metrics
 * }
 * }</pre>
 *
 * <p>Threading: one daemon event loop thread of its own ({@code haprobe-metrics}) accepts and answers; the two
 * functions are called on it once per scrape, and must not block (return a stage that completes later); the
 * text is rendered back on that thread, never on the thread completing the stage. {@link #close()} is
 * thread-safe and idempotent.
 */
public final class MetricsServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final InetSocketAddress address;

    private MetricsServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.localAddress();
    }

    /**
     * Listens on {@code hostPort} and serves {@code /metrics}.
     *
     * @param hostPort {@code HOST:PORT} with a loopback host ({@code 127.0.0.1:9101}, {@code [::1]:9101},
     *                 {@code localhost:9101}); port 0 picks a free port (see {@link #address()}); never null
     * @param showStat gives the reply of {@code show stat} (HAProxy 2.6's CSV), once per scrape; never null
     * @param showInfo gives the reply of {@code show info}, once per scrape; never null
     * @return the running server
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code hostPort} is malformed or its host is not a loopback address
     * @throws UncheckedIOException     if the address cannot be bound (e.g. the port is in use)
     */
    public static MetricsServer bind(String hostPort, Supplier<? extends CompletionStage<String>> showStat,
                                     Supplier<? extends CompletionStage<String>> showInfo) {
        Objects.requireNonNull(showStat, "showStat");
        Objects.requireNonNull(showInfo, "showInfo");
        InetSocketAddress address = loopbackAddress(hostPort);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haprobe-metrics", true),
                NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new MetricsHandler(showStat, showInfo));
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
            return new MetricsServer(group, channel);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        } catch (Exception e) { // Netty rethrows the bind's IOException unchecked-ly
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new UncheckedIOException("metrics: cannot listen on " + hostPort + ": " + e.getMessage(),
                    e instanceof java.io.IOException io ? io : new java.io.IOException(e));
        }
    }

    /**
     * Parses {@code HOST:PORT} and checks that the host is a loopback address.
     *
     * @param hostPort {@code 127.0.0.1:9101}, {@code [::1]:9101} or {@code localhost:9101}; never null
     * @return the resolved address
     * @throws NullPointerException     if {@code hostPort} is null
     * @throws IllegalArgumentException if it is malformed, the port is outside 0..65535 or the host is not
     *                                  loopback
     */
    public static InetSocketAddress loopbackAddress(String hostPort) {
        Objects.requireNonNull(hostPort, "hostPort");
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("metrics address: '" + hostPort
                    + "' (expected: HOST:PORT on loopback, such as 127.0.0.1:9101)");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics address: '" + hostPort
                    + "' (expected: a port in 0..65535, such as 127.0.0.1:9101)");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("metrics address: '" + hostPort + "': unknown host '" + host
                    + "' (expected: a loopback address such as 127.0.0.1)", e);
        }
        if (!ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("metrics address: '" + hostPort + "' is not loopback (expected: "
                    + "127.0.0.1, ::1 or localhost; /metrics is served without authentication)");
        }
        return new InetSocketAddress(ip, port);
    }

    /**
     * Returns the address listened on, with the port chosen when 0 was asked.
     *
     * @return the local address, never null
     */
    public InetSocketAddress address() {
        return address;
    }

    /** Stops listening and shuts the server's thread down, waiting up to 5 seconds. Idempotent. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One job: answer each request, {@code /metrics} from the two functions. */
    private static final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final Supplier<? extends CompletionStage<String>> showStat;
        private final Supplier<? extends CompletionStage<String>> showInfo;

        MetricsHandler(Supplier<? extends CompletionStage<String>> showStat,
                       Supplier<? extends CompletionStage<String>> showInfo) {
            this.showStat = showStat;
            this.showInfo = showInfo;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String uri = request.uri();
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            if (!path.equals("/metrics")) {
                respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "Not Found\n", false);
                return;
            }
            HttpMethod method = request.method();
            boolean head = method.equals(HttpMethod.HEAD);
            if (!head && !method.equals(HttpMethod.GET)) {
                respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed\n", false);
                return;
            }
            CompletableFuture<String> stat;
            CompletableFuture<String> info;
            try {
                stat = showStat.get().toCompletableFuture();
                info = showInfo.get().toCompletableFuture();
            } catch (RuntimeException e) {
                unavailable(ctx, keepAlive, e);
                return;
            }
            stat.thenCombineAsync(info, PrometheusExposition::render, ctx.executor())
                    .whenCompleteAsync((text, failure) -> {
                        if (failure != null) {
                            unavailable(ctx, keepAlive, failure);
                        } else {
                            respond(ctx, keepAlive, HttpResponseStatus.OK, text, head);
                        }
                    }, ctx.executor());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static void unavailable(ChannelHandlerContext ctx, boolean keepAlive, Throwable failure) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            respond(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "haprobe: cannot read the stats: " + cause.getMessage() + "\n", false);
        }

        private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                                    String body, boolean head) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    head ? Unpooled.EMPTY_BUFFER : content);
            response.headers()
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                    .set(HttpHeaderNames.CONTENT_TYPE, PrometheusExposition.CONTENT_TYPE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            if (head) {
                content.release();
            }
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
