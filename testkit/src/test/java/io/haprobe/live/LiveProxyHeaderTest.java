package io.haprobe.live;

import io.haprobe.CheckStatus;
import io.haprobe.sim.Behaviour;
import io.haprobe.testkit.RecordedConnection;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static io.haprobe.live.LiveConfigs.appBackend;
import static io.haprobe.live.Scripts.answer;
import static io.haprobe.live.Scripts.answerTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PROXY protocol header of checks (spec §6.2) on the wire, as HAProxy 2.6.12 sent it to a capturing server:
 * {@code check-send-proxy} and an inherited {@code send-proxy} give v1 with the check connection's own addresses
 * ({@code PROXY TCP4 127.0.0.1 127.0.0.1 46922 19021\r\n} then {@code GET / HTTP/1.0\r\n\r\n}), {@code
 * send-proxy-v2} gives the v2 LOCAL command without addresses, {@code port} stops the inherited header, and
 * {@code tcp-check connect send-proxy} sends it on that connection.
 */
class LiveProxyHeaderTest extends LiveTest {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    private static final String V2_LOCAL = "\r\n\r\n\0\r\nQUIT\n\u0020\0\0\0";

    @Test
    void checkSendProxySendsAVersion1HeaderWithTheCheckConnectionsAddressesBeforeTheRequest() throws InterruptedException {
        int port = serve(answer(OK));
        engine = LiveEngine.start(appBackend(port, "inter 1s check-send-proxy", "option httpchk GET /"));

        String request = takeConnection().receivedText();
        assertThat(request).matches(Pattern.quote("PROXY TCP4 127.0.0.1 127.0.0.1 ") + "\\d+ " + port
                + Pattern.quote("\r\nGET / HTTP/1.0\r\n\r\n"));
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L7OK);
    }

    @Test
    void aConnectOnlyCheckInheritsSendProxyAndStillPasses() throws InterruptedException {
        engine = LiveEngine.start(appBackend(serve(Behaviour.hang()), "inter 1s send-proxy"));

        assertThat(firstConnection().receivedText()).startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 ");
        assertThat(engine.awaitFirstOutcome().status()).isEqualTo(CheckStatus.L4OK);
    }

    @Test
    void sendProxyV2WithCheckSendProxySendsTheLocalCommandWithoutAddresses() throws InterruptedException {
        // the v2 signature opens with CRLF CRLF: the server answers the request itself, not the header
        engine = LiveEngine.start(appBackend(serve(answerTo("GET / HTTP/1.0\r\n\r\n", OK)),
                "inter 1s send-proxy-v2 check-send-proxy", "option httpchk GET /"));

        assertThat(takeConnection().receivedText()).isEqualTo(V2_LOCAL + "GET / HTTP/1.0\r\n\r\n");
    }

    @Test
    void aCheckPortStopsTheInheritedHeader() throws InterruptedException {
        int port = serve(answer(OK));
        engine = LiveEngine.start(appBackend(port, "inter 1s send-proxy port " + port, "option httpchk GET /"));

        assertThat(takeConnection().receivedText()).isEqualTo("GET / HTTP/1.0\r\n\r\n");
    }

    @Test
    void tcpCheckConnectSendProxySendsTheHeaderOnThatConnection() throws InterruptedException {
        int port = serve(answerTo("hello\r\n", "+PONG\r\n"));
        engine = LiveEngine.start(appBackend(port, "inter 1s", "option tcp-check",
                "tcp-check connect send-proxy", "tcp-check send hello\\r\\n", "tcp-check expect string +PONG"));

        assertThat(takeConnection().receivedText()).matches(Pattern.quote("PROXY TCP4 127.0.0.1 127.0.0.1 ")
                + "\\d+ " + port + Pattern.quote("\r\nhello\r\n"));
    }

    /** The first connection, open or not, once it carries bytes. */
    private RecordedConnection firstConnection() {
        LiveEngine.eventually().until(() -> !backends.recordedConnections(SERVER).isEmpty()
                && backends.recordedConnections(SERVER).get(0).received().length > 0);
        return backends.recordedConnections(SERVER).get(0);
    }
}
