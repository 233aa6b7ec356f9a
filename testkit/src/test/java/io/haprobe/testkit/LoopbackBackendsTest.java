package io.haprobe.testkit;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * {@link LoopbackBackends} on real sockets, driven by plain {@link Socket}s: what each behaviour and phase does on
 * the wire, and what the servers record.
 */
@Tag("live")
class LoopbackBackendsTest {

    private static final String SERVER = "app_backend/web01";
    private static final byte[] REQUEST = "GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final Duration AT_MOST = Duration.ofSeconds(5);

    private LoopbackBackends backends;

    @AfterEach
    void closeBackends() {
        if (backends != null) {
            backends.close();
            assertThat(backends.errors()).isEmpty();
        }
    }

    @Test
    void httpAnswersOnceTheRequestHeadIsInThenSendsFin() throws IOException {
        backends = play(ServerScript.of(Behaviour.http(204)));

        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /health HTTP/1.0\r\n".getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.ISO_8859_1));

            assertThat(readToEnd(socket)).isEqualTo(new String(Behaviour.http(204).responseBytes(),
                    StandardCharsets.ISO_8859_1));
        }
        assertThat(backends.accepted(SERVER)).isEqualTo(1);
    }

    @Test
    void tcpBannerIsSentAtAcceptThenFin() throws IOException {
        backends = play(ServerScript.of(new Behaviour.Tcp("+PONG\r\n".getBytes(StandardCharsets.ISO_8859_1),
                Delay.NONE, true, true)));

        try (Socket socket = connect()) {
            assertThat(readToEnd(socket)).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void refuseHasNothingListeningOnTheServersPort() {
        backends = play(ServerScript.of(Behaviour.refuse()));

        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class).hasMessageContaining("refused");
    }

    @Test
    void blackholeNeverCompletesAConnect() {
        backends = play(ServerScript.of(Behaviour.blackhole()));

        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(address(), 300);
            }
        }).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void resetSendsAnRstAfterAccepting() {
        backends = play(ServerScript.of(new Behaviour.Reset(Delay.NONE)));

        // the RST may land before the client's connect() returns: it is the same reset either way
        assertThatThrownBy(() -> {
            try (Socket socket = connect()) {
                readToEnd(socket);
            }
        }).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
    }

    @Test
    void closeSendsAFinWithoutAnswering() throws IOException {
        backends = play(ServerScript.of(new Behaviour.Close(Delay.of(Duration.ofMillis(20)))));

        try (Socket socket = connect()) {
            socket.getOutputStream().write(REQUEST);

            assertThat(readToEnd(socket)).isEmpty();
        }
    }

    @Test
    void sequencePlaysOneStepPerConnectionInTurn() throws IOException {
        backends = play(ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(503), Behaviour.http(200)))));

        assertThat(List.of(statusLine(), statusLine(), statusLine()))
                .containsExactly("HTTP/1.1 503 Service Unavailable", "HTTP/1.1 200 OK", "HTTP/1.1 503 Service Unavailable");
    }

    @Test
    void crashResetsOpenConnectionsRefusesThenRestartsOnTheSamePort() throws IOException {
        backends = play(ServerScript.builder()
                .at(Duration.ZERO, Behaviour.hang())
                .at(Duration.ofMillis(300), Behaviour.refuse())
                .at(Duration.ofMillis(600), Behaviour.http(204))
                .build());
        int port = backends.port(SERVER);

        try (Socket hanging = connect()) {
            hanging.getOutputStream().write(REQUEST);
            backends.start();

            assertThatThrownBy(() -> readToEnd(hanging)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
        }
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        await().atMost(AT_MOST).ignoreExceptionsInstanceOf(ConnectException.class)
                .until(this::statusLine, "HTTP/1.1 204 No Content"::equals);
        assertThat(backends.port(SERVER)).isEqualTo(port);
    }

    @Test
    void blackholeThenAnswerListensAgainOnTheSamePort() {
        backends = play(ServerScript.builder()
                .at(Duration.ZERO, Behaviour.blackhole())
                .at(Duration.ofMillis(200), Behaviour.http(200))
                .build());
        backends.start();

        await().atMost(AT_MOST).ignoreExceptions().until(this::statusLine, "HTTP/1.1 200 OK"::equals);
    }

    @Test
    void answerThenBlackholeStopsCompletingConnectsOnTheSamePort() {
        backends = play(ServerScript.builder()
                .at(Duration.ZERO, Behaviour.http(200))
                .at(Duration.ofMillis(100), Behaviour.blackhole())
                .build());
        backends.start();

        await().atMost(AT_MOST).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(address(), 300);
                return false;
            } catch (SocketTimeoutException neverCompleted) {
                return true;
            }
        });
    }

    @Test
    void closeReleasesThePort() throws IOException {
        backends = play(ServerScript.of(Behaviour.http(200)));
        int port = backends.port(SERVER);
        backends.close();

        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    void refuseOrBlackholeInsideASequenceCannotBePlayedOnRealSockets() {
        ServerScript script = ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(200), Behaviour.refuse())));

        assertThatThrownBy(() -> LoopbackBackends.builder().script(SERVER, script))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("script of app_backend/web01: a sequence step 'refuse' (expected: http, tcp, hang, reset "
                        + "or close; refuse and blackhole are phases on a real socket)");
    }

    @Test
    void recordsWhatTheCheckerSentFromWhereAndThatItClosedWithAFin() throws Exception {
        backends = play(ServerScript.of(Behaviour.http(204)));

        int localPort;
        try (Socket socket = connect()) {
            localPort = socket.getLocalPort();
            socket.getOutputStream().write(REQUEST);
            readToEnd(socket);
        }

        RecordedConnection connection = backends.takeConnection(SERVER, AT_MOST);
        assertThat(connection.receivedText()).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
        assertThat(connection.peer()).isEqualTo(new InetSocketAddress("127.0.0.1", localPort));
        assertThat(connection.checkerClose()).isEqualTo(RecordedConnection.CheckerClose.FIN);
        assertThat(connection.behaviour()).isEqualTo(Behaviour.http(204));
        assertThat(connection.index()).isZero();
        assertThat(connection.open()).isFalse();
    }

    @Test
    void recordsAnRstWhenTheCheckerClosesWithSoLingerZero() throws Exception {
        backends = play(ServerScript.of(Behaviour.hang()));

        try (Socket socket = connect()) {
            socket.getOutputStream().write(REQUEST);
            await().atMost(AT_MOST).until(() -> backends.recordedConnections(SERVER).stream()
                    .anyMatch(c -> c.received().length == REQUEST.length));
            socket.setSoLinger(true, 0);
        }

        assertThat(backends.takeConnection(SERVER, AT_MOST).checkerClose())
                .isEqualTo(RecordedConnection.CheckerClose.RST);
    }

    @Test
    void aSequenceRecordsTheStepEachConnectionPlayed() throws Exception {
        backends = play(ServerScript.of(new Behaviour.Sequence(List.of(Behaviour.http(503), Behaviour.http(200)))));

        statusLine();
        statusLine();

        assertThat(List.of(backends.takeConnection(SERVER, AT_MOST), backends.takeConnection(SERVER, AT_MOST)))
                .extracting(RecordedConnection::behaviour, RecordedConnection::index)
                .containsExactly(tuple(Behaviour.http(503), 0), tuple(Behaviour.http(200), 1));
    }

    @Test
    void takeConnectionFailsWhenNoConnectionEndsInTime() {
        backends = play(ServerScript.of(Behaviour.http(200)));

        assertThatThrownBy(() -> backends.takeConnection(SERVER, Duration.ZERO)).isInstanceOf(AssertionError.class)
                .hasMessage("no connection #0 to app_backend/web01 ended within 0 ms; so far: []");
    }

    @Test
    void bytesAfterTheLastReplyAreAViolationThatAStrictCloseReports() throws Exception {
        LoopbackBackends strict = play(ServerScript.of(new Behaviour.Tcp("+PONG\r\n".getBytes(
                StandardCharsets.ISO_8859_1), Delay.NONE, false, false)));
        try (Socket socket = connect(strict)) {
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(socket.getInputStream().readNBytes(7)).asString(StandardCharsets.ISO_8859_1)
                    .isEqualTo("+PONG\r\n");
            socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(AT_MOST).until(() -> !strict.violations().isEmpty());
        }

        assertThat(strict.violations()).singleElement().asString().matches("app_backend/web01: connection #0 from "
                + "/127\\.0\\.0\\.1:\\d+: 6 bytes after the server's last reply, which the tcp script does not "
                + "expect: \"QUIT\\\\r\\\\n\"");
        assertThatThrownBy(strict::verify).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("loopback backends: 1 failure(s):");
        assertThatThrownBy(strict::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("6 bytes after the server's last reply");
    }

    @Test
    void aConnectionTheCheckerLeavesOpenFailsAStrictCloseAndNotALenientOne() throws IOException {
        LoopbackBackends strict = play(ServerScript.of(Behaviour.hang()));
        LoopbackBackends lenient = LoopbackBackends.builder().strict(false).script(SERVER,
                ServerScript.of(Behaviour.hang())).bind();
        try (Socket left = connect(strict); Socket alsoLeft = connect(lenient)) {
            await().atMost(AT_MOST).until(() -> strict.accepted(SERVER) == 1 && lenient.accepted(SERVER) == 1);

            assertThatThrownBy(strict::close).isInstanceOf(AssertionError.class).hasMessageMatching(
                    "(?s).*app_backend/web01: connection #0 from /127\\.0\\.0\\.1:\\d+: still open at close: the "
                            + "checker did not close it within 2000 ms.*");
            lenient.close();
            assertThat(lenient.violations()).isEmpty();
        }
    }

    @Test
    void unknownServerNamesTheScriptedOnes() {
        backends = play(ServerScript.of(Behaviour.http(200)));

        assertThatThrownBy(() -> backends.port("other/srv")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server: 'other/srv' (expected: one of [app_backend/web01])");
    }

    private static LoopbackBackends play(ServerScript script) {
        return LoopbackBackends.builder().script(SERVER, script).bind();
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", backends.port(SERVER));
    }

    private Socket connect() throws IOException {
        return connect(backends);
    }

    private static Socket connect(LoopbackBackends backends) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setSoTimeout((int) AT_MOST.toMillis());
            socket.connect(new InetSocketAddress("127.0.0.1", backends.port(SERVER)), (int) AT_MOST.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private String statusLine() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(REQUEST);
            String response = readToEnd(socket);
            return response.substring(0, response.indexOf("\r\n"));
        }
    }

    private static String readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
