package io.haprobe.report;

import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServedRequest;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The httplog's {@code %B}, against the sizes HAProxy 2.6.12 logged ({@code httplog.lines}, case sizes). */
class ResponseSizeTest {

    @Test
    void everyCapturedReplyHasTheSizeHaproxyLogged() {
        List<String> lines = HttpLogFixtures.cases().get("sizes");
        assertThat(lines).hasSize(18);
        for (int i = 0; i < lines.size(); i += 2) {
            byte[] reply = HttpLogFixtures.pythonBytes(lines.get(i).substring("REPLY ".length()));
            long logged = Long.parseLong(HttpLogFixtures.message(lines.get(i + 1)).split(" ")[6]);
            assertThat(ResponseSize.ofRaw(reply)).as(lines.get(i)).isEqualTo(logged);
        }
    }

    @Test
    void anEmpty200Is49ThoughHaproxySends38Bytes() {
        assertThat(ResponseSize.of("HTTP/1.1", 200, "OK", Map.of("content-length", "0"), 0, false)).isEqualTo(49);
    }

    @Test
    void haproxysOwnErrorPagesHaveTheCapturedSizes() {
        Map<String, List<String>> cases = HttpLogFixtures.cases();
        assertThat(ResponseSize.errorPage(502)).isEqualTo(bytes(cases.get("invalid").get(0))).isEqualTo(209);
        assertThat(ResponseSize.errorPage(503)).isEqualTo(bytes(cases.get("refused").get(0))).isEqualTo(217);
        assertThat(ResponseSize.errorPage(504)).isEqualTo(bytes(cases.get("slow").get(0))).isEqualTo(198);
        assertThatThrownBy(() -> ResponseSize.errorPage(500)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("status: 500 (expected: 502, 503 or 504)");
    }

    @Test
    void aScriptedHttpServerCountsItsHeadersAndTheContentLengthItAdds() {
        // sends HTTP/1.1 200 OK, Content-Length: 0 and Connection: close (not counted): the capture's 49
        assertThat(ServedRequest.responseBytes(Behaviour.http(200), 0)).isEqualTo(49);
        assertThat(ServedRequest.responseBytes(new Behaviour.Http(200, null, Map.of(), "hello", Delay.NONE), 0))
                .isEqualTo(54);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-A", "b");
        headers.put("Content-Length", "0");
        assertThat(ServedRequest.responseBytes(new Behaviour.Http(200, "Okay", headers, "", Delay.NONE), 0))
                .isEqualTo(51 + 4);
    }

    @Test
    void aRawReplyWithoutAnHttpHeadHasNoSize() {
        assertThat(ResponseSize.ofRaw("+PONG\r\n".getBytes())).isEqualTo(-1);
        assertThat(ServedRequest.responseBytes(Behaviour.refuse(), 0)).isZero();
    }

    private static long bytes(String line) {
        return Long.parseLong(HttpLogFixtures.message(line).split(" ")[6]);
    }
}
