package io.haprobe.config;

import java.nio.file.Path;

/** Placeholder replaced by the parser implementation. */
final class HaproxyConfigParser {
    private HaproxyConfigParser() {
    }

    static HaproxyConfig parse(Path file) {
        throw new UnsupportedOperationException();
    }

    static HaproxyConfig parse(String file, String text) {
        throw new UnsupportedOperationException();
    }
}
