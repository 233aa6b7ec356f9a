package io.haprobe.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code http-check expect [!] <match> <pattern>} rule (CFG §4.2 {@code http-check expect}, spec §4.5).
 *
 * <table>
 *   <caption>Matches</caption>
 *   <tr><th>match</th><th>tests</th><th>failure</th></tr>
 *   <tr><td>{@link Match#STATUS}</td><td>the code is in one of {@code statuses}</td><td>{@code L7STS}, reason phrase</td></tr>
 *   <tr><td>{@link Match#RSTATUS}</td><td>{@code regex} finds a match in the 3-digit code</td><td>{@code L7STS}, reason phrase</td></tr>
 *   <tr><td>{@link Match#STRING}</td><td>the body contains {@code pattern}</td><td>{@code L7RSP}</td></tr>
 *   <tr><td>{@link Match#RSTRING}</td><td>{@code regex} finds a match in the body</td><td>{@code L7RSP}</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param inverse  true when the rule is negated with {@code !} (an odd number of them)
 * @param match    what is tested; never null
 * @param pattern  the pattern as written; never null
 * @param statuses the parsed list for {@link Match#STATUS}, empty for the other matches; never null
 * @param regex    the compiled pattern for {@link Match#RSTATUS} and {@link Match#RSTRING}, null otherwise
 * @param location where the rule was declared; never null
 */
public record HttpExpect(boolean inverse, Match match, String pattern, List<StatusRange> statuses, Pattern regex,
                         SourceLocation location) implements HttpCheckRule {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a non-nullable argument is null
     * @throws IllegalArgumentException if {@code statuses} or {@code regex} do not fit {@code match}
     */
    public HttpExpect {
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(location, "location");
        statuses = List.copyOf(statuses);
        if ((match == Match.STATUS) == statuses.isEmpty()) {
            throw new IllegalArgumentException("statuses: " + statuses + " (expected: non-empty exactly for status)");
        }
        if ((match == Match.RSTATUS || match == Match.RSTRING) == (regex == null)) {
            throw new IllegalArgumentException("regex: " + regex + " (expected: set exactly for rstatus and rstring)");
        }
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
}
