package io.haprobe.runtime;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Netty's epoll I/O handler with one fix, for the runtime API's UNIX socket: a channel that Netty took out of the epoll
 * set can be put back in.
 *
 * <p>Netty 4.2.18's {@code EpollIoHandler} removes a channel's descriptor from the epoll set ({@code EPOLL_CTL_DEL})
 * when the channel asks for no event at all, but keeps the registration marked as added, so the next request for an
 * event is an {@code EPOLL_CTL_MOD} that fails with {@code ENOENT}. A half-closed session hits exactly that: socat
 * shuts its sending side right after the command ({@code echo "show stat" | socat stdio /run/hp.sock}), Netty stops
 * asking for reads and for the peer's hang-up, and when the reply is larger than the socket's buffer (a {@code show
 * stat} of 2,000 servers is about 500 kB) the write that waits for {@code EPOLLOUT} fails and the reply is cut where
 * the kernel's buffer was full. Here a registration that was emptied is replaced, on its next request for an event, by
 * a fresh one from the same handler, which adds the descriptor again ({@code EPOLL_CTL_ADD}).
 *
 * <p>Threading: as Netty's handler, everything runs on the event loop's thread; a registration is submitted to, and
 * cancelled (a channel's close deregisters it), on that thread only, so the registration it stands for is swapped
 * without any synchronisation.
 */
final class EpollRearming implements IoHandler {

    private final IoHandler epoll;

    private EpollRearming(IoHandler epoll) {
        this.epoll = epoll;
    }

    /**
     * The factory to give an event loop group instead of {@link EpollIoHandler#newFactory()}.
     *
     * @return a factory of epoll handlers whose registrations survive being emptied; never null
     * @throws UnsatisfiedLinkError if the epoll native library is not available (check {@code Epoll.isAvailable()})
     */
    static IoHandlerFactory newFactory() {
        IoHandlerFactory epoll = EpollIoHandler.newFactory();
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new EpollRearming(epoll.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return epoll.isChangingThreadSupported();
            }
        };
    }

    @Override
    public void initialize() {
        epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
        epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
        epoll.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new Rearmed(handle, epoll.register(handle));
    }

    @Override
    public void wakeup() {
        epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return epoll.isCompatible(handleType);
    }

    /** One channel's registration: Netty's, replaced by a fresh one after it was emptied. */
    private final class Rearmed implements IoRegistration {
        private final IoHandle handle;
        private IoRegistration current;
        /** Whether {@code current} was last asked for no event, so Netty deleted its descriptor from the set. */
        private boolean emptied;

        Rearmed(IoHandle handle, IoRegistration current) {
            this.handle = handle;
            this.current = current;
        }

        @Override
        public <T> T attachment() {
            return current.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            boolean none = ((EpollIoOps) ops).value() == EpollIoOps.NONE.value();
            if (emptied && !none && current.isValid()) {
                // Netty would EPOLL_CTL_MOD a descriptor it deleted: cancel (its EPOLL_CTL_DEL fails quietly, the
                // descriptor being out already) and register anew, so that this request is an EPOLL_CTL_ADD
                current.cancel();
                try {
                    current = epoll.register(handle);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot register the channel with epoll again", e);
                }
            }
            emptied = none;
            return current.submit(ops);
        }

        @Override
        public boolean isValid() {
            return current.isValid();
        }

        @Override
        public boolean cancel() {
            return current.cancel();
        }
    }
}
