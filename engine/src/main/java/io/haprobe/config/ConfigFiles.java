package io.haprobe.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads the text files a user points haprobe at (a haproxy.cfg, a scenario) with the error a user can act on,
 * and with a bound, so that {@code -f /dev/zero} or a runaway file is an error instead of an
 * {@link OutOfMemoryError}.
 *
 * <p>HAProxy 2.6 itself has no line-length limit a user meets: its reader starts at {@code LINESIZE} (2048)
 * and grows the line buffer as needed ({@code haproxy -c} 2.6.12 accepts a 16 MiB line), so haprobe does not
 * bound lines either, only the whole file ({@link #MAX_FILE_BYTES}). Like HAProxy, it refuses a NUL byte
 * ({@code parsing [zero.cfg:1]: Stray NUL character at position 1.}).
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigFiles {

    /** The largest file haprobe reads: 64 MiB. */
    public static final int MAX_FILE_BYTES = 64 * 1024 * 1024;

    private static final int CHUNK_BYTES = 64 * 1024;

    private ConfigFiles() {
    }

    /**
     * Reads a whole file as UTF-8, malformed bytes replaced; stops reading at the first NUL byte or past
     * {@link #MAX_FILE_BYTES}, so devices and pipes are safe to name.
     *
     * @param path the file; never null
     * @return its text
     * @throws ConfigException      if it cannot be read, at {@code file:1:1}, e.g. {@code haproxy.cfg:1:1: cannot
     *                              read file: no such file}; if it is larger than 64 MiB ({@code file:1:1: file
     *                              too large: more than 67108864 bytes (expected: at most 64 MiB)}); or if it
     *                              holds a NUL byte, at its line and column ({@code file:3:7: stray NUL character
     *                              (expected: a text file)})
     * @throws NullPointerException if {@code path} is null
     */
    public static String readUtf8(Path path) {
        return readUtf8(path, MAX_FILE_BYTES);
    }

    /** {@link #readUtf8(Path)} with another bound, for tests. */
    static String readUtf8(Path path, int maxBytes) {
        Objects.requireNonNull(path, "path");
        String file = path.toString();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(path)) {
            byte[] chunk = new byte[CHUNK_BYTES];
            int read;
            while ((read = in.read(chunk)) != -1) {
                int nul = indexOfNul(chunk, read);
                if (nul >= 0) {
                    bytes.write(chunk, 0, nul);
                    throw strayNul(file, bytes.toByteArray());
                }
                if (bytes.size() + (long) read > maxBytes) {
                    throw new ConfigException(new SourceLocation(file, 1, 1), "file too large: more than "
                            + maxBytes + " bytes (expected: at most " + maxBytes / (1024 * 1024) + " MiB)");
                }
                bytes.write(chunk, 0, read);
            }
        } catch (IOException | SecurityException e) {
            throw new ConfigException(new SourceLocation(file, 1, 1), "cannot read file: " + reason(e));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int indexOfNul(byte[] chunk, int length) {
        for (int i = 0; i < length; i++) {
            if (chunk[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static ConfigException strayNul(String file, byte[] before) {
        String text = new String(before, StandardCharsets.UTF_8);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = text.codePointCount(lineStart, text.length()) + 1;
        return new ConfigException(new SourceLocation(file, line, column), "stray NUL character (expected: a text file)");
    }

    private static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
