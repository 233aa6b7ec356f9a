package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Feeds seeded random junk and random keyword mixes: the parser may only succeed or throw ConfigException. */
class ParserRobustnessTest {

    private static final List<String> WORDS = List.of("global", "defaults", "backend", "listen", "frontend",
            "resolvers", "from", "server", "default-server", "option", "no", "httpchk", "log-health-checks",
            "tcp-check", "http-check", "send", "expect", "connect", "meth", "uri", "ver", "hdr", "host", "body",
            "comment", "status", "rstatus", "string", "rstring", "!", "!!", "min-recv", "timeout", "check",
            "connect", "inter", "fastinter", "rise", "fall", "port", "addr", "weight", "maxconn", "slowstart",
            "source", "usesrc", "cookie", "spread-checks", "max-spread-checks", "1.2.3.4:80", "[::1]:80", "[::1",
            "::", ":", "0", "-1", "256", "99999999999999999999", "2s", "1us", "(", "[", "200-", "200,301-302",
            "\"", "'", "\\", "\\x", "\\x4", "${", "${HOME}", "${A", "#", "\\r\\n", "HTTP/1.1\\r\\nHost:\\ x",
            "HTTP/1.1\\r\\n\\r\\nb", "\\r\\n:", "\"\"", "''", "b", "s", ".if", "a\\ b", "-", ",");

    @Test
    void randomKeywordMixesOnlyEverThrowConfigException() {
        Random random = new Random(20240611L);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            int lines = 1 + random.nextInt(8);
            for (int l = 0; l < lines; l++) {
                int words = random.nextInt(9);
                for (int w = 0; w < words; w++) {
                    text.append(random.nextBoolean() ? " " : "").append(WORDS.get(random.nextInt(WORDS.size())));
                    text.append(random.nextInt(4) == 0 ? "\t" : " ");
                }
                text.append(random.nextInt(5) == 0 ? "\r\n" : "\n");
            }
            assertOnlyConfigException(text.toString());
        }
    }

    @Test
    void randomBytesOnlyEverThrowConfigException() {
        Random random = new Random(7L);
        for (int round = 0; round < 5_000; round++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            String prefix = random.nextBoolean() ? "backend b\n  server s 1.2.3.4:80 " : "";
            assertOnlyConfigException(prefix + new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void hugeAndOddInputsAreHandled() {
        assertOnlyConfigException("backend b\n  server s 1.2.3.4:80 check inter " + "9".repeat(10_000));
        assertOnlyConfigException("backend b\n  option httpchk\n  http-check expect rstring " + "(".repeat(5_000));
        assertOnlyConfigException("backend b\n  option httpchk\n  http-check expect rstring " + "(?:a)".repeat(20_000));
        assertOnlyConfigException("\0\0\0");
        assertOnlyConfigException("\n".repeat(100_000));
        assertOnlyConfigException("backend \"unterminated");
    }

    private static void assertOnlyConfigException(String text) {
        try {
            HaproxyConfig config = new HaproxyConfigParser("fuzz.cfg", Map.of("HOME", "/root")).parse(text);
            assertThat(config).isNotNull();
        } catch (ConfigException expected) {
            assertThat(expected.getMessage()).startsWith("fuzz.cfg:");
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("unexpected " + e + " for input: " + text.replace("\n", "\\n"), e);
        }
    }
}
