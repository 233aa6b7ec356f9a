package io.haprobe.cli;

import io.haprobe.config.HaproxyTime;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a command-line duration the way haproxy.cfg writes them ({@link HaproxyTime}): {@code 30s},
 * {@code 500ms}, a bare number in milliseconds. Converts to milliseconds.
 */
final class HaproxyTimeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return HaproxyTime.parseMillis(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
