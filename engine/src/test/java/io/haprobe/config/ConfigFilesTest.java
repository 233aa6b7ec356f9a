package io.haprobe.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigFilesTest {

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void devZeroIsAStrayNulAtLineOneNotAnOutOfMemoryError() {
        assertThatThrownBy(() -> HaproxyConfig.parse(Path.of("/dev/zero")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/dev/zero:1:1: stray NUL character (expected: a text file)");
    }

    @Test
    void nulByteIsAnErrorAtItsLineAndColumn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("nul.cfg");
        Files.write(file, "backend b\n  serv\0er s1 127.0.0.1:80\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ConfigFiles.readUtf8(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2:7: stray NUL character (expected: a text file)");
    }

    @Test
    void fileOverTheBoundIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.cfg");
        Files.writeString(file, ("# " + "x".repeat(1021) + "\n").repeat(1025));

        assertThatThrownBy(() -> ConfigFiles.readUtf8(file, 1024 * 1024))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":1:1: file too large: more than 1048576 bytes (expected: at most 1 MiB)");
        assertThat(ConfigFiles.readUtf8(file, 2 * 1024 * 1024)).hasSize(1024 * 1025);
    }

    @Test
    void longLinesAreReadAsHaproxyTwoSixReadsThem(@TempDir Path dir) throws IOException {
        // haproxy -c 2.6.12 grows its line buffer past LINESIZE (2048): a 3000-char line, even a 16 MiB one, passes
        Path file = dir.resolve("long.cfg");
        Files.writeString(file, "backend b\n    # " + "x".repeat(3000) + "\n    server s1 127.0.0.1:80 check\n");

        HaproxyConfig config = HaproxyConfig.parse(file);

        assertThat(config.warnings()).isEmpty();
    }
}
