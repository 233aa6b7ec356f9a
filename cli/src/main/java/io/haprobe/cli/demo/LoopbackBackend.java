package io.haprobe.cli.demo;

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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP backend on 127.0.0.1 that plays one scripted answer: it reads a request up to the empty
 * line, waits {@code delayMillis}, writes {@code HTTP/1.1 <status> <reason>} with the body and closes. It
 * can crash (stop listening and drop its connections) and restart on the same port, to show a DOWN and UP
 * transition. Used by {@code haprobe demo} and by end-to-end tests.
 *
 * <p>Thread-safe. Each backend owns one event loop thread; {@link #close()} releases it.
 */
public final class LoopbackBackend implements AutoCloseable {

    private final Answer answer;
    private final EventLoopGroup group;
    private final ChannelGroup children;
    private final ServerBootstrap bootstrap;
    private volatile Channel listener;
    private final int port;

    private LoopbackBackend(Answer answer, int port) {
        this.answer = answer;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haprobe-backend", true),
                NioIoHandler.newFactory());
        this.children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        this.bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(new Responder());
                    }
                });
        this.listener = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        this.port = ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Starts a backend on a free loopback port.
     *
     * @param answer what it answers to every request; never null
     * @return the running backend
     * @throws io.netty.channel.ChannelException if no port can be bound
     */
    public static LoopbackBackend start(Answer answer) {
        return new LoopbackBackend(Objects.requireNonNull(answer, "answer"), 0);
    }

    /**
     * Returns the port it listens on (kept across {@link #crash()} and {@link #restart()}).
     *
     * @return the TCP port
     */
    public int port() {
        return port;
    }

    /**
     * Stops listening and resets every open connection, as a crashed process would: further connects are
     * refused. Calling it while crashed does nothing.
     */
    public synchronized void crash() {
        Channel current = listener;
        if (current == null) {
            return;
        }
        listener = null;
        current.close().syncUninterruptibly();
        for (Channel child : children) {
            child.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        children.close().syncUninterruptibly();
    }

    /**
     * Listens again on the same port after {@link #crash()}. Calling it while running does nothing.
     */
    public synchronized void restart() {
        if (listener == null) {
            listener = bootstrap.bind(new InetSocketAddress("127.0.0.1", port)).syncUninterruptibly().channel();
        }
    }

    /** Stops the backend and its thread. */
    @Override
    public void close() {
        crash();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * What a backend answers.
     *
     * @param status      the HTTP status code, e.g. 204
     * @param reason      the reason phrase, e.g. {@code No Content}; never null
     * @param body        the body, empty for none; never null
     * @param delayMillis how long to wait before answering, in ms; 0 answers at once
     */
    public record Answer(int status, String reason, String body, long delayMillis) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code reason} or {@code body} is null
         * @throws IllegalArgumentException if {@code delayMillis} is negative
         */
        public Answer {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(body, "body");
            if (delayMillis < 0) {
                throw new IllegalArgumentException("delayMillis: " + delayMillis + " (expected: >= 0)");
            }
        }

        /**
         * Returns an immediate answer without a body.
         *
         * @param status the status code
         * @param reason the reason phrase; never null
         * @return the answer
         */
        public static Answer of(int status, String reason) {
            return new Answer(status, reason, "", 0);
        }

        /**
         * Returns this answer sent after a delay.
         *
         * @param millis the delay in ms, {@code >= 0}
         * @return the delayed answer
         */
        public Answer delayed(long millis) {
            return new Answer(status, reason, body, millis);
        }

        byte[] bytes() {
            String head = "HTTP/1.1 " + status + (reason.isEmpty() ? "" : " " + reason) + "\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                    + "Connection: close\r\n\r\n";
            return (head + body).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Reads a request head, then answers once and closes. */
    private final class Responder extends ChannelInboundHandlerAdapter {

        private final StringBuilder request = new StringBuilder();
        private boolean answered;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                request.append(buf.toString(StandardCharsets.ISO_8859_1));
            } finally {
                buf.release();
            }
            if (answered || request.indexOf("\r\n\r\n") < 0) {
                return;
            }
            answered = true;
            Runnable reply = () -> ctx.writeAndFlush(Unpooled.wrappedBuffer(answer.bytes()))
                    .addListener(ChannelFutureListener.CLOSE);
            if (answer.delayMillis() == 0) {
                reply.run();
            } else {
                ctx.executor().schedule(reply, answer.delayMillis(), TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
