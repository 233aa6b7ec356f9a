package io.haprobe.sim;

import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one player of scripted behaviours, on a wire that writes down what the server does, on virtual time. The
 * loopback backends play the same code on real sockets; testkit's {@code CheckKinds} table runs every behaviour in
 * both worlds through real checks, among them a non-banner tcp server facing a check that reads first.
 */
class BehaviourPlayerTest {

    private static final byte[] REQUEST = ascii("GET /health HTTP/1.0\r\n\r\n");

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<String> wire = new ArrayList<>();
    private final List<String> reported = new ArrayList<>();
    private final BehaviourPlayer.Stage stage = new BehaviourPlayer.Stage(new SplittableRandom(1), () -> null);

    @Test
    void aTcpServerWithoutBannerAnswersTheFirstBytesNotAnEmptyRead() {
        // a socket never delivers an empty read: an empty write of the check is no request, in both worlds
        BehaviourPlayer player = play(new Behaviour.Tcp(ascii("+PONG\r\n"), Delay.NONE, true, false));

        player.received(Unpooled.EMPTY_BUFFER);
        scheduler.runFor(Duration.ofSeconds(1));
        assertThat(wire).isEmpty();

        player.received(Unpooled.wrappedBuffer(ascii("P")));
        scheduler.runFor(Duration.ZERO);
        assertThat(wire).containsExactly("t=1000ms write +PONG\\r\\n", "t=1000ms fin");
    }

    @Test
    void aTcpBannerGoesOutAtAcceptAfterItsDelay() {
        play(new Behaviour.Tcp(ascii("220 ready\r\n"), Delay.of(Duration.ofMillis(30)), false, true));

        scheduler.runFor(Duration.ofSeconds(1));

        assertThat(wire).containsExactly("t=30ms write 220 ready\\r\\n");
    }

    @Test
    void aZeroDelayRunsRightAfterTheCurrentTaskNotInsideIt() {
        BehaviourPlayer player = play(Behaviour.http(200));

        player.received(Unpooled.wrappedBuffer(REQUEST));

        assertThat(wire).isEmpty();
        scheduler.runFor(Duration.ZERO);
        assertThat(wire).containsExactly("t=0ms write HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close"
                + "\\r\\n\\r\\n", "t=0ms fin");
    }

    @Test
    void httpAnswersOnceTheHeadIsInAndBytesAfterTheAnswerAreUnexpected() {
        BehaviourPlayer player = play(new Behaviour.Http(503, null, Map.of(), "", Delay.of(Duration.ofMillis(20))));

        player.received(Unpooled.wrappedBuffer(ascii("GET /health HTTP/1.0\r\n")));
        scheduler.runFor(Duration.ofMillis(100));
        assertThat(wire).isEmpty();
        player.received(Unpooled.wrappedBuffer(ascii("\r\n")));
        player.received(Unpooled.wrappedBuffer(ascii("body before the answer")));
        scheduler.runFor(Duration.ofMillis(100));
        player.received(Unpooled.wrappedBuffer(ascii("GET /again HTTP/1.0\r\n\r\n")));

        assertThat(wire).containsExactly("t=120ms write HTTP/1.1 503 Service Unavailable\\r\\nContent-Length: 0\\r\\n"
                + "Connection: close\\r\\n\\r\\n", "t=120ms fin");
        assertThat(reported).containsExactly("unexpected GET /again HTTP/1.0\\r\\n\\r\\n");
    }

    @Test
    void httpAnswersATlsClientHelloWith400AndTakesWhatFollowsForTheClientsAlerts() {
        BehaviourPlayer player = play(Behaviour.http(200));

        player.received(Unpooled.wrappedBuffer(HexFormat.of().parseHex("160301")));
        scheduler.runFor(Duration.ZERO);
        player.received(Unpooled.wrappedBuffer(HexFormat.of().parseHex("15030100020232")));

        assertThat(wire).containsExactly("t=0ms write HTTP/1.1 400 Bad Request\\r\\nContent-Length: 0\\r\\nConnection: "
                + "close\\r\\n\\r\\n", "t=0ms fin");
        assertThat(reported).isEmpty();
    }

    @Test
    void aDialoguePlaysEachExchangeOnItsBytesAndFindsBytesAfterTheLastOneUnexpected() {
        BehaviourPlayer player = play(new Behaviour.Dialogue(List.of(
                new Behaviour.Dialogue.Exchange(new byte[0], ascii("220 hi\r\n"), Delay.NONE),
                new Behaviour.Dialogue.Exchange(ascii("QUIT\r\n"), ascii("221 bye\r\n"),
                        Delay.of(Duration.ofMillis(5)))), true, false));
        scheduler.runFor(Duration.ZERO);

        player.received(Unpooled.wrappedBuffer(ascii("NOOP\r\nQU")));
        player.received(Unpooled.wrappedBuffer(ascii("IT\r\n")));
        scheduler.runFor(Duration.ofMillis(10));
        player.received(Unpooled.wrappedBuffer(ascii("more")));

        assertThat(wire).containsExactly("t=0ms write 220 hi\\r\\n", "t=5ms write 221 bye\\r\\n", "t=5ms fin");
        assertThat(reported).containsExactly("unexpected more");
    }

    @Test
    void resetAndCloseEndTheConnectionAfterTheirDelayWhateverTheCheckSends() {
        BehaviourPlayer reset = play(new Behaviour.Reset(Delay.of(Duration.ofMillis(10))));
        reset.received(Unpooled.wrappedBuffer(REQUEST));
        scheduler.runFor(Duration.ofMillis(20));
        play(new Behaviour.Close(Delay.of(Duration.ofMillis(10))));
        scheduler.runFor(Duration.ofMillis(20));

        assertThat(wire).containsExactly("t=10ms rst", "t=30ms fin");
        assertThat(reported).isEmpty();
    }

    @Test
    void nothingIsPlayedOnceTheConnectionIsClosed() {
        BehaviourPlayer player = play(new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofMillis(50))));
        player.received(Unpooled.wrappedBuffer(REQUEST));

        player.closed();
        player.received(Unpooled.wrappedBuffer(REQUEST));
        scheduler.runFor(Duration.ofSeconds(1));

        assertThat(wire).isEmpty();
        assertThat(reported).isEmpty();
    }

    @Test
    void aTlsBehaviourWithoutTheTlsProviderSaysWhatIsMissing() {
        // this module's tests run without io.haprobe:haprobe-engine-tls; testkit's tests play tls scripts
        BehaviourPlayer player = play(Behaviour.tls(Behaviour.http(200)));

        assertThatThrownBy(() -> player.received(Unpooled.wrappedBuffer(HexFormat.of().parseHex("160301"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a 'tls' behaviour needs io.haprobe:haprobe-engine-tls on the classpath");
    }

    @Test
    void aSequenceIsPlayedStepByStepByTheTransportNotByThePlayer() {
        assertThatThrownBy(() -> stage.player(new Behaviour.Sequence(List.of(Behaviour.hang())), new Wire(),
                BehaviourPlayer.Observer.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("behaviour: sequence (expected: the step of this connection)");
    }

    private BehaviourPlayer play(Behaviour behaviour) {
        BehaviourPlayer player = stage.player(behaviour, new Wire(), new BehaviourPlayer.Observer() {
            @Override
            public void unexpected(byte[] bytes) {
                reported.add("unexpected " + text(bytes));
            }
        });
        player.accepted();
        return player;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }

    /** Writes down what the server does, with the virtual time. */
    private final class Wire implements PeerWire {

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public void runAt(long atNanos, Runnable task) {
            scheduler.schedule(task, atNanos - scheduler.nanoTime());
        }

        @Override
        public void write(byte[] bytes) {
            wire.add(now() + " write " + text(bytes));
        }

        @Override
        public void fin() {
            wire.add(now() + " fin");
        }

        @Override
        public void reset() {
            wire.add(now() + " rst");
        }

        private String now() {
            return "t=" + scheduler.nanoTime() / 1_000_000 + "ms";
        }
    }
}
