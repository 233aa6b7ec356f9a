package io.haprobe.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

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
    void parseOption(List<ConfigToken> tokens, ParseContext in) {
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
    void parseRule(List<ConfigToken> tokens, ParseContext in) {
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

    private TcpCheckRule.Connect parseConnect(List<ConfigToken> tokens, ParseContext in, int step, SourceLocation at) {
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
        ConnectParser.Connect connect = ConnectParser.parse(tokens, "tcp-check connect", in);
        return new TcpCheckRule.Connect(connect.port(), connect.address(), connect.addressPort(), connect.linger(),
                connect.comment() != null ? connect.comment() : inheritedComment('c'), step, at, connect.options());
    }

    private TcpCheckRule.Send parseSend(List<ConfigToken> tokens, ParseContext in, int step, SourceLocation at,
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

    private TcpCheckRule.Expect parseExpect(List<ConfigToken> tokens, ParseContext in, int step,
                                            SourceLocation at) {
        String directive = "tcp-check expect";
        TcpPattern pattern = new TcpPattern(directive, in);
        ExpectParser.Expect expect = ExpectParser.parse(tokens, directive, pattern, in);
        if (expect == null) {
            return null;
        }
        ConfigToken text = pattern.pattern;
        byte[] bytes = switch (pattern.match) {
            case STRING -> bytesOf(text.text());
            case BINARY -> hex(text, in, "tcp-check expect binary");
            default -> new byte[0];
        };
        Pattern regex = pattern.match.regex() ? in.regex(text, pattern.match.keyword()) : null;
        ExpectOptions options = expect.options();
        return new TcpCheckRule.Expect(pattern.match, text.text(), bytes, regex, expect.inverse(),
                options.comment() != null ? options : options.withComment(inheritedComment('e')), step, at);
    }

    private static CheckOption noArguments(List<ConfigToken> tokens, ParseContext in, CheckOption option) {
        if (tokens.size() > 2) {
            throw in.error(tokens.get(2), "'option " + tokens.get(1).text() + "' cannot handle unexpected argument '"
                    + tokens.get(2).text() + "'");
        }
        return option;
    }

    private static CheckOption parseSmtpchk(List<ConfigToken> tokens, ParseContext in) {
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

    private static CheckOption parseMysqlCheck(List<ConfigToken> tokens, ParseContext in) {
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

    private static CheckOption parsePgsqlCheck(List<ConfigToken> tokens, ParseContext in) {
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

    private static byte[] hex(ConfigToken token, ParseContext in, String directive) {
        String text = token.text();
        if (text.length() % 2 != 0 || !text.chars().allMatch(c -> c < 128 && Character.digit(c, 16) >= 0)) {
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

    /** The pattern keywords of {@code tcp-check expect}: one argument each. */
    private static final class TcpPattern implements ExpectParser.Patterns {

        private static final List<String> KEYWORDS = List.of("string", "rstring", "binary", "rbinary", "string-lf",
                "binary-lf");

        private final String directive;
        private final ParseContext in;
        TcpCheckRule.Expect.Match match;
        ConfigToken pattern;

        TcpPattern(String directive, ParseContext in) {
            this.directive = directive;
            this.in = in;
        }

        @Override
        public List<String> keywords() {
            return KEYWORDS;
        }

        @Override
        public int read(String word, List<ConfigToken> tokens, int index) {
            match = TcpCheckRule.Expect.Match.valueOf(word.toUpperCase(Locale.ROOT));
            pattern = ExpectParser.pattern(tokens, index + 1, directive, in);
            return index + 1;
        }
    }

    /** A declared tcp-check line: its kind ({@code C}omment, {@code c}onnect, {@code s}end, {@code e}xpect,
     *  {@code a}ction) and, for a comment line, its text. */
    private record Declared(char kind, String comment) {
    }
}
