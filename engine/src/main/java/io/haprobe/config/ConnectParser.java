package io.haprobe.config;

import java.util.List;

/**
 * Parses the options of {@code tcp-check connect} and {@code http-check connect}, the one way for both, as
 * HAProxy parses both with {@code parse_tcpcheck_connect} (tcpcheck.c; CFG §4.2; spec §5.2): {@code default},
 * {@code port}, {@code addr}, {@code send-proxy}, {@code via-socks4}, {@code ssl}, {@code sni}, {@code alpn},
 * {@code proto}, {@code linger}, {@code comment}. Errors use HAProxy's words with the directive first.
 *
 * <table>
 *   <caption>What is not applied</caption>
 *   <tr><th>option</th><th>what haprobe does</th></tr>
 *   <tr><td>{@code port <sample expression>}</td><td>warned, the server's check port is used; an expression
 *       that cannot name a fetch method (it does not start with a letter) is an error, as in HAProxy</td></tr>
 *   <tr><td>{@code addr <host name>}</td><td>an error: names are not resolved (HAProxy resolves them)</td></tr>
 *   <tr><td>{@code via-socks4}, {@code proto <name>}</td><td>warned and ignored</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
final class ConnectParser {

    private ConnectParser() {
    }

    /**
     * Parses the options of a connect line.
     *
     * @param tokens    the line: {@code tcp-check connect ...} or {@code http-check connect ...}; never null
     * @param directive {@code tcp-check connect} or {@code http-check connect}, for messages; never null
     * @param in        the line's place, errors and warnings; never null
     * @return the options read
     * @throws ConfigException if an option is unknown or its value is missing or bad
     */
    static Connect parse(List<ConfigToken> tokens, String directive, ParseContext in) {
        int port = 0;
        String address = null;
        int addressPort = 0;
        boolean linger = false;
        String comment = null;
        boolean useDefault = false;
        boolean sendProxy = false;
        boolean ssl = false;
        String sni = null;
        List<String> alpn = List.of();
        for (int i = 2; i < tokens.size(); i++) {
            ConfigToken option = tokens.get(i);
            switch (option.text()) {
                case "default" -> useDefault = true;
                case "send-proxy" -> sendProxy = true;
                case "ssl" -> ssl = true;
                case "linger" -> linger = true;
                case "sni" -> sni = in.value(tokens, ++i).text();
                case "alpn" -> alpn = ConfigValues.alpn(in.file(), in.line(), directive + " alpn",
                        in.argument(tokens, ++i));
                case "comment" -> comment = in.value(tokens, ++i).text();
                case "port" -> port = port(in.value(tokens, ++i), directive, in);
                case "addr" -> {
                    ConfigToken value = in.value(tokens, ++i);
                    Addresses.Parts parts = Addresses.split(value.text());
                    String literal = Addresses.ipLiteral(parts.host(), parts.prefix());
                    if (literal == null) {
                        throw in.error(value, "'" + directive + "': 'addr' : invalid address: '" + parts.host()
                                + "' in '" + value.text() + "'");
                    }
                    address = literal.isEmpty() ? null : literal;
                    addressPort = addressPort(parts.port(), value, directive, in);
                }
                case "via-socks4" -> in.warn(option, "'" + directive + " via-socks4' is not supported yet, ignored");
                case "proto" -> {
                    in.value(tokens, ++i);
                    in.warn(option, "'" + directive + " proto' is not supported yet, ignored");
                }
                default -> throw in.error(option, "'" + directive + "': expects 'comment', 'port', 'addr',"
                        + " 'send-proxy', 'ssl', 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got '"
                        + option.text() + "' as argument");
            }
        }
        return new Connect(port, address, addressPort, linger, comment,
                new ConnectOptions(useDefault, ssl, sni, alpn, sendProxy));
    }

    /** HAProxy's {@code port}: a number 1..65535, else a sample expression. */
    private static int port(ConfigToken value, String directive, ParseContext in) {
        String text = value.text();
        if (!text.chars().allMatch(HaproxyTime::isDigit)) {
            SampleExpressions.requireFetch(value, "port", directive, in);
            in.warn(value, "'" + directive + " port' with a sample expression is not supported yet, the server's"
                    + " check port is used");
            return 0;
        }
        long port = HaproxyTime.parseSaturated(text);
        if (port < 1 || port > 65535) {
            throw in.error(value, "'" + directive + "': expects a valid TCP port (from range 1 to 65535) or a sample"
                    + " expression, got " + text);
        }
        return (int) port;
    }

    /**
     * The port of {@code addr ip:port}, read as {@code str2sa_range} reads it where neither a range nor an
     * offset is allowed: leading digits up to 65535 (what follows them is ignored), or nothing for none.
     */
    private static int addressPort(String port, ConfigToken value, String directive, ParseContext in) {
        String where = "'" + directive + "': 'addr' : ";
        if (port.isEmpty()) {
            return 0;
        }
        char first = port.charAt(0);
        if (first == '+' || first == '-') {
            throw in.error(value, where + "port offset not permitted here in '" + value.text() + "'");
        }
        if (!HaproxyTime.isDigit(first)) {
            throw in.error(value, where + "invalid character '" + first + "' in port number '" + port + "' in '"
                    + value.text() + "'");
        }
        if (port.indexOf('-') >= 0) {
            throw in.error(value, where + "port range not permitted here in '" + value.text() + "'");
        }
        int end = 0;
        while (end < port.length() && HaproxyTime.isDigit(port.charAt(end))) {
            end++;
        }
        long number = HaproxyTime.parseSaturated(port.substring(0, end));
        if (number > 65535) {
            throw in.error(value, where + "invalid port '" + port + "'");
        }
        return (int) number;
    }

    /**
     * A connect line's options.
     *
     * @param port        {@code port}, 0 when absent or a sample expression
     * @param address     the IP literal of {@code addr}, or null when absent or an "any" address
     * @param addressPort the port of {@code addr}, 0 when none
     * @param linger      {@code linger}
     * @param comment     {@code comment}, or null
     * @param options     {@code default}, {@code ssl}, {@code sni}, {@code alpn}, {@code send-proxy}; never null
     */
    record Connect(int port, String address, int addressPort, boolean linger, String comment,
                   ConnectOptions options) {
    }
}
