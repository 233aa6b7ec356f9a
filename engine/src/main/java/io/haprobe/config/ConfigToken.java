package io.haprobe.config;

/**
 * One word of a configuration line after quotes, escapes and {@code ${VAR}} expansion were applied.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text   the word as HAProxy sees it; never null, may be empty only when it was written as
 *               {@code ""} or {@code ''}
 * @param column the 1-based column where the word starts in the raw line
 */
record ConfigToken(String text, int column) {

    /**
     * Tells whether this word is {@code keyword}, compared exactly as HAProxy does (case-sensitive).
     *
     * @param keyword a keyword; never null
     * @return true if the text equals {@code keyword}
     */
    boolean is(String keyword) {
        return text.equals(keyword);
    }
}
