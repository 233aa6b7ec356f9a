package io.haprobe.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    private static final String EXPECT = "http-check expect";

    private final ParseContext in;
    private final HttpCheckSettings http;
    private final List<ConfigToken> tokens;

    /**
     * Creates a parser for one line.
     *
     * @param in     the line's place, messages and warnings; never null
     * @param tokens the line's tokens, {@code http-check} first; never null
     * @param http   the section's HTTP check; never null
     */
    HttpCheckParser(ParseContext in, List<ConfigToken> tokens, HttpCheckSettings http) {
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
        // set-var(check.name), set-var-fmt(check.name), unset-var(check.name), as tcp-check takes them
        String word = action.text().matches("(set-var|set-var-fmt|unset-var)\\(.*")
                ? action.text().substring(0, action.text().indexOf('(')).replace("set-var-fmt", "set-var")
                : action.text();
        switch (word) {
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
        ConnectParser.Connect connect = ConnectParser.parse(tokens, "http-check connect", in);
        http.ownRule(location);
        sequence(HttpCheckSettings.Kind.CONNECT);
        http.connect(new HttpConnect(connect.port() != 0 ? connect.port() : connect.addressPort(), connect.address(),
                connect.linger(), connect.comment(), location, connect.options()));
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
        HttpPattern pattern = new HttpPattern();
        ExpectParser.Expect expect = ExpectParser.parse(tokens, EXPECT, pattern, in);
        http.ownRule(location);
        if (expect == null) {
            return;
        }
        sequence(HttpCheckSettings.Kind.EXPECT);
        HttpExpect.Match match = pattern.match;
        List<StatusRange> statuses = match == HttpExpect.Match.STATUS ? parseStatuses(pattern.pattern) : List.of();
        Pattern regex = match == HttpExpect.Match.RSTATUS || match == HttpExpect.Match.RSTRING
                ? in.regex(pattern.pattern, match.keyword()) : null;
        http.expect(new HttpExpect(expect.inverse(), match, pattern.pattern.text(), statuses, regex, pattern.header,
                expect.options(), location));
    }

    /**
     * Parses {@code name [-m <meth>] <pattern> [value [-m <meth>] <pattern>]} after {@code hdr}/{@code fhdr} into
     * {@code into}; returns the last index.
     */
    private int headerMatch(HttpPattern into, int index) {
        String kind = into.match.keyword();
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
        into.pattern = namePattern;
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
        into.header = new HttpExpect.HeaderMatch(name, value);
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
        Pattern regex = method == HttpExpect.Method.REG ? in.regex(pattern, "-m reg") : null;
        return new HttpExpect.TextMatch(method, pattern.text(), regex);
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

    /** The pattern keywords of {@code http-check expect}; {@code hdr} and {@code fhdr} take matchers. */
    private final class HttpPattern implements ExpectParser.Patterns {

        private static final List<String> KEYWORDS = List.of("status", "rstatus", "string", "rstring", "string-lf",
                "hdr", "fhdr");

        HttpExpect.Match match;
        ConfigToken pattern;
        HttpExpect.HeaderMatch header;

        @Override
        public List<String> keywords() {
            return KEYWORDS;
        }

        @Override
        public int read(String word, List<ConfigToken> line, int index) {
            match = HttpExpect.Match.valueOf(word.toUpperCase(Locale.ROOT));
            if (match == HttpExpect.Match.HDR || match == HttpExpect.Match.FHDR) {
                return headerMatch(this, index);
            }
            pattern = ExpectParser.pattern(line, index + 1, EXPECT, in);
            return index + 1;
        }
    }
}
