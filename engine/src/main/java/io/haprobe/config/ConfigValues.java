package io.haprobe.config;

import java.util.List;

/**
 * Parses the numbers and durations of a configuration the way HAProxy reads them, with haprobe's error
 * message shape {@code keyword: 'value' (expected: ...)}.
 *
 * <p>Durations (CFG §2.5 "Time format"): an unsigned integer followed by an optional unit {@code us},
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}; a bare number is milliseconds. HAProxy keeps
 * timers in whole milliseconds, so microseconds round up to the next millisecond, and values above
 * {@link Integer#MAX_VALUE} ms (about 24.8 days) are refused as HAProxy refuses them ("timer overflow").
 * Results are nanoseconds of whole milliseconds.
 *
 * <p>Stateless and thread-safe.
 */
final class ConfigValues {

    /** The largest timer HAProxy accepts, in milliseconds. */
    static final long MAX_TIMER_MILLIS = Integer.MAX_VALUE;

    private static final long NANOS_PER_MILLI = 1_000_000L;

    /**
     * Parses a duration.
     *
     * @param file    the file name for errors; never null
     * @param line    the 1-based line for errors
     * @param keyword the keyword the value belongs to, used in messages, e.g. {@code inter}; never null
     * @param token   the value; never null
     * @return the duration in nanoseconds, a whole number of milliseconds, 0 when written as 0
     * @throws ConfigException if the text is not a duration or exceeds {@link #MAX_TIMER_MILLIS}
     */
    static long parseTimeNanos(String file, int line, String keyword, ConfigToken token) {
        long millis = HaproxyTime.millisOfPrefix(token.text());
        if (millis < 0) {
            throw invalid(file, line, keyword, token, "a time such as 2s or 500ms");
        }
        if (millis > MAX_TIMER_MILLIS) {
            throw invalid(file, line, keyword, token, "at most " + MAX_TIMER_MILLIS + "ms");
        }
        return millis * NANOS_PER_MILLI;
    }

    /**
     * Parses a duration like {@link #parseTimeNanos(String, int, String, ConfigToken)} and adds HAProxy 2.6's
     * warning when text follows a complete value: {@code 1h2m} is read as {@code 1h}, as 2.6.12 reads it.
     *
     * @param in      the line's place and warnings; never null
     * @param keyword the keyword, for messages; never null
     * @param token   the value; never null
     * @param positive whether 0 is refused ({@code inter}, {@code fastinter}, {@code downinter},
     *                 {@code agent-inter})
     * @return the duration in nanoseconds, a whole number of milliseconds
     * @throws ConfigException if the text is not a duration, is too large, or is 0 when {@code positive}
     */
    static long parseTimeNanos(ParseContext in, String keyword, ConfigToken token, boolean positive) {
        long nanos = positive ? parsePositiveTimeNanos(in.file(), in.line(), keyword, token)
                : parseTimeNanos(in.file(), in.line(), keyword, token);
        int trailing = HaproxyTime.trailingIndex(token.text());
        if (trailing >= 0) {
            in.warn(token, keyword + ": unexpected character '" + token.text().charAt(trailing)
                    + "' after the timer value '" + token.text() + "', only (us=microseconds,ms=milliseconds,"
                    + "s=seconds,m=minutes,h=hours,d=days) are supported; read as '"
                    + token.text().substring(0, trailing) + "' as HAProxy 2.6 does (later versions refuse it)");
        }
        return nanos;
    }

    /**
     * Parses a count the way HAProxy 2.6 reads {@code rise} and {@code fall} ({@code atol}, then
     * "'rise' has to be > 0"): leading blanks and a sign are allowed and reading stops at the first non-digit,
     * so {@code +5} and {@code 5abc} are 5. Values above {@link Integer#MAX_VALUE} saturate (HAProxy
     * truncates them to its int field).
     *
     * @param in      the line's place; never null
     * @param keyword {@code rise} or {@code fall}; never null
     * @param token   the value; never null
     * @return the value, {@code >= 1}
     * @throws ConfigException {@code (expected: >= 1)} if the value read is 0 or less, {@code (expected: an
     *                         integer >= 1)} if there is no digit
     */
    static int parsePositiveAtol(ParseContext in, String keyword, ConfigToken token) {
        String text = token.text().stripLeading();
        int first = !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-') ? 1 : 0;
        if (first >= text.length() || !HaproxyTime.isDigit(text.charAt(first))) {
            throw invalid(in.file(), in.line(), keyword, token, "an integer >= 1");
        }
        long value = atol(text);
        if (value <= 0) {
            throw invalid(in.file(), in.line(), keyword, token, ">= 1");
        }
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    /**
     * Reads a number as C's {@code atol} does, which HAProxy 2.6 uses for many keywords: leading blanks, an
     * optional sign, then digits up to the first other character; no digit gives 0 ({@code abc}, {@code x9x}),
     * {@code 10x} gives 10. Saturates at {@code Long.MAX_VALUE} (or its negation) like glibc's {@code strtol}.
     *
     * @param text the argument; never null
     * @return the value read
     */
    static long atol(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int start = i;
        while (i < text.length() && HaproxyTime.isDigit(text.charAt(i))) {
            i++;
        }
        long value = i == start ? 0 : HaproxyTime.parseSaturated(text.substring(start, i));
        return negative ? -value : value;
    }

    /**
     * Parses a positive duration, as HAProxy requires for {@code inter}, {@code fastinter} and
     * {@code downinter}.
     *
     * @return the duration in nanoseconds, {@code > 0}
     * @throws ConfigException if the text is not a duration, is 0, or is too large
     * @see #parseTimeNanos(String, int, String, ConfigToken)
     */
    static long parsePositiveTimeNanos(String file, int line, String keyword, ConfigToken token) {
        long nanos = parseTimeNanos(file, line, keyword, token);
        if (nanos == 0) {
            throw invalid(file, line, keyword, token, "a time > 0");
        }
        return nanos;
    }

    /**
     * Parses a decimal integer within {@code min..max}.
     *
     * @param file    the file name for errors; never null
     * @param line    the 1-based line for errors
     * @param keyword the keyword the value belongs to; never null
     * @param token   the value; never null
     * @param min     the smallest value accepted
     * @param max     the largest value accepted
     * @return the value
     * @throws ConfigException if the text is not a plain decimal integer or is out of range; the message
     *                         says {@code (expected: >= min)} when {@code max} is {@link Integer#MAX_VALUE}
     */
    static int parseInt(String file, int line, String keyword, ConfigToken token, int min, int max) {
        String text = token.text();
        boolean negative = text.startsWith("-");
        String digits = negative ? text.substring(1) : text;
        String expected = max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max;
        if (!HaproxyTime.isDigits(digits)) {
            throw invalid(file, line, keyword, token, "an integer " + expected);
        }
        long magnitude = HaproxyTime.parseSaturated(digits);
        long value = negative ? -magnitude : magnitude;
        if (value < min || value > max) {
            throw invalid(file, line, keyword, token, expected);
        }
        return (int) value;
    }

    /**
     * Parses an ALPN list, as {@code alpn}, {@code check-alpn} and {@code connect alpn} take it.
     *
     * @param file    the file name for errors; never null
     * @param line    the 1-based line for errors
     * @param keyword the keyword the value belongs to; never null
     * @param token   the value; never null
     * @return the protocol names in order; never empty
     * @throws ConfigException if a name is empty or longer than 255 bytes
     */
    static List<String> alpn(String file, int line, String keyword, ConfigToken token) {
        List<String> protocols = List.of(token.text().split(",", -1));
        for (String protocol : protocols) {
            if (protocol.isEmpty() || protocol.length() > 255) {
                throw invalid(file, line, keyword, token, "a comma-delimited list of protocol names such as"
                        + " h2,http/1.1");
            }
        }
        return protocols;
    }

    /**
     * Builds the standard bad-value exception.
     *
     * @return {@code file:line:col: keyword: 'value' (expected: what)} located at the token
     */
    static ConfigException invalid(String file, int line, String keyword, ConfigToken token, String expected) {
        return new ConfigException(new SourceLocation(file, line, token.column()),
                keyword + ": '" + token.text() + "' (expected: " + expected + ")");
    }

    private ConfigValues() {
    }
}
