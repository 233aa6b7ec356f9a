package io.haprobe.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the condition of a {@code .if} or {@code .elif} line as HAProxy 2.6.12 does (CFG §2.4
 * "Conditional blocks", {@code src/cfgcond.c}): terms combined with {@code &&} (binding tighter) and
 * {@code ||}, each optionally negated with {@code !} or grouped in parentheses. A term is a number read like
 * {@code strtol(.., 0)} (non-zero is true: {@code 1}, {@code -1}, {@code 0x10}) or a predicate:
 *
 * <table>
 *   <caption>Predicates</caption>
 *   <tr><th>predicate</th><th>true when</th></tr>
 *   <tr><td>{@code defined(NAME)}</td><td>the variable is set in the environment the file sees so far</td></tr>
 *   <tr><td>{@code feature(NAME)}</td><td>{@code +NAME} is in 2.6.12's feature list ({@link #FEATURES})</td></tr>
 *   <tr><td>{@code streq(a,b)}, {@code strneq(a,b)}</td><td>the strings are equal, different</td></tr>
 *   <tr><td>{@code version_atleast(V)}, {@code version_before(V)}</td><td>2.6.12 is at least, before V</td></tr>
 * </table>
 *
 * <p>Arguments are the text between the commas, spaces included ({@code defined( HOME )} looks for
 * {@code " HOME "}); a predicate without parentheses has one empty argument ({@code .if defined} is false,
 * {@code .if streq} is an error), as 2.6.12 reads them. An empty condition is false. Errors use HAProxy's
 * words: "unparsable conditional expression 'foo(x)'", "unexpected character 'x' at the end of conditional
 * expression", "missing arguments (got 1/2) ... of predicate 'streq'", "expected ')' before ',c)' ...".
 *
 * <p>Stateless; the environment is read at evaluation. Not thread-safe only through that map.
 */
final class ConfigCondition {

    /**
     * The "Feature list" {@code haproxy -vv} prints for the reference HAProxy 2.6.12 (Debian 2.6.12-1+deb12u4,
     * the binary haprobe's conformance suite runs): {@code feature(X)} is true for the names marked {@code +}.
     */
    static final String FEATURES = "-51DEGREES +ACCEPT4 +BACKTRACE -CLOSEFROM +CPU_AFFINITY +CRYPT_H -DEVICEATLAS"
            + " +DL -ENGINE +EPOLL -EVPORTS +GETADDRINFO -KQUEUE +LIBCRYPT +LINUX_SPLICE +LINUX_TPROXY +LUA"
            + " -MEMORY_PROFILING +NETFILTER +NS -OBSOLETE_LINKER +OPENSSL +OT -PCRE +PCRE2 +PCRE2_JIT -PCRE_JIT"
            + " +POLL +PRCTL -PROCCTL +PROMEX -QUIC +RT +SLZ -STATIC_PCRE -STATIC_PCRE2 +SYSTEMD +TFO +THREAD"
            + " +THREAD_DUMP +TPROXY -WURFL -ZLIB";

    /** The version the {@code version_*} predicates compare with, as {@code split_version} reads 2.6.12. */
    static final long[] VERSION = {2, 6, 12, 0, 0, 0, 0};

    private static final int MAX_DEPTH = 1024;
    private static final Map<String, Integer> PREDICATES = Map.of("defined", 1, "feature", 1, "streq", 2,
            "strneq", 2, "version_atleast", 1, "version_before", 1);

    private final Map<String, String> env;
    private String text;
    private int pos;

    /**
     * Creates an evaluator over an environment.
     *
     * @param env the variables {@code defined()} looks up; never null, read at each evaluation
     */
    ConfigCondition(Map<String, String> env) {
        this.env = env;
    }

    /**
     * Evaluates a condition.
     *
     * @param condition the words after {@code .if} or {@code .elif} joined with single spaces; never null
     * @return whether the condition holds
     * @throws Failure with HAProxy's message and the offending position in {@code condition}
     */
    boolean evaluate(String condition) {
        text = condition;
        pos = 0;
        if (text.isEmpty()) {
            return false;
        }
        boolean value = or(MAX_DEPTH);
        skipBlanks();
        if (pos < text.length()) {
            throw new Failure("unexpected character '" + text.charAt(pos) + "' at the end of conditional expression '"
                    + text + "'", pos);
        }
        return value;
    }

    private boolean or(int depth) {
        int start = pos;
        boolean value = and(depth - 1, start);
        skipBlanks();
        while (text.startsWith("||", pos)) {
            pos += 2;
            skipBlanks();
            value |= and(depth - 1, pos);
            skipBlanks();
        }
        return value;
    }

    private boolean and(int depth, int start) {
        if (depth <= 0) {
            throw new Failure("unparsable conditional sub-expression '" + text.substring(start) + "'", start);
        }
        boolean value = term(depth - 1);
        skipBlanks();
        while (text.startsWith("&&", pos)) {
            pos += 2;
            skipBlanks();
            value &= term(depth - 1);
            skipBlanks();
        }
        return value;
    }

    private boolean term(int depth) {
        skipBlanks();
        int start = pos;
        if (pos >= text.length() || depth <= 0) {
            throw unparsable(start);
        }
        boolean negate = false;
        while (pos < text.length() && text.charAt(pos) == '!') {
            negate = !negate;
            pos++;
            skipBlanks();
        }
        int end = strtolEnd(pos);
        if (end > pos) {
            String digits = text.substring(pos, end).replaceFirst("^[+-]", "");
            if (hex(pos)) {
                digits = digits.substring(2);
            }
            boolean nonZero = digits.chars().anyMatch(c -> c != '0');
            pos = end;
            return nonZero ^ negate;
        }
        if (pos < text.length() && text.charAt(pos) == '(') {
            pos++;
            skipBlanks();
            if (pos >= text.length()) {
                throw unparsable(start);
            }
            boolean value = or(depth - 1);
            skipBlanks();
            if (pos >= text.length() || text.charAt(pos) != ')') {
                throw new Failure("expected ')' after conditional expression '" + text.substring(start) + "'", start);
            }
            pos++;
            return value ^ negate;
        }
        return predicate(start) ^ negate;
    }

    private boolean predicate(int start) {
        int wordEnd = pos;
        while (wordEnd < text.length() && text.charAt(wordEnd) != ' ' && text.charAt(wordEnd) != '(') {
            wordEnd++;
        }
        String word = text.substring(pos, wordEnd);
        Integer arity = PREDICATES.get(word);
        if (arity == null) {
            throw unparsable(start);
        }
        pos = wordEnd;
        List<String> args = arguments(word, arity);
        return switch (word) {
            case "defined" -> env.containsKey(args.get(0));
            case "feature" -> feature(args.get(0));
            case "streq" -> args.get(0).equals(args.get(1));
            case "strneq" -> !args.get(0).equals(args.get(1));
            case "version_atleast" -> compareWithCurrent(args.get(0)) <= 0;
            default -> compareWithCurrent(args.get(0)) > 0;
        };
    }

    private List<String> arguments(String word, int arity) {
        List<String> args = new ArrayList<>();
        if (pos >= text.length() || text.charAt(pos) != '(') {
            args.add("");
        } else {
            pos++;
            int argStart = pos;
            while (true) {
                if (pos >= text.length()) {
                    throw new Failure("expected ')' in argument " + (args.size() + 1) + " of predicate '" + word
                            + "' used in conditional expression", pos);
                }
                char c = text.charAt(pos);
                if (c == ')' || c == ',') {
                    if (c == ',' && args.size() + 1 >= arity) {
                        throw new Failure("expected ')' before '" + text.substring(pos) + "' in argument "
                                + arity + " of predicate '" + word + "' used in conditional expression", pos);
                    }
                    args.add(text.substring(argStart, pos));
                    pos++;
                    argStart = pos;
                    if (c == ')') {
                        break;
                    }
                } else {
                    pos++;
                }
            }
        }
        if (args.size() < arity) {
            throw new Failure("missing arguments (got " + args.size() + "/" + arity + "), type 'string' expected in"
                    + " argument " + args.size() + " of predicate '" + word + "' used in conditional expression", pos);
        }
        return args;
    }

    /**
     * {@code feature(NAME)}: {@code +NAME} followed by a space or the end of {@link #FEATURES}. 2.6.12 finds the
     * empty name ({@code feature()} is true) and names holding a space ({@code feature(OPENSSL +OT)}); both
     * are kept.
     */
    static boolean feature(String name) {
        if (name.isEmpty()) {
            return true;
        }
        for (int at = FEATURES.indexOf(name, 1); at > 0; at = FEATURES.indexOf(name, at + 1)) {
            int after = at + name.length();
            char before = FEATURES.charAt(at - 1);
            if ((after == FEATURES.length() || FEATURES.charAt(after) == ' ') && (before == '+' || before == '-')) {
                return before == '+';
            }
        }
        return false;
    }

    /**
     * Compares a version with 2.6.12 as HAProxy's {@code compare_current_version} does: -1 older, 0 same, 1 newer,
     * -3 not a version (so {@code version_atleast(abc)} is true and {@code version_before(abc)} false).
     */
    static int compareWithCurrent(String version) {
        long[] parts = splitVersion(version);
        if (parts == null) {
            return -3;
        }
        for (int i = 0; i < VERSION.length; i++) {
            if (parts[i] != VERSION[i]) {
                return parts[i] < VERSION[i] ? -1 : 1;
            }
        }
        return 0;
    }

    /** HAProxy's {@code split_version}: {@code a[.b[.c[.d]]][-devN|-rcN|-preN][-commit]}, or null. */
    private static long[] splitVersion(String version) {
        long[] value = new long[7];
        if (version.isEmpty()) {
            return null;
        }
        int p = 0;
        for (int i = 0; i < 4; i++) {
            int end = decimalEnd(version, p);
            value[i] = decimal(version, p, end);
            if (end == version.length()) {
                return value;
            }
            char c = version.charAt(end);
            p = end + 1;
            if (c == '-') {
                return tag(version, p, value);
            }
            if (c != '.' || i == 3) {
                return null;
            }
        }
        return null;
    }

    private static long[] tag(String version, int p, long[] value) {
        if (p < version.length() && !Character.isDigit(version.charAt(p))) {
            int skip = version.startsWith("dev", p) ? 3 : version.startsWith("rc", p) ? 2
                    : version.startsWith("pre", p) ? 3 : 0;
            if (skip > 0) {
                value[4] = skip == 3 && version.startsWith("dev", p) ? 1 : 2;
                p += skip;
                int end = decimalEnd(version, p);
                value[5] = decimal(version, p, end);
                if (end == version.length()) {
                    return value;
                }
                if (version.charAt(end) != '-') {
                    return null;
                }
                p = end + 1;
            }
        }
        int dash = version.lastIndexOf('-');
        String commit = dash >= p ? version.substring(dash + 1) : version.substring(Math.min(p, version.length()));
        if (dash >= p && commit.isEmpty()) {
            return null;
        }
        value[6] = !commit.isEmpty() && commit.chars().allMatch(Character::isDigit) ? decimal(commit, 0,
                commit.length()) : 0;
        return value;
    }

    private static int decimalEnd(String s, int from) {
        int end = from;
        while (end < s.length() && Character.isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }

    private static long decimal(String s, int from, int to) {
        return from == to ? 0 : HaproxyTime.parseSaturated(s.substring(from, to));
    }

    /** The end of what {@code strtol(text + from, &end, 0)} reads, {@code from} when it reads nothing. */
    private int strtolEnd(int from) {
        int i = from;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        if (hex(i)) {
            int end = i + 2;
            while (end < text.length() && Character.digit(text.charAt(end), 16) >= 0) {
                end++;
            }
            return end;
        }
        int radix = i < text.length() && text.charAt(i) == '0' ? 8 : 10;
        int end = i;
        while (end < text.length() && Character.digit(text.charAt(end), radix) >= 0) {
            end++;
        }
        return end == i ? from : end;
    }

    private boolean hex(int i) {
        int at = i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-') ? i + 1 : i;
        return (text.startsWith("0x", at) || text.startsWith("0X", at))
                && at + 2 < text.length() && Character.digit(text.charAt(at + 2), 16) >= 0;
    }

    private Failure unparsable(int start) {
        return new Failure("unparsable conditional expression '" + text.substring(start) + "'", start);
    }

    private void skipBlanks() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    /** A condition HAProxy refuses: its message, and the offending index in the condition text. */
    static final class Failure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /** The 0-based index of the offending character in the condition. */
        final int index;

        Failure(String message, int index) {
            super(message, null, false, false);
            this.index = index;
        }
    }
}
