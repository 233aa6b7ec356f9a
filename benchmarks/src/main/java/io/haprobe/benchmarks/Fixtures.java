package io.haprobe.benchmarks;

import io.haprobe.CheckStatus;
import io.haprobe.check.CheckVerdict;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;

import java.nio.charset.StandardCharsets;

/**
 * Inputs shared by the benchmarks: configuration sections parsed the way a user's haproxy.cfg is, and
 * response bytes as a backend sends them. Built once per trial in {@code @Setup}, never measured.
 */
final class Fixtures {

    /** The request of every HTTP check benchmark: {@code GET /health HTTP/1.1} with a Host header. */
    static final String REQUEST_LINES = "    option httpchk GET /health HTTP/1.1\n"
            + "    http-check send hdr Host example.com hdr User-Agent haprobe\n";

    /** A small JSON health answer with a few headers and a Content-Length body. */
    static final byte[] OK_JSON = ascii("HTTP/1.1 200 OK\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 15\r\n"
            + "\r\n"
            + "{\"status\":\"UP\"}");

    /** The answer of a health endpoint with nothing to say. */
    static final byte[] NO_CONTENT = ascii("HTTP/1.1 204 No Content\r\n\r\n");

    /** The same JSON answer as {@link #OK_JSON}, sent as one chunk and the last chunk. */
    static final byte[] OK_JSON_CHUNKED = ascii("HTTP/1.1 200 OK\r\n"
            + "Content-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "\r\n"
            + "f\r\n"
            + "{\"status\":\"UP\"}\r\n"
            + "0\r\n"
            + "\r\n");

    private Fixtures() {
    }

    /**
     * Parses one backend {@code b} made of {@link #REQUEST_LINES} and {@code expectLines}.
     *
     * @param expectLines {@code http-check expect} lines, each ending in a newline; empty for HAProxy's
     *                    implicit {@code expect status 200-399}
     * @return the backend section
     */
    static ProxyConfig httpBackend(String expectLines) {
        String text = "backend b\n" + REQUEST_LINES + expectLines + "    server s1 127.0.0.1:8080 check\n";
        return HaproxyConfig.parse("bench.cfg", text).proxy("b").orElseThrow();
    }

    /**
     * Fails the setup when a fixture does not pass its check, so that no benchmark silently measures a
     * failure path instead of the one it names.
     *
     * @param verdict the verdict of the fixture
     * @param code    the HTTP status it must pass with
     * @param what    the fixture, for the message
     * @throws IllegalStateException if {@code verdict} is not {@code L7OK} with {@code code}
     */
    static void requirePass(CheckVerdict verdict, int code, String what) {
        if (verdict == null || verdict.status() != CheckStatus.L7OK || verdict.code() != code) {
            throw new IllegalStateException(what + ": " + verdict + " (expected: L7OK " + code + ")");
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
