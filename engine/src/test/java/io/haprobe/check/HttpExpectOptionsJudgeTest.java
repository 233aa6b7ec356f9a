package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.HttpExpect;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hdr}/{@code fhdr}, the expect options and {@code disable-on-404} (spec §4.5), with the verdicts
 * HAProxy 2.6.12 gave on loopback.
 */
class HttpExpectOptionsJudgeTest {

    private static final String HEALTH_BAD_OK = "HTTP/1.1 200 OK\r\nX-Health: bad, ok\r\nContent-Length: 0\r\n\r\n";

    @Test
    void hdrMatchesEachCommaSeparatedValue() {
        assertThat(judge(HEALTH_BAD_OK, "hdr name X-Health value ok")).isEqualTo(ok(200));
        assertThat(judge(HEALTH_BAD_OK, "hdr name -m beg x-heal value -m reg ^o.$")).isEqualTo(ok(200));
        assertThat(judge(HEALTH_BAD_OK, "hdr name x-health value \"bad, ok\"")).isEqualTo(wrongStatus(200, "OK"));
    }

    @Test
    void fhdrMatchesTheWholeValue() {
        assertThat(judge(HEALTH_BAD_OK, "fhdr name X-Health value ok")).isEqualTo(wrongStatus(200, "OK"));
        assertThat(judge(HEALTH_BAD_OK, "fhdr name X-Health value \"bad, ok\"")).isEqualTo(ok(200));
        assertThat(judge(HEALTH_BAD_OK, "fhdr name X-Health value -m sub \"d, o\"")).isEqualTo(ok(200));
    }

    @Test
    void blankContinuationLinesLeaveTheValueAsItWasAndOthersExtendIt() {
        String folded = "HTTP/1.1 200 OK\r\nX-Health: ok \r\n \r\n\t\r\nX-B: a\r\n b \r\n \r\nContent-Length: 0\r\n\r\n";
        assertThat(judge(folded, "fhdr name X-Health value ok")).isEqualTo(ok(200));
        assertThat(judge(folded, "fhdr name X-B value -m reg ^a\\r\\n\\sb$")).isEqualTo(ok(200));
    }

    @Test
    void namesIgnoreCaseValuesDoNot() {
        assertThat(judge(HEALTH_BAD_OK, "hdr name X-HEALTH")).isEqualTo(ok(200));
        assertThat(judge(HEALTH_BAD_OK, "hdr name -m end HEALTH")).isEqualTo(ok(200));
        assertThat(judge(HEALTH_BAD_OK, "hdr name -m reg ^X-")).isEqualTo(wrongStatus(200, "OK"));
        assertThat(judge(HEALTH_BAD_OK, "hdr name x-health value OK")).isEqualTo(wrongStatus(200, "OK"));
    }

    @Test
    void aMissingHeaderIsAWrongStatusWithTheReasonPhraseAndANegationInvertsIt() {
        assertThat(judge(HEALTH_BAD_OK, "hdr name x-missing")).isEqualTo(wrongStatus(200, "OK"));
        assertThat(judge(HEALTH_BAD_OK, "! hdr name x-missing")).isEqualTo(ok(200));
        assertThat(judge(HEALTH_BAD_OK, "! hdr name X-Health")).isEqualTo(wrongStatus(200, "OK"));
    }

    /** HAProxy 2.6.12: {@code Layer7 wrong status, code: 200, info: "OK comment: need it"}. */
    @Test
    void aLaterFailingRuleReportsItsResultAndItsComment() {
        assertThat(judge(HEALTH_BAD_OK, "status 200", "hdr name x-missing comment \"need it\""))
                .isEqualTo(wrongStatus(200, "OK comment: need it"));
    }

    @Test
    void onErrorReplacesTheInfoAndTheCommentFollowsIt() {
        String rsp500 = "HTTP/1.1 500 Reason500\r\nContent-Length: 0\r\n\r\n";
        assertThat(judge(rsp500, "status 200 comment \"must be 200\""))
                .isEqualTo(wrongStatus(500, "Reason500 comment: must be 200"));
        assertThat(judge("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nnope!!!!", "string OK on-error \"body was wrong\""
                + " comment \"must say OK\"")).isEqualTo(new CheckVerdict(CheckStatus.L7RSP, 200,
                "body was wrong comment: must say OK"));
    }

    @Test
    void errorStatusAndStatusCodeShapeTheFailure() {
        String rsp500 = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
        assertThat(judge(rsp500, "error-status L7OKC status 200"))
                .isEqualTo(new CheckVerdict(CheckStatus.L7OKC, 500, "Internal Server Error"));
        assertThat(judge(rsp500, "error-status L4CON on-error \"custom r500\" status 200"))
                .isEqualTo(new CheckVerdict(CheckStatus.L4CON, 500, "custom r500"));
        assertThat(judge(rsp500, "status-code int(42) status 200"))
                .isEqualTo(new CheckVerdict(CheckStatus.L7STS, 42, "Internal Server Error"));
    }

    /** HAProxy 2.6.12: {@code Layer7 check passed, code: 299, info: "fine"}. */
    @Test
    void okStatusOnSuccessAndStatusCodeShapeTheSuccessOfTheLastRule() {
        String rsp200 = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        assertThat(judge(rsp200, "status 200 on-success \"fine\" status-code int(299)"))
                .isEqualTo(new CheckVerdict(CheckStatus.L7OK, 299, "fine"));
        assertThat(judge(rsp200, "ok-status L7OKC status 200")).isEqualTo(new CheckVerdict(CheckStatus.L7OKC, 200, ""));
        assertThat(judge(rsp200, "ok-status L7OKC status 200", "status 200")).isEqualTo(ok(200));
    }

    @Test
    void toutStatusIsTheStatusOfTheWaitingRule() {
        HttpResponseJudge judge = judgeOf(false, "tout-status L4TOUT status 200", "tout-status L6TOUT string OK");
        assertThat(judge.timeoutStatus(new byte[0], 0)).isEqualTo(CheckStatus.L4TOUT);
        byte[] head = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab");
        assertThat(judge.timeoutStatus(head, head.length)).isEqualTo(CheckStatus.L6TOUT);
        assertThat(judgeOf(false, "status 200").timeoutStatus(new byte[0], 0)).isEqualTo(CheckStatus.L7TOUT);
    }

    @Test
    void minRecvMakesABodyMismatchFinalOnceThatManyBytesAreIn() {
        byte[] partial = bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n-ERR-ERR");
        assertThat(judgeOf(false, "string PONG").judge(partial, partial.length, false)).isNull();
        assertThat(judgeOf(false, "min-recv 3 string PONG").judge(partial, partial.length, false))
                .isEqualTo(new CheckVerdict(CheckStatus.L7RSP, 200, HttpResponseJudge.INFO_NO_MATCH));
    }

    /** HAProxy 2.6.12: {@code Layer7 check conditionally passed, code: 404}, no info, whatever the rules. */
    @Test
    void disableOn404TurnsA404IntoAConditionalPassBeforeAnyRule() {
        String rsp404 = "HTTP/1.0 404 Not Found\r\n\r\n";
        CheckVerdict condPass = new CheckVerdict(CheckStatus.L7OKC, 404, "");
        assertThat(judgeOf(true).judge(bytes(rsp404), rsp404.length(), true)).isEqualTo(condPass);
        assertThat(judgeOf(true, "status 404").judge(bytes(rsp404), rsp404.length(), true)).isEqualTo(condPass);
        assertThat(judgeOf(true, "string never").judge(bytes(rsp404), rsp404.length(), true)).isEqualTo(condPass);
        assertThat(judgeOf(false).judge(bytes(rsp404), rsp404.length(), true))
                .isEqualTo(wrongStatus(404, "Not Found"));
        String rsp200 = "HTTP/1.0 200 OK\r\n\r\n";
        assertThat(judgeOf(true).judge(bytes(rsp200), rsp200.length(), true)).isEqualTo(ok(200));
    }

    private static CheckVerdict ok(int code) {
        return new CheckVerdict(CheckStatus.L7OK, code, "");
    }

    private static CheckVerdict wrongStatus(int code, String info) {
        return new CheckVerdict(CheckStatus.L7STS, code, info);
    }

    private static CheckVerdict judge(String response, String... expectArguments) {
        byte[] rsp = bytes(response);
        return judgeOf(false, expectArguments).judge(rsp, rsp.length, true);
    }

    private static HttpResponseJudge judgeOf(boolean disableOn404, String... expectArguments) {
        StringBuilder cfg = new StringBuilder("backend be\n    option httpchk\n");
        for (String arguments : expectArguments) {
            cfg.append("    http-check expect ").append(arguments).append('\n');
        }
        List<HttpExpect> expects = new ArrayList<>();
        HaproxyConfig.parse("test.cfg", cfg.toString()).proxies().get(0).httpCheckRules().stream()
                .filter(HttpExpect.class::isInstance).map(HttpExpect.class::cast)
                .filter(e -> expectArguments.length > 0 || !e.pattern().isEmpty()).forEach(expects::add);
        return HttpResponseJudge.of(expects, "GET", disableOn404, true);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
