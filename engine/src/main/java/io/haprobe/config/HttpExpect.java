package io.haprobe.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code http-check expect [options] [!] <match> <pattern>} rule (CFG §4.2 {@code http-check expect},
 * spec §4.5).
 *
 * <table>
 *   <caption>Matches</caption>
 *   <tr><th>match</th><th>tests</th><th>failure</th></tr>
 *   <tr><td>{@link Match#STATUS}</td><td>the code is in one of {@code statuses}</td><td>{@code L7STS}, reason phrase</td></tr>
 *   <tr><td>{@link Match#RSTATUS}</td><td>{@code regex} finds a match in the 3-digit code</td><td>{@code L7STS}, reason phrase</td></tr>
 *   <tr><td>{@link Match#HDR}</td><td>a header matches {@code header}, values split on commas</td><td>{@code L7STS}, reason phrase</td></tr>
 *   <tr><td>{@link Match#FHDR}</td><td>a header matches {@code header}, whole values</td><td>{@code L7STS}, reason phrase</td></tr>
 *   <tr><td>{@link Match#STRING}</td><td>the body contains {@code pattern}</td><td>{@code L7RSP}</td></tr>
 *   <tr><td>{@link Match#RSTRING}</td><td>{@code regex} finds a match in the body</td><td>{@code L7RSP}</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param inverse  true when the rule is negated with {@code !} (an odd number of them)
 * @param match    what is tested; never null
 * @param pattern  the pattern as written (the name pattern for {@code hdr}/{@code fhdr}); never null
 * @param statuses the parsed list for {@link Match#STATUS}, empty for the other matches; never null
 * @param regex    the compiled pattern for {@link Match#RSTATUS} and {@link Match#RSTRING}, null otherwise
 * @param header   the name and value matchers for {@link Match#HDR} and {@link Match#FHDR}, null otherwise
 * @param options  {@code comment}, {@code ok-status}, {@code error-status}, ...; never null
 * @param location where the rule was declared; never null
 */
public record HttpExpect(boolean inverse, Match match, String pattern, List<StatusRange> statuses, Pattern regex,
                         HeaderMatch header, ExpectOptions options, SourceLocation location) implements HttpCheckRule {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a non-nullable argument is null
     * @throws IllegalArgumentException if {@code statuses}, {@code regex} or {@code header} do not fit
     *                                  {@code match}
     */
    public HttpExpect {
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(location, "location");
        statuses = List.copyOf(statuses);
        if ((match == Match.STATUS) == statuses.isEmpty()) {
            throw new IllegalArgumentException("statuses: " + statuses + " (expected: non-empty exactly for status)");
        }
        if ((match == Match.RSTATUS || match == Match.RSTRING) == (regex == null)) {
            throw new IllegalArgumentException("regex: " + regex + " (expected: set exactly for rstatus and rstring)");
        }
        if ((match == Match.HDR || match == Match.FHDR) == (header == null)) {
            throw new IllegalArgumentException("header: " + header + " (expected: set exactly for hdr and fhdr)");
        }
    }

    /**
     * Creates a rule without options and without a header matcher.
     *
     * @param inverse  true when negated
     * @param match    what is tested, not {@code hdr} or {@code fhdr}; never null
     * @param pattern  the pattern as written; never null
     * @param statuses the list for {@link Match#STATUS}, else empty; never null
     * @param regex    the pattern for {@link Match#RSTATUS} and {@link Match#RSTRING}, else null
     * @param location where the rule was declared; never null
     * @throws NullPointerException     if a non-nullable argument is null
     * @throws IllegalArgumentException if the components do not fit {@code match}
     */
    public HttpExpect(boolean inverse, Match match, String pattern, List<StatusRange> statuses, Pattern regex,
                      SourceLocation location) {
        this(inverse, match, pattern, statuses, regex, null, ExpectOptions.NONE, location);
    }

    /**
     * Tells whether this rule tests the body, so that the verdict must wait for body bytes.
     *
     * @return true for {@link Match#STRING} and {@link Match#RSTRING}
     */
    public boolean needsBody() {
        return match == Match.STRING || match == Match.RSTRING;
    }

    /** What an {@code http-check expect} rule tests; the names are HAProxy's keywords. */
    public enum Match {
        /** {@code status <list>}: codes and ranges such as {@code 200,301-302}. */
        STATUS("status"),
        /** {@code rstatus <regex>}: a regular expression on the status code. */
        RSTATUS("rstatus"),
        /** {@code hdr name <pattern> [value <pattern>]}: a header, each comma-separated value on its own. */
        HDR("hdr"),
        /** {@code fhdr name <pattern> [value <pattern>]}: a header, its full value. */
        FHDR("fhdr"),
        /** {@code string <text>}: a substring of the body. */
        STRING("string"),
        /** {@code rstring <regex>}: a regular expression on the body. */
        RSTRING("rstring");

        private final String keyword;

        Match(String keyword) {
            this.keyword = keyword;
        }

        /**
         * Returns the keyword as written in a configuration.
         *
         * @return e.g. {@code rstatus}
         */
        public String keyword() {
            return keyword;
        }
    }

    /** How a header name or value pattern matches ({@code -m str|beg|end|sub|reg}; default {@code str}). */
    public enum Method {
        /** The whole text equals the pattern. */
        STR,
        /** The text starts with the pattern. */
        BEG,
        /** The text ends with the pattern. */
        END,
        /** The text contains the pattern. */
        SUB,
        /** The regular expression finds a match in the text. */
        REG;

        /**
         * Returns the keyword after {@code -m}.
         *
         * @return e.g. {@code beg}
         */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One name or value pattern of a {@code hdr}/{@code fhdr} rule.
     *
     * @param method  how it matches; never null
     * @param pattern the pattern as written; never null
     * @param regex   the compiled pattern for {@link Method#REG}, null otherwise
     */
    public record TextMatch(Method method, String pattern, Pattern regex) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code method} or {@code pattern} is null
         * @throws IllegalArgumentException if {@code regex} is set for another method than {@code reg}, or
         *                                  missing for {@code reg}
         */
        public TextMatch {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(pattern, "pattern");
            if ((method == Method.REG) == (regex == null)) {
                throw new IllegalArgumentException("regex: " + regex + " (expected: set exactly for -m reg)");
            }
        }
    }

    /**
     * The header matchers of a {@code hdr}/{@code fhdr} rule. HAProxy compares names without case (header
     * names are lowercased when the response is parsed, so a {@code reg} name pattern sees lowercase) and
     * values with case.
     *
     * @param name  the name pattern; never null
     * @param value the value pattern, or null when any value matches
     */
    public record HeaderMatch(TextMatch name, TextMatch value) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code name} is null
         */
        public HeaderMatch {
            Objects.requireNonNull(name, "name");
        }
    }
}
