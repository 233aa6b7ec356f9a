package io.haprobe.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration the way haproxy.cfg writes them: a number followed by {@code us}, {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d}; a bare number is in milliseconds. Converts to milliseconds, rounding
 * microseconds up.
 */
final class HaproxyTimeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        int digits = 0;
        while (digits < value.length() && Character.isDigit(value.charAt(digits))) {
            digits++;
        }
        if (digits == 0 || digits > 12) {
            throw new TypeConversionException("'" + value + "' (expected: a time such as 30s or 500ms)");
        }
        long number = Long.parseLong(value.substring(0, digits));
        return switch (value.substring(digits)) {
            case "", "ms" -> number;
            case "us" -> (number + 999) / 1000;
            case "s" -> number * 1000;
            case "m" -> number * 60_000;
            case "h" -> number * 3_600_000;
            case "d" -> number * 86_400_000;
            default -> throw new TypeConversionException("'" + value
                    + "' (expected: a time such as 30s or 500ms; units us, ms, s, m, h, d)");
        };
    }
}
