package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.HttpExpect;
import io.haprobe.config.HttpExpect.Match;
import io.haprobe.config.SourceLocation;
import io.haprobe.config.StatusRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static io.haprobe.CheckStatus.L7OK;
import static io.haprobe.CheckStatus.L7RSP;
import static io.haprobe.CheckStatus.L7STS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

/**
 * The examples of spec §4.5, and the parser edge cases observed on HAProxy 2.6.12 over loopback while
 * writing this class (each one states what HAProxy logged).
 */
class HttpResponseJudgeTest {

    private static final SourceLocation HERE = new SourceLocation("haproxy.cfg", 1, 1);
    private static final HttpResponseJudge DEFAULT = HttpResponseJudge.of(List.of());

    @Nested
    class StatusRules {

        @Test
        void wrongStatusGivesL7stsWithReasonPhrase() {
            assertThat(judge(of(status(200)), "HTTP/1.1 204 No Content\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 204, "No Content"));
        }

        @Test
        void rstatusMatchesTheCodeText() {
            assertThat(judge(of(rstatus("(2|3)[0-9][0-9]")), "HTTP/1.1 204 No Content\r\n\r\n", false))
                    .isEqualTo(verdict(L7OK, 204, ""));
            assertThat(judge(of(rstatus("^2")), "HTTP/1.1 500 Internal Server Error\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 500, "Internal Server Error"));
            assertThat(judge(of(rstatus("^0")), "HTTP/1.1 0200 X\r\nContent-Length: 0\r\n\r\n", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void implicitExpectationPasses2xxAnd3xx() {
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\n\r\n", false)).isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 301 Moved Permanently\r\n\r\n", false))
                    .isEqualTo(verdict(L7OK, 301, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 399 X\r\n\r\n", false)).isEqualTo(verdict(L7OK, 399, ""));
        }

        @Test
        void implicitExpectationFails404And400() {
            assertThat(judge(DEFAULT, "HTTP/1.1 404 Reason404\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 404, "Reason404"));
            assertThat(judge(DEFAULT, "HTTP/1.1 400 Bad Request\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 400, "Bad Request"));
        }

        @Test
        void statusListAcceptsCodesAndRanges() {
            HttpResponseJudge judge = of(status(new StatusRange(200, 200), new StatusRange(301, 302)));
            assertThat(judge(judge, "HTTP/1.1 302 Found\r\n\r\n", false)).isEqualTo(verdict(L7OK, 302, ""));
            assertThat(judge(judge, "HTTP/1.1 304 Not Modified\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 304, "Not Modified"));
        }

        @Test
        void negatedStatusFailsWithReasonPhrase() {
            HttpResponseJudge judge = of(expect(true, Match.STATUS, "200", List.of(new StatusRange(200, 200)), null));
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\n\r\n", false)).isEqualTo(verdict(L7STS, 200, "OK"));
            assertThat(judge(judge, "HTTP/1.1 500 Oops\r\n\r\n", false)).isEqualTo(verdict(L7OK, 500, ""));
        }

        @Test
        void statusIsJudgedWithoutWaitingForTheBody() {
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void interimResponseIsJudgedAsItIs() {
            assertThat(judge(DEFAULT, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 100, "Continue"));
            assertThat(judge(DEFAULT, "HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 103, "Early Hints"));
        }

        @Test
        void reasonPhraseIsOptional() {
            assertThat(judge(DEFAULT, "HTTP/1.0 200\r\n\r\n", false)).isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 503, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 503, ""));
        }

        @Test
        void reasonPhraseLosesLeadingBlanksAndKeepsTrailingOnes() {
            assertThat(judge(DEFAULT, "HTTP/1.1  503  Two  Spaces  \r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 503, "Two  Spaces  "));
            assertThat(judge(DEFAULT, "HTTP/1.1\t503\tTab\r\n\r\n", false)).isEqualTo(verdict(L7STS, 503, "Tab"));
            assertThat(judge(DEFAULT, "HTTP/1.1 503 R \t\r\n\r\n", false)).isEqualTo(verdict(L7STS, 503, "R \t"));
        }

        @Test
        void reasonPhraseStopsAtNulAsHaproxysInfoString() {
            assertThat(judge(DEFAULT, "HTTP/1.1 503 a\0b\r\n\r\n", false)).isEqualTo(verdict(L7STS, 503, "a"));
        }

        @Test
        void anyNumberOfStatusDigitsIsKeptIn16Bits() {
            assertThat(judge(DEFAULT, "HTTP/1.1 999 X\r\n\r\n", false)).isEqualTo(verdict(L7STS, 999, "X"));
            assertThat(judge(DEFAULT, "HTTP/1.1 2000 OK\r\n\r\n", false)).isEqualTo(verdict(L7STS, 2000, "OK"));
            assertThat(judge(DEFAULT, "HTTP/1.1 20 OK\r\n\r\n", false)).isEqualTo(verdict(L7STS, 20, "OK"));
            assertThat(judge(DEFAULT, "HTTP/1.1 000 Z\r\n\r\n", false)).isEqualTo(verdict(L7STS, 0, "Z"));
            assertThat(judge(DEFAULT, "HTTP/1.1 70000 X\r\n\r\n", false)).isEqualTo(verdict(L7STS, 4464, "X"));
            assertThat(judge(DEFAULT, "HTTP/1.1 99999 X\r\n\r\n", false)).isEqualTo(verdict(L7STS, -31073, "X"));
            assertThat(judge(DEFAULT, "HTTP/1.1 4294967496 X\r\n\r\n", false)).isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void laterRuleFailureReportsThatRule() {
            HttpResponseJudge judge = of(status(200), rstatus("^3"));
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\n\r\n", false)).isEqualTo(verdict(L7STS, 200, "OK"));
        }

        @Test
        void firstFailingRuleDecides() {
            HttpResponseJudge judge = of(string("OK"), status(200));
            assertThat(judge(judge, "HTTP/1.1 503 Nope\r\nContent-Length: 2\r\n\r\nOK", false))
                    .isEqualTo(verdict(L7STS, 503, "Nope"));
            assertThat(judge(of(status(200), string("OK")), "HTTP/1.1 503 Nope\r\nContent-Length: 2\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 503, "Nope"));
        }
    }

    @Nested
    class InvalidResponses {

        @Test
        void garbageIsAnInvalidResponseWithoutInfo() {
            assertThat(judge(DEFAULT, "blah blah", false)).isEqualTo(verdict(L7RSP, 0, ""));
            assertThat(judge(DEFAULT, "OK\n", false)).isEqualTo(verdict(L7RSP, 0, ""));
        }

        @Test
        void closeWithoutResponseIsAnInvalidResponse() {
            assertThat(DEFAULT.judge(new byte[0], 0, true)).isEqualTo(verdict(L7RSP, 0, ""));
            assertThat(DEFAULT.judge(new byte[0], 0, false)).isNull();
        }

        @Test
        void closeBeforeTheEndOfTheHeadersIsAnInvalidResponse() {
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nX: y\r\n", false)).isNull();
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nX: y\r\n", true)).isEqualTo(verdict(L7RSP, 0, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 503 HE\r\n\r", false)).isNull();
        }

        @Test
        void headerBlockFillingTheBufferIsAnInvalidResponse() {
            byte[] buf = bytes("HTTP/1.1 200 OK\r\nX: " + "y".repeat(HttpResponseJudge.MAX_RESPONSE_BYTES));
            assertThat(DEFAULT.judge(buf, HttpResponseJudge.MAX_RESPONSE_BYTES - 1, false)).isNull();
            assertThat(DEFAULT.judge(buf, HttpResponseJudge.MAX_RESPONSE_BYTES, false)).isEqualTo(verdict(L7RSP, 0, ""));
        }

        @Test
        void versionMustBeHttpDigitDotDigit() {
            assertThat(judge(DEFAULT, "HTTP/2.0 200 OK\r\n\r\n", false)).isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(DEFAULT, "HTTP/0.9 200 OK\r\n\r\n", false)).isEqualTo(verdict(L7OK, 200, ""));
            for (String bad : List.of("http/1.1 200 OK\r\n\r\n", "HTTP/11.1 200 OK\r\n\r\n", "HTTP/1.x 200 OK\r\n\r\n",
                    "HTTP/1,1 200 OK\r\n\r\n", "HTTP/1.1\r\n\r\n", "HTTP/1.1 \r\n\r\n")) {
                assertThat(judge(DEFAULT, bad, false)).as(bad).isEqualTo(verdict(L7RSP, 0, ""));
            }
        }

        @Test
        void invalidVersionFailsBeforeTheHeadersAreComplete() {
            assertThat(judge(DEFAULT, "http/1.1 200 OK\r\nX: y\r\n", false)).isEqualTo(verdict(L7RSP, 0, ""));
        }

        @Test
        void statusMustBeDigitsFollowedByABlank() {
            assertThat(judge(DEFAULT, "HTTP/1.1 OK\r\n\r\n", false)).isEqualTo(verdict(L7RSP, 0, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 200OK\r\n\r\n", false)).isEqualTo(verdict(L7RSP, 0, ""));
        }

        @Test
        void malformedHeaderLinesAreInvalid() {
            for (String bad : List.of("HTTP/1.1 200 OK\r\nFoo\r\n\r\n", "HTTP/1.1 200 OK\r\n X: a\r\n\r\n",
                    "HTTP/1.1 200 OK\r\n: x\r\n\r\n", "HTTP/1.1 200 OK\r\nX : y\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nX\t: y\r\n\r\n", "HTTP/1.1 200 OK\r\nX\u0001: y\r\n\r\n",
                    "HTTP/1.1 503 CR\rContent-Length: 0\r\n\r\n")) {
                assertThat(judge(DEFAULT, bad, false)).as(bad).isEqualTo(verdict(L7RSP, 0, ""));
            }
        }

        @Test
        void headerValuesMayHoldAnyByteButCrAndLf() {
            for (String value : List.of("a\0b", "a\u007fb", "a\u00e9b", "\ty\t", "")) {
                assertThat(judge(DEFAULT, "HTTP/1.1 503 T\r\nX:" + value + "\r\n\r\n", false)).as(value)
                        .isEqualTo(verdict(L7STS, 503, "T"));
            }
        }

        @Test
        void atMostOneHundredHeaders() {
            assertThat(judge(DEFAULT, "HTTP/1.1 503 H\r\n" + headers(100) + "\r\n", false))
                    .isEqualTo(verdict(L7STS, 503, "H"));
            assertThat(judge(DEFAULT, "HTTP/1.1 503 H\r\n" + headers(101) + "\r\n", false))
                    .isEqualTo(verdict(L7RSP, 0, ""));
        }

        @Test
        void contentLengthMustBeOneNumber() {
            assertThat(judge(of(string("ab")), "HTTP/1.1 200 OK\r\nContent-Length:   2  \r\n\r\nab", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(of(string("abc")), "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            for (String bad : List.of("abc", "+2", "", "-1", "99999999999999999999999", "2, 3")) {
                assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nContent-Length: " + bad + "\r\n\r\n", false)).as(bad)
                        .isEqualTo(verdict(L7RSP, 0, ""));
            }
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", false))
                    .isEqualTo(verdict(L7RSP, 0, ""));
        }

        @Test
        void transferEncodingMustBeOneChunked() {
            for (String bad : List.of("gzip", "identity", "chunked, gzip", "gzip, chunked", "chunked, chunked")) {
                assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + bad + "\r\n\r\n", false)).as(bad)
                        .isEqualTo(verdict(L7RSP, 0, ""));
            }
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n", false)).isEqualTo(verdict(L7RSP, 0, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING:  CHUNKED,\r\n\r\n", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void brokenChunkFramingReceivedWithTheHeadersFailsEvenAStatusRule() {
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", false))
                    .isEqualTo(verdict(L7RSP, 0, ""));
        }

        @Test
        void bytesAfterTheEndOfTheMessageAreIgnored() {
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\ngarbage\r\n\r\n", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }
    }

    @Nested
    class Framing {

        @Test
        void bareLfLineEndsAreAccepted() {
            assertThat(judge(of(string("OK")), "HTTP/1.1 200 OK\nContent-Length: 2\n\nOK", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(DEFAULT, "HTTP/1.1 503 Down\nX: y\n\n", false)).isEqualTo(verdict(L7STS, 503, "Down"));
            assertThat(judge(DEFAULT, "HTTP/1.1 503 L\nContent-Length: 0\r\n\r\n", false))
                    .isEqualTo(verdict(L7STS, 503, "L"));
        }

        @Test
        void leadingEmptyLinesAreSkipped() {
            assertThat(judge(DEFAULT, "\r\n\nHTTP/1.1 503 Lead\r\n\r\n", false)).isEqualTo(verdict(L7STS, 503, "Lead"));
        }

        @Test
        void foldedHeaderLinesContinueTheValue() {
            assertThat(judge(DEFAULT, "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(of(string("ab")), "HTTP/1.1 200 OK\r\nContent-Length:\r\n 2\r\n\r\nab", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void aHeaderFoldedOverThousandsOfBlankLinesIsJudgedInLinearTime() {
            // found by fuzzing: each blank continuation line trimmed the value back over all the earlier ones
            // (quadratic), and the judge runs again from the first byte at each read: 15 KB of " \r\n" arriving
            // in 3,750 reads kept the event loop busy for about 20 s; now it takes milliseconds
            byte[] buf = bytes("HTTP/1.1 503 Down\r\nX: a\r\n" + " \r\n".repeat(5000) + "\r\n");
            assertTimeout(Duration.ofSeconds(5), () -> {
                for (int n = 4; n < buf.length; n += 4) {
                    DEFAULT.judge(buf, n, false);
                }
            });
            assertThat(DEFAULT.judge(buf, buf.length, false)).isEqualTo(verdict(L7STS, 503, "Down"));
        }

        @Test
        void chunkedBodyIsDecodedBeforeMatching() {
            String rsp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
            assertThat(judge(of(string("cde")), rsp, false)).isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(of(string("c\r\n3")), rsp, false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void chunkSizesAcceptHexBlanksAndExtensions() {
            assertThat(judge(of(string("789")), chunked("A\r\n0123456789\r\n0\r\n\r\n"), false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(of(string("abc")), chunked("0003 ;a=b\r\nabc\r\n00\r\n\r\n"), false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(of(string("zzz")), chunked("3\nabc\n0\n\n"), false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void malformedChunksAreInvalid() {
            for (String bad : List.of("\r\nab\r\n0\r\n\r\n", "3\r\nabcX\r\n0\r\n\r\n", "FFFFFFFFFFFFFFFFFF\r\nab",
                    "2\r\nab\r\n0\r\nbad trailer\r\n\r\n")) {
                assertThat(judge(of(string("ab")), chunked(bad), false)).as(bad).isEqualTo(verdict(L7RSP, 0, ""));
            }
        }

        @Test
        void trailersEndTheMessage() {
            assertThat(judge(of(string("zzz")), chunked("3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"), false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
            assertThat(judge(of(string("zzz")), chunked("3\r\nabc\r\n0\r\nX-T: 1\r\n"), false)).isNull();
        }

        @Test
        void transferEncodingWinsOverContentLength() {
            assertThat(judge(of(string("llo")), "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n", false)).isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void emptyTransferEncodingReadsTheBodyUntilClose() {
            String rsp = "HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\r\nab";
            assertThat(judge(of(string("zz")), rsp, false)).isNull();
            assertThat(judge(of(string("ab")), rsp, true)).isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void bodylessStatusesHaveNoBody() {
            for (String rsp : List.of("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello",
                    "HTTP/1.1 304 NM\r\nContent-Length: 5\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n")) {
                assertThat(judge(of(string("hello")), rsp, false).info()).as(rsp).isEqualTo(HttpResponseJudge.INFO_NO_BODY);
            }
        }

        @Test
        void responseToHeadHasNoBody() {
            HttpResponseJudge judge = HttpResponseJudge.of(List.of(string("hello")), "HEAD");
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_BODY));
            assertThat(judge(HttpResponseJudge.of(List.of(), "HEAD"), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }
    }

    @Nested
    class BodyRules {

        @Test
        void stringFoundInBodyPasses() {
            assertThat(judge(of(string("OK")), "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nstatus OK", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void stringMatchesPastNulBytes() {
            assertThat(judge(of(string("cd")), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab\0cd", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void mismatchAtEndOfMessageGivesL7rspDidNotMatch() {
            assertThat(judge(of(string("world")), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void mismatchWithoutLengthWaitsForClose() {
            String rsp = "HTTP/1.1 200 OK\r\n\r\nhello";
            assertThat(judge(of(string("world")), rsp, false)).isNull();
            assertThat(judge(of(string("world")), rsp, true)).isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void truncatedBodyIsJudgedAtClose() {
            assertThat(judge(of(string("zzz")), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", true))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
            assertThat(judge(of(string("zzz")), chunked("5\r\nhel"), true))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void mismatchIsFinalWhenTheBufferIsFull() {
            String head = "HTTP/1.1 200 OK\r\n\r\n";
            byte[] buf = bytes(head + "x".repeat(HttpResponseJudge.MAX_RESPONSE_BYTES - head.length()));
            HttpResponseJudge judge = of(string("zzz"));
            assertThat(judge.judge(buf, buf.length - 1, false)).isNull();
            assertThat(judge.judge(buf, buf.length, false)).isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void negatedStringThatMatchesGivesUnwantedContent() {
            HttpResponseJudge judge = of(expect(true, Match.STRING, "maintenance", List.of(), null));
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\n\r\nunder maintenance", false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_UNWANTED));
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\n\r\nall good", false)).isNull();
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\n\r\nall good", true)).isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void emptyBodyFailsEvenANegatedRule() {
            HttpResponseJudge negated = of(expect(true, Match.STRING, "OK", List.of(), null));
            assertThat(judge(negated, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_BODY));
            assertThat(judge(of(string("OK")), "HTTP/1.1 200 OK\r\n\r\n", false)).isNull();
            assertThat(judge(of(string("OK")), "HTTP/1.1 200 OK\r\n\r\n", true))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_BODY));
            assertThat(judge(of(string("zzz")), chunked("0\r\n\r\n"), false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_BODY));
        }

        @Test
        void onlyABodyRuleChecksNoStatus() {
            assertThat(judge(of(string("OK")), "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\nOK", false))
                    .isEqualTo(verdict(L7OK, 503, ""));
        }

        @Test
        void bodyRulesSeeOnlyTheBodyNotTheHead() {
            String rsp = "HTTP/1.1 200 OK\r\nX-State: healthy\r\nContent-Length: 4\r\n\r\nsick";
            assertThat(judge(of(string("healthy")), rsp, false)).isEqualTo(verdict(L7RSP, 200,
                    HttpResponseJudge.INFO_NO_MATCH));
            assertThat(judge(of(expect(false, Match.RSTRING, "^sick$", List.of(), Pattern.compile("^sick$"))), rsp,
                    false)).isEqualTo(verdict(L7OK, 200, ""));
        }

        @Test
        void anEmptyStringIsFoundInAnyBodyButNotInAnEmptyOne() {
            assertThat(judge(of(string("")), "HTTP/1.1 200 OK\r\n\r\nx", false)).isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(of(string("")), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_BODY));
        }

        @Test
        void rstringMayMatchOnThePartialBody() {
            HttpResponseJudge judge = of(expect(false, Match.RSTRING, "^ab$", List.of(), Pattern.compile("^ab$")));
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab", false))
                    .isEqualTo(verdict(L7OK, 200, ""));
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcdefghij", false))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void aRegexThatOverflowsTheStackOnALongBodyIsAMismatchNotAnException() {
            // java.util.regex recurses once per repetition of a group with alternatives: a long answer would
            // overflow the stack; HAProxy's PCRE stops at its match limit and reports no match
            HttpResponseJudge judge = of(expect(false, Match.RSTRING, "^(a|b)*c", List.of(),
                    Pattern.compile("^(a|b)*c")));
            String body = "ab".repeat(8000);
            assertThat(judge(judge, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, true))
                    .isEqualTo(verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        }

        @Test
        void bodySplitAcrossCallsMatchesOnceComplete() {
            HttpResponseJudge judge = of(string("healthy"));
            String rsp = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nI am healthy!!";
            assertThat(judge(judge, rsp.substring(0, rsp.length() - 6), false)).isNull();
            assertThat(judge(judge, rsp.substring(0, rsp.length() - 2), false)).isEqualTo(verdict(L7OK, 200, ""));
        }
    }

    @Test
    void oneByteAtATimeGivesNullUntilTheVerdictPoint() {
        assertVerdictExactlyAt(DEFAULT, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n");
        assertVerdictExactlyAt(of(string("ready")), "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nready",
                "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nready, set");
        assertVerdictExactlyAt(of(string("cde")), chunked("3\r\nabc\r\n3\r\nde"), chunked("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"));
        assertVerdictExactlyAt(of(string("zzz")), chunked("3\r\nabc\r\n0\r\n\r\n"), chunked("3\r\nabc\r\n0\r\n\r\n"));
    }

    @Test
    void rejectsLengthsOutsideTheBuffer() {
        assertThatThrownBy(() -> DEFAULT.judge(new byte[4], 5, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("length: 5 (expected: 0..4)");
        assertThatThrownBy(() -> DEFAULT.judge(new byte[20000], 16385, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("length: 16385 (expected: 0..16384)");
    }

    /**
     * A scratch remembers its last short judgement: the same judge on the same bytes gives the same verdict, and
     * any other call (other bytes in the same array, another length, the end of the stream, another judge) is judged
     * afresh, exactly as without a scratch.
     */
    @Test
    void aScratchGivesTheVerdictOfTheSameBytesAgainAndJudgesAnyOtherCallAfresh() {
        HttpResponseJudge.Scratch scratch = new HttpResponseJudge.Scratch();
        HttpResponseJudge ok = of(status(200));
        HttpResponseJudge body = of(string("OK"));
        byte[] buf = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
        List<CheckVerdict> seen = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (HttpResponseJudge judge : List.of(ok, body, DEFAULT)) {
                for (int length : new int[] {buf.length, buf.length - 1, 20}) {
                    for (boolean end : new boolean[] {false, true}) {
                        CheckVerdict expected = judge.judge(buf, length, end);
                        CheckVerdict got = judge.judge(buf, length, end, scratch);
                        assertThat(got).isEqualTo(expected);
                        assertThat(judge.judge(buf, length, end, scratch)).isEqualTo(expected).isSameAs(got);
                        seen.add(got);
                    }
                }
            }
        }
        assertThat(seen).contains(verdict(L7OK, 200, ""), null, verdict(L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
        byte[] changed = buf.clone();
        changed[9] = '5'; // the same array changed in place after a judgement: judged again
        assertThat(ok.judge(buf, buf.length, false, scratch)).isEqualTo(verdict(L7OK, 200, ""));
        System.arraycopy(changed, 0, buf, 0, buf.length);
        assertThat(ok.judge(buf, buf.length, false, scratch)).isEqualTo(verdict(L7STS, 500, "OK"));
        byte[] large = bytes("HTTP/1.1 200 OK\r\nX: " + "a".repeat(600) + "\r\nContent-Length: 0\r\n\r\n");
        assertThat(ok.judge(large, large.length, false, scratch)).isEqualTo(verdict(L7OK, 200, ""));
        large[9] = '4';
        assertThat(ok.judge(large, large.length, false, scratch)).isEqualTo(verdict(L7STS, 400, "OK"));
        // longer than a scratch remembers: judged afresh every time
        CheckVerdict first = ok.judge(large, large.length, false, scratch);
        assertThat(ok.judge(large, large.length, false, scratch)).isEqualTo(first).isNotSameAs(first);
    }

    /** Feeds {@code full} one byte at a time and checks that the verdict appears exactly after {@code prefix}. */
    private static void assertVerdictExactlyAt(HttpResponseJudge judge, String prefix, String full) {
        byte[] buf = bytes(full);
        for (int n = 0; n < prefix.length(); n++) {
            assertThat(judge.judge(buf, n, false)).as("after %d bytes", n).isNull();
        }
        assertThat(judge.judge(buf, prefix.length(), false)).as("after %d bytes", prefix.length()).isNotNull();
    }

    private static CheckVerdict judge(HttpResponseJudge judge, String response, boolean endOfStream) {
        byte[] buf = bytes(response);
        return judge.judge(buf, buf.length, endOfStream);
    }

    private static CheckVerdict verdict(CheckStatus status, int code, String info) {
        return new CheckVerdict(status, code, info);
    }

    private static HttpResponseJudge of(HttpExpect... expects) {
        return HttpResponseJudge.of(List.of(expects));
    }

    private static HttpExpect status(int code) {
        return status(new StatusRange(code, code));
    }

    private static HttpExpect status(StatusRange... ranges) {
        return expect(false, Match.STATUS, "", List.of(ranges), null);
    }

    private static HttpExpect rstatus(String regex) {
        return expect(false, Match.RSTATUS, regex, List.of(), Pattern.compile(regex));
    }

    private static HttpExpect string(String text) {
        return expect(false, Match.STRING, text, List.of(), null);
    }

    private static HttpExpect expect(boolean inverse, Match match, String pattern, List<StatusRange> statuses,
                                     Pattern regex) {
        return new HttpExpect(inverse, match, pattern, statuses, regex, HERE);
    }

    private static String chunked(String body) {
        return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    }

    private static String headers(int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add("X-" + i + ": v\r\n");
        }
        return String.join("", lines);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
