package io.haprobe.config;

import io.haprobe.CheckStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The non-HTTP check of one section while it is parsed: the check options ({@code option tcp-check},
 * {@code ssl-hello-chk}, {@code redis-check}, {@code smtpchk}, {@code mysql-check}, {@code pgsql-check},
 * {@code ldap-check}) and the {@code tcp-check} rules (CFG §4.2; spec §5.2).
 *
 * <p>Inheritance follows HAProxy 2.6: a section inherits its defaults' check option and tcp-check rules. Its
 * own {@code tcp-check} rules replace the inherited ones as a whole; they are used only when the section's
 * check option is {@code option tcp-check}. Rules declared while the section is not in tcp-check mode and
 * never picked up by a later {@code option tcp-check} (nor dropped by another check option) are ignored with
 * HAProxy's warning (verified on 2.6.12).
 *
 * <p>Not thread-safe: owned by one parser.
 */
final class TcpCheckSettings {

    private static final Set<String> OK_STATUSES = Set.of("L7OK", "L7OKC", "L6OK", "L4OK");
    private static final Set<String> ERROR_STATUSES = Set.of("L7RSP", "L7STS", "L7OKC", "L6RSP", "L4CON");
    private static final Set<String> TIMEOUT_STATUSES = Set.of("L7TOUT", "L6TOUT", "L4TOUT");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern INT_SAMPLE = Pattern.compile("int\\((-?\\d{1,9})\\)");

    private CheckOption option;
    private final List<TcpCheckRule> rules = new ArrayList<>();
    private final List<Declared> declared = new ArrayList<>();
    private List<TcpCheckRule> inheritedRules = List.of();
    private SourceLocation firstOwnRule;
    private SourceLocation unusedRule;

    /**
     * Returns a copy for a section inheriting these settings: same option, these rules as inherited rules.
     *
     * @return a new instance
     */
    TcpCheckSettings inherit() {
        TcpCheckSettings copy = new TcpCheckSettings();
        copy.option = option;
        copy.inheritedRules = rules.isEmpty() ? inheritedRules : List.copyOf(rules);
        copy.unusedRule = unusedRule;
        return copy;
    }

    /** Applies {@code option httpchk}: the section no longer uses a check option of this class. */
    void optionHttpchk() {
        option = null;
        unusedRule = null;
    }

    /**
     * Tells whether {@code name} is a check option this class parses.
     *
     * @param name the word after {@code option}; never null
     * @return true for {@code tcp-check}, {@code ssl-hello-chk}, {@code redis-check}, {@code smtpchk},
     *         {@code mysql-check}, {@code pgsql-check} and {@code ldap-check}
     */
    static boolean isCheckOption(String name) {
        return switch (name) {
            case "tcp-check", "ssl-hello-chk", "redis-check", "smtpchk", "mysql-check", "pgsql-check", "ldap-check" ->
                    true;
            default -> false;
        };
    }

    /**
     * Parses {@code option <name> ...} for one of the {@linkplain #isCheckOption check options}.
     *
     * @param tokens the line, {@code option} first; never null
     * @param in     the parse context; never null
     * @throws ConfigException if the arguments are wrong
     */
    void parseOption(List<ConfigToken> tokens, Context in) {
        ConfigToken name = tokens.get(1);
        // like HAProxy, a check option resets the "rules declared outside tcp-check mode" mark
        unusedRule = null;
        option = switch (name.text()) {
            case "tcp-check" -> noArguments(tokens, in, new CheckOption.TcpCheck(List.of()));
            case "ssl-hello-chk" -> noArguments(tokens, in, new CheckOption.SslHelloChk());
            case "redis-check" -> noArguments(tokens, in, new CheckOption.RedisCheck());
            case "ldap-check" -> noArguments(tokens, in, new CheckOption.LdapCheck());
            case "smtpchk" -> parseSmtpchk(tokens, in);
            case "mysql-check" -> parseMysqlCheck(tokens, in);
            case "pgsql-check" -> parsePgsqlCheck(tokens, in);
            default -> throw new IllegalStateException("not a check option: " + name.text());
        };
    }

    /**
     * Parses a {@code tcp-check} line.
     *
     * @param tokens the line, {@code tcp-check} first; never null
     * @param in     the parse context; never null
     * @throws ConfigException if the rule is malformed or out of sequence
     */
    void parseRule(List<ConfigToken> tokens, Context in) {
        ConfigToken keyword = tokens.get(0);
        if (tokens.size() < 2) {
            throw in.error(keyword, "'tcp-check' expects 'comment', 'connect', 'send', 'send-binary' or 'expect'"
                    + " as argument");
        }
        ConfigToken kind = tokens.get(1);
        SourceLocation at = in.location(keyword);
        if (firstOwnRule == null) {
            firstOwnRule = at;
        }
        if (unusedRule == null && !(option instanceof CheckOption.TcpCheck)) {
            unusedRule = at;
        }
        int step = declared.size() + 1;
        switch (kind.text()) {
            case "comment" -> {
                ConfigToken text = in.argument(tokens, 2);
                if (tokens.size() > 3) {
                    throw in.error(tokens.get(3), "'tcp-check comment' cannot handle unexpected argument '"
                            + tokens.get(3).text() + "'");
                }
                declared.add(new Declared('C', text.text()));
            }
            case "connect" -> add(parseConnect(tokens, in, step, at), 'c');
            case "send" -> add(parseSend(tokens, in, step, at, false), 's');
            case "send-binary" -> add(parseSend(tokens, in, step, at, true), 's');
            case "send-lf", "send-binary-lf" -> {
                declared.add(new Declared('s', null));
                in.warn(kind, "'tcp-check " + kind.text() + "' is not supported yet, rule ignored");
            }
            case "expect" -> {
                TcpCheckRule.Expect expect = parseExpect(tokens, in, step, at);
                if (expect == null) {
                    declared.add(new Declared('e', null));
                } else {
                    add(expect, 'e');
                }
            }
            default -> {
                if (kind.text().startsWith("set-var") || kind.text().startsWith("unset-var")) {
                    declared.add(new Declared('a', null));
                    in.warn(kind, "'tcp-check " + kind.text() + "' is not supported yet, rule ignored");
                    return;
                }
                throw in.error(kind, "'tcp-check' only supports 'comment', 'connect', 'send', 'send-lf',"
                        + " 'send-binary', 'send-binary-lf', 'expect', 'set-var' and 'unset-var' but got '"
                        + kind.text() + "'");
            }
        }
    }

    /**
     * Returns the check option of a proxy section, with its tcp-check rules.
     *
     * @param kind     {@code backend} or {@code proxy}, for warnings; never null
     * @param name     the section name; never null
     * @param warnings where to add warnings; never null
     * @return the option, or null when the section has none (plain connect check or {@code option httpchk})
     */
    CheckOption build(String kind, String name, List<ConfigWarning> warnings) {
        if (!(option instanceof CheckOption.TcpCheck)) {
            if (unusedRule != null) {
                warnings.add(new ConfigWarning(unusedRule, kind + " '" + name
                        + "' uses tcp-check rules without 'option tcp-check', so the rules are ignored"));
            }
            return option;
        }
        return new CheckOption.TcpCheck(firstOwnRule != null ? rules : inheritedRules);
    }

    private void add(TcpCheckRule rule, char kind) {
        declared.add(new Declared(kind, null));
        rules.add(rule);
    }

    /** The comment a rule of {@code kind} takes from a preceding {@code tcp-check comment} line (spec §5.2). */
    private String inheritedComment(char kind) {
        for (int i = declared.size() - 1; i >= 0; i--) {
            Declared previous = declared.get(i);
            if (previous.kind == 'C') {
                return previous.comment;
            }
            if (previous.kind != kind) {
                return null;
            }
        }
        return null;
    }

    private TcpCheckRule.Connect parseConnect(List<ConfigToken> tokens, Context in, int step, SourceLocation at) {
        for (Declared previous : declared) {
            if (previous.kind == 'c') {
                break;
            }
            if (previous.kind == 's' || previous.kind == 'e') {
                throw in.error(tokens.get(1), "'tcp-check connect' : first step MUST also be a 'connect',"
                        + " optionally preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a"
                        + " 'connect' step in the tcp-check ruleset");
            }
        }
        int port = 0;
        String address = null;
        int addressPort = 0;
        boolean linger = false;
        String comment = null;
        ConnectOptionReader options = new ConnectOptionReader();
        for (int i = 2; i < tokens.size(); i++) {
            int last = options.read(tokens, i, "tcp-check connect", in);
            if (last >= 0) {
                i = last;
                continue;
            }
            ConfigToken option = tokens.get(i);
            switch (option.text()) {
                case "linger" -> linger = true;
                case "port" -> {
                    ConfigToken value = in.argument(tokens, ++i);
                    if (value.text().chars().allMatch(c -> c >= '0' && c <= '9') && !value.text().isEmpty()) {
                        port = ConfigValues.parseInt(in.file(), in.line(), "port", value, 1, 65535);
                    } else {
                        in.warn(value, "'tcp-check connect port' with a sample expression is not supported yet,"
                                + " the server's check port is used");
                    }
                }
                case "addr" -> {
                    ConfigToken value = in.argument(tokens, ++i);
                    String[] parts = splitAddress(value, in);
                    address = parts[0];
                    addressPort = parts[1].isEmpty() ? 0
                            : ConfigValues.parseInt(in.file(), in.line(), "addr", new ConfigToken(parts[1],
                            value.column()), 1, 65535);
                }
                case "comment" -> comment = in.argument(tokens, ++i).text();
                case "via-socks4" ->
                        in.warn(option, "'tcp-check connect " + option.text() + "' is not supported yet, ignored");
                case "proto" -> {
                    in.argument(tokens, ++i);
                    in.warn(option, "'tcp-check connect " + option.text() + "' is not supported yet, ignored");
                }
                default -> throw in.error(option, "'tcp-check connect' expects 'comment', 'port', 'addr',"
                        + " 'send-proxy', 'via-socks4', 'ssl', 'sni', 'alpn', 'proto', 'linger' or 'default' but"
                        + " got '" + option.text() + "'");
            }
        }
        return new TcpCheckRule.Connect(port, address, addressPort, linger,
                comment != null ? comment : inheritedComment('c'), step, at, options.options());
    }

    private TcpCheckRule.Send parseSend(List<ConfigToken> tokens, Context in, int step, SourceLocation at,
                                        boolean binary) {
        String directive = "tcp-check " + tokens.get(1).text();
        if (tokens.size() < 3 || tokens.get(2).text().isEmpty()) {
            throw in.error(tokens.size() < 3 ? tokens.get(1) : tokens.get(2), "'" + directive + "' expects a "
                    + (binary ? "<hex string>" : "<string>") + " as argument");
        }
        ConfigToken data = tokens.get(2);
        String comment = null;
        for (int i = 3; i < tokens.size(); i++) {
            ConfigToken option = tokens.get(i);
            if (!option.is("comment")) {
                throw in.error(option, "'" + directive + "' only supports 'comment' but got '" + option.text() + "'");
            }
            comment = in.argument(tokens, ++i).text();
        }
        byte[] bytes = binary ? hex(data, in, directive) : bytesOf(data.text());
        return new TcpCheckRule.Send(bytes, comment != null ? comment : inheritedComment('s'), step, at);
    }

    private TcpCheckRule.Expect parseExpect(List<ConfigToken> tokens, Context in, int step, SourceLocation at) {
        boolean inverse = false;
        TcpCheckRule.Expect.Match match = null;
        ConfigToken pattern = null;
        int minRecv = -1;
        CheckStatus ok = null;
        CheckStatus error = null;
        CheckStatus timeout = null;
        String onSuccess = null;
        String onError = null;
        String comment = null;
        int statusCode = -1;
        String unsupported = null;
        for (int i = 2; i < tokens.size(); i++) {
            ConfigToken arg = tokens.get(i);
            String word = arg.text();
            int bangs = 0;
            while (bangs < word.length() && word.charAt(bangs) == '!') {
                bangs++;
            }
            if (bangs > 0) {
                inverse ^= (bangs % 2) == 1;
                word = word.substring(bangs);
                if (word.isEmpty()) {
                    continue;
                }
            }
            switch (word) {
                case "min-recv" -> minRecv = ConfigValues.parseInt(in.file(), in.line(), "min-recv",
                        in.argument(tokens, ++i), -1, Integer.MAX_VALUE);
                case "comment" -> comment = in.argument(tokens, ++i).text();
                case "ok-status" -> ok = status(in.argument(tokens, ++i), OK_STATUSES, word, in);
                case "error-status" -> error = status(in.argument(tokens, ++i), ERROR_STATUSES, word, in);
                case "tout-status" -> timeout = status(in.argument(tokens, ++i), TIMEOUT_STATUSES, word, in);
                case "on-success" -> onSuccess = plainText(in.argument(tokens, ++i), word, in);
                case "on-error" -> onError = plainText(in.argument(tokens, ++i), word, in);
                case "status-code" -> {
                    ConfigToken expr = in.argument(tokens, ++i);
                    java.util.regex.Matcher constant = INT_SAMPLE.matcher(expr.text());
                    if (constant.matches()) {
                        statusCode = Integer.parseInt(constant.group(1));
                    } else {
                        in.warn(expr, "'tcp-check expect status-code' only supports int(<n>) yet, ignored");
                    }
                }
                case "string", "rstring", "binary", "rbinary" -> {
                    requireOnePattern(match, arg, in);
                    match = TcpCheckRule.Expect.Match.valueOf(word.toUpperCase(java.util.Locale.ROOT));
                    pattern = in.argument(tokens, ++i);
                }
                case "string-lf", "binary-lf" -> {
                    requireOnePattern(match, arg, in);
                    unsupported = word;
                    in.argument(tokens, ++i);
                    match = TcpCheckRule.Expect.Match.STRING;
                }
                default -> throw in.error(arg, "'tcp-check expect' only supports min-recv, comment, ok-status,"
                        + " error-status, tout-status, on-success, on-error, status-code, [!]string, [!]rstring,"
                        + " [!]binary, [!]rbinary, [!]string-lf and [!]binary-lf but got '" + arg.text() + "'");
            }
        }
        if (match == null) {
            throw in.error(tokens.get(1), "'tcp-check expect' expects at least a matching pattern as arguments");
        }
        if (unsupported != null) {
            in.warn(tokens.get(1), "'tcp-check expect " + unsupported + "' is not supported yet, rule ignored");
            return null;
        }
        if (pattern.text().isEmpty()) {
            throw in.error(pattern, "'tcp-check expect " + match.keyword() + "' expects a non-empty pattern");
        }
        byte[] bytes = switch (match) {
            case STRING -> bytesOf(pattern.text());
            case BINARY -> hex(pattern, in, "tcp-check expect binary");
            default -> new byte[0];
        };
        Pattern regex = match.regex() ? compile(pattern, match.keyword(), in) : null;
        return new TcpCheckRule.Expect(match, pattern.text(), bytes, regex, inverse, minRecv, ok, error, timeout,
                onSuccess, onError, statusCode, comment != null ? comment : inheritedComment('e'), step, at);
    }

    private static void requireOnePattern(TcpCheckRule.Expect.Match match, ConfigToken arg, Context in) {
        if (match != null) {
            throw in.error(arg, "'tcp-check expect': only one pattern expected, got '" + arg.text() + "'");
        }
    }

    private static CheckOption noArguments(List<ConfigToken> tokens, Context in, CheckOption option) {
        if (tokens.size() > 2) {
            throw in.error(tokens.get(2), "'option " + tokens.get(1).text() + "' cannot handle unexpected argument '"
                    + tokens.get(2).text() + "'");
        }
        return option;
    }

    private static CheckOption parseSmtpchk(List<ConfigToken> tokens, Context in) {
        if (tokens.size() > 4) {
            throw in.error(tokens.get(4), "'option smtpchk' cannot handle unexpected argument '"
                    + tokens.get(4).text() + "'");
        }
        if (tokens.size() == 4 && !tokens.get(3).text().isEmpty()
                && (tokens.get(2).is("HELO") || tokens.get(2).is("EHLO"))) {
            return new CheckOption.SmtpChk(tokens.get(2).text() + " " + tokens.get(3).text());
        }
        return new CheckOption.SmtpChk(CheckOption.SmtpChk.DEFAULT_COMMAND);
    }

    private static CheckOption parseMysqlCheck(List<ConfigToken> tokens, Context in) {
        if (tokens.size() > 5) {
            throw in.error(tokens.get(5), "'option mysql-check' cannot handle unexpected argument '"
                    + tokens.get(5).text() + "'");
        }
        if (tokens.size() == 2) {
            return new CheckOption.MysqlCheck(null, true);
        }
        ConfigToken keyword = tokens.get(2);
        if (!keyword.is("user")) {
            throw in.error(keyword, "'option mysql-check' only supports optional values: 'user' (got '"
                    + keyword.text() + "')");
        }
        if (tokens.size() < 4 || tokens.get(3).text().isEmpty()) {
            throw in.error(keyword, "'option mysql-check user' expects <username> as argument");
        }
        String user = tokens.get(3).text();
        if (tokens.size() < 5 || tokens.get(4).is("post-41")) {
            return new CheckOption.MysqlCheck(user, true);
        }
        if (tokens.get(4).is("pre-41")) {
            return new CheckOption.MysqlCheck(user, false);
        }
        throw in.error(tokens.get(4), "keyword 'user' only supports 'post-41' and 'pre-41' (got '"
                + tokens.get(4).text() + "')");
    }

    private static CheckOption parsePgsqlCheck(List<ConfigToken> tokens, Context in) {
        if (tokens.size() > 4) {
            throw in.error(tokens.get(4), "'option pgsql-check' cannot handle unexpected argument '"
                    + tokens.get(4).text() + "'");
        }
        if (tokens.size() < 4 || tokens.get(2).text().isEmpty() || tokens.get(3).text().isEmpty()) {
            throw in.error(tokens.get(tokens.size() - 1), "'option pgsql-check' expects 'user <username>' as"
                    + " argument");
        }
        if (!tokens.get(2).is("user")) {
            throw in.error(tokens.get(2), "'option pgsql-check' only supports optional values: 'user'");
        }
        return new CheckOption.PgsqlCheck(tokens.get(3).text());
    }

    private static CheckStatus status(ConfigToken value, Set<String> allowed, String keyword, Context in) {
        if (!allowed.contains(value.text())) {
            throw ConfigValues.invalid(in.file(), in.line(), keyword, value, "one of "
                    + String.join(", ", allowed.stream().sorted().toList()));
        }
        return CheckStatus.ofTag(value.text());
    }

    private static String plainText(ConfigToken value, String keyword, Context in) {
        if (value.text().contains("%[") || value.text().contains("%{")) {
            in.warn(value, "'tcp-check expect " + keyword + "' log-format expressions are not supported yet, the"
                    + " text is used as it is");
        }
        return value.text();
    }

    private static Pattern compile(ConfigToken pattern, String keyword, Context in) {
        return in.regex(pattern, keyword);
    }

    private static byte[] hex(ConfigToken token, Context in, String directive) {
        String text = token.text();
        if (text.length() % 2 != 0 || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw ConfigValues.invalid(in.file(), in.line(), directive, token, "an even number of hex digits");
        }
        return HexFormat.of().parseHex(text);
    }

    /**
     * Returns the bytes HAProxy sends for a config string: characters up to U+00FF (the {@code \xHH} escapes
     * included) as one byte each, others in UTF-8.
     */
    private static byte[] bytesOf(String text) {
        boolean latin1 = text.chars().allMatch(c -> c <= 0xFF);
        return text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private static String[] splitAddress(ConfigToken token, Context in) {
        String text = token.text();
        String host;
        String port = "";
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw ConfigValues.invalid(in.file(), in.line(), "addr", token, "an IP address such as [::1]:80");
            }
            host = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : "";
        } else if (text.indexOf(':') != text.lastIndexOf(':')) {
            host = text;
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? "" : text.substring(colon + 1);
        }
        boolean ipv6 = host.indexOf(':') >= 0 && host.chars().allMatch(c -> c == ':' || c == '.'
                || Character.digit(c, 16) >= 0);
        if (!IPV4.matcher(host).matches() && !ipv6) {
            throw ConfigValues.invalid(in.file(), in.line(), "addr", token,
                    "an IP address; host names are not supported yet in 'tcp-check connect addr'");
        }
        return new String[] {host, port};
    }

    /**
     * What the parser gives a line's parser ({@link TcpCheckSettings}, {@link HttpCheckParser}): the place,
     * errors with it, warnings.
     */
    interface Context {

        /** Returns the file name. */
        String file();

        /** Returns the 1-based line number. */
        int line();

        /** Returns the place of {@code token} on the current line. */
        SourceLocation location(ConfigToken token);

        /** Returns the token at {@code index}, or throws "'last' expects an argument". */
        ConfigToken argument(List<ConfigToken> tokens, int index);

        /** Adds a warning at {@code token}. */
        void warn(ConfigToken token, String message);

        /** Returns a {@link ConfigException} at {@code token}. */
        ConfigException error(ConfigToken token, String detail);

        /**
         * Compiles the regular expression of {@code pattern}, or throws an error naming {@code keyword} and why
         * (a syntax error, or nesting too deep to compile).
         */
        default Pattern regex(ConfigToken pattern, String keyword) {
            try {
                return Pattern.compile(pattern.text());
            } catch (PatternSyntaxException e) {
                throw ConfigValues.invalid(file(), line(), keyword, pattern,
                        "a valid regular expression: " + e.getDescription());
            } catch (StackOverflowError e) {
                throw ConfigValues.invalid(file(), line(), keyword, pattern, "a less deeply nested regular expression");
            }
        }

        /** Returns the token's text, or throws "'what': empty value" when it is empty. */
        default String requireNonEmpty(ConfigToken token, String what) {
            if (token.text().isEmpty()) {
                throw error(token, "'" + what + "': empty value (expected: a non-empty word)");
            }
            return token.text();
        }
    }

    /** A declared tcp-check line: its kind ({@code C}omment, {@code c}onnect, {@code s}end, {@code e}xpect,
     *  {@code a}ction) and, for a comment line, its text. */
    private record Declared(char kind, String comment) {
    }
}
