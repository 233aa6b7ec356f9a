package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.CheckOption;
import io.haprobe.config.ConnectOptions;
import io.haprobe.config.ExpectOptions;
import io.haprobe.config.TcpCheckRule;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Compiles the non-HTTP check options into {@link CheckProgram}s: {@code option tcp-check} with its rules, and
 * the rule sets HAProxy 2.6.12 builds for {@code ssl-hello-chk}, {@code redis-check}, {@code smtpchk},
 * {@code mysql-check}, {@code pgsql-check} and {@code ldap-check}. The request bytes, patterns, statuses and
 * info texts are those of HAProxy 2.6.12, checked against it on loopback (bytes captured, log lines compared).
 *
 * <p>Stateless and thread-safe.
 */
final class TcpCheckPrograms {

    /** Where the 4-byte UNIX time goes in the ClientHello: after the record, handshake and version headers. */
    static final int HELLO_TIME_OFFSET = 11;

    private static final byte[] SSL3_CLIENT_HELLO = sslv3ClientHello();
    private static final byte[] REDIS_PING = ascii("*1\r\n$4\r\nPING\r\n");
    private static final byte[] LDAP_BIND = HexFormat.of().parseHex("300C020101600702010304008000");

    private TcpCheckPrograms() {
    }

    /**
     * Compiles a check option.
     *
     * @param option     the option; never null
     * @param bufferSize {@code tune.bufsize}: a {@code tcp-check send} at least this long fails when reached
     * @return its program
     */
    static CheckProgram compile(CheckOption option, int bufferSize) {
        if (option instanceof CheckOption.TcpCheck tcpCheck) {
            return tcpCheck(tcpCheck.rules(), bufferSize);
        }
        if (option instanceof CheckOption.SslHelloChk) {
            return sslHelloChk();
        }
        if (option instanceof CheckOption.RedisCheck) {
            return redisCheck();
        }
        if (option instanceof CheckOption.SmtpChk smtp) {
            return smtpChk(smtp.command());
        }
        if (option instanceof CheckOption.MysqlCheck mysql) {
            return mysqlCheck(mysql.user(), mysql.post41());
        }
        if (option instanceof CheckOption.PgsqlCheck pgsql) {
            return pgsqlCheck(pgsql.user());
        }
        return ldapCheck();
    }

    /**
     * Compiles {@code option tcp-check}: an implicit connect first unless the first rule is a connect; no rules
     * at all is the plain connect check of spec §5.1 with tcp-check's failure texts.
     */
    static CheckProgram tcpCheck(List<TcpCheckRule> declared, int bufferSize) {
        List<CheckRule> rules = new ArrayList<>();
        if (declared.isEmpty() || !(declared.get(0) instanceof TcpCheckRule.Connect)) {
            rules.add(new CheckRule.Connect());
        }
        for (TcpCheckRule rule : declared) {
            rules.add(compile(rule, bufferSize));
        }
        return new CheckProgram(rules, true);
    }

    /** {@code option ssl-hello-chk} (spec §6.1). */
    static CheckProgram sslHelloChk() {
        return new CheckProgram(List.of(
                new CheckRule.Connect(),
                new CheckRule.Send(SSL3_CLIENT_HELLO, HELLO_TIME_OFFSET, 1, null),
                new CheckRule.ExpectContent(new ContentMatch.BinaryRegex(Pattern.compile("^1[56]")), false, 5,
                        CheckStatus.L6OK, CheckStatus.L6RSP, CheckStatus.L6TOUT, null, null, null, 2, null)),
                false);
    }

    /** {@code option redis-check}: {@code PING}, then {@code +PONG\r\n}; the first line of another answer is the info. */
    static CheckProgram redisCheck() {
        return new CheckProgram(List.of(
                new CheckRule.Connect(),
                new CheckRule.Send(REDIS_PING, -1, 1, null),
                new CheckRule.ExpectContent(new ContentMatch.Text(ascii("+PONG\r\n")), false, -1, null,
                        CheckStatus.L7STS, null, new ResponseText.Literal("Redis server is ok"),
                        new ResponseText.Line(0, false), null, 2, null)),
                false);
    }

    /**
     * {@code option smtpchk}: the banner, the greeting's answer, then {@code QUIT} and its answer, whose code
     * and text are the result (HAProxy 2.6 ends the SMTP session gracefully; verified on 2.6.12).
     */
    static CheckProgram smtpChk(String command) {
        ResponseText afterCode = new ResponseText.Line(4, true);
        ResponseCode code = new ResponseCode.Digits(0, 3);
        return new CheckProgram(List.of(
                new CheckRule.Connect(0, null, 0, true, false, 1, null, ConnectOptions.DEFAULT),
                new CheckRule.ExpectContent(regex("^[0-9]{3}[ \r]"), false, 4, null, CheckStatus.L7RSP, null, null,
                        new ResponseText.Line(0, false), null, 2, null),
                new CheckRule.ExpectContent(regex("^2[0-9]{2}[ \r]"), false, 4, null, CheckStatus.L7STS, null, null,
                        afterCode, code, 3, null),
                new CheckRule.Send(ascii(command + "\r\n"), -1, 4, null),
                new CheckRule.ExpectContent(regex("^(2[0-9]{2}-[^\r]*\r\n)*2[0-9]{2}[ \r]"), false, -1, null,
                        CheckStatus.L7STS, null, null, afterCode, code, 5, null),
                new CheckRule.Send(ascii("QUIT\r\n"), -1, 6, null),
                new CheckRule.ExpectContent(regex("^2[0-9]{2}[- \r]"), false, 4, null, CheckStatus.L7STS, null,
                        afterCode, afterCode, code, 7, null)),
                false);
    }

    /**
     * {@code option mysql-check}: the server's handshake; with a user, a login packet with an empty password
     * and {@code COM_QUIT}, then the answer to it. The success info is the server version.
     */
    static CheckProgram mysqlCheck(String user, boolean post41) {
        List<CheckRule> rules = new ArrayList<>();
        rules.add(new CheckRule.Connect(0, null, 0, true, false, 1, null, ConnectOptions.DEFAULT));
        if (user == null) {
            rules.add(new CheckRule.ExpectCustom(new MysqlPacket(false), null, 2));
            return new CheckProgram(rules, false);
        }
        rules.add(new CheckRule.Send(mysqlLogin(user, post41), -1, 2, null));
        rules.add(new CheckRule.ExpectCustom(new MysqlPacket(false), null, 3));
        rules.add(new CheckRule.ExpectCustom(new MysqlPacket(true), null, 4));
        return new CheckProgram(rules, false);
    }

    /** {@code option pgsql-check user <name>}: a startup packet, then an authentication request (spec-less; 2.6.12). */
    static CheckProgram pgsqlCheck(String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        int length = 15 + name.length;
        packet.writeBytes(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
                (byte) length, 0, 3, 0, 0});
        packet.writeBytes(ascii("user\0"));
        packet.writeBytes(name);
        packet.writeBytes(new byte[] {0, 0});
        return new CheckProgram(List.of(
                new CheckRule.Connect(0, null, 0, true, false, 1, null, ConnectOptions.DEFAULT),
                new CheckRule.Send(packet.toByteArray(), -1, 2, null),
                new CheckRule.ExpectContent(regex("^E"), true, 5, null, CheckStatus.L7RSP, null, null,
                        new ResponseText.CString(6), null, 3, null),
                new CheckRule.ExpectContent(new ContentMatch.BinaryRegex(
                        Pattern.compile("^52000000(08|0A|0C)000000(00|02|03|04|05|06)")), false, 9, null,
                        CheckStatus.L7STS, null, new ResponseText.Literal("PostgreSQL server is ok"),
                        new ResponseText.Literal("PostgreSQL unknown error"), null, 4, null)),
                false);
    }

    /** {@code option ldap-check}: an anonymous bind, then a bind response with result code 0. */
    static CheckProgram ldapCheck() {
        return new CheckProgram(List.of(
                new CheckRule.Connect(),
                new CheckRule.Send(LDAP_BIND, -1, 1, null),
                new CheckRule.ExpectContent(new ContentMatch.BinaryRegex(Pattern.compile("^30")), false, 14, null,
                        null, null, null, new ResponseText.Literal(LdapBind.NOT_LDAP), null, 2, null),
                new CheckRule.ExpectCustom(new LdapBind(), null, 3)),
                false);
    }

    private static CheckRule compile(TcpCheckRule rule, int bufferSize) {
        if (rule instanceof TcpCheckRule.Connect connect) {
            return new CheckRule.Connect(connect.port(), connect.address(), connect.addressPort(), connect.linger(),
                    false, connect.step(), connect.comment(), connect.options());
        }
        if (rule instanceof TcpCheckRule.Send send) {
            CheckRule.SendError error = CheckRule.SendError.ofString(send.data().length, bufferSize, send.step(),
                    send.comment());
            return error != null ? error : new CheckRule.Send(send.data(), -1, send.step(), send.comment());
        }
        TcpCheckRule.Expect expect = (TcpCheckRule.Expect) rule;
        ContentMatch match = switch (expect.match()) {
            case STRING -> new ContentMatch.Text(expect.bytes());
            case BINARY -> new ContentMatch.Binary(expect.bytes());
            case RSTRING -> new ContentMatch.Regex(expect.regex());
            case RBINARY -> new ContentMatch.BinaryRegex(expect.regex());
        };
        ExpectOptions options = expect.options();
        return new CheckRule.ExpectContent(match, expect.inverse(), options.minRecv(), options.okStatus(),
                options.errorStatus(), options.timeoutStatus(),
                options.onSuccess() == null ? null : new ResponseText.Literal(options.onSuccess()),
                options.onError() == null ? null : new ResponseText.Literal(options.onError()),
                options.statusCode() == null ? null : new ResponseCode.Constant(options.statusCode()),
                expect.step(), options.comment());
    }

    private static ContentMatch regex(String expression) {
        return new ContentMatch.Regex(Pattern.compile(expression));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The 126-byte SSLv3 ClientHello of spec §6.1, with a zero UNIX time. */
    private static byte[] sslv3ClientHello() {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.writeBytes(HexFormat.of().parseHex("1603000079" + "01000075" + "0300" + "00000000"));
        hello.writeBytes(ascii("HAPROXYSSLCHK\nHAPROXYSSLCHK\n"));
        hello.writeBytes(HexFormat.of().parseHex("00" + "004E"));
        for (int suite = 0x01; suite <= 0x3A; suite++) {
            if (suite <= 0x1B || suite >= 0x2F) {
                hello.writeBytes(new byte[] {0, (byte) suite});
            }
        }
        hello.writeBytes(HexFormat.of().parseHex("0100"));
        return hello.toByteArray();
    }

    private static byte[] mysqlLogin(String user, boolean post41) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        int length = name.length + 7 + (post41 ? 27 : 0);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.writeBytes(new byte[] {(byte) length, (byte) (length >>> 8), (byte) (length >>> 16), 1});
        if (post41) {
            packet.writeBytes(HexFormat.of().parseHex("00820000" + "00800001" + "21"));
            packet.writeBytes(new byte[23]);
        } else {
            packet.writeBytes(HexFormat.of().parseHex("0080" + "000001"));
        }
        packet.writeBytes(name);
        packet.writeBytes(HexFormat.of().parseHex("00" + "00" + "010000" + "00" + "01"));
        return packet.toByteArray();
    }

    /**
     * A MySQL packet: the server's handshake (first packet) or the answer to the login (the packet after it).
     * An error packet ({@code 0xFF}) fails with {@code L7STS}, its error number as code and its message as
     * info; a truncated one fails with {@code L7RSP}; otherwise the info is the server version of the handshake.
     */
    private record MysqlPacket(boolean afterHandshake) implements CheckRule.ProtocolJudge {

        @Override
        public CheckVerdict judge(byte[] buffer, int length, boolean lastRead) {
            int offset = afterHandshake ? 4 + packetLength(buffer, 0) : 0;
            if (length < offset + 4 || length < offset + 4 + packetLength(buffer, offset)) {
                return lastRead ? new CheckVerdict(CheckStatus.L7RSP, 0, "") : null;
            }
            // a packet of length 0 has no first byte: HAProxy reads past the data there, here it is not an error
            if (length > offset + 4 && (buffer[offset + 4] & 0xFF) == 0xFF) {
                int error = length > offset + 6 ? (buffer[offset + 5] & 0xFF) | (buffer[offset + 6] & 0xFF) << 8 : 0;
                return new CheckVerdict(CheckStatus.L7STS, error, new ResponseText.CString(offset + 7).render(buffer,
                        length));
            }
            return new CheckVerdict(CheckStatus.L7OK, 0, new ResponseText.CString(5).render(buffer, length));
        }

        private static int packetLength(byte[] buffer, int offset) {
            return (buffer[offset] & 0xFF) | (buffer[offset + 1] & 0xFF) << 8 | (buffer[offset + 2] & 0xFF) << 16;
        }
    }

    /** An LDAPv3 bind response (RFC 4511 §4.2.2): result code 0 passes with {@code Success}. */
    private record LdapBind() implements CheckRule.ProtocolJudge {

        static final String NOT_LDAP = "Not LDAPv3 protocol";
        static final String SEE_RFC = "See RFC: http://tools.ietf.org/html/rfc4511#section-4.1.9";

        @Override
        public CheckVerdict judge(byte[] buffer, int length, boolean lastRead) {
            // HAProxy reads the length byte whatever arrived (its buffer is larger than the data); here a missing
            // byte reads as a short length, and the message check below fails on the missing bytes
            int size = length > 1 && (buffer[1] & 0x80) != 0 ? buffer[1] & 0x7F : 0;
            if (size > 2 || !at(buffer, length, 2 + size, 0x02, 0x01, 0x01, 0x61) || length <= size + 6) {
                return new CheckVerdict(CheckStatus.L7RSP, 0, NOT_LDAP);
            }
            size += (buffer[size + 6] & 0x80) != 0 ? buffer[size + 6] & 0x7F : 0;
            if (size > 4 || !at(buffer, length, 7 + size, 0x0A, 0x01) || length <= size + 9) {
                return new CheckVerdict(CheckStatus.L7RSP, 0, NOT_LDAP);
            }
            int result = buffer[size + 9] & 0xFF;
            if (result != 0) {
                return new CheckVerdict(CheckStatus.L7STS, result, SEE_RFC);
            }
            return new CheckVerdict(CheckStatus.L7OK, 0, "Success");
        }

        private static boolean at(byte[] buffer, int length, int offset, int... expected) {
            if (offset + expected.length > length) {
                return false;
            }
            for (int i = 0; i < expected.length; i++) {
                if ((buffer[offset + i] & 0xFF) != expected[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
