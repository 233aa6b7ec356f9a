package io.haprobe.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The stats socket on real UNIX and loopback TCP sockets, byte for byte against HAProxy 2.6.12.
 *
 * <p>How the {@code HAPROXY_*} constants were captured: HAProxy 2.6.12-1+deb12u4 (Debian) ran with
 * <pre>
 * global
 *   stats socket /tmp/h13x/s.sock level admin
 *   stats socket ipv4@127.0.0.1:19999 level admin
 * backend be
 *   server s1 127.0.0.1:1
 * </pre>
 * and a Python client ({@code socket.AF_UNIX} and {@code AF_INET}) sent each request, one {@code sendall} per
 * chunk with 200 ms between chunks, then read until the server closed (or 1 s of silence), recording the bytes.
 * The test handler answers {@code show version} as that HAProxy did.
 */
@Tag("live")
class StatsSocketServerLiveTest {

    /** {@code show version} on HAProxy 2.6.12-1+deb12u4. */
    static final String VERSION = "2.6.12-1+deb12u4\n";
    /** {@code "show version\n"}: the reply, the empty line that ends it, then HAProxy closed. */
    static final String HAPROXY_ONE_COMMAND = "2.6.12-1+deb12u4\n\n";
    /** {@code "show version;show version\n"}, and also {@code "show version\nshow version\n"} in one write. */
    static final String HAPROXY_TWO_COMMANDS = "2.6.12-1+deb12u4\n\n2.6.12-1+deb12u4\n\n";
    /**
     * Chunks {@code "prompt\n"}, {@code "show version\n"}, {@code "show version;show version\n"}, {@code "quit\n"}
     * (over TCP); HAProxy closed after {@code quit} without writing anything more.
     */
    static final String HAPROXY_PROMPT_TRANSCRIPT =
            "\n> 2.6.12-1+deb12u4\n\n> 2.6.12-1+deb12u4\n\n> 2.6.12-1+deb12u4\n\n> ";
    /** {@code "prompt;prompt;show version\n"}: on, off (a plain "\n"), the reply, closed. */
    static final String HAPROXY_PROMPT_TWICE = "\n> \n2.6.12-1+deb12u4\n\n";
    /** Chunks {@code "prompt\n"}, {@code "show version <<\n"}, {@code "abc\n"}, {@code "\n"}: still open. */
    static final String HAPROXY_PAYLOAD_TRANSCRIPT = "\n> + + 2.6.12-1+deb12u4\n\n> ";
    /** {@code "prompt\nshow version\n"} then shutdown(SHUT_WR): both answered, then closed. */
    static final String HAPROXY_PROMPT_THEN_EOF = "\n> 2.6.12-1+deb12u4\n\n> ";

    @TempDir
    Path dir;

    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<String>> pending = new CopyOnWriteArrayList<>();
    private final List<StatsSocketServer> servers = new ArrayList<>();

    @AfterEach
    void closeServers() {
        servers.forEach(StatsSocketServer::close);
        pending.forEach(f -> f.complete("late\n"));
    }

    /**
     * What HAProxy answers to show version; fail and throw fail; slow never completes until the test does; later
     * answers 100 ms later, on another thread.
     */
    private CompletableFuture<String> handle(String command) {
        commands.add(command);
        switch (command) {
            case "show version":
                return CompletableFuture.completedFuture(VERSION);
            case "fail":
                return CompletableFuture.failedFuture(new IllegalStateException("boom"));
            case "throw":
                throw new IllegalStateException("boom");
            case "slow": {
                CompletableFuture<String> f = new CompletableFuture<>();
                pending.add(f);
                return f;
            }
            case "big":
                return CompletableFuture.supplyAsync(() -> "x".repeat(79).concat("\n").repeat(50_000));
            case "later":
                return CompletableFuture.supplyAsync(() -> "late\n",
                        CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS));
            default:
                return CompletableFuture.completedFuture("Unknown command.\n");
        }
    }

    private StatsSocketServer bind(String address) throws IOException {
        StatsSocketServer server = StatsSocketServer.bind(address, this::handle);
        servers.add(server);
        return server;
    }

    private SocketAddress unixServer() throws IOException {
        return bind(dir.resolve("hp.sock").toString()).localAddress();
    }

    private SocketAddress tcpServer() throws IOException {
        return bind("127.0.0.1:0").localAddress();
    }

    @Test
    void answersOneCommandThenTheEmptyLineThenCloses() throws IOException {
        assertThat(StatsSocketClient.oneShot(unixServer(), "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
        assertThat(commands).containsExactly("show version");
    }

    @Test
    void answersTheSameOverTcp() throws IOException {
        assertThat(StatsSocketClient.oneShot(tcpServer(), "show version\r\n")).isEqualTo(HAPROXY_ONE_COMMAND);
    }

    @Test
    void answersSemicolonSeparatedCommandsInOrder() throws IOException {
        SocketAddress address = unixServer();
        assertThat(StatsSocketClient.oneShot(address, "show version;show version\n")).isEqualTo(HAPROXY_TWO_COMMANDS);
        assertThat(StatsSocketClient.oneShot(address, "show version\nshow version\n")).isEqualTo(HAPROXY_TWO_COMMANDS);
    }

    @Test
    void passesCommandsTrimmedWithTheirEscapesAndOneCarriageReturnRemoved() throws IOException {
        SocketAddress address = unixServer();
        StatsSocketClient.oneShot(address, "  set var a\\;b\\\\;show\tinfo \t;\r\n");
        StatsSocketClient.oneShot(address, "show version\r\r\n");
        StatsSocketClient.oneShot(address, "a\\\nb\n");
        assertThat(commands).containsExactly("set var a\\;b\\\\", "show\tinfo", "", "show version\r", "a\\\nb");
    }

    @Test
    void promptModeTranscriptMatchesHaproxy() throws IOException {
        try (StatsSocketClient client = StatsSocketClient.connect(tcpServer())) {
            client.send("prompt\n").readUntilEndsWith("> ");
            client.send("show version\n").readUntil(s -> s.split("> ", -1).length == 3);
            client.send("show version;show version\n").readUntil(s -> s.split("> ", -1).length == 5);
            client.send("quit\n");
            assertThat(client.readUntilClosed()).isEqualTo(HAPROXY_PROMPT_TRANSCRIPT);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void promptAgainLeavesInteractiveMode() throws IOException {
        assertThat(StatsSocketClient.oneShot(unixServer(), "prompt;prompt;show version\n"))
                .isEqualTo(HAPROXY_PROMPT_TWICE);
    }

    @Test
    void quitClosesWithoutRunningWhatFollows() throws IOException {
        assertThat(StatsSocketClient.oneShot(unixServer(), "quit;show version\n")).isEmpty();
        assertThat(commands).isEmpty();
    }

    @Test
    void emptyLineInPromptModeIsAnEmptyCommandForTheHandler() throws IOException {
        try (StatsSocketClient client = StatsSocketClient.connect(unixServer())) {
            client.send("prompt\n").readUntilEndsWith("> ");
            assertThat(client.send("\n").readUntil(s -> s.split("> ", -1).length == 3))
                    .isEqualTo("\n> Unknown command.\n\n> ");
            assertThat(commands).containsExactly("");
        }
    }

    @Test
    void gathersAPayloadUntilAnEmptyLine() throws IOException {
        try (StatsSocketClient client = StatsSocketClient.connect(unixServer())) {
            client.send("prompt\n").readUntilEndsWith("> ");
            client.send("show version <<\n").readUntilEndsWith("+ ");
            client.send("abc\n").readUntilEndsWith("+ + ");
            assertThat(client.send("\n").readUntil(s -> s.endsWith("\n> ") && s.length() > 3))
                    .isEqualTo(HAPROXY_PAYLOAD_TRANSCRIPT.replace(VERSION, "Unknown command.\n"));
        }
        assertThat(commands).containsExactly("show version <<\nabc");
    }

    @Test
    void answersWhatCameBeforeTheEndOfInputThenCloses() throws IOException {
        try (StatsSocketClient client = StatsSocketClient.connect(unixServer())) {
            client.send("prompt\nshow version\nshow ver").shutdownOutput();
            assertThat(client.readUntilClosed()).isEqualTo(HAPROXY_PROMPT_THEN_EOF);
        }
        assertThat(commands).containsExactly("show version");
    }

    /**
     * {@code echo "show stat" | socat stdio SOCKET}: socat shuts its writing side down right after the command,
     * before the reply exists; the reply still comes (on a UNIX socket this needs epoll: Netty's NIO domain socket
     * closes at the client's shutdown whatever ALLOW_HALF_CLOSURE says).
     */
    @Test
    void aReplyThatComesLaterStillReachesAClientThatShutItsOutputDown() throws IOException {
        for (SocketAddress address : List.of(unixServer(), tcpServer())) {
            try (StatsSocketClient client = StatsSocketClient.connect(address)) {
                client.send("later\n").shutdownOutput();
                assertThat(client.readUntilClosed()).as(address.toString()).isEqualTo("late\n\n");
            }
        }
    }

    @Test
    void acceptsACommandOf16383BytesAndClosesOnALongerOneWithoutReply() throws IOException {
        SocketAddress address = unixServer();
        String longest = "show version" + " ".repeat(16383 - "show version".length() - 1) + "\n";
        assertThat(StatsSocketClient.oneShot(address, longest)).isEqualTo(HAPROXY_ONE_COMMAND);
        assertThat(StatsSocketClient.oneShot(address, " " + longest)).isEmpty();
        assertThat(commands).containsExactly("show version");
    }

    @Test
    void oneMegabyteWithoutNewlineIsCutOffAndOthersAreStillServed() throws IOException {
        SocketAddress address = unixServer();
        try (StatsSocketClient flood = StatsSocketClient.connect(address)) {
            try {
                flood.send(new byte[1 << 20]);
            } catch (IOException expected) {
                // the server closed while we were still writing, as HAProxy does (the client sees a reset)
            }
            flood.readUntilClosed();
            assertThat(flood.closedByServer()).isTrue();
            assertThat(flood.receivedBytes()).isZero();
        }
        assertThat(StatsSocketClient.oneShot(address, "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
        assertThat(commands).containsExactly("show version");
    }

    @Test
    void aClientLeavingDuringACommandDoesNotDisturbOthers() throws IOException {
        SocketAddress address = unixServer();
        StatsSocketClient leaver = StatsSocketClient.connect(address);
        leaver.send("slow\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> pending.size() == 1);
        leaver.close();
        assertThat(StatsSocketClient.oneShot(address, "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
        pending.get(0).complete("too late\n");
        assertThat(StatsSocketClient.oneShot(address, "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
    }

    @Test
    void aFailingHandlerIsAnsweredWithHaproxysInternalErrorAndTheSessionGoesOn() throws IOException {
        SocketAddress address = tcpServer();
        assertThat(StatsSocketClient.oneShot(address, "fail;throw;show version\n"))
                .isEqualTo("Internal error.\n\nInternal error.\n\n" + HAPROXY_ONE_COMMAND);
    }

    @Test
    void writesAReplyLargerThanTheSocketBuffers() throws IOException {
        String reply = StatsSocketClient.oneShot(unixServer(), "big\n");
        assertThat(reply).hasSize(80 * 50_000 + 1).endsWith("x\n\n");
    }

    /**
     * socat shuts its sending side down right after the command ({@code echo "show stat" | socat stdio PATH}); the
     * reply still comes whole, however much larger than the socket buffers (a {@code show stat} of 2,000 servers is
     * about 500 kB; haprobe once cut it where the kernel's buffer was full).
     */
    @Test
    void writesAWholeLargeReplyAfterTheClientShutItsSendingSide() throws IOException {
        for (SocketAddress address : List.of(unixServer(), tcpServer())) {
            for (int i = 0; i < 10; i++) {
                try (StatsSocketClient client = StatsSocketClient.connect(address)) {
                    client.send("big\n").shutdownOutput();
                    assertThat(client.readUntilClosed()).as("%s, try %d", address, i)
                            .hasSize(80 * 50_000 + 1).endsWith("x\n\n");
                }
            }
        }
    }

    /** The same half-closed client leaving for good while its long reply is still being written. */
    @Test
    void aHalfClosedClientLeavingDuringALongReplyDoesNotDisturbOthers() throws IOException {
        SocketAddress address = unixServer();
        for (int i = 0; i < 5; i++) {
            try (StatsSocketClient leaver = StatsSocketClient.connect(address)) {
                leaver.send("big\n").shutdownOutput();
                leaver.readUntil(text -> text.length() >= 1_000);
            }
            assertThat(StatsSocketClient.oneShot(address, "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
        }
    }

    @Test
    void servesManyClientsAtOnce() throws Exception {
        SocketAddress address = tcpServer();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                replies.add(pool.submit(() -> StatsSocketClient.oneShot(address, "show version;show version\n")));
            }
            for (Future<String> reply : replies) {
                assertThat(reply.get()).isEqualTo(HAPROXY_TWO_COMMANDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesNonLoopbackAddresses() {
        for (String address : List.of("0.0.0.0:9999", "10.1.2.3:9999", "[::]:9999", "example.com:9999",
                "ipv4@192.168.0.1:9999")) {
            assertThatThrownBy(() -> bind(address)).as(address).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(address).hasMessageContaining("loopback");
        }
    }

    @Test
    void listensOnIpv6AndLocalhost() throws IOException {
        StatsSocketServer v6 = bind("[::1]:0");
        assertThat(((InetSocketAddress) v6.localAddress()).getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(StatsSocketClient.oneShot(v6.localAddress(), "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
        StatsSocketServer local = bind("localhost:0");
        assertThat(((InetSocketAddress) local.localAddress()).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void replacesAStaleSocketFile() throws IOException {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
        SocketAddress address = bind(path.toString()).localAddress();
        assertThat(StatsSocketClient.oneShot(address, "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
    }

    @Test
    void takesOverASocketAnotherServerListensOn() throws IOException {
        Path path = dir.resolve("taken.sock");
        StatsSocketServer first = StatsSocketServer.bind(path.toString(),
                c -> CompletableFuture.completedFuture("1\n"));
        servers.add(first);
        SocketAddress address = bind(path.toString()).localAddress();
        assertThat(StatsSocketClient.oneShot(address, "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
        first.close();
        assertThat(path).as("the first server leaves the file it no longer owns").exists();
    }

    @Test
    void refusesToReplaceARegularFile() throws IOException {
        Path path = dir.resolve("data.txt");
        Files.writeString(path, "keep me");
        assertThatThrownBy(() -> bind(path.toString())).isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(path.toString()).hasMessageContaining("regular file");
        assertThat(path).hasContent("keep me");
        assertThat(dir).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));
    }

    @Test
    void closeRemovesTheSocketFileAndEndsSessions() throws IOException {
        Path path = dir.resolve("hp.sock");
        StatsSocketServer server = bind("unix@" + path);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                .as("HAProxy's default: 0777 less the umask (0022 here gives rwxr-xr-x)")
                .startsWith("rwx");
        try (StatsSocketClient client = StatsSocketClient.connect(server.localAddress())) {
            client.send("prompt\n").readUntilEndsWith("> ");
            server.close();
            client.readUntilClosed();
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(path).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void acceptsARelativePath() throws IOException {
        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("rel.sock"));
        StatsSocketServer server = bind(relative.toString());
        assertThat(server.localAddress()).isEqualTo(UnixDomainSocketAddress.of(dir.resolve("rel.sock")));
        assertThat(StatsSocketClient.oneShot(server.localAddress(), "show version\n")).isEqualTo(HAPROXY_ONE_COMMAND);
    }

    @Test
    void refusesAMissingDirectory() {
        assertThatThrownBy(() -> bind(dir.resolve("no/such/dir/hp.sock").toString()))
                .isInstanceOf(IOException.class).hasMessageContaining("no/such/dir");
    }
}
