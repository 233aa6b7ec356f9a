package io.haprobe.config;

/**
 * Reads durations the way haproxy.cfg writes them (CFG §2.5 "Time format"): digits followed by a unit,
 * {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}; a bare number is in milliseconds.
 * HAProxy keeps whole milliseconds, so microseconds round up ({@code 1us} is 1 ms). Values saturate instead
 * of overflowing. {@link #parseMillis} is strict: the forms HAProxy 2.6 reads with a warning ({@code 1h2m}
 * read as {@code 1h}) are refused here; the configuration parser accepts them and adds the warning.
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * HaproxyTime.parseMillis("2s");    // 2000
 * HaproxyTime.parseMillis("1500");  // 1500
 * }</pre>
 */
public final class HaproxyTime {

    private HaproxyTime() {
    }

    /**
     * Parses a duration.
     *
     * @param text the duration, e.g. {@code 500ms}; never null
     * @return the duration in whole milliseconds, 0 or more (saturated at {@link Long#MAX_VALUE})
     * @throws IllegalArgumentException if {@code text} is not a duration; the message has the shape
     *                                  {@code 'soon' (expected: a time such as 2s or 500ms)}
     */
    public static long parseMillis(String text) {
        long millis = millisOrNegative(text);
        if (millis < 0) {
            throw new IllegalArgumentException("'" + text + "' (expected: a time such as 2s or 500ms)");
        }
        return millis;
    }

    /** Returns the duration in whole milliseconds, or -1 when {@code text} is not a duration. */
    static long millisOrNegative(String text) {
        return trailingIndex(text) < 0 ? millisOfPrefix(text) : -1;
    }

    /**
     * Returns where text follows a complete duration, as in {@code 1h2m} or {@code 1s5}: HAProxy 2.6.12 reads
     * the value before it and warns "unexpected character '2' after the timer value '1h2m', ... This will be
     * reported as an error in next versions" ({@code parse_time_err}); {@code 5x} and {@code s} stay errors.
     *
     * @return the index of the first unexpected character, or -1 when there is none or the text has no
     *         complete value followed by a known unit
     */
    static int trailingIndex(String text) {
        int digitsEnd = digitsEnd(text);
        if (digitsEnd == 0) {
            return -1;
        }
        for (String unit : new String[] {"us", "ms", "s", "m", "h", "d"}) {
            if (text.startsWith(unit, digitsEnd)) {
                int end = digitsEnd + unit.length();
                return end < text.length() ? end : -1;
            }
        }
        return -1;
    }

    /**
     * Returns the duration written before {@link #trailingIndex} (the whole text when there is no trailing
     * part) in whole milliseconds, or -1 when that is not a duration.
     */
    static long millisOfPrefix(String text) {
        int trailing = trailingIndex(text);
        String value = trailing < 0 ? text : text.substring(0, trailing);
        int digitsEnd = digitsEnd(value);
        long unitMicros = unitMicros(value.substring(digitsEnd));
        if (digitsEnd == 0 || unitMicros < 0) {
            return -1;
        }
        long micros = saturatingMultiply(parseSaturated(value.substring(0, digitsEnd)), unitMicros);
        return micros / 1000 + (micros % 1000 == 0 ? 0 : 1);
    }

    /** Tells whether {@code c} is an ASCII digit. */
    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Whether the text is one or more ASCII digits (false when empty). */
    static boolean isDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return !text.isEmpty();
    }

    /** Parses ASCII digits, saturating at {@link Long#MAX_VALUE}. */
    static long parseSaturated(String digits) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = saturatingMultiply(value, 10);
            long next = value + (digits.charAt(i) - '0');
            value = next < value ? Long.MAX_VALUE : next;
        }
        return value;
    }

    private static int digitsEnd(String text) {
        int end = 0;
        while (end < text.length() && isDigit(text.charAt(end))) {
            end++;
        }
        return end;
    }

    private static long unitMicros(String unit) {
        return switch (unit) {
            case "us" -> 1L;
            case "", "ms" -> 1_000L;
            case "s" -> 1_000_000L;
            case "m" -> 60_000_000L;
            case "h" -> 3_600_000_000L;
            case "d" -> 86_400_000_000L;
            default -> -1L;
        };
    }

    private static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
    }
}
