package io.haprobe.testkit;

import io.haprobe.CheckOutcome;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every check kind against scripted backends: a pass, a mismatch, a timeout, a refused connect and a close before
 * the answer, each with the status, code and info HAProxy 2.6.12 reports for the same exchange (observed on
 * loopback) and the log line it prints. One table for both worlds: {@link CheckKindsSimulatedTest} plays it on
 * virtual time, {@link CheckKindsLiveTest} on real sockets through {@link LoopbackBackends}.
 */
final class CheckKinds {

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
        List<String> readsFirst = List.of("option tcp-check", "tcp-check expect string +OK");
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
                // a tcp server without banner answers the check's first bytes: one that reads first gets nothing
                new Case("tcp-check reading first, a server waiting for bytes", readsFirst, new Behaviour.Tcp(
                        ascii("+OK ready\r\n"), Delay.NONE, false, false), "L7TOUT", null,
                        " at step 1 of tcp-check (expect string '+OK')", "Layer7 timeout"),
                new Case("tcp-check reading first, a banner", readsFirst, new Behaviour.Tcp(ascii("+OK ready\r\n"),
                        Delay.NONE, false, true), "L7OK", "0", "(tcp-check)", null),
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

    private static Behaviour.Dialogue dialogue(boolean close, Behaviour.Dialogue.Exchange... exchanges) {
        return new Behaviour.Dialogue(List.of(exchanges), close, false);
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

    private CheckKinds() {
    }
}
