package io.haprobe.sim;

import io.haprobe.CheckOutcome;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every check kind against scripted backends on virtual time: a pass, a mismatch, a timeout, a refused connect
 * and a close before the answer, each with the status, code and info HAProxy 2.6.12 reports for the same
 * exchange (observed on loopback; the same texts the live tests assert) and the log line it prints.
 */
class CheckKindsTest {

    private static final String DOWN = "Server app_backend/web01 is DOWN, reason: ";
    private static final String COUNTS = ". 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
            + "0 remaining in queue.";

    /** One exchange: the check's config lines, what the backend does, and what HAProxy reports. */
    record Case(String name, List<String> check, Behaviour backend, String status, String code, String info,
                String reason) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<String> pingPong = List.of("option tcp-check", "tcp-check send PING\\r\\n", "tcp-check expect string PONG");
        List<String> redis = List.of("option redis-check");
        List<String> smtp = List.of("option smtpchk EHLO checker.local");
        List<String> sslHello = List.of("option ssl-hello-chk");
        List<String> http = List.of("option httpchk GET /health", "http-check expect status 200");
        List<String> mysql = List.of("option mysql-check user haproxy");
        List<String> pgsql = List.of("option pgsql-check user haproxy");
        List<String> ldap = List.of("option ldap-check");
        List<String> hdr = List.of("option httpchk GET /health", "http-check expect hdr name x-status value ready");
        return Stream.of(
                // tcp-check
                new Case("tcp-check pass", pingPong, dialogue(false, ex("PING\r\n", "+PONG\r\n")),
                        "L7OK", "0", "(tcp-check)", null),
                new Case("tcp-check mismatch", pingPong, dialogue(true, ex("PING\r\n", "-ERR\r\n")),
                        "L7RSP", null, "TCPCHK did not match content 'PONG' at step 2",
                        "Layer7 invalid response"),
                new Case("tcp-check timeout", pingPong, Behaviour.hang(),
                        "L7TOUT", null, " at step 2 of tcp-check (expect string 'PONG')", "Layer7 timeout"),
                new Case("tcp-check refused", pingPong, Behaviour.refuse(),
                        "L4CON", null, "Connection refused at initial connection step of tcp-check",
                        "Layer4 connection problem"),
                new Case("tcp-check close before the answer", pingPong, dialogue(true, ex("PING\r\n", "")),
                        "L7RSP", null, "TCPCHK got an empty response at step 2", "Layer7 invalid response"),
                // redis
                new Case("redis pass", redis, new Behaviour.Tcp(ascii("+PONG\r\n"), Delay.NONE, false, false),
                        "L7OK", "0", "Redis server is ok", null),
                new Case("redis error answer", redis, new Behaviour.Tcp(ascii("-ERR no way\r\n"), Delay.NONE, true,
                        false), "L7STS", "0", "-ERR no way", "Layer7 wrong status"),
                new Case("redis timeout", redis, Behaviour.hang(), "L7TOUT", null, "", "Layer7 timeout"),
                new Case("redis refused", redis, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("redis close before the answer", redis, new Behaviour.Close(Delay.NONE),
                        "L7STS", "0", "TCPCHK got an empty response at step 2", "Layer7 wrong status"),
                // smtpchk: banner, EHLO, QUIT
                new Case("smtpchk pass", smtp, dialogue(true, ex("", "220 mail ready\r\n"),
                        ex("EHLO checker.local\r\n", "250 mail\r\n"), ex("QUIT\r\n", "221 bye\r\n")),
                        "L7OK", "221", "bye", null),
                new Case("smtpchk rejecting banner", smtp, dialogue(true, ex("", "554 go away\r\n")),
                        "L7STS", "554", "go away", "Layer7 wrong status"),
                new Case("smtpchk silent server", smtp, Behaviour.hang(), "L7TOUT", null, "", "Layer7 timeout"),
                new Case("smtpchk refused", smtp, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("smtpchk close before the banner", smtp, new Behaviour.Close(Delay.NONE),
                        "L7RSP", null, "TCPCHK got an empty response at step 2", "Layer7 invalid response"),
                // ssl-hello-chk: an alert is a TLS answer, so the server is healthy
                new Case("ssl-hello-chk alert", sslHello, new Behaviour.Tcp(HexFormat.of().parseHex("15030100020228"),
                        Delay.NONE, true, false), "L6OK", null, "", null),
                new Case("ssl-hello-chk plain http answer", sslHello, new Behaviour.Tcp(
                        ascii("HTTP/1.1 400 Bad Request\r\n\r\n"), Delay.NONE, true, false),
                        "L6RSP", null, "", "Layer6 invalid response"),
                new Case("ssl-hello-chk silent", sslHello, Behaviour.hang(), "L6TOUT", null, "", "Layer6 timeout"),
                new Case("ssl-hello-chk refused", sslHello, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("ssl-hello-chk close before the answer", sslHello, new Behaviour.Close(Delay.NONE),
                        "L6RSP", null, "TCPCHK got an empty response at step 2", "Layer6 invalid response"),
                // httpchk
                new Case("httpchk pass", http, Behaviour.http(200), "L7OK", "200", "", null),
                new Case("httpchk wrong status", http, Behaviour.http(204), "L7STS", "204", "No Content",
                        "Layer7 wrong status"),
                new Case("httpchk timeout", http, Behaviour.hang(), "L7TOUT", null, "", "Layer7 timeout"),
                new Case("httpchk refused", http, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("httpchk reset", http, new Behaviour.Reset(Delay.NONE), "SOCKERR", null,
                        "Connection reset by peer", "Socket error"),
                // mysql-check: the server greets first; a greeting is a pass, an error packet is its code and text
                // (observed on 2.6.12: greeting, the client's auth packet naming the user, an OK packet)
                new Case("mysql-check pass", mysql, dialogue(false,
                        new Behaviour.Dialogue.Exchange(new byte[0], HexFormat.of().parseHex(
                                "0f0000000a352e372e39392d66616b65000700"), Delay.NONE),
                        new Behaviour.Dialogue.Exchange(ascii("haproxy"), HexFormat.of().parseHex(
                                "0700000200000002000000"), Delay.NONE)),
                        "L7OK", "0", "5.7.99-fake", null),
                new Case("mysql-check error packet", mysql, tcpBanner("1a000000ff6a04" + hex("Host 'x' is not allowed"),
                        false), "L7STS", "1130", "Host 'x' is not allowed", "Layer7 wrong status"),
                new Case("mysql-check silent", mysql, Behaviour.hang(), "L7TOUT", null, "", "Layer7 timeout"),
                new Case("mysql-check refused", mysql, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("mysql-check close before the greeting", mysql, new Behaviour.Close(Delay.NONE),
                        "L7RSP", null, "TCPCHK got an empty response at step 3", "Layer7 invalid response"),
                // pgsql-check: AuthenticationOk passes, an ErrorResponse is its severity
                new Case("pgsql-check pass", pgsql, tcpReply("520000000800000000"),
                        "L7OK", "0", "PostgreSQL server is ok", null),
                new Case("pgsql-check error", pgsql, tcpReply("4500000030" + hex("SFATAL\0VFATAL\0")),
                        "L7RSP", null, "FATAL", "Layer7 invalid response"),
                new Case("pgsql-check silent", pgsql, Behaviour.hang(), "L7TOUT", null, "", "Layer7 timeout"),
                new Case("pgsql-check refused", pgsql, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("pgsql-check close before the answer", pgsql, new Behaviour.Close(Delay.NONE),
                        "L7RSP", null, "TCPCHK got an empty response at step 3", "Layer7 invalid response"),
                // ldap-check: a bind response with resultCode 0 passes; another code is L7STS with its RFC text
                new Case("ldap-check pass", ldap, tcpReply("300c02010161070a010004000400"),
                        "L7OK", "0", "Success", null),
                new Case("ldap-check invalid credentials", ldap, tcpReply("300c02010161070a013104000400"),
                        "L7STS", "49", "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9",
                        "Layer7 wrong status"),
                new Case("ldap-check silent", ldap, Behaviour.hang(), "L7TOUT", null, "", "Layer7 timeout"),
                new Case("ldap-check refused", ldap, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("ldap-check close before the answer", ldap, new Behaviour.Close(Delay.NONE),
                        "L7RSP", null, "TCPCHK got an empty response at step 2", "Layer7 invalid response"),
                // http-check expect hdr
                new Case("hdr pass", hdr, new Behaviour.Http(200, null, Map.of("X-Status", "ready"), "", Delay.NONE),
                        "L7OK", "200", "", null),
                new Case("hdr mismatch", hdr, new Behaviour.Http(200, null, Map.of("X-Status", "draining"), "",
                        Delay.NONE), "L7STS", "200", "OK", "Layer7 wrong status"),
                new Case("hdr timeout", hdr, Behaviour.hang(), "L7TOUT", null, "", "Layer7 timeout"),
                new Case("hdr refused", hdr, Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("hdr close before the answer", hdr, new Behaviour.Close(Delay.NONE), "L7RSP", null,
                        "", "Layer7 invalid response"),
                // the default check: a connect
                new Case("connect pass", List.of(), Behaviour.hang(), "L4OK", null, "", null),
                new Case("connect refused", List.of(), Behaviour.refuse(), "L4CON", null, "Connection refused",
                        "Layer4 connection problem"),
                new Case("connect timeout", List.of(), Behaviour.blackhole(), "L4TOUT", null, "", "Layer4 timeout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsWhatHaproxyReports(Case c) {
        Simulation sim = Simulation.builder(HaproxyConfig.parse("test.cfg", config(c, "10.0.0.1:6379", "1s")))
                .script("app_backend/web01", ServerScript.of(c.backend())).build();

        sim.runFor(Duration.ofMillis(1500));

        CheckOutcome first = sim.timeline().checks("app_backend/web01").get(0).outcome();
        assertOutcome(c, first);
        if (c.reason() != null) {
            assertThat(sim.timeline().logLines().get(0)).isEqualTo("t=" + first.durationMillis() + "ms "
                    + downLine(c, first.durationMillis()));
        } else {
            assertThat(sim.timeline().logLines()).isEmpty();
        }
    }

    @org.junit.jupiter.api.Test
    void aScriptForOnePortAnswersConnectionsToThatPortOnly() {
        // tcp-check talks to the server's port, then to port 9999 of the same host: each has its own script
        Simulation sim = Simulation.builder(HaproxyConfig.parse("test.cfg", """
                backend app_backend
                    option tcp-check
                    tcp-check connect
                    tcp-check send PING\\r\\n
                    tcp-check expect string PONG
                    tcp-check connect port 9999
                    tcp-check send STATUS\\n
                    tcp-check expect string ready
                    server web01 10.0.0.1:6379 check inter 1s fall 1
                """))
                .script("app_backend/web01", ServerScript.of(dialogue(false, ex("PING\r\n", "+PONG\r\n"))))
                .script("app_backend/web01:9999", ServerScript.of(dialogue(false, ex("STATUS\n", "ready\n"))))
                .build();

        sim.runFor(Duration.ofMillis(500));

        // the server's own script would never answer STATUS: the check passes only through the port's script
        CheckOutcome outcome = sim.timeline().checks("app_backend/web01").get(0).outcome();
        assertThat(outcome.status().tag() + " " + outcome.info()).isEqualTo("L7OK (tcp-check)");
    }

    /** The case's backend section with one server at {@code address}, {@code fall 1}. */
    static String config(Case c, String address, String inter) {
        StringBuilder cfg = new StringBuilder("backend app_backend\n");
        c.check().forEach(line -> cfg.append("    ").append(line).append('\n'));
        return cfg.append("    server web01 ").append(address).append(" check inter ").append(inter)
                .append(" fall 1\n").toString();
    }

    static void assertOutcome(Case c, CheckOutcome outcome) {
        assertThat(outcome.status().tag()).isEqualTo(c.status());
        assertThat(outcome.status().hasCode() ? Integer.toString(outcome.code()) : null).isEqualTo(c.code());
        assertThat(outcome.info()).isEqualTo(c.info());
    }

    /** The line HAProxy logs when the case's failure takes the server DOWN. */
    static String downLine(Case c, long durationMillis) {
        String info = c.info().isEmpty() ? "" : ", info: \"" + c.info() + "\"";
        String code = c.code() == null ? "" : ", code: " + c.code();
        return DOWN + c.reason() + code + info + ", check duration: " + durationMillis + "ms" + COUNTS;
    }

    @Test
    void aHeaderRuleFindsAHeaderBehindMany() {
        java.util.LinkedHashMap<String, String> headers = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            headers.put("X-Filler-" + i, "v" + i);
        }
        headers.put("X-Status", "ready");
        Simulation sim = Simulation.builder(HaproxyConfig.parse("test.cfg", config(new Case("hdr", List.of(
                        "option httpchk GET /health", "http-check expect hdr name x-status value ready"),
                        Behaviour.hang(), "", null, "", null), "10.0.0.1:80", "1s")))
                .script("app_backend/web01", ServerScript.of(new Behaviour.Http(200, null, headers, "", Delay.NONE)))
                .build();

        sim.runFor(Duration.ofMillis(500));

        assertThat(sim.timeline().checks("app_backend/web01").get(0).outcome().status().tag()).isEqualTo("L7OK");
    }

    @Test
    void anAgentIsScriptedOnItsPortApartFromTheServer() {
        HaproxyConfig config = HaproxyConfig.parse("test.cfg", """
                backend app_backend
                    option httpchk GET /health
                    option log-health-checks
                    server web01 10.0.0.1:80 check inter 1s agent-check agent-port 9101 agent-inter 1s
                """);
        Simulation sim = Simulation.builder(config)
                .script("app_backend/web01", ServerScript.of(Behaviour.http(200)))
                .script("app_backend/web01:9101", ServerScript.of(new Behaviour.Tcp(ascii("drain\n"), Delay.NONE,
                        true, true)))
                .build();

        sim.runFor(Duration.ofMillis(1200));

        assertThat(sim.timeline().checks("app_backend/web01")).extracting(c -> c.outcome().status().tag())
                .containsExactly("L7OK", "L7OK");
        assertThat(sim.timeline().logLines()).containsExactly(
                "t=0ms Health check for server app_backend/web01 succeeded, reason: Layer7 check passed, code: 200,"
                        + " check duration: 0ms, status: 3/3 UP.",
                "t=500ms Server app_backend/web01 enters drain state. 0 active and 0 backup servers online."
                        + " 0 sessions requeued, 0 total in queue.",
                "t=500ms backend app_backend has no server available!");
        assertThat(sim.server("app_backend/web01").orElseThrow().statusText()).isEqualTo("DRAIN (agent)");
        assertThatThrownBy(() -> Simulation.builder(config).script("app_backend/web02:9101",
                ServerScript.of(Behaviour.hang())).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server: 'app_backend/web02:9101' (expected: one of [app_backend/web01]");
    }

    private static Behaviour.Dialogue dialogue(boolean close, Behaviour.Dialogue.Exchange... exchanges) {
        return new Behaviour.Dialogue(List.of(exchanges), close);
    }

    private static Behaviour.Dialogue.Exchange ex(String await, String reply) {
        return new Behaviour.Dialogue.Exchange(ascii(await), ascii(reply), Delay.NONE);
    }

    private static Behaviour.Tcp tcpBanner(String hex, boolean close) {
        return new Behaviour.Tcp(HexFormat.of().parseHex(hex), Delay.NONE, close, true);
    }

    private static Behaviour.Tcp tcpReply(String hex) {
        return new Behaviour.Tcp(HexFormat.of().parseHex(hex), Delay.NONE, false, false);
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(ascii(text));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
