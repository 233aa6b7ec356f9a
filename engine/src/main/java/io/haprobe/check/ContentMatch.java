package io.haprobe.check;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@code tcp-check expect} rule looks for in the received bytes (spec §5.2): a byte string, or a
 * regular expression on the bytes or on their uppercase hex dump. The body rules of {@code http-check expect}
 * ({@code string}, {@code rstring}; spec §4.5) are the same matchers run on the response body. Pure and
 * allocation-light: a search over the buffer, a regex run on an ISO-8859-1 view of it.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ContentMatch permits ContentMatch.Text, ContentMatch.Binary, ContentMatch.Regex,
        ContentMatch.BinaryRegex {

    /**
     * Tells whether the first {@code length} bytes of {@code buffer} match.
     *
     * @param buffer the received bytes; never null
     * @param length how many of them count, {@code 0..buffer.length}
     * @return true on a match
     */
    default boolean test(byte[] buffer, int length) {
        return test(buffer, 0, length);
    }

    /**
     * Tells whether the {@code length} bytes of {@code buffer} from {@code offset} match, e.g. an HTTP body
     * within the response bytes.
     *
     * @param buffer the received bytes; never null
     * @param offset where the bytes that count start, {@code 0..buffer.length}
     * @param length how many bytes count, {@code 0..buffer.length - offset}
     * @return true on a match
     */
    boolean test(byte[] buffer, int offset, int length);

    /**
     * Returns how many bytes the rule waits for before it judges, unless the stream ended: the pattern length
     * for {@code string} and {@code binary}, 0 for regexes.
     *
     * @return the byte count
     */
    int minimumLength();

    /**
     * Returns the part of HAProxy's failure info that names the pattern (spec §5.4), e.g. {@code  'PONG'},
     * {@code  (binary)}, {@code  (regex)}, {@code  (binary regex)}, with its leading space.
     *
     * @return the text
     */
    String failureText();

    /**
     * Returns how HAProxy names the rule in timeout and connection-error infos (spec §5.4), e.g.
     * {@code expect string 'PONG'}, {@code expect binary '+PONG'} (the raw bytes), {@code expect regex}.
     *
     * @return the text
     */
    String expectText();

    /**
     * {@code string}: the bytes appear somewhere in the buffer.
     *
     * @param pattern the bytes; never null, not empty; not copied
     */
    record Text(byte[] pattern) implements ContentMatch {

        /**
         * Validates the component.
         *
         * @throws NullPointerException     if {@code pattern} is null
         * @throws IllegalArgumentException if it is empty
         */
        public Text {
            requireBytes(pattern);
        }

        @Override
        public boolean test(byte[] buffer, int offset, int length) {
            return indexOf(buffer, offset, length, pattern) >= 0;
        }

        @Override
        public int minimumLength() {
            return pattern.length;
        }

        @Override
        public String failureText() {
            return " '" + latin1(pattern) + "'";
        }

        @Override
        public String expectText() {
            return "expect string '" + latin1(pattern) + "'";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Text text && Arrays.equals(pattern, text.pattern);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(pattern);
        }

        @Override
        public String toString() {
            return "Text['" + latin1(pattern) + "']";
        }
    }

    /**
     * {@code binary}: the bytes of a hex pattern appear somewhere in the buffer.
     *
     * @param pattern the bytes; never null, not empty; not copied
     */
    record Binary(byte[] pattern) implements ContentMatch {

        /**
         * Validates the component.
         *
         * @throws NullPointerException     if {@code pattern} is null
         * @throws IllegalArgumentException if it is empty
         */
        public Binary {
            requireBytes(pattern);
        }

        @Override
        public boolean test(byte[] buffer, int offset, int length) {
            return indexOf(buffer, offset, length, pattern) >= 0;
        }

        @Override
        public int minimumLength() {
            return pattern.length;
        }

        @Override
        public String failureText() {
            return " (binary)";
        }

        @Override
        public String expectText() {
            return "expect binary '" + latin1(pattern) + "'";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Binary binary && Arrays.equals(pattern, binary.pattern);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(pattern);
        }

        @Override
        public String toString() {
            return "Binary[" + HexFormat.of().formatHex(pattern) + "]";
        }
    }

    /**
     * {@code rstring}: the regex finds a match in the bytes, read as ISO-8859-1 (one char per byte).
     *
     * @param regex the expression; never null
     */
    record Regex(Pattern regex) implements ContentMatch {

        /**
         * Validates the component.
         *
         * @throws NullPointerException if {@code regex} is null
         */
        public Regex {
            Objects.requireNonNull(regex, "regex");
        }

        @Override
        public boolean test(byte[] buffer, int offset, int length) {
            return Regexes.find(regex, new Latin1(buffer, offset, length));
        }

        @Override
        public int minimumLength() {
            return 0;
        }

        @Override
        public String failureText() {
            return " (regex)";
        }

        @Override
        public String expectText() {
            return "expect regex";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Regex r && regex.pattern().equals(r.regex.pattern());
        }

        @Override
        public int hashCode() {
            return regex.pattern().hashCode();
        }
    }

    /**
     * {@code rbinary}: the regex finds a match in the uppercase hex dump of the bytes (two digits per byte,
     * no separator), so {@code ^2B50} matches {@code +P} and {@code ^2b50} never does (spec §5.2).
     *
     * @param regex the expression; never null
     */
    record BinaryRegex(Pattern regex) implements ContentMatch {

        /**
         * Validates the component.
         *
         * @throws NullPointerException if {@code regex} is null
         */
        public BinaryRegex {
            Objects.requireNonNull(regex, "regex");
        }

        @Override
        public boolean test(byte[] buffer, int offset, int length) {
            return Regexes.find(regex, HexFormat.of().withUpperCase().formatHex(buffer, offset, offset + length));
        }

        @Override
        public int minimumLength() {
            return 0;
        }

        @Override
        public String failureText() {
            return " (binary regex)";
        }

        @Override
        public String expectText() {
            return "expect binary regex";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof BinaryRegex r && regex.pattern().equals(r.regex.pattern());
        }

        @Override
        public int hashCode() {
            return regex.pattern().hashCode();
        }
    }

    private static void requireBytes(byte[] pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.length == 0) {
            throw new IllegalArgumentException("pattern: (empty) (expected: at least one byte)");
        }
    }

    private static int indexOf(byte[] buffer, int offset, int length, byte[] pattern) {
        byte first = pattern[0];
        int last = offset + length - pattern.length;
        outer:
        for (int i = offset; i <= last; i++) {
            if (buffer[i] != first) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (buffer[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** A read-only ISO-8859-1 view of a byte range, so a regex runs on the buffer without copying it. */
    final class Latin1 implements CharSequence {

        private final byte[] bytes;
        private final int offset;
        private final int length;

        Latin1(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[offset + index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Latin1(bytes, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(bytes, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
