package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A check whose deadline passes while its event loop is busy, the server's whole answer already in the socket.
 * HAProxy 2.6 judges a deadline against the clock of its poller's last return, and the I/O its poll reported runs
 * before the expired check task (the conformance test {@code HaproxyDeadlineAfterStopTest} shows it on real
 * HAProxy): a deadline that comes due while the loop handles the events of one wait has not passed for HAProxy
 * yet, and its next poll reports the answer, judged {@code L7OK}. The channel-free live path concludes the same,
 * whether the loop was busy with a task (the answer is reported by its next wait, before its timers run) or with
 * another socket's event after its wait returned (the deadline first reads what the socket holds:
 * {@link CheckConnection#readPending()}; without it, {@code L7TOUT}). Real loopback sockets; the loop is held busy
 * until {@link System#nanoTime()} is past the deadline, never by sleeping.
 */
@Tag("live")
class DeadlineAfterBusyLoopTest {

    private static final long MS = 1_000_000L;
    /**
     * The check's deadline: {@code inter}, from its start (no {@code timeout check}). A second, so that a machine
     * with both cores busy still has the backend hold the loop before the deadline comes.
     */
    private static final long INTER_NANOS = 1_000 * MS;
    private static final String OK_200 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    private final ExecutorService backend = Executors.newCachedThreadPool();
    private NettyProbeTransport transport;
    private ServerSocket listener;
    private ServerSocket blockers;

    @BeforeEach
    void start() throws IOException {
        assumeThat(Epoll.isAvailable()).as("epoll").isTrue();
        transport = NettyProbeTransport.create(1);
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        blockers = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void stop() throws IOException {
        if (listener != null) {
            listener.close();
            blockers.close();
        }
        backend.shutdownNow();
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    void anAnswerThatArrivedWhileATaskHeldTheLoopPastTheDeadlineIsJudged() throws Exception {
        Scheduler scheduler = transport.scheduler();
        serveOnce(socket -> {
            readRequest(socket);
            long pastDeadline = System.nanoTime() + INTER_NANOS + 100 * MS;
            CompletableFuture<Void> holding = new CompletableFuture<>();
            scheduler.execute(() -> {
                holding.complete(null);
                awaitPast(pastDeadline);
            });
            holding.get(5, TimeUnit.SECONDS);
            write(socket, OK_200);
        });

        CheckOutcome outcome = runCheck();

        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        assertThat(outcome.durationNanos()).isGreaterThanOrEqualTo(INTER_NANOS);
    }

    @Test
    void anAnswerThatArrivedWhileAnotherSocketsEventHeldTheLoopPastTheDeadlineIsJudged() throws Exception {
        // another connection on the same loop, whose read holds the loop after its wait returned
        AtomicLong pastDeadline = new AtomicLong();
        CompletableFuture<Void> holding = new CompletableFuture<>();
        CompletableFuture<Socket> blockerPeer = CompletableFuture.supplyAsync(() -> {
            try {
                return blockers.accept();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, backend);
        CheckTarget blockerTarget = new CheckTarget("be", "blocker",
                (InetSocketAddress) blockers.getLocalSocketAddress(), null);
        transport.connect(blockerTarget, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
                holding.complete(null);
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                        .until(() -> pastDeadline.get() != 0);
                awaitPast(pastDeadline.get());
            }
        }).sync();
        Socket blocker = blockerPeer.get(5, TimeUnit.SECONDS);
        serveOnce(socket -> {
            readRequest(socket);
            long past = System.nanoTime() + INTER_NANOS + 100 * MS;
            write(blocker, "x");
            holding.get(5, TimeUnit.SECONDS);
            write(socket, OK_200); // after the loop's wait returned: its next wait would report it
            pastDeadline.set(past);
        });

        try {
            CheckOutcome outcome = runCheck();

            assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
            assertThat(outcome.durationNanos()).isGreaterThanOrEqualTo(INTER_NANOS);
        } finally {
            blocker.close();
        }
    }

    private CheckOutcome runCheck() {
        CompletableFuture<List<CheckOutcome>> results = new CompletableFuture<>();
        Scheduler scheduler = transport.scheduler();
        CheckTarget target = new CheckTarget("be", "s1", (InetSocketAddress) listener.getLocalSocketAddress(), null);
        CheckProgram http = CheckProgram.compile(HaproxyConfig.parse("test.cfg",
                "backend be\n    option httpchk GET /health\n    server s1 127.0.0.1:80 check\n").proxies().get(0));
        scheduler.execute(() -> new CheckRun(http, scheduler, INTER_NANOS, 0, 0, results::complete)
                .start(transport, target));
        List<CheckOutcome> outcomes = results.orTimeout(10, TimeUnit.SECONDS).join();
        return outcomes.get(outcomes.size() - 1);
    }

    /** Holds the calling thread (the event loop's) until {@link System#nanoTime()} is past {@code time}. */
    private static void awaitPast(long time) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                .until(() -> System.nanoTime() - time > 0);
    }

    private void serveOnce(IoScript script) {
        backend.execute(() -> {
            try (Socket socket = listener.accept()) {
                script.run(socket);
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // until the check closes
                }
            } catch (Exception e) {
                // the check reset the connection, or the test ended
            }
        });
    }

    /** Reads what the check sent until the end of an HTTP request head. */
    private static void readRequest(Socket socket) throws IOException {
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        int b;
        while ((b = in.read()) >= 0) {
            text.append((char) b);
            if (text.toString().endsWith("\r\n\r\n")) {
                return;
            }
        }
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** What the backend does with the check's connection. */
    @FunctionalInterface
    private interface IoScript {
        void run(Socket socket) throws Exception;
    }
}
