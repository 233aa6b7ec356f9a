package io.haprobe.check;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A text a check rule prints as its info, taken from the rule or from the response: HAProxy's
 * {@code on-success}/{@code on-error} formats as the prebuilt protocol checks use them (spec §5.2), e.g.
 * {@code %[res.payload(0,0),cut_crlf]}. Bytes are read as ISO-8859-1 and the text stops at a NUL byte, as
 * HAProxy's C string copy does.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ResponseText permits ResponseText.Literal, ResponseText.Line, ResponseText.CString {

    /**
     * Returns the text for a response.
     *
     * @param buffer the received bytes; never null
     * @param length how many of them count
     * @return the text; never null, empty when the response is shorter than the offset
     */
    String render(byte[] buffer, int length);

    /**
     * A fixed text, e.g. {@code Redis server is ok}.
     *
     * @param text the text; never null
     */
    record Literal(String text) implements ResponseText {

        /**
         * Validates the component.
         *
         * @throws NullPointerException if {@code text} is null
         */
        public Literal {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String render(byte[] buffer, int length) {
            return text;
        }
    }

    /**
     * The response from {@code offset} up to the first CR or LF, leading spaces skipped when
     * {@code trimSpaces}: {@code %[res.payload(offset,0),ltrim(' '),cut_crlf]}.
     *
     * @param offset     the first byte, {@code >= 0}
     * @param trimSpaces skip leading spaces
     */
    record Line(int offset, boolean trimSpaces) implements ResponseText {

        @Override
        public String render(byte[] buffer, int length) {
            int start = offset;
            while (trimSpaces && start < length && buffer[start] == ' ') {
                start++;
            }
            int end = start;
            while (end < length && buffer[end] != '\r' && buffer[end] != '\n' && buffer[end] != 0) {
                end++;
            }
            return start >= end ? "" : new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The response from {@code offset} up to the first NUL byte: {@code %[res.payload(offset,0)]}, or a C
     * string inside a binary packet (a MySQL server version).
     *
     * @param offset the first byte, {@code >= 0}
     */
    record CString(int offset) implements ResponseText {

        @Override
        public String render(byte[] buffer, int length) {
            int end = offset;
            while (end < length && buffer[end] != 0) {
                end++;
            }
            return offset >= end ? "" : new String(buffer, offset, end - offset, StandardCharsets.ISO_8859_1);
        }
    }
}
