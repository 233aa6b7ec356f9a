package io.haprobe.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal HTTP server on {@code 127.0.0.1}, on a port the system picks: it answers the first bytes of every
 * connection with {@code HTTP/1.0 200 OK} (no body) and closes, whatever they were. haprobe's own target for a run's
 * warm-up ({@code haprobe check --warmup}), so that the check path is compiled and its long-lived objects settled
 * before the first check of a real server; not a test server (the testkit has scripted ones).
 *
 * <p>Threading: serves on one thread of its own (epoll where available, else NIO; daemon); {@link #address()},
 * {@link #answered()} and {@link #close()} may be called from any thread.
 */
public final class LoopbackResponder implements AutoCloseable {

    private static final byte[] OK = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Set on a connection once answered: the bytes that follow the first read are dropped. */
    private static final AttributeKey<Boolean> ANSWERED = AttributeKey.valueOf(LoopbackResponder.class, "answered");

    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicLong answered = new AtomicLong();

    private LoopbackResponder(EventLoopGroup group, Class<? extends ServerChannel> type) {
        this.group = group;
        Answer answer = new Answer();
        try {
            this.channel = new ServerBootstrap()
                    .group(group)
                    .channel(type)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childHandler(answer)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /**
     * Starts a responder on {@code 127.0.0.1} and a port the system picks.
     *
     * @return the responder, listening; close it
     * @throws RuntimeException the bind's failure, which Netty rethrows unchecked, if no port could be bound
     */
    public static LoopbackResponder start() {
        // epoll where there is one: an answer costs a third less CPU than over NIO, which the checks then have
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("haprobe-warmup-responder", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        return new LoopbackResponder(group, epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
    }

    /**
     * Returns where it listens.
     *
     * @return {@code 127.0.0.1} and the bound port; never null
     */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Returns how many connections it answered so far.
     *
     * @return 0 or more
     */
    public long answered() {
        return answered.get();
    }

    /**
     * Stops listening, closes the connections still open and stops its thread, waiting at most 5 seconds for each.
     * Idempotent.
     */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The handler of every connection: one answer, then the close. */
    @ChannelHandler.Sharable
    private final class Answer extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (!ctx.channel().isOpen() || ctx.channel().attr(ANSWERED).getAndSet(Boolean.TRUE) != null) {
                return;
            }
            answered.incrementAndGet();
            ByteBuf reply = Unpooled.wrappedBuffer(OK);
            ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a check that resets its connection: nothing to tell
            ctx.close();
        }
    }
}
