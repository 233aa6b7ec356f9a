package io.haprobe.internal;

import io.haprobe.check.CheckProgram;
import io.haprobe.check.CheckVerdict;
import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a server sends, in whatever pieces, with a close, an error or a timeout anywhere, every check kind's
 * session ends with a verdict or waits: nothing a backend does throws out of the interpreter (STYLE rule 9).
 */
class CheckSessionRobustnessTest {

    private static final List<String> CHECKS = List.of(
            "",
            "option httpchk GET /health\n    http-check expect status 200",
            "option httpchk\n    http-check expect rstatus ^(2|3)\n    http-check expect ! rstring (a|b)*c",
            "option httpchk\n    http-check expect hdr name x-a value -m reg (a|b)*c\n    http-check disable-on-404",
            "option httpchk\n    http-check expect fhdr name x-a value -m sub b",
            "option httpchk\n    http-check connect\n    http-check send meth GET uri /a\n"
                    + "    http-check expect status 200\n    http-check connect port 8080\n"
                    + "    http-check send meth GET uri /b\n    http-check expect string ok",
            "option tcp-check\n    tcp-check send PING\\r\\n\n    tcp-check expect string +PONG\n"
                    + "    tcp-check expect ! rbinary (41|42)*43\n    tcp-check expect min-recv 4 binary 0a0b",
            "option ssl-hello-chk",
            "option redis-check",
            "option smtpchk EHLO me",
            "option mysql-check user haproxy",
            "option mysql-check",
            "option pgsql-check user haproxy",
            "option ldap-check");

    @Test
    void noAnswerMakesTheInterpreterThrow() {
        SplittableRandom random = new SplittableRandom(20261121);
        List<CheckProgram> programs = new ArrayList<>();
        for (String check : CHECKS) {
            HaproxyConfig config = HaproxyConfig.parse("fuzz.cfg", "backend b\n    " + check
                    + "\n    server s 10.0.0.1:80 check\n");
            programs.add(CheckProgram.compile(config.proxy("b").orElseThrow()));
        }
        programs.add(CheckProgram.agent(5555, null, "ping\n".getBytes()));
        int verdicts = 0;
        for (int run = 0; run < 4_000; run++) {
            CheckProgram program = programs.get(run % programs.size());
            CheckSession session = new CheckSession(program, 1_700_000_000L);
            boolean[] decided = {false};
            assertThatCode(() -> decided[0] = play(session, random)).as("run %d of %s", run, program)
                    .doesNotThrowAnyException();
            verdicts += decided[0] ? 1 : 0;
        }
        assertThat(verdicts).isGreaterThan(3_000);
    }

    /** Plays random events on one session until a verdict or the end of the script; true on a verdict. */
    private static boolean play(CheckSession session, SplittableRandom random) {
        if (session.connected(bytes -> { }) != null) {
            return true;
        }
        int events = random.nextInt(1, 12);
        for (int i = 0; i < events; i++) {
            int kind = random.nextInt(20);
            CheckVerdict verdict;
            if (kind == 0) {
                verdict = session.peerClosed();
            } else if (kind == 1) {
                verdict = session.failed("Connection reset by peer");
            } else if (kind == 2) {
                verdict = session.timedOut();
            } else if (kind == 3 && session.pendingConnect() != null) {
                verdict = session.connected(bytes -> { });
            } else {
                byte[] chunk = chunk(random);
                verdict = session.received(chunk, 0, chunk.length);
            }
            if (verdict != null) {
                return true;
            }
        }
        return session.timedOut() != null;
    }

    /** Random bytes, often shaped like what servers send (HTTP heads, protocol greetings), sometimes huge. */
    private static byte[] chunk(SplittableRandom random) {
        String[] shapes = {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nx-a: ab\r\n\r\nab", "HTTP/1.0 404 Not Found\r\n",
                "Transfer-Encoding: chunked\r\n\r\nffffffff\r\n", "+PONG\r\n", "-ERR x\r\n", "220 ready\r\n",
                "250-a\r\n250 b\r\n", "221 bye\r\n", "up 50%\n", "drain\n", "maint #x\n", "\u0016\u0003\u0001"};
        int pick = random.nextInt(4);
        if (pick == 0) {
            return shapes[random.nextInt(shapes.length)].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        byte[] bytes = new byte[pick == 1 ? random.nextInt(0, 20_000) : random.nextInt(0, 64)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = pick == 2 ? (byte) "ab\r\n:".charAt(random.nextInt(5)) : (byte) random.nextInt(256);
        }
        return bytes;
    }
}
