package io.haprobe.config;

import io.haprobe.CheckStatus;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses a {@code tcp-check expect} or {@code http-check expect} line, the one way for both, as HAProxy
 * parses both with {@code parse_tcpcheck_expect} (tcpcheck.c; CFG §4.2; spec §4.5, §5.3): the options
 * ({@code min-recv}, {@code comment}, {@code ok-status}, {@code error-status}, {@code tout-status},
 * {@code on-success}, {@code on-error}, {@code status-code}), the {@code !} negations and one pattern, whose
 * keywords and arguments the grammar gives as {@link Patterns}.
 *
 * <table>
 *   <caption>What is not applied</caption>
 *   <tr><th>option</th><th>what haprobe does</th></tr>
 *   <tr><td>{@code on-success}, {@code on-error} with a log-format expression</td><td>warned; the text is
 *       used as written ({@code %%} alone is read as {@code %}); the rule is kept, as these options only
 *       word the info (spec §4.5)</td></tr>
 *   <tr><td>{@code status-code} with another expression than {@code int(<n>)}</td><td>warned and ignored,
 *       the rule kept; an expression that cannot name a fetch method is an error, as in HAProxy</td></tr>
 *   <tr><td>{@code string-lf}, {@code binary-lf} patterns</td><td>warned, the rule ignored</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
final class ExpectParser {

    private static final Set<String> OPTIONS = Set.of("min-recv", "comment", "ok-status", "error-status",
            "tout-status", "on-success", "on-error", "status-code");
    private static final Map<String, CheckStatus> OK_STATUSES = statuses(CheckStatus.L4OK, CheckStatus.L6OK,
            CheckStatus.L7OK, CheckStatus.L7OKC);
    private static final Map<String, CheckStatus> ERROR_STATUSES = statuses(CheckStatus.L4CON, CheckStatus.L6RSP,
            CheckStatus.L7RSP, CheckStatus.L7STS, CheckStatus.L7OKC);
    private static final Map<String, CheckStatus> TIMEOUT_STATUSES = statuses(CheckStatus.L4TOUT,
            CheckStatus.L6TOUT, CheckStatus.L7TOUT);

    private ExpectParser() {
    }

    /**
     * Parses an expect line.
     *
     * @param tokens    the line: {@code tcp-check expect ...} or {@code http-check expect ...}; never null
     * @param directive {@code tcp-check expect} or {@code http-check expect}, for messages; never null
     * @param patterns  the grammar's pattern keywords, which read their arguments; never null
     * @param in        the line's place, errors and warnings; never null
     * @return the negation and the options, or null when the rule is ignored (with a warning)
     * @throws ConfigException if the line is malformed
     */
    static Expect parse(List<ConfigToken> tokens, String directive, Patterns patterns, ParseContext in) {
        boolean inverse = false;
        boolean bang = false;
        ConfigToken match = null;
        Options options = new Options(directive, in);
        for (int i = 2; i < tokens.size(); i++) {
            ConfigToken arg = tokens.get(i);
            String word = arg.text();
            int bangs = 0;
            while (bangs < word.length() && word.charAt(bangs) == '!') {
                bangs++;
            }
            if (bangs > 0) {
                inverse ^= (bangs % 2) == 1;
                bang = true;
                word = word.substring(bangs);
                if (word.isEmpty() && i + 1 < tokens.size()) {
                    continue;
                }
            }
            if (OPTIONS.contains(word)) {
                if (bang) {
                    throw in.error(arg, "'" + directive + "': [!] not supported with '" + word + "'");
                }
                i = options.read(word, tokens, i);
            } else if (match != null) {
                throw in.error(arg, "'" + directive + "': " + (patterns.keywords().contains(word)
                        ? "only one pattern expected, got '" : "unexpected argument '") + arg.text() + "'");
            } else if (!patterns.keywords().contains(word)) {
                throw in.error(arg, "'" + directive + "' only supports min-recv, comment, ok-status, error-status,"
                        + " tout-status, on-success, on-error, status-code, " + list(patterns.keywords())
                        + " but got '" + arg.text() + "'");
            } else {
                match = arg;
                if (word.endsWith("-lf")) {
                    in.argument(tokens, ++i);
                    options.unsupportedPattern = word;
                } else {
                    i = patterns.read(word, tokens, i);
                }
            }
            bang = false;
        }
        if (match == null) {
            throw in.error(tokens.get(1), "'" + directive + "' expects at least a matching pattern as arguments");
        }
        if (options.unsupportedPattern != null) {
            in.warn(match, "'" + directive + " " + options.unsupportedPattern + "' is not supported yet, rule"
                    + " ignored");
            return null;
        }
        return new Expect(inverse, options.build());
    }

    /**
     * Returns the value after a pattern keyword, as HAProxy requires it: present and not empty.
     *
     * @param tokens    the line; never null
     * @param index     the value's position
     * @param directive the directive for messages; never null
     * @param in        the line's place and errors; never null
     * @return the value
     * @throws ConfigException "'string' expects an argument" when it is missing; "'directive': 'string' expects a
     *                         &lt;pattern&gt; as argument" when it is empty
     */
    static ConfigToken pattern(List<ConfigToken> tokens, int index, String directive, ParseContext in) {
        ConfigToken pattern = in.argument(tokens, index);
        if (pattern.text().isEmpty()) {
            throw in.error(pattern, "'" + directive + "': '" + tokens.get(index - 1).text().replace("!", "")
                    + "' expects a <pattern> as argument");
        }
        return pattern;
    }

    private static String list(List<String> keywords) {
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < keywords.size(); k++) {
            text.append(k == 0 ? "" : k == keywords.size() - 1 ? " and " : ", ").append("[!]").append(keywords.get(k));
        }
        return text.toString();
    }

    private static Map<String, CheckStatus> statuses(CheckStatus... allowed) {
        Map<String, CheckStatus> table = new java.util.HashMap<>();
        for (CheckStatus status : allowed) {
            table.put(status.tag(), status);
        }
        return Map.copyOf(table);
    }

    /** The pattern keywords of one grammar; reads a pattern's arguments and keeps what it read. */
    interface Patterns {

        /**
         * Returns the pattern keywords in the order messages list them; those ending in {@code -lf} are read
         * as one argument and make the rule ignored.
         *
         * @return the keywords; never null
         */
        List<String> keywords();

        /**
         * Reads the arguments of the pattern whose keyword is at {@code index}.
         *
         * @param word   the keyword without its {@code !}s; one of {@link #keywords()}
         * @param tokens the line
         * @param index  the keyword's position
         * @return the position of the pattern's last token
         * @throws ConfigException if the arguments are missing or bad
         */
        int read(String word, List<ConfigToken> tokens, int index);
    }

    /**
     * What an expect line says besides its pattern.
     *
     * @param inverse true when negated by an odd number of {@code !}
     * @param options the options; never null
     */
    record Expect(boolean inverse, ExpectOptions options) {
    }

    /** The options of one line while it is read. */
    private static final class Options {

        private final String directive;
        private final ParseContext in;
        private String comment;
        private CheckStatus okStatus;
        private CheckStatus errorStatus;
        private CheckStatus timeoutStatus;
        private String onSuccess;
        private String onError;
        private Integer statusCode;
        private int minRecv = -1;
        private String unsupportedPattern;

        Options(String directive, ParseContext in) {
            this.directive = directive;
            this.in = in;
        }

        /** Reads the option at {@code index}; returns the position of its value. */
        int read(String option, List<ConfigToken> tokens, int index) {
            ConfigToken value = in.value(tokens, index + 1);
            switch (option) {
                case "min-recv" -> minRecv = ConfigValues.parseInt(in.file(), in.line(), option, value, -1,
                        Integer.MAX_VALUE);
                case "comment" -> comment = value.text();
                case "ok-status" -> okStatus = status(value, option, OK_STATUSES, "'L4OK', 'L6OK', 'L7OK' or 'L7OKC'");
                case "error-status" -> errorStatus = status(value, option, ERROR_STATUSES,
                        "'L4CON', 'L6RSP', 'L7RSP' or 'L7STS'");
                case "tout-status" -> timeoutStatus = status(value, option, TIMEOUT_STATUSES,
                        "'L4TOUT', 'L6TOUT' or 'L7TOUT'");
                case "on-success" -> onSuccess = logFormat(value, option);
                case "on-error" -> onError = logFormat(value, option);
                case "status-code" -> {
                    statusCode = SampleExpressions.intConstant(value.text());
                    if (statusCode == null) {
                        SampleExpressions.requireFetch(value, option, directive, in);
                        in.warn(value, "'" + directive + "' option 'status-code' only supports int(<n>) yet,"
                                + " ignored");
                    }
                }
                default -> throw new IllegalStateException("not an expect option: " + option);
            }
            return index + 1;
        }

        ExpectOptions build() {
            return new ExpectOptions(comment, okStatus, errorStatus, timeoutStatus, onSuccess, onError, statusCode,
                    minRecv);
        }

        /** HAProxy compares the status names without case. */
        private CheckStatus status(ConfigToken value, String option, Map<String, CheckStatus> allowed,
                                   String list) {
            CheckStatus status = allowed.get(value.text().toUpperCase(Locale.ROOT));
            if (status == null) {
                throw in.error(value, "'" + directive + "': '" + option + "' only supports " + list + " status (got '"
                        + value.text() + "')");
            }
            return status;
        }

        /** A log-format string read as plain text: {@code %%} is a percent sign, other {@code %} are warned. */
        private String logFormat(ConfigToken value, String option) {
            String text = value.text();
            String unescaped = text.replace("%%", "%");
            if (text.replace("%%", "").indexOf('%') < 0) {
                return unescaped;
            }
            in.warn(value, "'" + directive + "' option '" + option + "': log-format expressions are not supported"
                    + " yet, the text is used as it is");
            return text;
        }
    }
}
