package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.internal.EmbeddedTransport.Connection;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsEvent;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.EpollChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CheckRun} alone, over {@link EmbeddedTransport}'s embedded channels on virtual time: the check's deadline
 * (spec §2.4), one connection per connect rule, the TLS layer it puts in front of itself (spec §6.2), the PROXY
 * header it sends first, and how it closes (spec §5.1). Every connection must be closed once the check reported.
 */
class CheckRunTest {

    private static final long MS = 1_000_000L;
    private static final long INTER = 2000 * MS;
    private static final CheckTarget TARGET = new CheckTarget("be", "s1", new InetSocketAddress("10.0.0.1", 80), null);
    private static final String OK_200 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    private static final String PROXY_V1 = "PROXY TCP4 127.0.0.1 10.0.0.1 40000 80\r\n";
    private static final String PROXY_V2_LOCAL_HEX = "0d0a0d0a000d0a515549540a20000000";

    private final VirtualScheduler clock = new VirtualScheduler();
    private final EmbeddedTransport transport = new EmbeddedTransport(clock);
    private final List<List<CheckOutcome>> reports = new ArrayList<>();

    @AfterEach
    void everyConnectionIsClosedOnceTheCheckReported() {
        try {
            assertThat(reports).hasSize(1);
            assertThat(transport.connections()).allSatisfy(c -> assertThat(c.isOpen()).as("open: %s", c).isFalse());
        } finally {
            transport.releaseAll();
        }
    }

    @Test
    void aConnectThatNeverCompletesTimesOutAtInter() {
        start(CheckProgram.connectOnly(), 0, 0, null);

        clock.runFor(INTER - 1);
        assertThat(reports).isEmpty();
        clock.runFor(1);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4TOUT, 0, "", 2000)));
    }

    @Test
    void aSocketThatCannotBeCreatedFailsAtOnceWithHaproxysFdLimitText() {
        // haproxy 2.6.12 under "ulimit -n 40" with 60 servers: L4CON, info "Too many sockets on the process (Too
        // many open files)", check duration 0ms; Netty's channel factory throws when socket(2) returns EMFILE
        transport.failSocketCreation(new io.netty.channel.ChannelException("Unable to create Channel from class "
                + "class io.netty.channel.epoll.EpollSocketChannel", new io.netty.channel.ChannelException(
                new java.io.IOException("newSocketStream(..) failed: Too many open files"))));

        start(http(), 0, 0, null);

        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4CON, 0,
                "Too many sockets on the process (Too many open files)", 0)));
        clock.runFor(INTER);
        assertThat(reports).as("the deadline is cancelled").hasSize(1);
    }

    @Test
    void withTimeoutCheckTheConnectIsBoundByTimeoutConnectWhenShorterThanInter() {
        start(CheckProgram.connectOnly(), 500 * MS, 1000 * MS, null);

        clock.runFor(499 * MS);
        assertThat(reports).isEmpty();
        clock.runFor(1 * MS);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4TOUT, 0, "", 500)));
    }

    @Test
    void withoutTimeoutCheckTimeoutConnectDoesNotBoundTheConnect() {
        start(CheckProgram.connectOnly(), 500 * MS, 0, null);

        clock.runFor(1999 * MS);
        assertThat(reports).isEmpty();
        clock.runFor(1 * MS);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4TOUT, 0, "", 2000)));
    }

    @Test
    void onceConnectedTimeoutCheckReplacesTheConnectBound() {
        start(http(), 500 * MS, 1000 * MS, null);
        clock.runFor(300 * MS);
        transport.last().accept();

        clock.runFor(999 * MS);
        assertThat(reports).isEmpty();
        clock.runFor(1 * MS);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7TOUT, 0, "", 1300)));
    }

    @Test
    void withoutTimeoutCheckInterBoundsTheWholeCheck() {
        start(http(), 0, 0, null);
        clock.runFor(300 * MS);
        transport.last().accept();

        clock.runFor(1699 * MS);
        assertThat(reports).isEmpty();
        clock.runFor(1 * MS);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7TOUT, 0, "", 2000)));
    }

    @Test
    void aVerdictCancelsTheDeadlineAndIsReportedOnce() {
        start(http(), 0, 0, null);
        clock.runFor(100 * MS);
        transport.last().accept();
        clock.runFor(20 * MS);
        transport.last().receive(OK_200);

        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7OK, 200, "", 120)));
        assertThat(clock.nextTaskNanos()).isEqualTo(Long.MAX_VALUE);
        clock.runFor(10 * INTER);
        assertThat(reports).hasSize(1);
    }

    @Test
    void aRefusedConnectIsL4conWithTheErrnoText() {
        start(http(), 0, 0, null);
        clock.runFor(5 * MS);
        transport.last().refuse(new ConnectException("Connection refused: /10.0.0.1:80"));

        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4CON, 0, "Connection refused", 5)));
    }

    @Test
    void aSocketThatCannotBeCreatedIsL4conAtOnceWithHaproxysText() {
        // Bootstrap.connect hands back an already failed future when the socket cannot be created: its listeners
        // would run on Netty's global executor, not the check's thread; the run reports at once, on its own thread
        io.netty.channel.embedded.EmbeddedChannel never = new io.netty.channel.embedded.EmbeddedChannel();
        FailingTransport emfile = new FailingTransport(() -> new io.netty.channel.DefaultChannelPromise(never,
                io.netty.util.concurrent.GlobalEventExecutor.INSTANCE).setFailure(new io.netty.channel.ChannelException(
                new java.io.IOException("newSocketStream(..) failed: Too many open files"))));
        new CheckRun(http(), clock, INTER, 0, 0, reports::add).start(emfile, TARGET);

        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4CON, 0,
                "Too many sockets on the process (Too many open files)", 0)));
        assertThat(never.isOpen()).isFalse();
        assertThat(clock.nextTaskNanos()).as("the deadline is cancelled").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aTransportThatThrowsOnConnectIsL4conAtOnce() {
        FailingTransport enfile = new FailingTransport(() -> {
            throw new io.netty.channel.ChannelException(new java.net.SocketException("Too many open files in system"));
        });
        new CheckRun(tcpCheck("tcp-check connect"), clock, INTER, 0, 0, reports::add).start(enfile, TARGET);

        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4CON, 0,
                "Too many sockets on the system (Too many open files in system) at step 1 of tcp-check (connect)", 0)));
    }

    /** A transport whose every connect fails before any socket exists. */
    private record FailingTransport(java.util.function.Supplier<io.netty.channel.ChannelFuture> connects)
            implements io.haprobe.transport.ProbeTransport {

        @Override
        public io.haprobe.time.Scheduler scheduler() {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.netty.channel.ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
            return connects.get();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void eachConnectRuleOpensItsOwnConnectionOnceThePreviousOneIsClosed() {
        start(tcpCheck("tcp-check connect port 9001", "tcp-check send A\\n", "tcp-check expect string A",
                "tcp-check connect port 9002 linger", "tcp-check send B\\n", "tcp-check expect string B"), 0, 0, null);
        Connection first = transport.last();
        assertThat(first.target().address()).isEqualTo(new InetSocketAddress("10.0.0.1", 9001));
        first.accept();
        assertThat(first.wire()).containsExactly("A\n");

        first.receive("A\n");
        assertThat(transport.connections()).hasSize(2);
        Connection second = transport.last();
        assertThat(second.previousClosedAtConnect()).isTrue();
        assertThat(first.option(ChannelOption.SO_LINGER)).as("RST: no linger on the first connect").isEqualTo(0);
        assertThat(second.target().address()).isEqualTo(new InetSocketAddress("10.0.0.1", 9002));
        second.accept();
        assertThat(second.wire()).containsExactly("B\n");
        assertThat(reports).isEmpty();

        second.receive("B\n");
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7OK, 0, "(tcp-check)", 0)));
        assertThat(first.wire()).containsExactly("A\n");
        assertThat(second.option(ChannelOption.SO_LINGER)).as("FIN: linger").isNull();
    }

    @Test
    void eachConnectReArmsTheDeadline() {
        start(tcpCheck("tcp-check connect port 9001", "tcp-check send A\\n", "tcp-check expect string A",
                "tcp-check connect port 9002"), 0, 0, null);
        transport.last().accept();
        clock.runFor(1500 * MS);
        transport.last().receive("A\n");
        assertThat(transport.connections()).hasSize(2);

        clock.runFor(1999 * MS);
        assertThat(reports).isEmpty();
        clock.runFor(1 * MS);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).get(0).status()).isEqualTo(CheckStatus.L4TOUT);
        assertThat(reports.get(0).get(0).durationNanos()).isEqualTo(3500 * MS);
    }

    @Test
    void aTlsConnectionGetsItsLayerInFrontOfTheCheckAndTheRulesWaitForTheHandshake() {
        FakeTlsClient tls = new FakeTlsClient();
        start(http(), 0, 0, tls.forServer("check-ssl verify none check-sni health.example check-alpn h2"));
        Connection connection = transport.last();
        FakeTlsLayer layer = tls.layers.get(0);
        assertThat(layer.sni).isEqualTo("health.example");
        assertThat(layer.alpn).containsExactly("h2");
        assertThat(connection.pipeline().first()).isSameAs(layer);
        assertThat(connection.pipeline().last()).isInstanceOf(CheckRun.class);

        connection.accept();
        assertThat(connection.wire()).containsExactly(FakeTlsLayer.CLIENT_HELLO);
        clock.runFor(40 * MS);
        layer.handshakeDone();
        List<String> wire = connection.wire();
        assertThat(wire).hasSize(2);
        assertThat(wire.get(1)).startsWith("tls[GET /health ");

        connection.receive(OK_200);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7OK, 200, "", 40)));
    }

    @Test
    void aConnectOnlyCheckOverTlsPassesWithL6okOnceTheHandshakeIsDone() {
        FakeTlsClient tls = new FakeTlsClient();
        start(CheckProgram.connectOnly(), 0, 0, tls.forServer("check-ssl verify none"));
        transport.last().accept();
        assertThat(reports).isEmpty();

        tls.layers.get(0).handshakeDone();
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L6OK, 0, "", 0)));
    }

    @Test
    void theHandshakeRunsUnderTheConnectBound() {
        FakeTlsClient tls = new FakeTlsClient();
        start(http(), 500 * MS, 1000 * MS, tls.forServer("check-ssl verify none"));
        clock.runFor(100 * MS);
        transport.last().accept();

        clock.runFor(399 * MS);
        assertThat(reports).isEmpty();
        clock.runFor(1 * MS);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L6TOUT, 0, "", 500)));
    }

    @Test
    void timeoutCheckStartsWhenTheHandshakeIsDone() {
        FakeTlsClient tls = new FakeTlsClient();
        start(http(), 500 * MS, 1000 * MS, tls.forServer("check-ssl verify none"));
        transport.last().accept();
        clock.runFor(400 * MS);
        tls.layers.get(0).handshakeDone();

        clock.runFor(999 * MS);
        assertThat(reports).isEmpty();
        clock.runFor(1 * MS);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7TOUT, 0, "", 1400)));
    }

    @Test
    void aFailedHandshakeIsL6rspWithTheLayersText() {
        FakeTlsClient tls = new FakeTlsClient();
        start(http(), 0, 0, tls.forServer("check-ssl verify none"));
        transport.last().accept();
        tls.layers.get(0).fail(TlsEvent.HANDSHAKE_FAILURE);

        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L6RSP, 0, TlsEvent.HANDSHAKE_FAILURE, 0)));
    }

    @Test
    void onlyTheConnectsThatUseTlsGetALayer() {
        FakeTlsClient tls = new FakeTlsClient();
        CheckProgram program = CheckProgram.compile(proxy("option tcp-check\n    tcp-check connect port 9001\n"
                + "    tcp-check connect port 9002 ssl sni other.example", "server s1 10.0.0.1:80 check verify none"));
        start(program, 0, 0, tls.forServer("verify none"));
        Connection plain = transport.last();
        assertThat(plain.pipeline().first()).isInstanceOf(CheckRun.class);
        assertThat(tls.layers).isEmpty();

        plain.accept();
        Connection secured = transport.last();
        assertThat(secured).isNotSameAs(plain);
        assertThat(secured.pipeline().first()).isInstanceOf(FakeTlsLayer.class);
        assertThat(tls.layers).hasSize(1);
        assertThat(tls.layers.get(0).sni).isEqualTo("other.example");
        secured.accept();
        tls.layers.get(0).handshakeDone();
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L6OK, 0, "(tcp-check)", 0)));
    }

    @Test
    void theProxyHeaderIsTheFirstWriteBeforeTheRequest() {
        start(http(), 0, 0, null, 0, 1);
        Connection connection = transport.last();
        connection.accept();

        List<String> wire = connection.wire();
        assertThat(wire).hasSize(2);
        assertThat(wire.get(0)).isEqualTo(PROXY_V1);
        assertThat(wire.get(1)).startsWith("GET /health ");
        connection.receive(OK_200);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7OK, 200, "", 0)));
    }

    @Test
    void overTlsTheProxyHeaderGoesInClearBeforeTheClientHello() {
        FakeTlsClient tls = new FakeTlsClient();
        start(http(), 0, 0, tls.forServer("check-ssl verify none"), 0, 1);
        Connection connection = transport.last();
        connection.accept();
        tls.layers.get(0).handshakeDone();

        List<String> wire = connection.wire();
        assertThat(wire).hasSize(3);
        assertThat(wire.get(0)).isEqualTo(PROXY_V1);
        assertThat(wire.get(1)).isEqualTo(FakeTlsLayer.CLIENT_HELLO);
        assertThat(wire.get(2)).startsWith("tls[GET /health ");
        connection.receive(OK_200);
        assertThat(reports).hasSize(1);
    }

    @Test
    void onlyImplicitDefaultAndSendProxyConnectsSendAHeaderInTheirVersion() {
        start(tcpCheck("tcp-check connect port 9001", "tcp-check connect port 9002 send-proxy"), 0, 0, null, 2, 1);
        Connection declared = transport.last();
        declared.accept();
        assertThat(declared.wire()).isEmpty();

        Connection sendProxy = transport.last();
        sendProxy.accept();
        assertThat(sendProxy.firstWriteHex()).isEqualTo(PROXY_V2_LOCAL_HEX);
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L4OK, 0, "(tcp-check)", 0)));
    }

    @Test
    void aCheckThatSendsFirstTurnsQuickAckOffBeforeConnecting() {
        start(http(), 0, 0, null);
        Connection sendsFirst = transport.last();
        assertThat(sendsFirst.option(EpollChannelOption.TCP_QUICKACK)).isEqualTo(false);
        sendsFirst.accept();
        sendsFirst.receive(OK_200);
        assertThat(reports).hasSize(1);
    }

    @Test
    void aBannerCheckKeepsQuickAck() {
        start(tcpCheck("tcp-check connect", "tcp-check expect string 220"), 0, 0, null);
        Connection banner = transport.last();
        assertThat(banner.option(EpollChannelOption.TCP_QUICKACK)).isNull();
        banner.accept();
        banner.receive("220 ready\r\n");
        assertThat(reports).hasSize(1);
    }

    @Test
    void theCheckResetsTheConnectionWhenItDecides() {
        start(http(), 0, 0, null);
        Connection connection = transport.last();
        connection.accept();
        connection.receive(OK_200);

        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7OK, 200, "", 0)));
        assertThat(connection.option(ChannelOption.SO_LINGER)).as("RST").isEqualTo(0);
    }

    @Test
    void theCheckClosesWithAFinWhenTheServerClosedFirst() {
        start(http("http-check expect ! string maintenance"), 0, 0, null);
        Connection connection = transport.last();
        connection.accept();
        connection.receive("HTTP/1.0 200 OK\r\n\r\nall good");
        assertThat(reports).isEmpty();

        connection.peerFin();
        assertThat(reports).containsExactly(List.of(outcome(CheckStatus.L7OK, 200, "", 0)));
        assertThat(connection.option(ChannelOption.SO_LINGER)).as("FIN").isNull();
    }

    private void start(CheckProgram program, long timeoutConnectNanos, long timeoutCheckNanos, CheckTls tls) {
        start(program, timeoutConnectNanos, timeoutCheckNanos, tls, 0, 0);
    }

    /** Starts a check at the clock's current time, with the server's and the checks' PROXY versions. */
    private void start(CheckProgram program, long timeoutConnectNanos, long timeoutCheckNanos, CheckTls tls,
                       int serverProxyVersion, int checkProxyVersion) {
        new CheckRun(program, clock, INTER, timeoutConnectNanos, timeoutCheckNanos, tls, reports::add)
                .proxyProtocol(serverProxyVersion, checkProxyVersion)
                .start(transport, TARGET);
    }

    private static CheckOutcome outcome(CheckStatus status, int code, String info, long millis) {
        return CheckOutcome.of(status, code, info, millis * MS);
    }

    private static CheckProgram http(String... expectLines) {
        String lines = "option httpchk GET /health" + (expectLines.length == 0 ? ""
                : "\n    " + String.join("\n    ", expectLines));
        return CheckProgram.compile(proxy(lines, "server s1 10.0.0.1:80 check"));
    }

    private static CheckProgram tcpCheck(String... rules) {
        return CheckProgram.compile(proxy("option tcp-check\n    " + String.join("\n    ", rules),
                "server s1 10.0.0.1:80 check"));
    }

    private static ProxyConfig proxy(String checkLines, String serverLine) {
        String cfg = "backend be\n    " + checkLines + "\n    " + serverLine + "\n";
        return HaproxyConfig.parse("test.cfg", cfg).proxies().get(0);
    }

    /** The TLS client of one server's checks: one {@link FakeTlsLayer} per TLS connection, kept in order. */
    private static final class FakeTlsClient implements TlsClient {

        final List<FakeTlsLayer> layers = new ArrayList<>();

        /** Returns the TLS side of a server with these keywords on its server line. */
        CheckTls forServer(String serverKeywords) {
            ProxyConfig proxy = proxy("option httpchk GET /health", "server s1 10.0.0.1:80 check " + serverKeywords);
            return new CheckTls(this, proxy.servers().get(0));
        }

        @Override
        public ChannelHandler newHandler(String sni, List<String> alpn) {
            FakeTlsLayer layer = new FakeTlsLayer(sni, alpn);
            layers.add(layer);
            return layer;
        }
    }

    /**
     * A TLS layer as the {@link TlsClient} contract describes it, without cryptography: it writes a ClientHello
     * when the connection becomes active, reports the handshake's end when the test says so, and marks what it
     * "encrypts" as {@code tls[...]}.
     */
    private static final class FakeTlsLayer extends ChannelDuplexHandler {

        static final String CLIENT_HELLO = "CLIENT-HELLO";

        final String sni;
        final List<String> alpn;
        private ChannelHandlerContext ctx;

        FakeTlsLayer(String sni, List<String> alpn) {
            this.sni = sni;
            this.alpn = alpn;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(CLIENT_HELLO, StandardCharsets.ISO_8859_1));
            ctx.fireChannelActive();
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf plain = (ByteBuf) msg;
            String text;
            try {
                text = plain.toString(StandardCharsets.ISO_8859_1);
            } finally {
                plain.release();
            }
            ctx.write(Unpooled.copiedBuffer("tls[" + text + "]", StandardCharsets.ISO_8859_1), promise);
        }

        void handshakeDone() {
            ctx.fireUserEventTriggered(TlsEvent.ESTABLISHED);
        }

        void fail(String failure) {
            ctx.fireUserEventTriggered(TlsEvent.failed(failure));
        }
    }
}
