package io.haprobe.internal;

import io.haprobe.transport.CheckEventLoop;
import io.haprobe.transport.CheckTarget;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain (non-TLS) live check connection with no Netty channel, pipeline or promise: one non-blocking socket
 * registered straight on its event loop's {@code EpollIoHandler} as an {@link EpollIoHandle} (at once, without a
 * promise, on the transport's own {@link CheckEventLoop}s), whose events go to
 * the {@link CheckDriver} that holds the check's rules. It does what {@link CheckRun} does over an
 * {@code EpollSocketChannel}, with the same socket calls and the same error texts ({@link ErrnoText}):
 *
 * <ul>
 *   <li>opening: {@code socket()} of the server's address family (as HAProxy; a channel's socket is dual-stack),
 *       {@code TCP_NODELAY}, {@code TCP_QUICKACK} 0 when the driver asks
 *       ({@link CheckDriver#disablesQuickAck()}, HAProxy 2.6.5+), {@code bind()} to the check's {@code source},
 *       registration for {@code EPOLLIN|EPOLLOUT|EPOLLRDHUP} edge-triggered, {@code connect()}; a socket that cannot
 *       be created, bound or connected at once is returned as {@link CheckConnection#failed(String)} (the driver
 *       reports {@code L4CON} at once, as HAProxy does);</li>
 *   <li>writable: the connect is complete, as HAProxy's {@code sock_conn_check} decides on a poller that reports
 *       errors: {@code EPOLLOUT} (or {@code EPOLLIN}) without {@code EPOLLERR}/{@code EPOLLHUP} is a success with no
 *       further system call; with one of those, {@code finishConnect} ({@code SO_ERROR}) tells the error
 *       ({@code L4CON} with the {@code strerror} text); then the PROXY protocol header ({@link ProxyHeader}) before
 *       anything else, then {@link CheckDriver#connected};</li>
 *   <li>readable: reads into a scratch buffer of the event loop's thread, each chunk to
 *       {@link CheckDriver#received}; end of stream is {@link CheckDriver#peerClosed}; a read error is
 *       {@link CheckDriver#failed} then {@link CheckDriver#peerClosed}, the order of Netty's channel (its input is
 *       shut down after the exception);</li>
 *   <li>{@link #close(boolean)}: an RST ({@code SO_LINGER} 0) when aborting an established connection, else a plain
 *       {@code close()} (a FIN); the socket leaves the loop.</li>
 * </ul>
 *
 * <p>The local address ({@code getsockname}) is read only when something needs it, not for every check: for the
 * PROXY header, when {@link #localAddress()} is asked, and, for the server's source slot
 * ({@link io.haprobe.transport.NettyProbeTransport#sourceSlot}), as a connection whose connect never completed
 * closes (the SYN was not answered, refused, unreachable: the checks a firewall blocks, whose source the diagnosis
 * names). A connection that read its address for the PROXY header records it in the slot too.
 *
 * <p>Confined to the event loop it is registered on; created there by {@link #open}. Not API.
 */
public final class EpollCheckConnection implements CheckConnection, EpollIoHandle, Runnable {

    /** {@code IPPROTO_TCP} and {@code TCP_QUICKACK} of Linux. */
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_QUICKACK = 12;

    /** What the socket waits for, edge-triggered as Netty's channels: never modified after the registration. */
    private static final EpollIoOps INTEREST = EpollIoOps.EPOLLET.with(EpollIoOps.EPOLLIN)
            .with(EpollIoOps.EPOLLOUT).with(EpollIoOps.EPOLLRDHUP);
    private static final int OUT = EpollIoOps.EPOLLOUT.value();
    private static final int IN = EpollIoOps.EPOLLIN.value();
    private static final int ERR = EpollIoOps.EPOLLERR.value();
    private static final int RDHUP = EpollIoOps.EPOLLRDHUP.value();
    /** {@code EPOLLHUP}: always reported, not among Netty's {@link EpollIoOps} constants. */
    private static final int HUP = 0x10;
    /** Events after which reading to the end is certain to find something: the FIN or an error is there. */
    private static final int READ_TO_END = RDHUP | HUP | ERR;

    /** Bytes per read, the largest response a check judges ({@code tune.bufsize}). */
    private static final int READ_BYTES = CheckSession.MAX_BUFFER_BYTES;
    /** Reads in one event before the rest waits for a task of the loop, so that a flooding peer cannot hog it. */
    private static final int MAX_READS_PER_EVENT = 16;

    /** Per event loop thread: the direct buffer the socket reads into and writes from, and its heap copy. */
    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    private final LinuxSocket socket;
    private final IoEventLoop loop;
    private final CheckDriver driver;
    private final InetSocketAddress remote;
    private final int proxyVersion;
    /** The server's slot of {@code lastSource}, or null: written when this connection read its local address. */
    private final AtomicReference<InetSocketAddress> sourceSlot;
    private IoRegistration registration;
    /** The local address, once read ({@link #localAddress()}); null before. */
    private InetSocketAddress local;
    /** Whether {@code connect()} was called and did not fail at once (the kernel bound the local address). */
    private boolean connectStarted;
    private boolean connected;
    private boolean inputClosed;
    private boolean closed;
    private boolean readScheduled;
    /** The ready events of the event being handled, or of the continuation of its reads. */
    private int ready;
    /** Bytes the socket did not take yet, from {@link #pendingOffset}; null when everything went out. */
    private byte[] pending;
    private int pendingOffset;

    private EpollCheckConnection(LinuxSocket socket, IoEventLoop loop, CheckDriver driver, InetSocketAddress remote,
                                 int proxyVersion, AtomicReference<InetSocketAddress> sourceSlot) {
        this.socket = socket;
        this.loop = loop;
        this.driver = driver;
        this.remote = remote;
        this.proxyVersion = proxyVersion;
        this.sourceSlot = sourceSlot;
    }

    /**
     * Opens a connection for a connect rule of {@code driver}: creates the socket, registers it on {@code loop}
     * and starts connecting. The connection reports to the driver later, from the loop's events, never from within
     * this call.
     *
     * @param loop         the event loop of the calling thread, an epoll one; never null
     * @param target       the server and the resolved address of this connection, with its {@code source} or null;
     *                     never null
     * @param proxyVersion the PROXY protocol version to send first once connected (1 or 2), 0 for none
     * @param driver       where the connection's events go; never null
     * @return the connection under way, whose {@link #localAddress()} tells where it leaves from; or a
     *         {@link CheckConnection#failed(String) failed} one with HAProxy's {@code L4CON} text
     *         ({@link ErrnoText#ofConnect}) when the socket could not be created, registered, bound or connected
     */
    public static CheckConnection open(IoEventLoop loop, CheckTarget target, int proxyVersion, CheckDriver driver) {
        return open(loop, target, proxyVersion, driver, null);
    }

    /**
     * As {@link #open(IoEventLoop, CheckTarget, int, CheckDriver)}, recording the connection's local address in
     * {@code sourceSlot} when it reads it: for the PROXY header, or as it closes without its connect having
     * completed (see the class comment).
     *
     * @param loop         the event loop of the calling thread, an epoll one; never null
     * @param target       the server and the resolved address of this connection, with its {@code source} or null;
     *                     never null
     * @param proxyVersion the PROXY protocol version to send first once connected (1 or 2), 0 for none
     * @param driver       where the connection's events go; never null
     * @param sourceSlot   the server's slot of {@link io.haprobe.transport.NettyProbeTransport#lastSource}
     *                     ({@link io.haprobe.transport.NettyProbeTransport#sourceSlot}), {@link AtomicReference#lazySet
     *                     set} on the loop; null to record nothing
     * @return the connection under way, or a {@link CheckConnection#failed(String) failed} one (as above)
     */
    public static CheckConnection open(IoEventLoop loop, CheckTarget target, int proxyVersion, CheckDriver driver,
                                       AtomicReference<InetSocketAddress> sourceSlot) {
        LinuxSocket socket;
        try {
            // of the server's family, as HAProxy's socket(): an IPv4 server gets no dual-stack socket (no
            // IPV6_V6ONLY call, no mapped address per connect)
            socket = LinuxSocket.newSocketStream(target.address().getAddress() instanceof Inet6Address);
        } catch (RuntimeException e) {
            // EMFILE, ENFILE, ENOBUFS: no socket at all
            return CheckConnection.failed(ErrnoText.ofConnect(e));
        }
        EpollCheckConnection connection = new EpollCheckConnection(socket, loop, driver, target.address(),
                proxyVersion, sourceSlot);
        try {
            socket.setTcpNoDelay(true);
            if (driver.disablesQuickAck()) {
                // before the connect: quick-ACK must be off when the SYN-ACK arrives
                socket.setIntOpt(IPPROTO_TCP, TCP_QUICKACK, 0);
            }
        } catch (IOException e) {
            // as a channel option that cannot be set: the connect goes on without it
        }
        if (loop instanceof CheckEventLoop own) {
            // the transport's own loop: registered at once, without the promise of IoEventLoop.register
            try {
                connection.registration = own.registerNow(connection);
            } catch (Exception e) {
                connection.closeSocket();
                return CheckConnection.failed(ErrnoText.ofConnect(e));
            }
        } else {
            Future<IoRegistration> registered = loop.register(connection);
            if (!registered.isSuccess()) {
                connection.closeSocket();
                return CheckConnection.failed(ErrnoText.ofConnect(registered.cause()));
            }
            connection.registration = registered.getNow();
        }
        try {
            connection.registration.submit(INTEREST);
            if (target.source() != null) {
                // "source": bind before connecting, as HAProxy's tcp_connect_server does for checks
                socket.bind(target.source());
            }
            socket.connect(target.address());
            connection.connectStarted = true;
        } catch (IOException | RuntimeException e) {
            connection.closed = true;
            connection.closeSocket();
            return CheckConnection.failed(ErrnoText.ofConnect(e));
        }
        // connect(2) has bound the local address, even when the SYN is never answered: read when needed
        return connection;
    }

    /**
     * Returns the address the connection leaves from: read from the socket ({@code getsockname}) at the first call
     * while it is open (connect(2) has bound it, even when the SYN is never answered), then kept. Event loop thread
     * only.
     *
     * @return the local address; null when the kernel did not tell, or when the socket closed before anything asked
     */
    public InetSocketAddress localAddress() {
        if (local == null && !closed) {
            local = socket.localAddress();
        }
        return local;
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    /**
     * Handles the socket's ready events: completes the connect, writes what waits, reads. The event loop's; not for
     * other callers.
     */
    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        if (closed) {
            return;
        }
        ready = ((EpollIoEvent) event).ops().value();
        if (!connected) {
            if ((ready & (OUT | ERR | HUP)) == 0 || !finishConnect() || closed) {
                return;
            }
        } else if (pending != null && (ready & (OUT | ERR)) != 0) {
            flush();
            if (closed) {
                return;
            }
        }
        if (!inputClosed && !readScheduled && (ready & (IN | READ_TO_END)) != 0) {
            read();
        }
    }

    /** Goes on reading after {@link #MAX_READS_PER_EVENT} reads. The connection's own task; not for other callers. */
    @Override
    public void run() {
        readScheduled = false;
        if (!closed && !inputClosed) {
            read();
        }
    }

    /**
     * Reads what the socket already holds, as its next readable event would: the deadline's last look
     * ({@link CheckConnection#readPending()}). Edge-triggered epoll reports bytes that arrived while the loop was
     * handling other sockets only at its next wait; a check whose deadline came due meanwhile reads them here
     * first, as HAProxy's I/O tasklet reads them before its check task reports the timeout. A connect still under
     * way is left alone (no bytes can wait), and so is a closed input.
     */
    @Override
    public void readPending() {
        if (closed || !connected || inputClosed) {
            return;
        }
        ready |= IN;
        readScheduled = false; // a continuation still queued finds the socket drained (EAGAIN)
        read();
    }

    private boolean finishConnect() {
        // HAProxy's sock_conn_check on a poller that reports errors: writable (or readable) without an error or a
        // hang-up is a completed connect, no SO_ERROR to ask; with one, SO_ERROR tells which
        if ((ready & (ERR | HUP)) != 0 || (ready & (OUT | IN)) == 0) {
            try {
                if (!socket.finishConnect()) {
                    return false;
                }
            } catch (IOException e) {
                driver.failed(this, ErrnoText.ofConnect(e));
                return false;
            }
        }
        connected = true;
        if (proxyVersion > 0) {
            // the header goes first, before the check's bytes; like the channel's header write, a failure of its
            // own is not reported: the check's next write or read meets the same error
            InetSocketAddress from = localAddress();
            if (sourceSlot != null && from != null) {
                sourceSlot.lazySet(from);
            }
            write(ProxyHeader.of(proxyVersion, from, remote), false);
            if (closed) {
                return false;
            }
        }
        driver.connected(this);
        return true;
    }

    private void read() {
        Scratch scratch = SCRATCH.get();
        for (int i = 0; i < MAX_READS_PER_EVENT; i++) {
            int count;
            try {
                count = socket.recv(scratch.direct, 0, READ_BYTES);
            } catch (IOException e) {
                inputClosed = true;
                driver.failed(this, ErrnoText.of(e));
                if (!closed) {
                    driver.peerClosed(this);
                }
                return;
            }
            if (count == 0) {
                return; // EAGAIN: the next bytes come with a new edge
            }
            if (count < 0) {
                inputClosed = true;
                driver.peerClosed(this);
                return;
            }
            scratch.direct.get(0, scratch.bytes, 0, count);
            driver.received(this, scratch.bytes, 0, count);
            if (closed || count < READ_BYTES && (ready & READ_TO_END) == 0) {
                // a short read took everything there was; what comes next raises a new edge (HAProxy's
                // raw_sock_to_buf stops there too)
                return;
            }
        }
        readScheduled = true;
        ready |= IN;
        loop.execute(this);
    }

    /**
     * Writes bytes the check's program sends, after the ones waiting; what the socket does not take at once goes
     * out when it becomes writable, and a failed write is reported to the driver as a connection error. The
     * driver's; not for other callers.
     *
     * @param bytes the bytes; never null, not modified, not retained
     */
    @Override
    public void send(byte[] bytes) {
        write(bytes, true);
    }

    private void write(byte[] bytes, boolean report) {
        if (closed) {
            return;
        }
        if (pending != null) {
            byte[] joined = Arrays.copyOfRange(pending, pendingOffset, pending.length + bytes.length);
            System.arraycopy(bytes, 0, joined, pending.length - pendingOffset, bytes.length);
            pending = joined;
            pendingOffset = 0;
            return;
        }
        pending = bytes;
        pendingOffset = 0;
        if (!flush() && !report) {
            pending = null;
        }
    }

    /**
     * Writes the pending bytes until the socket takes no more. A failure is reported to the driver.
     *
     * @return false when the write failed
     */
    private boolean flush() {
        Scratch scratch = SCRATCH.get();
        ByteBuffer direct = scratch.direct;
        while (pending != null) {
            int count = Math.min(pending.length - pendingOffset, direct.capacity());
            direct.put(0, pending, pendingOffset, count);
            int written;
            try {
                written = socket.send(direct, 0, count);
            } catch (IOException e) {
                pending = null;
                driver.failed(this, ErrnoText.of(e));
                return false;
            }
            pendingOffset += written;
            if (pendingOffset == pending.length) {
                pending = null;
            } else if (written < count) {
                // keep only what is left, in an array of its own: the caller's is not retained past the call
                pending = Arrays.copyOfRange(pending, pendingOffset, pending.length);
                pendingOffset = 0;
                return true; // the rest goes when EPOLLOUT says so
            }
        }
        return true;
    }

    /** Closes the socket like HAProxy: RST ({@code SO_LINGER} 0) when {@code abort} and connected, else FIN. */
    @Override
    public void close(boolean abort) {
        if (closed) {
            return;
        }
        closed = true;
        pending = null;
        if (abort && connected) {
            try {
                socket.setSoLinger(0);
            } catch (IOException e) {
                // the socket is gone already: closing it is all there is to do
            }
        }
        closeSocket();
    }

    /** Closed by the event loop as it shuts down: nothing is reported. The loop's; not for other callers. */
    @Override
    public void close() {
        closed = true;
        pending = null;
        closeSocket();
    }

    /**
     * Closes the descriptor, then leaves the loop: with the descriptor closed first, epoll needs no EPOLL_CTL_DEL.
     * A connection whose connect never completed records its local address in the server's slot first.
     */
    private void closeSocket() {
        if (!connected && connectStarted && sourceSlot != null) {
            // the SYN was not answered, or refused: where it left from is what the diagnosis names
            InetSocketAddress from = local != null ? local : socket.localAddress();
            if (from != null) {
                sourceSlot.lazySet(from);
            }
        }
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
        if (registration != null) {
            registration.cancel();
        }
    }

    /** A loop thread's buffers: direct for the socket calls, a heap copy for the driver. */
    private static final class Scratch {
        final ByteBuffer direct = ByteBuffer.allocateDirect(READ_BYTES);
        final byte[] bytes = new byte[READ_BYTES];
    }
}
