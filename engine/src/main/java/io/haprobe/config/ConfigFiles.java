package io.haprobe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads the text files a user points haprobe at (a haproxy.cfg, a scenario) with the error a user can act on.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /**
     * Reads a whole file as UTF-8, malformed bytes replaced.
     *
     * @param path the file; never null
     * @return its text
     * @throws ConfigException      if it cannot be read, at {@code file:1:1}, e.g. {@code haproxy.cfg:1:1: cannot
     *                              read file: no such file}
     * @throws NullPointerException if {@code path} is null
     */
    public static String readUtf8(Path path) {
        Objects.requireNonNull(path, "path");
        try {
            return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            throw new ConfigException(new SourceLocation(path.toString(), 1, 1), "cannot read file: " + reason(e));
        }
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
