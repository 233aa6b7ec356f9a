package io.haprobe.check;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The matchers of {@code tcp-check expect} and of the body rules of {@code http-check expect}: they look only at
 * the bytes they are given, from the buffer's start or from an offset (an HTTP body within the response).
 */
class ContentMatchTest {

    private static final byte[] BUFFER = "HEAD|body PONG|tail".getBytes(StandardCharsets.ISO_8859_1);
    private static final int BODY_OFFSET = 5;
    private static final int BODY_LENGTH = 9;

    @Test
    void textIsSearchedOnlyWithinTheRange() {
        assertThat(new ContentMatch.Text(ascii("PONG")).test(BUFFER, BODY_OFFSET, BODY_LENGTH)).isTrue();
        assertThat(new ContentMatch.Text(ascii("HEAD")).test(BUFFER, BODY_OFFSET, BODY_LENGTH)).isFalse();
        assertThat(new ContentMatch.Text(ascii("PONG|")).test(BUFFER, BODY_OFFSET, BODY_LENGTH)).isFalse();
        assertThat(new ContentMatch.Text(ascii("HEAD")).test(BUFFER, 4)).isTrue();
        assertThat(new ContentMatch.Text(ascii("HEAD")).test(BUFFER, 3)).isFalse();
    }

    @Test
    void binaryIsSearchedOnlyWithinTheRange() {
        assertThat(new ContentMatch.Binary(ascii("y P")).test(BUFFER, BODY_OFFSET, BODY_LENGTH)).isTrue();
        assertThat(new ContentMatch.Binary(ascii("|b")).test(BUFFER, BODY_OFFSET, BODY_LENGTH)).isFalse();
    }

    @Test
    void regexesSeeTheRangeAsTheWholeText() {
        assertThat(new ContentMatch.Regex(Pattern.compile("^body PONG$")).test(BUFFER, BODY_OFFSET, BODY_LENGTH))
                .isTrue();
        assertThat(new ContentMatch.Regex(Pattern.compile("HEAD|tail")).test(BUFFER, BODY_OFFSET, BODY_LENGTH))
                .isFalse();
        // "body" in uppercase hex, then nothing of "HEAD|" (48454144 7C) before it
        assertThat(new ContentMatch.BinaryRegex(Pattern.compile("^626F6479")).test(BUFFER, BODY_OFFSET, BODY_LENGTH))
                .isTrue();
        assertThat(new ContentMatch.BinaryRegex(Pattern.compile("7C")).test(BUFFER, BODY_OFFSET, BODY_LENGTH))
                .isFalse();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
