package io.haprobe.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback backend for TLS check tests, on Netty with the JDK's own TLS provider (an implementation independent
 * of the checks' Bouncy Castle): a TLS server with a certificate made in the test, or a plain server that does
 * not speak TLS. It records the handshakes it completed, their ALPN protocol and the TLS errors it saw.
 *
 * <p>Thread-safe. Close it after the test; closing stops its event loop and every connection.
 */
final class TlsBackend implements AutoCloseable {

    private static final byte[] OK = ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("tls-backend", true), NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final List<String> protocols = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();

    private TlsBackend(SslContext ssl, Answer answer) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (ssl != null) {
                            SslHandler handler = ssl.newHandler(channel.alloc());
                            handler.setHandshakeTimeoutMillis(0);
                            channel.pipeline().addLast(handler);
                        }
                        channel.pipeline().addLast(new Responder(answer, ssl != null));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    /**
     * Starts a backend.
     *
     * @param tls    the TLS side, or null for a plain server
     * @param answer what it does with requests
     * @return the started backend
     */
    static TlsBackend start(Tls tls, Answer answer) {
        try {
            return new TlsBackend(tls == null ? null : tls.context(), answer);
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Handshakes the server completed. */
    int handshakes() {
        return handshakes.get();
    }

    /** The ALPN protocol of each completed handshake, {@code -} for none. */
    List<String> protocols() {
        return List.copyOf(protocols);
    }

    /** The TLS errors the server saw. */
    List<Throwable> errors() {
        return List.copyOf(errors);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** What the backend does once a request (or any bytes, for a plain server) is in. */
    enum Answer {
        /** HTTP 200 to a request head, then close. */
        HTTP_OK,
        /** Nothing, ever. */
        SILENT,
        /** 400 Bad Request to any bytes, then close: a plain HTTP server receiving a ClientHello. */
        BAD_REQUEST,
        /** Close as soon as the connection is up. */
        CLOSE
    }

    /**
     * The server's TLS side.
     *
     * @param identity      its certificate and key; never null
     * @param protocols     the versions it accepts, e.g. {@code TLSv1.3}; empty for the JDK's defaults
     * @param clientCa      the CA client certificates must come from (then they are required), or null
     * @param alpn          the ALPN protocols it selects from; empty for none
     */
    record Tls(TestCertificates.Identity identity, List<String> protocols, TestCertificates.Authority clientCa,
               List<String> alpn) {

        static Tls of(TestCertificates.Identity identity) {
            return new Tls(identity, List.of(), null, List.of());
        }

        Tls protocols(String... versions) {
            return new Tls(identity, List.of(versions), clientCa, alpn);
        }

        Tls requireClientCertificate(TestCertificates.Authority ca) {
            return new Tls(identity, protocols, ca, alpn);
        }

        Tls alpn(String... names) {
            return new Tls(identity, protocols, clientCa, List.of(names));
        }

        SslContext context() throws SSLException {
            SslContextBuilder builder = SslContextBuilder.forServer(identity.key(),
                    identity.chain().toArray(new java.security.cert.X509Certificate[0])).sslProvider(SslProvider.JDK);
            if (!protocols.isEmpty()) {
                builder.protocols(protocols);
            }
            if (clientCa != null) {
                builder.clientAuth(ClientAuth.REQUIRE).trustManager(clientCa.certificate());
            }
            if (!alpn.isEmpty()) {
                builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, new ArrayList<>(alpn)));
            }
            return builder.build();
        }
    }

    /** Plays the {@link Answer} on each connection and records the TLS side. */
    private final class Responder extends ChannelInboundHandlerAdapter {

        private final Answer answer;
        private final boolean tls;
        private final StringBuilder request = new StringBuilder();

        Responder(Answer answer, boolean tls) {
            this.answer = answer;
            this.tls = tls;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (answer == Answer.CLOSE) {
                ctx.close();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent completion) {
                if (completion.isSuccess()) {
                    handshakes.incrementAndGet();
                    String protocol = ctx.pipeline().get(SslHandler.class).applicationProtocol();
                    protocols.add(protocol == null ? "-" : protocol);
                } else {
                    errors.add(completion.cause());
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (answer == Answer.BAD_REQUEST) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(BAD_REQUEST)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                request.append(buf.toString(StandardCharsets.ISO_8859_1));
                if (answer == Answer.HTTP_OK && request.indexOf("\r\n\r\n") >= 0) {
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(OK)).addListener(ChannelFutureListener.CLOSE);
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (tls) {
                errors.add(cause);
            }
            ctx.close();
        }
    }
}
