package io.haprobe.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannelConfig;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HAProxy's stats socket (the runtime API, HAProxy's {@code stats socket} global keyword, management.txt section
 * 9.3): a UNIX socket or a loopback TCP port where {@code socat stdio /tmp/hp.sock} and
 * {@code echo "show stat" | socat stdio /tmp/hp.sock} behave as with HAProxy 2.6.12. Commands are run by the
 * {@link CommandHandler}; the server keeps the session rules (see {@link CommandHandler} for what it passes on):
 *
 * <table>
 *   <caption>Session behaviour, as HAProxy 2.6.12</caption>
 *   <tr><th>what</th><th>value</th><th>HAProxy setting</th></tr>
 *   <tr><td>end of each reply, non-interactive</td><td>{@code "\n"}, then close once no request byte is
 *       buffered</td><td>-</td></tr>
 *   <tr><td>end of each reply after {@code prompt}</td><td>{@code "\n> "}</td><td>-</td></tr>
 *   <tr><td>payload line prompt (interactive)</td><td>{@code "+ "}</td><td>-</td></tr>
 *   <tr><td>longest command, with its {@code '\n'} or {@code ';'}</td><td>16383 bytes; longer: closed without
 *       a reply</td><td>{@code tune.bufsize} 16384</td></tr>
 *   <tr><td>idle session (nothing buffered, no command running)</td><td>closed after 10 s</td>
 *       <td>{@code stats timeout} 10s</td></tr>
 *   <tr><td>UNIX socket file mode</td><td>0777 less the process umask (no chmod)</td><td>{@code mode}
 *       unset</td></tr>
 * </table>
 *
 * <p>Not mirrored: {@code stats maxconn} (HAProxy accepts 10 sessions at once and queues the rest; this server
 * accepts every client), access levels ({@code level}, {@code user}, {@code operator}, {@code expert-mode}:
 * the handler's), and {@code set timeout cli}.
 *
 * <p>UNIX socket files: like HAProxy, the socket is bound under a temporary name ({@code PATH.PID.tmp}) then
 * renamed over {@code PATH}, so a socket file left behind by a dead process is replaced, and so is one another
 * process still listens on (that process keeps serving the clients it has; new clients reach this server). A
 * path that is a regular file, a directory or anything else but a socket is refused. {@link #close()} removes
 * the file if it is still the one this server created.
 *
 * <p>Threads: one daemon I/O thread of its own ({@code haprobe-stats-socket}), on Java's NIO transport (UNIX
 * sockets need no native library on Java 16+); the handler runs on it. Thread-safe: {@link #close()} may be called
 * from any thread but the server's own.
 *
 * <p>{@code
 * try (StatsSocketServer server = StatsSocketServer.bind("/tmp/hp.sock",
 *         command -> CompletableFuture.completedFuture(myRuntime.execute(command)))) {
 *     // echo "show stat" | socat stdio /tmp/hp.sock
 * }
 * }
 */
public final class StatsSocketServer implements AutoCloseable {

    /** HAProxy's default {@code stats timeout}. */
    static final int IDLE_TIMEOUT_SECONDS = 10;
    /** HAProxy's default {@code tune.bufsize}. */
    static final int BUFSIZE = 16384;
    private static final int CLOSE_TIMEOUT_SECONDS = 5;

    private final EventLoopGroup group;
    private final Channel listener;
    private final ChannelGroup sessions;
    private final SocketAddress localAddress;
    /** The socket file this server created and its file key (inode), or null for TCP. */
    private final Path socketFile;
    private final Object socketFileKey;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StatsSocketServer(EventLoopGroup group, Channel listener, ChannelGroup sessions,
            SocketAddress localAddress, Path socketFile, Object socketFileKey) {
        this.group = group;
        this.listener = listener;
        this.sessions = sessions;
        this.localAddress = localAddress;
        this.socketFile = socketFile;
        this.socketFileKey = socketFileKey;
    }

    /**
     * Starts listening.
     *
     * @param address where: a UNIX socket path ({@code "/tmp/hp.sock"}, a relative path, or {@code "unix@PATH"});
     *        or a loopback TCP address: {@code "127.0.0.1:9999"} (any of 127.0.0.0/8), {@code "[::1]:9999"},
     *        {@code "localhost:9999"} (always 127.0.0.1, no lookup), HAProxy's {@code "ipv4@IP:PORT"} and
     *        {@code "ipv6@IP:PORT"}; port 0 picks an ephemeral port (see {@link #localAddress()})
     * @param handler runs every command but {@code prompt} and {@code quit}
     * @return the running server, which owns a thread until {@link #close()}
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code address} is not a loopback IP (the runtime API can reconfigure
     *         every server: it is not exposed beyond this host), has a bad port or is not a valid path
     * @throws IOException if the port is taken, or the path exists and is not a socket, or its directory does not
     *         exist, or the path is too long for a UNIX socket (about 100 bytes)
     */
    public static StatsSocketServer bind(String address, CommandHandler handler) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(handler, "handler");
        StatsSocketAddress where = StatsSocketAddress.parse(address);
        // a UNIX socket needs epoll where it exists: Netty 4.2's NIO domain socket closes the connection at the
        // client's shutdown(SHUT_WR) whatever ALLOW_HALF_CLOSURE says (it only honours it on TCP), and socat does
        // that right after sending the command, before the reply; with Netty 4.2.18's epoll handler made able to
        // take the half-closed session back into its epoll set for a long reply (EpollRearming)
        boolean epoll = where instanceof StatsSocketAddress.Unix && Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("haprobe-stats-socket", true),
                epoll ? EpollRearming.newFactory() : NioIoHandler.newFactory());
        try {
            ChannelGroup sessions = new DefaultChannelGroup("stats-socket-sessions", group.next());
            ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                    // reads no bigger than HAProxy's request buffer: what a too long request leaves unread stays in
                    // the kernel, which then resets the connection at close, as HAProxy's does
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(BUFSIZE))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            // HAProxy answers what came before the client's shutdown(SHUT_WR), which socat does at
                            // EOF; set on the config, as the domain socket's setOption does not know this option
                            if (ch.config() instanceof DuplexChannelConfig duplex) {
                                duplex.setAllowHalfClosure(true);
                            } else if (ch.config() instanceof EpollDomainSocketChannelConfig domain) {
                                domain.setAllowHalfClosure(true);
                            }
                            sessions.add(ch);
                            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                                    new StatsSocketSession(handler));
                        }
                    });
            if (where instanceof StatsSocketAddress.Tcp tcp) {
                bootstrap.channel(NioServerSocketChannel.class).option(ChannelOption.SO_REUSEADDR, true);
                Channel listener = bindOrThrow(bootstrap, tcp.address(), address);
                return new StatsSocketServer(group, listener, sessions, listener.localAddress(), null, null);
            }
            Path path = ((StatsSocketAddress.Unix) where).path();
            return bindUnix(bootstrap.channel(epoll ? EpollServerDomainSocketChannel.class
                    : NioServerDomainSocketChannel.class), path, group, sessions, epoll);
        } catch (IOException | RuntimeException | Error e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Where the server listens: a {@link UnixDomainSocketAddress} with the absolute socket path, or the
     * {@link java.net.InetSocketAddress} with the port actually bound (the ephemeral one for port 0).
     *
     * @return the address, never {@code null}, also after {@link #close()}
     */
    public SocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Stops listening, closes every session (a reply being written is cut), removes the UNIX socket file if it
     * is still the one this server bound, and stops the server's thread, waiting up to a few seconds for it.
     * Idempotent. Must not be called from a {@link CommandHandler} (the server's own thread), where it cannot wait:
     * there it starts the same shutdown without waiting.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        boolean wait = !group.next().inEventLoop();
        ChannelFuture listenerClosed = listener.close();
        var sessionsClosed = sessions.close();
        if (wait) {
            listenerClosed.awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            sessionsClosed.awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        removeSocketFile();
        var terminated = group.shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (wait) {
            terminated.awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "StatsSocketServer{" + localAddress + (closed.get() ? ", closed}" : "}");
    }

    private static StatsSocketServer bindUnix(ServerBootstrap bootstrap, Path path, EventLoopGroup group,
            ChannelGroup sessions, boolean epoll) throws IOException {
        refuseWhatIsNotASocket(path);
        // HAProxy's way (sock_unix_bind_receiver): bind a temporary name, then rename it over the path, so that a
        // stale socket, or one a live process listens on, is replaced atomically
        Path temporary = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        Channel listener = bindOrThrow(bootstrap, epoll ? new DomainSocketAddress(temporary.toString())
                : UnixDomainSocketAddress.of(temporary), path.toString());
        try {
            refuseWhatIsNotASocket(path);
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new StatsSocketServer(group, listener, sessions, UnixDomainSocketAddress.of(path), path, key);
        } catch (IOException | RuntimeException e) {
            listener.close().awaitUninterruptibly();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private static void refuseWhatIsNotASocket(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther() || !isSocket(path)) {
            String what = attributes.isRegularFile() ? "a regular file" : attributes.isDirectory() ? "a directory"
                    : attributes.isSymbolicLink() ? "a symbolic link" : "not a socket";
            throw new FileAlreadyExistsException(path.toString(), null,
                    "stats socket: the path exists and is " + what + "; refusing to replace it (expected: no file "
                            + "or a UNIX socket)");
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000; // S_IFMT, S_IFSOCK
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return true; // no unix view: "other" is the closest we can tell
        }
    }

    private static Channel bindOrThrow(ServerBootstrap bootstrap, SocketAddress where, String address)
            throws IOException {
        ChannelFuture bound = bootstrap.bind(where).awaitUninterruptibly();
        if (bound.isSuccess()) {
            return bound.channel();
        }
        Throwable cause = bound.cause();
        if (cause instanceof Error error) {
            throw error;
        }
        throw new IOException("stats socket: cannot bind " + address + ": " + cause.getMessage(), cause);
    }

    private void removeSocketFile() {
        if (socketFile == null) {
            return;
        }
        try {
            Object key = Files.readAttributes(socketFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            if (Objects.equals(key, socketFileKey)) {
                Files.delete(socketFile);
            }
        } catch (IOException e) {
            // gone already, or replaced by another process's socket, which is not ours to remove
        }
    }
}
