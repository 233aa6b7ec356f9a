package io.haprobe.conformance;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A deliberate divergence of haprobe from {@code haproxy -c} on corpus files, as listed in {@code REPORT.md}: a
 * file name or a glob ({@code *} any run of characters, {@code ?} one), and why haprobe differs on purpose.
 *
 * @param pattern the file name or glob; never null, not blank
 * @param reason  why; never null, not blank
 */
record CorpusDivergence(String pattern, String reason) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if a component is blank
     */
    CorpusDivergence {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(reason, "reason");
        if (pattern.isBlank()) {
            throw new IllegalArgumentException("pattern: blank (expected: a corpus file name or a glob)");
        }
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason of " + pattern + ": blank (expected: why haprobe differs)");
        }
    }

    /**
     * Returns whether this entry covers a file.
     *
     * @param fileName a corpus file name, e.g. {@code 0412-realworld-web-edge-misspell-swap-L17.cfg}
     * @return whether the name matches the pattern
     */
    boolean covers(String fileName) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return fileName.matches(regex.toString());
    }
}
