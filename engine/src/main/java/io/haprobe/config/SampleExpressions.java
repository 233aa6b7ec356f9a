package io.haprobe.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What haprobe reads of HAProxy's sample expressions (CFG §7.3), where a check rule takes one
 * ({@code tcp-check connect port}, {@code expect status-code}): the constant {@code int(<n>)}; and the
 * error HAProxy gives at parse time for a text that cannot name a fetch method.
 *
 * <p>Stateless and thread-safe.
 */
final class SampleExpressions {

    private static final Pattern INT_CONSTANT = Pattern.compile("int\\((-?[0-9]{1,9})\\)");

    private SampleExpressions() {
    }

    /**
     * Reads the constant {@code int(<n>)}.
     *
     * @param text the expression; never null
     * @return the constant, or null for another expression
     */
    static Integer intConstant(String text) {
        Matcher constant = INT_CONSTANT.matcher(text);
        return constant.matches() ? Integer.valueOf(constant.group(1)) : null;
    }

    /**
     * Refuses, as HAProxy does, an expression that does not start with a letter: no fetch method has such a
     * name ({@code status-code 200}: "unknown fetch method '200'").
     *
     * @param expression the expression; never null
     * @param what       what the expression gives, e.g. {@code status-code}; never null
     * @param directive  the directive for messages, e.g. {@code tcp-check expect}; never null
     * @param in         the line's place and errors; never null
     * @throws ConfigException if the expression cannot name a fetch method
     */
    static void requireFetch(ConfigToken expression, String what, String directive, ParseContext in) {
        String text = expression.text();
        char first = text.isEmpty() ? ' ' : text.charAt(0);
        if (!(first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z')) {
            throw in.error(expression, "'" + directive + "': error detected while parsing " + what + " expression :"
                    + " unknown fetch method '" + text + "'");
        }
    }
}
