package io.haprobe.transport;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.SingleThreadIoEventLoop;

import java.util.concurrent.Executor;

/**
 * An event loop of the groups {@link NettyProbeTransport#create(int)} makes: Netty's {@link SingleThreadIoEventLoop}
 * (the loop {@code MultiThreadIoEventLoopGroup} makes by default) that can also register an {@link IoHandle} on its
 * I/O handler at once, from its own thread, through the subclass' view of the handler
 * ({@link SingleThreadIoEventLoop#ioHandler()}), without the promise and the registration wrapper
 * {@link #register(IoHandle)} makes for every call. A channel-free check connection registers that way.
 *
 * <p>Threading: {@link #registerNow} on the loop's own thread only; everything else as Netty's loop. Not API.
 */
public final class CheckEventLoop extends SingleThreadIoEventLoop {

    /**
     * Creates a loop, as {@code MultiThreadIoEventLoopGroup.newChild} does.
     *
     * @param parent   the group; never null
     * @param executor runs the loop's thread; never null
     * @param factory  makes the loop's I/O handler (epoll or NIO); never null
     */
    CheckEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory factory) {
        super(parent, executor, factory);
    }

    /**
     * Registers {@code handle} on this loop's I/O handler now. The registration starts with no interest; the
     * caller {@link IoRegistration#submit submits} it, and {@link IoRegistration#cancel cancels} it when done.
     *
     * @param handle the handle, compatible with the loop's handler ({@link #isCompatible}); never null
     * @return the registration
     * @throws IllegalStateException if the caller is not the loop's thread
     * @throws Exception             what the handler's registration throws (e.g. the loop is shutting down)
     */
    public IoRegistration registerNow(IoHandle handle) throws Exception {
        if (!inEventLoop()) {
            throw new IllegalStateException("registerNow off the event loop's thread");
        }
        return ioHandler().register(handle);
    }
}
