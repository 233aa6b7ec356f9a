package io.haprobe.config;

import io.haprobe.CheckStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses one {@code http-check ...} line of a backend, listen or defaults section into its
 * {@link HttpCheckSettings} (CFG §4.2 {@code http-check connect|send|expect|comment|disable-on-404|send-state};
 * spec §4.2, §4.5). Errors are {@link ConfigException}s at the offending token, with HAProxy's wording where it
 * has one; options haprobe does not apply are {@link ConfigWarning}s.
 *
 * <p>Single-use per line, not thread-safe.
 */
final class HttpCheckParser {

    private static final Set<String> EXPECT_OPTIONS = Set.of("min-recv", "comment", "ok-status", "error-status",
            "tout-status", "on-success", "on-error", "status-code");
    private static final Set<String> EXPECT_UNSUPPORTED_MATCHES = Set.of("string-lf", "rstring-lf");
    private static final Set<String> CONNECT_UNSUPPORTED_FLAGS = Set.of("via-socks4");
    private static final Set<String> CONNECT_UNSUPPORTED_OPTIONS = Set.of("proto");
    private static final Map<String, CheckStatus> OK_STATUSES = Map.of("L4OK", CheckStatus.L4OK,
            "L6OK", CheckStatus.L6OK, "L7OK", CheckStatus.L7OK, "L7OKC", CheckStatus.L7OKC);
    private static final Map<String, CheckStatus> ERROR_STATUSES = Map.of("L4CON", CheckStatus.L4CON,
            "L6RSP", CheckStatus.L6RSP, "L7RSP", CheckStatus.L7RSP, "L7STS", CheckStatus.L7STS,
            "L7OKC", CheckStatus.L7OKC);
    private static final Map<String, CheckStatus> TIMEOUT_STATUSES = Map.of("L4TOUT", CheckStatus.L4TOUT,
            "L6TOUT", CheckStatus.L6TOUT, "L7TOUT", CheckStatus.L7TOUT);
    private static final Pattern INT_SAMPLE = Pattern.compile("int\\((-?[0-9]{1,9})\\)");
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final TcpCheckSettings.Context in;
    private final HttpCheckSettings http;
    private final List<ConfigToken> tokens;

    /**
     * Creates a parser for one line.
     *
     * @param in     the line's place, messages and warnings; never null
     * @param tokens the line's tokens, {@code http-check} first; never null
     * @param http   the section's HTTP check; never null
     */
    HttpCheckParser(TcpCheckSettings.Context in, List<ConfigToken> tokens, HttpCheckSettings http) {
        this.in = in;
        this.tokens = tokens;
        this.http = http;
    }

    /**
     * Adds a request header the way HAProxy does: {@code content-length}, {@code transfer-encoding} and
     * empty values are dropped, and a second {@code host} is an error.
     *
     * @param headers   the headers so far; never null
     * @param name      the name as written; never null
     * @param value     the value; never null
     * @param at        where the header was written; never null
     * @param directive the directive for messages, e.g. {@code http-check send}; never null
     * @throws ConfigException for a second Host header
     */
    static void addHeader(List<HttpHeader> headers, String name, String value, SourceLocation at, String directive) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("content-length") || lower.equals("transfer-encoding") || value.isEmpty()) {
            return;
        }
        if (lower.equals("host")) {
            for (HttpHeader header : headers) {
                if (header.name().equalsIgnoreCase("host")) {
                    throw new ConfigException(at, "'" + directive + "': '" + name
                            + "' header already defined (previous value is '" + header.value() + "')");
                }
            }
        }
        headers.add(new HttpHeader(name, value));
    }

    /**
     * Parses the line into the section's HTTP check.
     *
     * @throws ConfigException if the line is malformed
     */
    void parse() {
        ConfigToken action = argument(1);
        switch (action.text()) {
            case "connect" -> parseConnect();
            case "send" -> parseSend();
            case "expect" -> parseExpect();
            case "comment" -> {
                String text = argument(2).text();
                noMoreArguments(3);
                http.ownRule(at(tokens.get(0)));
                http.comment(text);
            }
            case "set-var", "unset-var" -> {
                http.ownRule(at(tokens.get(0)));
                warn(action, "'http-check " + action.text() + "' is not supported yet, rule ignored");
            }
            case "disable-on-404" -> {
                noMoreArguments(2);
                http.disableOn404();
            }
            case "send-state" -> {
                noMoreArguments(2);
                http.sendState();
            }
            default -> throw error(action, "'http-check' only supports 'comment', 'connect', 'send', 'expect',"
                    + " 'set-var', 'unset-var', 'disable-on-404' and 'send-state' but got '" + action.text() + "'");
        }
    }

    private void parseConnect() {
        SourceLocation location = at(tokens.get(0));
        int port = 0;
        String address = null;
        boolean linger = false;
        String comment = null;
        ConnectOptionReader options = new ConnectOptionReader();
        for (int i = 2; i < tokens.size(); i++) {
            int last = options.read(tokens, i, "http-check connect", in);
            if (last >= 0) {
                i = last;
                continue;
            }
            ConfigToken arg = tokens.get(i);
            String word = arg.text();
            switch (word) {
                case "linger" -> linger = true;
                case "comment" -> comment = argument(++i).text();
                case "port" -> port = connectPort(argument(++i));
                case "addr" -> {
                    ConfigToken value = argument(++i);
                    String[] hostAndPort = ipAndPort(value);
                    address = hostAndPort[0];
                    if (!hostAndPort[1].isEmpty() && port == 0) {
                        port = connectPort(new ConfigToken(hostAndPort[1], value.column()));
                    }
                }
                default -> {
                    if (CONNECT_UNSUPPORTED_FLAGS.contains(word)) {
                        warn(arg, "'http-check connect " + word + "' is not supported yet, ignored");
                    } else if (CONNECT_UNSUPPORTED_OPTIONS.contains(word)) {
                        argument(++i);
                        warn(arg, "'http-check connect " + word + "' is not supported yet, ignored");
                    } else {
                        throw error(arg, "'http-check connect': expects 'comment', 'port', 'addr', 'send-proxy',"
                                + " 'ssl', 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got '" + word
                                + "' as argument");
                    }
                }
            }
        }
        http.ownRule(location);
        sequence(HttpCheckSettings.Kind.CONNECT);
        http.connect(new HttpConnect(port, address, linger, comment, location, options.options()));
    }

    private void parseSend() {
        SourceLocation location = at(tokens.get(0));
        String method = null;
        String uri = null;
        String version = null;
        String body = null;
        List<HttpHeader> headers = new ArrayList<>();
        String unsupported = null;
        for (int i = 2; i < tokens.size(); i++) {
            ConfigToken arg = tokens.get(i);
            switch (arg.text()) {
                case "meth" -> method = requireNonEmpty(argument(++i), "http-check send meth");
                case "uri" -> uri = requireNonEmpty(argument(++i), "http-check send uri");
                case "ver" -> version = requireNonEmpty(argument(++i), "http-check send ver");
                case "body" -> body = argument(++i).text();
                case "comment" -> argument(++i);
                case "uri-lf", "body-lf" -> {
                    argument(++i);
                    unsupported = arg.text();
                }
                case "hdr" -> {
                    ConfigToken name = argument(++i);
                    ConfigToken value = argument(++i);
                    if (name.text().isEmpty()) {
                        throw error(name, "'http-check send': empty header name");
                    }
                    addHeader(headers, name.text(), value.text(), at(name), "http-check send");
                }
                default -> throw error(arg, "'http-check send' only supports 'comment', 'meth', 'uri', 'uri-lf',"
                        + " 'ver', 'hdr', 'body' or 'body-lf' but got '" + arg.text() + "'");
            }
        }
        http.ownRule(location);
        if (unsupported != null) {
            warn(tokens.get(1), "'http-check send " + unsupported + "' is not supported yet, rule ignored");
            return;
        }
        sequence(HttpCheckSettings.Kind.SEND);
        http.send(new HttpCheckSettings.SendParts(method, uri, version, headers, body, location));
    }

    private void parseExpect() {
        SourceLocation location = at(tokens.get(0));
        ExpectBuilder b = new ExpectBuilder();
        for (int i = 2; i < tokens.size(); i++) {
            ConfigToken arg = tokens.get(i);
            String word = arg.text();
            int bangs = 0;
            while (bangs < word.length() && word.charAt(bangs) == '!') {
                bangs++;
            }
            b.inverse ^= (bangs % 2) == 1;
            word = word.substring(bangs);
            if (word.isEmpty()) {
                continue;
            }
            if (EXPECT_OPTIONS.contains(word) && bangs == 0) {
                expectOption(b, word, argument(++i));
                continue;
            }
            if (b.match != null || b.ignoredMatch != null) {
                throw error(arg, "'http-check expect': unexpected argument '" + arg.text() + "'");
            }
            if (EXPECT_UNSUPPORTED_MATCHES.contains(word)) {
                b.ignoredMatch = arg;
                argument(++i);
                continue;
            }
            b.match = expectMatch(arg, word);
            if (b.match == HttpExpect.Match.HDR || b.match == HttpExpect.Match.FHDR) {
                i = headerMatch(b, i);
            } else {
                b.pattern = argument(++i);
            }
        }
        if (b.match == null && b.ignoredMatch == null) {
            throw error(tokens.get(1), "'http-check expect' expects at least a matching pattern as arguments");
        }
        http.ownRule(location);
        if (b.ignoredMatch != null) {
            warn(b.ignoredMatch, "'http-check expect " + b.ignoredMatch.text().replace("!", "")
                    + "' is not supported yet, rule ignored");
            return;
        }
        if (b.unsupported != null) {
            warn(b.unsupported, "'http-check expect' option '" + b.unsupported.text()
                    + "' is only supported with plain text or int(<n>) yet, rule ignored");
            return;
        }
        sequence(HttpCheckSettings.Kind.EXPECT);
        List<StatusRange> statuses = b.match == HttpExpect.Match.STATUS ? parseStatuses(b.pattern) : List.of();
        Pattern regex = b.match == HttpExpect.Match.RSTATUS || b.match == HttpExpect.Match.RSTRING
                ? compile(b.match.keyword(), b.pattern) : null;
        HttpExpect.Options options = new HttpExpect.Options(b.comment, b.okStatus, b.errorStatus, b.timeoutStatus,
                b.onSuccess, b.onError, b.statusCode, b.minRecv);
        http.expect(new HttpExpect(b.inverse, b.match, b.pattern.text(), statuses, regex, b.header, options,
                location));
    }

    private void expectOption(ExpectBuilder b, String option, ConfigToken value) {
        switch (option) {
            case "min-recv" -> b.minRecv = ConfigValues.parseInt(in.file(), in.line(), "min-recv", value, -1, Integer.MAX_VALUE);
            case "comment" -> b.comment = value.text();
            case "ok-status" -> b.okStatus = status(value, option, OK_STATUSES,
                    "'L4OK', 'L6OK', 'L7OK' or 'L7OKC'");
            case "error-status" -> b.errorStatus = status(value, option, ERROR_STATUSES,
                    "'L4CON', 'L6RSP', 'L7RSP' or 'L7STS'");
            case "tout-status" -> b.timeoutStatus = status(value, option, TIMEOUT_STATUSES,
                    "'L4TOUT', 'L6TOUT' or 'L7TOUT'");
            case "on-success", "on-error" -> {
                if (value.text().indexOf('%') >= 0) {
                    b.unsupported = b.unsupported != null ? b.unsupported : tokenBefore(value);
                } else if (option.equals("on-success")) {
                    b.onSuccess = value.text();
                } else {
                    b.onError = value.text();
                }
            }
            case "status-code" -> {
                Matcher m = INT_SAMPLE.matcher(value.text());
                if (m.matches()) {
                    b.statusCode = Integer.parseInt(m.group(1));
                } else if (!value.text().isEmpty() && Character.isDigit(value.text().charAt(0))) {
                    throw error(value, "'http-check expect': error detected while parsing status-code expression :"
                            + " unknown fetch method '" + value.text() + "'");
                } else {
                    b.unsupported = b.unsupported != null ? b.unsupported : tokenBefore(value);
                }
            }
            default -> throw new IllegalStateException("unhandled expect option: " + option);
        }
    }

    private CheckStatus status(ConfigToken value, String option, Map<String, CheckStatus> allowed, String list) {
        CheckStatus status = allowed.get(value.text());
        if (status == null) {
            throw error(value, "'http-check expect': '" + option + "' only supports " + list + " status (got '"
                    + value.text() + "')");
        }
        return status;
    }

    /** Parses {@code name [-m <meth>] <pattern> [value [-m <meth>] <pattern>]} after hdr/fhdr; returns the last index. */
    private int headerMatch(ExpectBuilder b, int index) {
        String kind = b.match.keyword();
        int i = index + 1;
        if (i >= tokens.size() || !tokens.get(i).is("name") || i + 1 >= tokens.size()) {
            throw error(i < tokens.size() ? tokens.get(i) : tokens.get(index), "'http-check expect': '" + kind
                    + "' expects at the name keyword as first argument followed by a pattern");
        }
        HttpExpect.Method nameMethod = HttpExpect.Method.STR;
        i++;
        if (tokens.get(i).is("-m")) {
            nameMethod = method(kind, argument(i + 1));
            i += 2;
        }
        ConfigToken namePattern = argument(i);
        b.pattern = namePattern;
        HttpExpect.TextMatch name = textMatch(nameMethod, namePattern);
        HttpExpect.TextMatch value = null;
        if (i + 1 < tokens.size() && tokens.get(i + 1).is("value")) {
            i += 2;
            if (i >= tokens.size()) {
                throw error(tokens.get(i - 1), "'http-check expect': '" + kind
                        + "' expect a pattern with the value keyword");
            }
            HttpExpect.Method valueMethod = HttpExpect.Method.STR;
            if (tokens.get(i).is("-m")) {
                valueMethod = method(kind, argument(i + 1));
                i += 2;
            }
            value = textMatch(valueMethod, argument(i));
        }
        b.header = new HttpExpect.HeaderMatch(name, value);
        return i;
    }

    private HttpExpect.Method method(String kind, ConfigToken token) {
        for (HttpExpect.Method method : HttpExpect.Method.values()) {
            if (method.keyword().equals(token.text())) {
                return method;
            }
        }
        throw error(token, "'http-check expect': '" + kind + "' : '-m' only supports 'str', 'beg', 'end', 'sub'"
                + " or 'reg' (got '" + token.text() + "')");
    }

    private HttpExpect.TextMatch textMatch(HttpExpect.Method method, ConfigToken pattern) {
        Pattern regex = method == HttpExpect.Method.REG ? compile("-m reg", pattern) : null;
        return new HttpExpect.TextMatch(method, pattern.text(), regex);
    }

    private HttpExpect.Match expectMatch(ConfigToken arg, String word) {
        for (HttpExpect.Match candidate : HttpExpect.Match.values()) {
            if (candidate.keyword().equals(word)) {
                return candidate;
            }
        }
        throw error(arg, "'http-check expect' only supports min-recv, comment, ok-status, error-status,"
                + " tout-status, on-success, on-error, status-code, [!]status, [!]rstatus, [!]string,"
                + " [!]rstring, [!]string-lf, [!]hdr and [!]fhdr but got '" + arg.text() + "'");
    }

    private List<StatusRange> parseStatuses(ConfigToken pattern) {
        List<StatusRange> ranges = new ArrayList<>();
        for (String item : pattern.text().split(",", -1)) {
            int dash = item.indexOf('-');
            String low = dash < 0 ? item : item.substring(0, dash);
            String high = dash < 0 ? item : item.substring(dash + 1);
            int lowCode = statusCode(low);
            int highCode = statusCode(high);
            if (lowCode < 0 || highCode < lowCode) {
                throw ConfigValues.invalid(in.file(), in.line(), "status", pattern, "codes and ranges such as 200,301-302");
            }
            ranges.add(new StatusRange(lowCode, highCode));
        }
        return ranges;
    }

    private Pattern compile(String keyword, ConfigToken pattern) {
        return in.regex(pattern, keyword);
    }

    private int connectPort(ConfigToken value) {
        String text = value.text();
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long port = text.length() > 6 ? Long.MAX_VALUE : Long.parseLong(text);
            if (port < 1 || port > 65535) {
                throw error(value, "'http-check connect': expects a valid TCP port (from range 1 to 65535) or a"
                        + " sample expression, got " + text);
            }
            return (int) port;
        }
        warn(value, "'http-check connect port' with a sample expression is not supported yet, the server's check"
                + " port is used");
        return 0;
    }

    /** Splits {@code ipv4[:port]}, {@code [ipv6][:port]} or a bare IPv6 literal. */
    private String[] ipAndPort(ConfigToken value) {
        String text = value.text();
        String host = text;
        String port = "";
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close > 0 && (close + 1 == text.length() || text.charAt(close + 1) == ':')) {
                host = text.substring(1, close);
                port = close + 1 < text.length() ? text.substring(close + 2) : "";
            }
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (!IPV4.matcher(host).matches() && !IPV6.matcher(host).matches()) {
            throw error(value, "'http-check connect': 'addr' : invalid address: '" + text + "' in '" + text + "'");
        }
        return new String[] {host, port};
    }

    private void sequence(HttpCheckSettings.Kind kind) {
        String problem = http.sequenceError(kind);
        if (problem != null) {
            throw error(tokens.get(1), "'http-check " + kind.keyword() + "': " + problem);
        }
    }

    private void noMoreArguments(int from) {
        if (tokens.size() > from) {
            throw error(tokens.get(from), "'http-check' cannot handle unexpected argument '"
                    + tokens.get(from).text() + "'");
        }
    }

    private ConfigToken tokenBefore(ConfigToken value) {
        return tokens.get(tokens.indexOf(value) - 1);
    }

    private ConfigToken argument(int index) {
        return in.argument(tokens, index);
    }

    private String requireNonEmpty(ConfigToken token, String what) {
        return in.requireNonEmpty(token, what);
    }

    private void warn(ConfigToken token, String message) {
        in.warn(token, message);
    }

    private ConfigException error(ConfigToken token, String detail) {
        return in.error(token, detail);
    }

    private SourceLocation at(ConfigToken token) {
        return in.location(token);
    }

    private static int statusCode(String digits) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    /** The parts of an expect rule while its line is read. */
    private static final class ExpectBuilder {
        boolean inverse;
        HttpExpect.Match match;
        ConfigToken pattern;
        ConfigToken ignoredMatch;
        ConfigToken unsupported;
        HttpExpect.HeaderMatch header;
        String comment;
        CheckStatus okStatus;
        CheckStatus errorStatus;
        CheckStatus timeoutStatus;
        String onSuccess;
        String onError;
        Integer statusCode;
        int minRecv = -1;
    }
}
