package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Feeds seeded random YAML-ish junk: the scenario parser may only succeed or throw ConfigException. */
class ScenarioRobustnessTest {

    private static final List<String> WORDS = List.of("config:", "haproxy:", "seed:", "duration:", "servers:",
            "haproxy.cfg", "|", ">", "-", "- at:", "at:", "0s", "10s", "5s", "-1", "99999999999999999999d", "1s..2s",
            "..", "app_backend/web01:", "app_backend/web02:", "app_backend/nope:", "b/s:", "http:", "tcp:",
            "refuse:", "blackhole:", "hang:", "reset:", "close:", "sequence:", "status:", "reason:", "headers:",
            "body:", "delay:", "reply:", "reply-hex:", "banner:", "true", "false", "200", "204", "1000", "{", "}",
            "[", "]", ",", "\"", "'", "\\x", "\\r\\n", "&a", "*a", "!!str", "!!map", "? ", "<<:", "#", "%YAML 1.1",
            "---", "...", "backend b", "server s 1.2.3.4:80 check", "  ", "\t", ":", "null", "~", "\u0085", "\u2028");

    @TempDir
    Path dir;

    @Test
    void aGeneratedScenarioPastSnakeYamlsDefaultLimitParsesAndOnePast64MiIsALocatedError() throws IOException {
        Files.writeString(dir.resolve("haproxy.cfg"), "backend app_backend\n    server web01 1.2.3.4:80 check\n");
        String head = "config: haproxy.cfg\nduration: 10s\n";
        // 4 Mi code points: past SnakeYAML's default of 3 Mi, as a generated scenario of 100,000 servers is
        String large = head + ("#" + "x".repeat(1023) + "\n").repeat(4096);
        assertThat(Scenario.parse("large.yaml", large, dir).durationNanos()).isEqualTo(10_000_000_000L);

        String tooLarge = head + "#" + "x".repeat(ScenarioParser.MAX_CODE_POINTS) + "\n";
        assertThatThrownBy(() -> Scenario.parse("huge.yaml", tooLarge, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("huge.yaml:1:1")
                .hasMessageContaining("(expected: at most 67108864, 64 Mi;");
    }

    @Test
    void randomYamlMixesOnlyEverThrowConfigException() throws IOException {
        Files.writeString(dir.resolve("haproxy.cfg"),
                "backend app_backend\n    server web01 1.2.3.4:80 check\n    server web02 1.2.3.5:80 check\n");
        Random random = new Random(20240612L);
        for (int round = 0; round < 3_000; round++) {
            StringBuilder text = new StringBuilder();
            int lines = 1 + random.nextInt(10);
            for (int l = 0; l < lines; l++) {
                text.append(" ".repeat(random.nextInt(4) * 2));
                int words = random.nextInt(5);
                for (int w = 0; w < words; w++) {
                    text.append(WORDS.get(random.nextInt(WORDS.size()))).append(random.nextInt(3) == 0 ? "" : " ");
                }
                text.append(random.nextInt(6) == 0 ? "\r\n" : "\n");
            }
            assertOnlyConfigException(text.toString());
        }
    }

    @Test
    void mutatedValidScenariosOnlyEverThrowConfigException() throws IOException {
        Files.writeString(dir.resolve("haproxy.cfg"),
                "backend app_backend\n    server web01 1.2.3.4:80 check\n    server web02 1.2.3.5:80 check\n");
        String valid = """
                config: haproxy.cfg
                seed: 7
                duration: 60s
                servers:
                  app_backend/web01:
                    - at: 0s
                      http: { status: 200, headers: {X-A: b}, delay: 1ms..2ms }
                    - at: 10s
                      tcp: { reply: "+OK\\r\\n", close: true }
                    - at: 30s
                      sequence: [ {http: {status: 503}}, {reset: {delay: 1s}} ]
                """;
        Random random = new Random(11L);
        for (int round = 0; round < 3_000; round++) {
            StringBuilder text = new StringBuilder(valid);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, WORDS.get(random.nextInt(WORDS.size())));
                    default -> text.setCharAt(at, (char) (32 + random.nextInt(95)));
                }
            }
            assertOnlyConfigException(text.toString());
        }
    }

    @Test
    void randomBytesOnlyEverThrowConfigException() {
        Random random = new Random(3L);
        for (int round = 0; round < 3_000; round++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            String prefix = random.nextBoolean() ? "duration: 1s\nhaproxy: |\n  " : "";
            assertOnlyConfigException(prefix + new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void hugeAndOddInputsAreHandled() {
        assertOnlyConfigException("[".repeat(10_000));
        assertOnlyConfigException("a: ".repeat(10_000));
        assertOnlyConfigException("- ".repeat(10_000));
        assertOnlyConfigException("a: &a [*a, *a]\nb: *a\n");
        assertOnlyConfigException("x: &x\n  <<: *x\n");
        assertOnlyConfigException("\0\0\0");
        assertOnlyConfigException("\n".repeat(100_000));
        assertOnlyConfigException("duration: 1s\nhaproxy: |\n" + "  backend b\n".repeat(10_000));
    }

    private void assertOnlyConfigException(String text) {
        try {
            Scenario scenario = Scenario.parse("fuzz.yaml", text, dir);
            assertThat(scenario).isNotNull();
        } catch (ConfigException expected) {
            assertThat(expected.getMessage()).startsWith("fuzz.yaml");
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("unexpected " + e + " for input: " + text.replace("\n", "\\n"), e);
        }
    }
}
