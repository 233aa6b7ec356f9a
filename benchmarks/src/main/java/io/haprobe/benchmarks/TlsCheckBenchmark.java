package io.haprobe.benchmarks;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Probe;
import io.haprobe.tls.Certificates;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Full TLS check handshakes per second: one check after another, each a real loopback TCP connection with a full
 * TLS handshake (no session resumption, as HAProxy's checks), the certificate chain verified against a
 * {@code ca-file}, ended with an RST once the handshake is done ({@code L6OK}, spec §6.2). Client: a
 * {@link Probe} of the server's {@code check ssl verify required ca-file} line, over the engine's live transport
 * with the TLS layer of {@code haprobe-engine-tls} (Bouncy Castle's JSSE). Server: Netty with the JDK's TLS on
 * its own event loop thread, sharing the machine.
 *
 * <p>{@code protocol}: {@code TLSv1.2} or {@code TLSv1.3} (the server accepts only that one); {@code key}: the
 * server certificate's key, {@code RSA} 2048 or {@code EC} P-256. The throughput counts completed checks; the
 * setup fails unless a check passes with {@code L6OK}, so no case measures a failure path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsCheckBenchmark {

    @Param({"TLSv1.2", "TLSv1.3"})
    public String protocol;

    @Param({"RSA", "EC"})
    public String key;

    private EventLoopGroup serverGroup;
    private Channel server;
    private Probe probe;
    private Path caFile;

    @Setup(Level.Trial)
    public void start() throws IOException {
        Instant now = Instant.now();
        KeyPair caKey = Certificates.newKeyPair(Certificates.KeyType.EC);
        X509Certificate ca = Certificates.selfSigned(caKey, "bench CA", List.of(), true, now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(7)));
        KeyPair serverKey = Certificates.newKeyPair(Certificates.KeyType.valueOf(key));
        X509Certificate certificate = Certificates.issued(serverKey.getPublic(), "bench.internal",
                List.of("bench.internal"), ca, caKey.getPrivate(), now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(7)));
        caFile = Files.writeString(Files.createTempFile("bench-ca", ".pem"), Certificates.pem(List.of(ca)));
        SslContext ssl = SslContextBuilder.forServer(serverKey.getPrivate(), certificate, ca)
                .sslProvider(SslProvider.JDK).protocols(protocol).build();
        serverGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-tls-server", true),
                NioIoHandler.newFactory());
        server = new ServerBootstrap().group(serverGroup).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        SslHandler handler = ssl.newHandler(channel.alloc());
                        handler.setHandshakeTimeoutMillis(0);
                        channel.pipeline().addLast(handler, new Discard());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();

        HaproxyConfig config = HaproxyConfig.parse("bench.cfg", "backend be\n  server s 127.0.0.1:" + port
                + " check ssl verify required ca-file " + caFile + "\n");
        probe = Probe.create(config);
        CheckOutcome first = check();
        if (first.status() != CheckStatus.L6OK) {
            throw new IllegalStateException("the benchmark's check does not pass: " + first);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        probe.close();
        server.close().syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        Files.deleteIfExists(caFile);
    }

    /** One full check: connect, TLS handshake, verdict, RST. */
    @Benchmark
    public CheckOutcome check() {
        List<CheckOutcome> outcomes = probe.check("be", "s").join();
        return outcomes.get(outcomes.size() - 1);
    }

    /** The server drops whatever arrives after the handshake (a check sends nothing). */
    private static final class Discard extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // the check's RST after the handshake: expected on every connection
            ctx.close();
        }
    }
}
