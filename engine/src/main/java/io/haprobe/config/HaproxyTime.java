package io.haprobe.config;

/**
 * Reads durations the way haproxy.cfg writes them (CFG §2.5 "Time format"): digits followed by a unit,
 * {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}; a bare number is in milliseconds.
 * HAProxy keeps whole milliseconds, so microseconds round up ({@code 1us} is 1 ms). Values saturate instead
 * of overflowing.
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
        int digitsEnd = 0;
        while (digitsEnd < text.length() && isDigit(text.charAt(digitsEnd))) {
            digitsEnd++;
        }
        long unitMicros = unitMicros(text.substring(digitsEnd));
        if (digitsEnd == 0 || unitMicros < 0) {
            return -1;
        }
        long micros = saturatingMultiply(parseSaturated(text.substring(0, digitsEnd)), unitMicros);
        return micros / 1000 + (micros % 1000 == 0 ? 0 : 1);
    }

    /** Tells whether {@code c} is an ASCII digit. */
    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
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
