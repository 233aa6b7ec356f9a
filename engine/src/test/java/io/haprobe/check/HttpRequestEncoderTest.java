package io.haprobe.check;

import io.haprobe.config.HttpHeader;
import io.haprobe.config.HttpSend;
import io.haprobe.config.SourceLocation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rows of spec §4.3 (captured from HAProxy 2.6.12), plus Connection and version edge cases captured
 * from the same HAProxy on loopback for this class.
 */
class HttpRequestEncoderTest {

    private static final SourceLocation HERE = new SourceLocation("haproxy.cfg", 1, 1);

    @Test
    void bareOptionHttpchkSendsOptionsSlashHttp10() {
        assertThat(wire("OPTIONS", "/", "HTTP/1.0", "")).isEqualTo("OPTIONS / HTTP/1.0\r\n\r\n");
    }

    @Test
    void uriOnlyKeepsOptionsAndHttp10() {
        assertThat(wire("OPTIONS", "/ping", "HTTP/1.0", "")).isEqualTo("OPTIONS /ping HTTP/1.0\r\n\r\n");
    }

    @Test
    void getWithoutVersionSendsNoHeaders() {
        assertThat(wire("GET", "/health", "HTTP/1.0", "")).isEqualTo("GET /health HTTP/1.0\r\n\r\n");
    }

    @Test
    void http11AddsConnectionCloseLast() {
        assertThat(wire("GET", "/health", "HTTP/1.1", ""))
                .isEqualTo("GET /health HTTP/1.1\r\nconnection: close\r\n\r\n");
    }

    @Test
    void headerNamesAreLowercasedAndComeBeforeConnectionClose() {
        assertThat(wire("GET", "/health", "HTTP/1.1", "", "Host", "www.example.com", "X-A", "b"))
                .isEqualTo("GET /health HTTP/1.1\r\nhost: www.example.com\r\nx-a: b\r\nconnection: close\r\n\r\n");
        assertThat(wire("GET", "/health", "HTTP/1.1", "", "Host", "www.example.com", "User-Agent", "my-agent"))
                .isEqualTo("GET /health HTTP/1.1\r\nhost: www.example.com\r\nuser-agent: my-agent\r\n"
                        + "connection: close\r\n\r\n");
    }

    @Test
    void bodyGetsContentLengthBeforeConnectionClose() {
        assertThat(wire("POST", "/post", "HTTP/1.1", "{\"a\":1}", "Host", "h"))
                .isEqualTo("POST /post HTTP/1.1\r\nhost: h\r\ncontent-length: 7\r\nconnection: close\r\n\r\n{\"a\":1}");
    }

    @Test
    void postWithoutBodySendsContentLengthZero() {
        assertThat(wire("POST", "/nobody", "HTTP/1.0", "")).isEqualTo("POST /nobody HTTP/1.0\r\ncontent-length: 0\r\n\r\n");
    }

    @Test
    void userKeepAliveIsDroppedOnHttp11() {
        assertThat(wire("HEAD", "/h", "HTTP/1.1", "", "Host", "x.y", "Connection", "keep-alive"))
                .isEqualTo("HEAD /h HTTP/1.1\r\nhost: x.y\r\n\r\n");
    }

    @Test
    void http2SaysHttp11WithoutConnectionHeader() {
        assertThat(wire("GET", "/h2", "HTTP/2", "")).isEqualTo("GET /h2 HTTP/1.1\r\n\r\n");
    }

    @Test
    void http10KeepsHeadersWithoutConnection() {
        assertThat(wire("GET", "/x", "HTTP/1.0", "", "Host", "a.b")).isEqualTo("GET /x HTTP/1.0\r\nhost: a.b\r\n\r\n");
    }

    @Test
    void asteriskUriIsSentAsIs() {
        assertThat(wire("OPTIONS", "*", "HTTP/1.1", "", "Host", "www"))
                .isEqualTo("OPTIONS * HTTP/1.1\r\nhost: www\r\nconnection: close\r\n\r\n");
    }

    @Test
    void getWithBodyGetsContentLength() {
        assertThat(wire("GET", "/b", "HTTP/1.1", "bodytext", "Host", "x"))
                .isEqualTo("GET /b HTTP/1.1\r\nhost: x\r\ncontent-length: 8\r\nconnection: close\r\n\r\nbodytext");
    }

    @Test
    void putWithBodyOnHttp10() {
        assertThat(wire("PUT", "/put", "HTTP/1.0", "abc")).isEqualTo("PUT /put HTTP/1.0\r\ncontent-length: 3\r\n\r\nabc");
    }

    @Test
    void userConnectionCloseMovesLastAndContentLengthIsDropped() {
        assertThat(wire("GET", "/health", "HTTP/1.1", "",
                "Connection", "close", "Content-Length", "5", "X-Upper", "ABC"))
                .isEqualTo("GET /health HTTP/1.1\r\nx-upper: ABC\r\nconnection: close\r\n\r\n");
    }

    @Test
    void deleteSendsNoContentLength() {
        assertThat(wire("DELETE", "/d", "HTTP/1.1", "")).isEqualTo("DELETE /d HTTP/1.1\r\nconnection: close\r\n\r\n");
    }

    @Test
    void emptyHeaderValueIsLeftOut() {
        assertThat(wire("GET", "/srv/s", "HTTP/1.1", "", "X-Srv", "s", "X-Empty", ""))
                .isEqualTo("GET /srv/s HTTP/1.1\r\nx-srv: s\r\nconnection: close\r\n\r\n");
    }

    @Test
    void keepAliveVersionsOtherThan11SayHttp11() {
        assertThat(wire("GET", "/c", "HTTP/3.0", "")).isEqualTo("GET /c HTTP/1.1\r\nconnection: close\r\n\r\n");
        assertThat(wire("GET", "/d", "HTTP/1.2", "")).isEqualTo("GET /d HTTP/1.1\r\nconnection: close\r\n\r\n");
        assertThat(wire("GET", "/i", "http/1.1", "")).isEqualTo("GET /i HTTP/1.1\r\nconnection: close\r\n\r\n");
        assertThat(wire("GET", "/q", "XTTP/1.1", "")).isEqualTo("GET /q HTTP/1.1\r\nconnection: close\r\n\r\n");
    }

    @Test
    void otherVersionsAreSentVerbatim() {
        assertThat(wire("GET", "/e", "FOO", "")).isEqualTo("GET /e FOO\r\n\r\n");
        assertThat(wire("GET", "/p", "HTTP/3", "")).isEqualTo("GET /p HTTP/3\r\n\r\n");
        assertThat(wire("GET", "/r", "HTTP/0.9", "")).isEqualTo("GET /r HTTP/0.9\r\n\r\n");
    }

    @Test
    void keepAliveOnHttp10IsSentLast() {
        assertThat(wire("GET", "/a", "HTTP/1.0", "", "Connection", "keep-alive"))
                .isEqualTo("GET /a HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
        assertThat(wire("POST", "/h", "HTTP/1.0", "", "Connection", "keep-alive"))
                .isEqualTo("POST /h HTTP/1.0\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n");
        assertThat(wire("GET", "/a", "HTTP/2", "", "Connection", "keep-alive"))
                .isEqualTo("GET /a HTTP/1.1\r\nconnection: keep-alive\r\n\r\n");
    }

    @Test
    void closeOnHttp10IsDropped() {
        assertThat(wire("GET", "/b", "HTTP/1.0", "", "Connection", "close")).isEqualTo("GET /b HTTP/1.0\r\n\r\n");
        assertThat(wire("GET", "/b", "HTTP/2", "", "Connection", "close")).isEqualTo("GET /b HTTP/1.1\r\n\r\n");
    }

    @Test
    void connectionTokensAreRewrittenInPlace() {
        assertThat(wire("GET", "/c", "HTTP/1.1", "", "Connection", "Upgrade, close, foo"))
                .isEqualTo("GET /c HTTP/1.1\r\nconnection: Upgrade,foo\r\n\r\n");
        assertThat(wire("GET", "/e", "HTTP/1.0", "", "Connection", "Upgrade , keep-alive"))
                .isEqualTo("GET /e HTTP/1.0\r\nconnection: Upgrade \r\n\r\n");
        assertThat(wire("GET", "/f", "HTTP/1.1", "", "Connection", "Upgrade", "X-A", "b", "Connection", "foo"))
                .isEqualTo("GET /f HTTP/1.1\r\nconnection: Upgrade\r\nx-a: b\r\nconnection: foo\r\n\r\n");
        assertThat(wire("GET", "/g", "HTTP/1.1", "", "Connection", "Upgrade", "Upgrade", "x"))
                .isEqualTo("GET /g HTTP/1.1\r\nconnection: Upgrade\r\nupgrade: x\r\n\r\n");
    }

    @Test
    void closeWinsOverKeepAliveAndIsLowercased() {
        assertThat(wire("GET", "/n", "HTTP/1.1", "", "Connection", "keep-alive,close"))
                .isEqualTo("GET /n HTTP/1.1\r\nconnection: close\r\n\r\n");
        assertThat(wire("GET", "/h", "HTTP/1.1", "", "Connection", "Close"))
                .isEqualTo("GET /h HTTP/1.1\r\nconnection: close\r\n\r\n");
        assertThat(wire("GET", "/i", "HTTP/1.1", "", "Connection", ",close,"))
                .isEqualTo("GET /i HTTP/1.1\r\nconnection: close\r\n\r\n");
    }

    @Test
    void methodIsCaseSensitiveForContentLength() {
        assertThat(wire("get", "/j", "HTTP/1.1", ""))
                .isEqualTo("get /j HTTP/1.1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    }

    @Test
    void headerValuesKeepCaseAndSpaces() {
        assertThat(wire("GET", "/s", "HTTP/1.1", "", "X-MiXeD", "VaLuE", "X-Sp", " a b "))
                .isEqualTo("GET /s HTTP/1.1\r\nx-mixed: VaLuE\r\nx-sp:  a b \r\nconnection: close\r\n\r\n");
    }

    private static String wire(String method, String uri, String version, String body, String... nameValues) {
        List<HttpHeader> headers = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(new HttpHeader(nameValues[i], nameValues[i + 1]));
        }
        byte[] bytes = HttpRequestEncoder.encode(new HttpSend(method, uri, version, headers, body, HERE));
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
