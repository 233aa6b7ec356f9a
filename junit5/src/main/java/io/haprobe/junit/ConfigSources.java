package io.haprobe.junit;

import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Loads a haproxy.cfg from a classpath resource, a file or inline text. */
final class ConfigSources {

    private ConfigSources() {
    }

    /**
     * Parses the classpath resource {@code name} (looked up with {@code loader}, a leading {@code /} ignored),
     * or else the file {@code name}. Config errors name the resource or the file.
     *
     * @throws IllegalArgumentException if neither a resource nor a regular file has that name
     * @throws ConfigException          if the config is invalid
     * @throws UncheckedIOException     if the resource cannot be read
     */
    static HaproxyConfig resourceOrFile(String name, ClassLoader loader) {
        Objects.requireNonNull(name, "config");
        String resource = name.startsWith("/") ? name.substring(1) : name;
        URL url = loader.getResource(resource);
        if (url != null) {
            try (InputStream in = url.openStream()) {
                return HaproxyConfig.parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("config: cannot read resource '" + resource + "'", e);
            }
        }
        Path file = Path.of(name);
        if (Files.isRegularFile(file)) {
            return file(file);
        }
        throw new IllegalArgumentException("config: '" + name + "' (expected: a classpath resource or a file; "
                + "working directory " + Path.of("").toAbsolutePath() + ")");
    }

    /**
     * Parses the file at {@code file}.
     *
     * @throws ConfigException if the file cannot be read or is invalid
     */
    static HaproxyConfig file(Path file) {
        return HaproxyConfig.parse(Objects.requireNonNull(file, "config"));
    }

    /**
     * Parses inline haproxy.cfg text; config errors name the file {@code inline.cfg}.
     *
     * @throws ConfigException if the config is invalid
     */
    static HaproxyConfig text(String text) {
        return HaproxyConfig.parse("inline.cfg", Objects.requireNonNull(text, "text"));
    }
}
