package io.haprobe.sim;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a scripted server's behaviour does with a proxied request, as HAProxy's side of the connection sees it. */
class ServedRequestTest {

    private static final long MS = 1_000_000L;
    private final SplittableRandom random = new SplittableRandom(1);

    @Test
    void anHttpServerAnswersItsStatusAfterItsDelay() {
        Behaviour http = new Behaviour.Http(503, null, Map.of(), "", Delay.of(Duration.ofMillis(800)));

        assertThat(ServedRequest.of(http, 0, false, random)).isEqualTo(new ServedRequest(ServedRequest.Kind.RESPONSE,
                503, 800 * MS));
    }

    @Test
    void connectionLevelBehavioursMapToWhatTheProxySees() {
        assertThat(ServedRequest.of(Behaviour.refuse(), 0, false, random)).isEqualTo(ServedRequest.REFUSED);
        assertThat(ServedRequest.of(Behaviour.blackhole(), 0, false, random)).isEqualTo(ServedRequest.UNANSWERED);
        assertThat(ServedRequest.of(Behaviour.hang(), 0, false, random)).isEqualTo(ServedRequest.SILENT);
        assertThat(ServedRequest.of(new Behaviour.Reset(Delay.of(Duration.ofMillis(5))), 0, false, random))
                .isEqualTo(new ServedRequest(ServedRequest.Kind.RESET, 0, 5 * MS));
        assertThat(ServedRequest.of(new Behaviour.Close(Delay.NONE), 0, false, random))
                .isEqualTo(new ServedRequest(ServedRequest.Kind.CLOSE, 0, 0));
    }

    @Test
    void aRawReplyIsAResponseOnlyWhenItStartsWithAnHttpStatusLine() {
        Behaviour http = new Behaviour.Tcp("HTTP/1.1 404 Not Found\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
                Delay.NONE, true, false);
        Behaviour redis = new Behaviour.Tcp("+PONG\r\n".getBytes(StandardCharsets.ISO_8859_1), Delay.NONE, false,
                false);

        assertThat(ServedRequest.of(http, 0, false, random).status()).isEqualTo(404);
        assertThat(ServedRequest.of(redis, 0, false, random).kind()).isEqualTo(ServedRequest.Kind.INVALID);
    }

    @Test
    void aSequencePlaysTheStepOfTheConnectionsIndex() {
        Behaviour flapping = new Behaviour.Sequence(List.of(Behaviour.http(500), Behaviour.http(200)));

        assertThat(ServedRequest.of(flapping, 0, false, random).status()).isEqualTo(500);
        assertThat(ServedRequest.of(flapping, 1, false, random).status()).isEqualTo(200);
        assertThat(ServedRequest.of(flapping, 2, false, random).status()).isEqualTo(500);
    }

    @Test
    void tlsMustMatchTheServerLinesSsl() {
        Behaviour plain = Behaviour.http(200);
        Behaviour tls = Behaviour.tls(Behaviour.http(200));

        assertThat(ServedRequest.of(plain, 0, true, random)).isEqualTo(ServedRequest.HANDSHAKE_FAILURE);
        assertThat(ServedRequest.of(tls, 0, false, random).kind()).isEqualTo(ServedRequest.Kind.INVALID);
        assertThat(ServedRequest.of(tls, 0, true, random).status()).isEqualTo(200);
    }

    @Test
    void rejectsAStatusOnAnythingButAResponse() {
        assertThatThrownBy(() -> new ServedRequest(ServedRequest.Kind.RESET, 200, 0))
                .hasMessage("status: 200 (expected: 100..599 for a response, else 0)");
        assertThatThrownBy(() -> new ServedRequest(ServedRequest.Kind.RESPONSE, 99, 0))
                .hasMessage("status: 99 (expected: 100..599 for a response, else 0)");
    }
}
