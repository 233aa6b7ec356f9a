package io.haprobe.check;

import io.haprobe.config.HttpHeader;
import io.haprobe.config.HttpSend;
import io.haprobe.config.SourceLocation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The size of an HTTP check request as HAProxy's HTX message, fitted on HAProxy 2.6.12 with {@code tune.bufsize
 * 2048}: the longest URI, header value and body that pass are the ones below; one byte more fails with
 * {@code tcp-check send : failed to build HTTP request at step 1}.
 */
class HttpRequestEncoderHtxSizeTest {

    private static final SourceLocation HERE = new SourceLocation("haproxy.cfg", 1, 1);

    @Test
    void theLongestRequestsThatFitA2048ByteBufferTakeExactly2048Bytes() {
        // option httpchk GET /<1928 bytes>: 1928 passes, 1929 fails
        assertThat(HttpRequestEncoder.htxSize(send("GET", "/" + "A".repeat(1928), List.of(), ""), null))
                .isEqualTo(2048);
        // http-check send meth GET uri / hdr X-Big <1915 bytes>
        assertThat(HttpRequestEncoder.htxSize(send("GET", "/", List.of(new HttpHeader("X-Big", "A".repeat(1915))), ""),
                null)).isEqualTo(2048);
        // http-check send meth GET uri / body <1894 bytes>, with ver HTTP/1.0 or HTTP/1.1 alike (the Connection
        // header is the multiplexer's)
        assertThat(HttpRequestEncoder.htxSize(send("GET", "/", List.of(), "A".repeat(1894)), null)).isEqualTo(2048);
        assertThat(HttpRequestEncoder.htxSize(new HttpSend("GET", "/", "HTTP/1.1", List.of(), "A".repeat(1894), HERE),
                null)).isEqualTo(2048);
    }

    @Test
    void theSendStateHeaderTakesRoomToo() {
        HttpSend send = send("GET", "/", List.of(), "");
        assertThat(HttpRequestEncoder.htxSize(send, "UP 1/3")).isEqualTo(HttpRequestEncoder.htxSize(send, null) + 8
                + "x-haproxy-server-state".length() + "UP 1/3".length());
    }

    @Test
    void anErrorOnlyForRequestsLargerThanTheBuffer() {
        assertThat(CheckRule.SendError.ofHttp(2048, 2048, 1)).isNull();
        assertThat(CheckRule.SendError.ofHttp(2049, 2048, 1)).isEqualTo(new CheckRule.SendError(
                "tcp-check send : failed to build HTTP request at step 1", 1, null));
        assertThat(CheckRule.SendError.ofString(2047, 2048, 1, null)).isNull();
        assertThat(CheckRule.SendError.ofString(2048, 2048, 2, "c")).isEqualTo(new CheckRule.SendError(
                "tcp-check send : string too large (2048) for buffer size (2048) at step 2", 2, "c"));
    }

    private static HttpSend send(String method, String uri, List<HttpHeader> headers, String body) {
        return new HttpSend(method, uri, HttpSend.DEFAULT_VERSION, headers, body, HERE);
    }
}
