package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckEventLoop;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The channel-free live path ({@link EpollCheckConnection}, through {@link NettyProbeTransport} on epoll) on real
 * loopback sockets: each scenario runs once channel-free and once over Netty channels (the same transport behind a
 * wrapper that is no {@link NettyProbeTransport}), and both must report the same status, code and info. No
 * descriptor may be left open.
 */
@Tag("live")
class EpollCheckConnectionLiveTest {

    private static final long MS = 1_000_000L;
    private static final String OK_200 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    private final ExecutorService backend = Executors.newCachedThreadPool();
    private final List<java.net.Socket> held = new ArrayList<>();
    private NettyProbeTransport transport;
    private ServerSocket listener;

    @BeforeEach
    void start() throws IOException {
        assumeThat(Epoll.isAvailable()).as("epoll").isTrue();
        transport = NettyProbeTransport.create(1);
        assertThat(transport.socketType()).isEqualTo("epoll");
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void stop() throws IOException {
        for (java.net.Socket socket : held) {
            socket.close();
        }
        if (listener != null) {
            listener.close();
        }
        backend.shutdownNow();
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    void anHttpCheckPassesAndResetsTheConnection() throws Exception {
        CompletableFuture<String> end = serve(socket -> {
            readRequest(socket);
            write(socket, OK_200);
        }, true);

        CheckOutcome outcome = runChannelFree(http(), target(), 0);

        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        assertThat(outcome.code()).isEqualTo(200);
        assertThat(end.get(5, TimeUnit.SECONDS)).isEqualTo("RST");
        assertSameOverChannels(http(), target(), 0, outcome);
    }

    @Test
    void aRunMadeAndPreparedOffTheLoopRunsItsFirstCheckWithTheProgramItIsResetTo() throws Exception {
        serve(socket -> {
            readRequest(socket);
            write(socket, OK_200);
        }, true);
        Scheduler scheduler = transport.scheduler();
        CompletableFuture<List<CheckOutcome>> results = new CompletableFuture<>();
        // made while an engine is built, on its thread, with the program of the server's boot state
        CheckRun run = new CheckRun(CheckProgram.connectOnly(), scheduler, 500 * MS, 0, 0, results::complete)
                .prepare(transport, target());
        assertThat(run.reusable()).isTrue();

        scheduler.execute(() -> run.reset(http()).start(transport, target()));
        List<CheckOutcome> outcomes = results.orTimeout(5, TimeUnit.SECONDS).join();

        // the HTTP program it was reset to ran, not the connect-only one it was made with
        assertThat(outcomes.get(outcomes.size() - 1).status()).isEqualTo(CheckStatus.L7OK);
        assertThat(outcomes.get(outcomes.size() - 1).code()).isEqualTo(200);
        CompletableFuture<Boolean> reusable = new CompletableFuture<>();
        scheduler.execute(() -> reusable.complete(run.reusable()));
        assertThat(reusable.get(5, TimeUnit.SECONDS)).as("channel-free, finished").isTrue();
    }

    @Test
    void aConnectOnlyCheckIsL4ok() throws Exception {
        serve(socket -> { }, false);

        CheckOutcome outcome = runChannelFree(CheckProgram.connectOnly(), target(), 0);

        assertThat(outcome.status()).isEqualTo(CheckStatus.L4OK);
        assertSameOverChannels(CheckProgram.connectOnly(), target(), 0, outcome);
    }

    @Test
    void aRefusedConnectIsL4conWithTheErrnoText() throws Exception {
        InetSocketAddress closed = (InetSocketAddress) listener.getLocalSocketAddress();
        listener.close();
        CheckTarget target = new CheckTarget("be", "s1", closed, null);

        CheckOutcome outcome = runChannelFree(http(), target, 0);

        assertThat(outcome.status()).isEqualTo(CheckStatus.L4CON);
        assertThat(outcome.info()).isEqualTo("Connection refused");
        assertSameOverChannels(http(), target, 0, outcome);
    }

    @Test
    void aConnectThatIsNeverAnsweredTimesOutAtInter() throws Exception {
        // a listener that never accepts, its backlog full: the kernel drops the check's SYN
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        try {
            fillBacklog(full);
            CheckTarget target = new CheckTarget("be", "s1", (InetSocketAddress) full.getLocalSocketAddress(), null);

            CheckOutcome outcome = runChannelFree(CheckProgram.connectOnly(), target, 0);

            assertThat(outcome.status()).isEqualTo(CheckStatus.L4TOUT);
            assertSameOverChannels(CheckProgram.connectOnly(), target, 0, outcome);
        } finally {
            full.close();
        }
    }

    @Test
    void aServerThatClosesBeforeAnsweringGivesTheSameVerdict() throws Exception {
        serve(socket -> { }, false);
        CheckOutcome outcome = runChannelFree(http(), target(), 0);
        assertSameOverChannels(http(), target(), 0, outcome);
    }

    @Test
    void aServerThatResetsGivesTheSameVerdict() throws Exception {
        serve(socket -> {
            readRequest(socket);
            write(socket, "HTTP/1.1 2");
            socket.setSoLinger(true, 0);
        }, false);
        CheckOutcome outcome = runChannelFree(http(), target(), 0);
        assertThat(outcome.status()).isEqualTo(CheckStatus.SOCKERR);
        assertSameOverChannels(http(), target(), 0, outcome);
    }

    @Test
    void aServerThatClosesAfterItsAnswerGetsAFin() throws Exception {
        CompletableFuture<String> end = serve(socket -> {
            readRequest(socket);
            write(socket, "HTTP/1.0 200 OK\r\n\r\nall good");
            socket.shutdownOutput();
        }, true);
        CheckOutcome outcome = runChannelFree(http("http-check expect ! string maintenance"), target(), 0);
        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        assertThat(end.get(5, TimeUnit.SECONDS)).isEqualTo("FIN");
    }

    @Test
    void aBannerCheckReadsWhatTheServerSendsFirst() throws Exception {
        serve(socket -> {
            write(socket, "220 ready\r\n");
            readRequest(socket);
        }, false);
        CheckProgram banner = tcpCheck("tcp-check connect", "tcp-check expect string 220");
        CheckOutcome outcome = runChannelFree(banner, target(), 0);
        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        assertSameOverChannels(banner, target(), 0, outcome);
    }

    @Test
    void theProxyHeaderGoesFirst() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        serve(socket -> {
            first.complete(readRequest(socket));
            write(socket, OK_200);
        }, false);

        CheckOutcome outcome = runChannelFree(http(), target(), 1);

        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        InetSocketAddress source = transport.lastSource("be", "s1").orElseThrow();
        assertThat(first.get(5, TimeUnit.SECONDS)).startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 " + source.getPort()
                + " " + listener.getLocalPort() + "\r\nGET /health ");
    }

    @Test
    void aSourceIsBoundBeforeConnecting() throws Exception {
        CompletableFuture<String> peer = new CompletableFuture<>();
        serve(socket -> {
            peer.complete(socket.getInetAddress().getHostAddress());
            readRequest(socket);
            write(socket, OK_200);
        }, false);
        CheckTarget target = new CheckTarget("be", "s1", (InetSocketAddress) listener.getLocalSocketAddress(),
                new InetSocketAddress("127.0.0.2", 0));

        CheckOutcome outcome = runChannelFree(http(), target, 0);

        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        assertThat(peer.get(5, TimeUnit.SECONDS)).isEqualTo("127.0.0.2");
        // a connect that completes records no source (no getsockname): aConnectThatTimesOutRecordsItsSource
        // shows the bound source recorded for one that does not
    }

    @Test
    void anIpv6ServerIsCheckedOverAnIpv6Socket() throws Exception {
        ServerSocket v6;
        try {
            v6 = new ServerSocket(0, 50, InetAddress.getByName("::1"));
        } catch (IOException e) {
            assumeThat(e).as("no ::1 here").isNull();
            return;
        }
        listener.close();
        listener = v6;
        CompletableFuture<String> first = new CompletableFuture<>();
        serve(socket -> {
            first.complete(readRequest(socket));
            write(socket, OK_200);
        }, false);

        CheckOutcome outcome = runChannelFree(http(), target(), 1);

        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        assertThat(first.get(5, TimeUnit.SECONDS)).startsWith("PROXY TCP6 ::1 ::1 ");
        assertSameOverChannels(http(), target(), 1, outcome);
    }

    @Test
    void aSourceThatCannotBeBoundIsL4conWithHaproxysText() throws Exception {
        // TEST-NET-1: never a local address
        CheckTarget target = new CheckTarget("be", "s1", (InetSocketAddress) listener.getLocalSocketAddress(),
                new InetSocketAddress("192.0.2.1", 0));
        CheckOutcome outcome = runChannelFree(http(), target, 0);
        assertThat(outcome.status()).isEqualTo(CheckStatus.L4CON);
        assertThat(outcome.info()).isEqualTo("Can't bind to source address (Cannot assign requested address)");
        assertSameOverChannels(http(), target, 0, outcome);
    }

    @Test
    void aCheckThatSendsFirstTurnsQuickAckOffAndABannerCheckKeepsIt() throws Exception {
        assertThat(quickAckAfterOpen(http())).isZero();
        assertThat(quickAckAfterOpen(tcpCheck("tcp-check connect", "tcp-check expect string 220"))).isOne();
    }

    @Test
    void onlyTheLoopsOwnThreadGoesChannelFree() {
        assertThat(transport.channelFreeLoop(target())).as("off the loop").isNull();
        CheckTarget unresolved = new CheckTarget("be", "s1", InetSocketAddress.createUnresolved("localhost", 1), null);
        assertThat(onLoop(() -> transport.channelFreeLoop(unresolved))).as("unresolved").isNull();
        assertThat(onLoop(() -> transport.channelFreeLoop(target()))).as("on the loop").isNotNull();
    }

    @Test
    void noDescriptorIsLeftOpen() throws Exception {
        serve(socket -> {
            readRequest(socket);
            write(socket, OK_200);
        }, false);
        runChannelFree(http(), target(), 0); // warm: the loop's own descriptors are open from here on
        int before = openDescriptors();
        for (int i = 0; i < 20; i++) {
            assertThat(runChannelFree(http(), target(), 0).status()).isEqualTo(CheckStatus.L7OK);
        }
        InetSocketAddress refused;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            refused = (InetSocketAddress) gone.getLocalSocketAddress();
        }
        for (int i = 0; i < 10; i++) {
            runChannelFree(http(), new CheckTarget("be", "s1", refused, null), 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> openDescriptors() <= before);
    }

    @Test
    void aChannelFreeRunIsReusedForTheNextCheckAndAChannelRunIsNot() throws Exception {
        serve(socket -> {
            readRequest(socket);
            write(socket, OK_200);
        }, false);
        List<List<CheckOutcome>> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        Scheduler scheduler = transport.scheduler();
        CheckRun run = onLoop(() -> {
            CheckRun first = new CheckRun(http(), scheduler, 500 * MS, 0, 0, reports::add);
            first.start(transport, target());
            return first;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == 1);
        assertThat(onLoop(run::reusable)).isTrue();
        onLoop(() -> {
            run.reset(tcpCheck("tcp-check connect")).start(transport, target());
            return null;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == 2);
        assertThat(reports.get(0).get(0).status()).isEqualTo(CheckStatus.L7OK);
        assertThat(reports.get(1).get(0).status()).isEqualTo(CheckStatus.L4OK);

        CheckRun overChannels = onLoop(() -> {
            CheckRun channels = new CheckRun(http(), scheduler, 500 * MS, 0, 0, reports::add);
            channels.start(new ChannelsOnly(transport), target());
            return channels;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == 3);
        assertThat(onLoop(overChannels::reusable)).isFalse();
    }

    @Test
    void theTransportsLoopsRegisterAtOnceOnlyOnTheirOwnThread() throws Exception {
        IoEventLoop loop = onLoop(() -> transport.channelFreeLoop(target()));

        assertThat(loop).isInstanceOf(CheckEventLoop.class);
        assertThatThrownBy(() -> ((CheckEventLoop) loop).registerNow(null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theLastSourceIsTheServersLastConnectionWhicheverRunOpenedIt() throws Exception {
        List<Integer> peerPorts = new java.util.concurrent.CopyOnWriteArrayList<>();
        serve(socket -> {
            peerPorts.add(socket.getPort());
            readRequest(socket);
            write(socket, OK_200);
        }, false);
        List<List<CheckOutcome>> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        Scheduler scheduler = transport.scheduler();
        // two runs of one server (as its health check and its agent check): one slot, the last connection wins;
        // with a PROXY header, which reads the local address anyway, a connection that completes is recorded too
        CheckRun health = onLoop(() -> new CheckRun(http(), scheduler, 500 * MS, 0, 0, reports::add)
                .proxyProtocol(0, 1));
        CheckRun agent = onLoop(() -> new CheckRun(http(), scheduler, 500 * MS, 0, 0, reports::add)
                .proxyProtocol(0, 1));
        for (CheckRun run : List.of(health, agent, health)) {
            int before = reports.size();
            onLoop(() -> {
                (run.reusable() ? run.reset(http()) : run).start(transport, target());
                return null;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> reports.size() == before + 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> peerPorts.size() == before + 1);
            assertThat(transport.lastSource("be", "s1").orElseThrow().getPort()).isEqualTo(peerPorts.get(before));
        }
        assertThat(transport.lastSource("be", "s2")).isEmpty();
    }

    @Test
    void aCheckThatConnectsWithoutAProxyHeaderDoesNotReadItsSource() throws Exception {
        serve(socket -> {
            readRequest(socket);
            write(socket, OK_200);
        }, false);

        CheckOutcome outcome = runChannelFree(http(), target(), 0);

        // no getsockname for a check that connects: nothing needs where it left from
        assertThat(outcome.status()).isEqualTo(CheckStatus.L7OK);
        assertThat(transport.lastSource("be", "s1")).isEmpty();
    }

    @Test
    void aRefusedConnectRecordsItsSource() throws Exception {
        InetSocketAddress refused;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = (InetSocketAddress) gone.getLocalSocketAddress();
        }

        CheckOutcome outcome = runChannelFree(http(), new CheckTarget("be", "s1", refused, null), 0);

        assertThat(outcome.status()).isEqualTo(CheckStatus.L4CON);
        InetSocketAddress source = transport.lastSource("be", "s1").orElseThrow();
        assertThat(source.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(source.getPort()).isPositive();
    }

    @Test
    void aConnectThatTimesOutRecordsItsSource() throws Exception {
        // a listener whose accept queue is full drops the next SYNs: the connect never completes
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            List<java.net.Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    java.net.Socket filler = new java.net.Socket();
                    try {
                        filler.connect(full.getLocalSocketAddress(), 200);
                    } catch (IOException e) {
                        filler.close();
                        break; // the queue is full: this one's SYN was dropped
                    }
                    fillers.add(filler);
                }
                CheckTarget target = new CheckTarget("be", "s1", (InetSocketAddress) full.getLocalSocketAddress(),
                        new InetSocketAddress("127.0.0.2", 0));

                CheckOutcome outcome = runChannelFree(tcpCheck("tcp-check connect"), target, 0);

                assertThat(outcome.status()).isEqualTo(CheckStatus.L4TOUT);
                assertThat(transport.lastSource("be", "s1").orElseThrow().getAddress().getHostAddress())
                        .isEqualTo("127.0.0.2");
            } finally {
                for (java.net.Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    // --- helpers

    /**
     * Reads {@code TCP_QUICKACK} of a check's socket whose SYN is never answered (a SYN-ACK would end the delayed
     * ACK mode the option set).
     */
    private int quickAckAfterOpen(CheckProgram program) throws Exception {
        ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        held.add(new java.net.Socket() {
            @Override
            public synchronized void close() throws IOException {
                full.close();
            }
        });
        fillBacklog(full);
        CheckTarget target = new CheckTarget("be", "s1", (InetSocketAddress) full.getLocalSocketAddress(), null);
        CheckDriver driver = new CheckDriver(program, transport.scheduler(), 1000 * MS, 0, 0, results -> { });
        return onLoop(() -> {
            CheckConnection connection = EpollCheckConnection.open(transport.channelFreeLoop(target), target, 0,
                    driver);
            assertThat(connection).isInstanceOf(EpollCheckConnection.class);
            EpollCheckConnection epoll = (EpollCheckConnection) connection;
            try {
                return new Socket(epoll.fd().intValue()).getIntOpt(6, 12);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } finally {
                epoll.close(true);
            }
        });
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        transport.scheduler().execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.orTimeout(5, TimeUnit.SECONDS).join();
    }

    private CheckTarget target() {
        return new CheckTarget("be", "s1", (InetSocketAddress) listener.getLocalSocketAddress(), null);
    }

    private CheckOutcome runChannelFree(CheckProgram program, CheckTarget target, int proxyVersion) {
        return run(transport, program, target, proxyVersion);
    }

    private void assertSameOverChannels(CheckProgram program, CheckTarget target, int proxyVersion,
                                        CheckOutcome channelFree) {
        CheckOutcome overChannels = run(new ChannelsOnly(transport), program, target, proxyVersion);
        assertThat(List.of(overChannels.status(), overChannels.code(), overChannels.info()))
                .as("over channels").isEqualTo(List.of(channelFree.status(), channelFree.code(), channelFree.info()));
    }

    private static CheckOutcome run(ProbeTransport on, CheckProgram program, CheckTarget target, int proxyVersion) {
        CompletableFuture<List<CheckOutcome>> results = new CompletableFuture<>();
        Scheduler scheduler = on.scheduler();
        scheduler.execute(() -> new CheckRun(program, scheduler, 500 * MS, 0, 0, results::complete)
                .proxyProtocol(0, proxyVersion).start(on, target));
        List<CheckOutcome> outcomes = results.orTimeout(5, TimeUnit.SECONDS).join();
        return outcomes.get(outcomes.size() - 1);
    }

    /**
     * Serves each connection with {@code script} on a thread of its own, then waits for the check's end of the
     * connection when {@code awaitEnd}; the future tells how the last connection ended: {@code FIN} or {@code RST}.
     */
    private CompletableFuture<String> serve(IoScript script, boolean awaitEnd) {
        CompletableFuture<String> end = new CompletableFuture<>();
        backend.execute(() -> {
            while (!listener.isClosed()) {
                java.net.Socket socket;
                try {
                    socket = listener.accept();
                } catch (IOException e) {
                    return;
                }
                backend.execute(() -> {
                    try (socket) {
                        script.run(socket);
                        if (awaitEnd) {
                            end.complete(endOf(socket));
                        }
                    } catch (IOException e) {
                        end.completeExceptionally(e);
                    }
                });
            }
        });
        return end;
    }

    private static String endOf(java.net.Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // drain until the check closes
            }
            return "FIN";
        } catch (SocketException e) {
            return "RST";
        }
    }

    /** Reads what the check sent until the end of an HTTP request head (or a pause of 300 ms). */
    private static String readRequest(java.net.Socket socket) throws IOException {
        socket.setSoTimeout(300);
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                text.append((char) b);
                if (text.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            // nothing more was sent
        } catch (SocketException e) {
            // reset by the check
        }
        socket.setSoTimeout(0);
        return text.toString();
    }

    private static void write(java.net.Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    private void fillBacklog(ServerSocket full) throws IOException {
        for (int i = 0; i < 4; i++) {
            java.net.Socket client = new java.net.Socket();
            held.add(client);
            try {
                client.connect(full.getLocalSocketAddress(), 200);
            } catch (IOException e) {
                return; // the backlog is full: the kernel drops SYNs from here on
            }
        }
    }

    private static int openDescriptors() {
        String[] entries = new File("/proc/self/fd").list();
        return entries == null ? 0 : entries.length;
    }

    private static CheckProgram http(String... expectLines) {
        String lines = "option httpchk GET /health" + (expectLines.length == 0 ? ""
                : "\n    " + String.join("\n    ", expectLines));
        return CheckProgram.compile(proxy(lines));
    }

    private static CheckProgram tcpCheck(String... rules) {
        return CheckProgram.compile(proxy("option tcp-check\n    " + String.join("\n    ", rules)));
    }

    private static ProxyConfig proxy(String checkLines) {
        String cfg = "backend be\n    " + checkLines + "\n    server s1 127.0.0.1:80 check\n";
        return HaproxyConfig.parse("test.cfg", cfg).proxies().get(0);
    }

    /** What the backend does with one accepted connection. */
    @FunctionalInterface
    private interface IoScript {
        void run(java.net.Socket socket) throws IOException;
    }

    /** The live transport seen through its public {@link ProbeTransport} side only: every check takes a channel. */
    private record ChannelsOnly(NettyProbeTransport delegate) implements ProbeTransport {

        @Override
        public Scheduler scheduler() {
            return delegate.scheduler();
        }

        @Override
        public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
            return delegate.connect(target, handler);
        }

        @Override
        public Optional<InetSocketAddress> lastSource(String backend, String server) {
            return delegate.lastSource(backend, server);
        }

        @Override
        public void close() {
        }
    }
}
