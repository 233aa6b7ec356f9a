package io.haprobe.check;

import java.util.regex.Pattern;

/**
 * Runs the check rules' regular expressions on what a server sent, safely.
 *
 * <p>Stateless and thread-safe.
 */
final class Regexes {

    private Regexes() {
    }

    /**
     * Tells whether {@code regex} finds a match in {@code text}. {@code java.util.regex} recurses once per
     * repetition of a group with alternatives, so a backtracking-heavy pattern on a long answer can overflow
     * the stack; that is no match, as PCRE's match limit gives HAProxy, and never an error out of the check.
     *
     * @param regex the rule's expression; never null
     * @param text  what the server sent, as text; never null
     * @return true when a match is found
     */
    static boolean find(Pattern regex, CharSequence text) {
        try {
            return regex.matcher(text).find();
        } catch (StackOverflowError e) {
            return false;
        }
    }
}
