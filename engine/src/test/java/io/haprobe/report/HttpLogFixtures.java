package io.haprobe.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code httplog/httplog.lines}, the lines HAProxy 2.6.12 sent to its syslog target per case. Test support,
 * shared with the engine's simulated httplog tests.
 */
public final class HttpLogFixtures {

    private HttpLogFixtures() {
    }

    /** The lines of each case, as received (syslog header included), with the {@code REPLY} lines of sizes. */
    public static Map<String, List<String>> cases() {
        try (InputStream in = HttpLogFixtures.class.getResourceAsStream("/httplog/httplog.lines")) {
            Map<String, List<String>> cases = new LinkedHashMap<>();
            List<String> current = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith("CASE ")) {
                    current = new ArrayList<>();
                    cases.put(line.substring(5), current);
                } else if (current != null && !line.isEmpty()) {
                    current.add(line);
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message of a syslog line: what follows {@code haproxy[pid]: }. */
    static String message(String line) {
        return line.substring(line.indexOf("]: ") + 3);
    }

    /** The bytes of a Python bytes literal as {@code repr} writes it: {@code b'...'} with \r \n \\ \' \xNN. */
    static byte[] pythonBytes(String literal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String body = literal.substring(2, literal.length() - 1);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.write(c);
                continue;
            }
            char escaped = body.charAt(++i);
            switch (escaped) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'x' -> {
                    out.write(Integer.parseInt(body.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> out.write(escaped);
            }
        }
        return out.toByteArray();
    }
}
