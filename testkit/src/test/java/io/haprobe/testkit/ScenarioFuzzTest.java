package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import io.haprobe.config.SourceLocation;
import io.haprobe.engine.Simulation;
import io.haprobe.fuzz.FuzzReport;
import io.haprobe.fuzz.Labels;
import io.haprobe.fuzz.MutationFuzzer;
import io.haprobe.fuzz.SeedCorpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fuzzes the scenario parser (docs/fuzzing.md): whatever the YAML, {@link Scenario#parse} returns a scenario or
 * throws a {@link ConfigException} located as {@code file:line:column: detail} (in the scenario, its inline
 * haproxy.cfg or the haproxy.cfg it names), and nothing else: no SnakeYAML exception, no other runtime exception,
 * no {@link StackOverflowError}, no hang. A scenario it returns must also simulate (its first second of virtual
 * time, for one in four), as {@code haprobe simulate} runs it.
 *
 * <p>Seeds: the conformance and example scenarios, the YAML blocks of the docs and the scenario texts of the
 * testkit's tests. Dictionary: the parsers' keys and YAML's special tokens. A {@code config:} path resolves
 * against one of the example scenarios' directories, each with its own haproxy.cfg.
 */
class ScenarioFuzzTest {

    /** The default budget; {@code -Dfuzz.seconds} overrides it. */
    private static final double SECONDS = 5;
    private static final String FILE = "fuzz.yaml";
    private static final Duration SIMULATED = Duration.ofSeconds(1);
    private static final List<String> TOKENS = List.of(":", ": ", "- ", "-", "|", "|-", ">", "? ", "{", "}", "[",
            "]", ",", "\"", "'", "\\", "\\x41", "\\u00e9", "\\r\\n", "#", "&a ", "*a", "<<: *a", "!!str ", "!!map ",
            "!!binary ", "!!int ", "!!float ", "!<tag> ", "%YAML 1.1\n", "%TAG ! !x\n", "---\n", "...\n", "~", "null",
            "true", "false", "yes", "no", "0x1f", "0o17", "1e3", ".inf", "-.nan", "1_000", "0", "-1", "1ms", "1s",
            "10s", "1m", "1h", "1d", "25d", "1us", "1s..2s", "2s..1s", "..", "0s..", "99999999999999999999", "app_backend",
            "app_backend/web01", "app_backend/web01:8080", "be/s1", "be/s1:5555", "/", "haproxy.cfg", "../haproxy.cfg",
            "/nonexistent", "", "  ", "\t", "\n", "\r\n", "\0", "\uFEFF", "\u0085", "\u2028", "\uD83D\uDE00");

    @TempDir
    Path dir;

    /**
     * Pays Netty's one-time allocator set-up (its first chunk registers JFR events: seconds on a loaded machine) before
     * the fuzzer times inputs. Plain simulated checks allocate nothing from Netty any more, so without this the first
     * TLS input paid it and passed the hang limit.
     */
    @org.junit.jupiter.api.BeforeAll
    static void warmNettysAllocator() {
        io.netty.buffer.ByteBufAllocator.DEFAULT.heapBuffer(64).release();
        io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(64).release();
    }

    @Test
    void anyYamlParsesOrFailsWithALocatedConfigExceptionAndWhatParsesSimulates() throws IOException {
        List<Path> baseDirs = baseDirs();
        FuzzReport report = MutationFuzzer.builder("scenario parser",
                        (input, random) -> parseAndSimulate(input, random, baseDirs))
                .seeds(seeds())
                .dictionary(dictionary())
                .seconds(SECONDS)
                .maxInputBytes(32 * 1024)
                .build()
                .run();
        report.assertNoCrash();
    }

    @Test
    void twoBackendsOfOneNameAreAConfigErrorNotASimulationThatCannotBuild() {
        // found by this fuzzer: the second backend's servers were accepted in the scenario, then Simulation.build
        // threw IllegalArgumentException (it found the first backend of the name); HAProxy 2.6 refuses the config
        String text = "haproxy: |\n  backend b\n    server s1 1.2.3.4:80 check\n  backend b\n"
                + "    server s2 1.2.3.5:80 check\nduration: 2s\nservers:\n  b/s2:\n    - at: 0s\n      refuse: true\n";
        assertThatThrownBy(() -> Scenario.parse(FILE, text, dir)).isInstanceOf(ConfigException.class)
                .hasMessage("fuzz.yaml:4:11: backend 'b' has the same name as backend 'b' declared at fuzz.yaml:2");
    }

    /** One input: parsed as UTF-8 (sometimes ISO-8859-1) text, or now and then as a file. */
    private String parseAndSimulate(byte[] input, SplittableRandom random, List<Path> baseDirs) throws IOException {
        int mode = random.nextInt(64);
        Path baseDir = baseDirs.get(random.nextInt(baseDirs.size()));
        Scenario scenario;
        try {
            if (mode == 0) {
                Path file = dir.resolve(FILE);
                Files.write(file, input);
                scenario = Scenario.parse(file);
            } else {
                String text = new String(input, mode < 8 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                scenario = Scenario.parse(FILE, text, baseDir);
            }
        } catch (ConfigException e) {
            SourceLocation at = e.location();
            if (at == null || !e.getMessage().startsWith(at + ": ") || e.getMessage().length() <= (at + ": ").length()) {
                throw new AssertionError("ConfigException not located: " + e.getMessage(), e);
            }
            return "ConfigException: " + Labels.of(e.getMessage());
        }
        if (!simulates(scenario, input, random)) {
            return scenario.warnings().isEmpty() ? "parsed" : "parsed, warning: " + Labels.of(scenario.warnings().get(0)
                    .message());
        }
        try (Simulation simulation = scenario.withDurationNanos(Math.min(scenario.durationNanos(), SIMULATED.toNanos()))
                .simulation().build()) {
            simulation.runUntil(SIMULATED);
        }
        return scenario.warnings().isEmpty() ? "simulated"
                : "simulated, warning: " + Labels.of(scenario.warnings().get(0).message());
    }

    /**
     * Whether to simulate a scenario that parsed: one in four, and one in 64 of those that may use TLS (a TLS
     * handshake costs a hundred times a plain check).
     */
    private static boolean simulates(Scenario scenario, byte[] input, SplittableRandom random) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        boolean tls = text.contains("ssl") || text.contains("tls") || scenario.config().proxies().stream()
                .flatMap(proxy -> proxy.servers().stream()).anyMatch(server -> server.check().usesTls());
        return random.nextInt(tls ? 64 : 4) == 0;
    }

    /** The example scenarios' directories, each with a haproxy.cfg; the temporary directory gets one too. */
    private List<Path> baseDirs() throws IOException {
        Files.writeString(dir.resolve("haproxy.cfg"), "backend app_backend\n    option httpchk GET /health\n"
                + "    server web01 10.0.0.1:8080 check inter 1s\n    server web02 10.0.0.2:8080 check agent-check "
                + "agent-port 5555\n");
        List<Path> dirs = new ArrayList<>();
        dirs.add(dir);
        SeedCorpus.repoRoot().ifPresent(root -> SeedCorpus.files(root, "examples/scenarios/*/haproxy.cfg")
                .forEach(cfg -> dirs.add(cfg.getParent())));
        return dirs;
    }

    private static List<byte[]> seeds() {
        Set<String> texts = new LinkedHashSet<>();
        texts.add("config: haproxy.cfg\nseed: 7\nduration: 60s\nservers:\n  app_backend/web01:\n    - at: 0s\n"
                + "      http: { status: 200, headers: {X-A: b}, delay: 1ms..2ms }\n    - at: 10s\n"
                + "      tcp: { reply: \"+OK\\r\\n\", close: true }\n  app_backend/web02:5555:\n    - at: 0s\n"
                + "      dialogue: [ {await: \"ping\", send: \"up 50%\\n\"}, {close: true} ]\n");
        SeedCorpus.repoRoot().ifPresent(root -> {
            for (Path yaml : SeedCorpus.files(root, "conformance/scenarios/*.yaml")) {
                texts.add(SeedCorpus.read(yaml));
            }
            for (Path yaml : SeedCorpus.files(root, "examples/scenarios/*/*.yaml")) {
                texts.add(SeedCorpus.read(yaml));
            }
            for (Path markdown : SeedCorpus.files(root, "**.md")) {
                SeedCorpus.fencedBlocks(SeedCorpus.read(markdown)).stream()
                        .filter(block -> block.contains("duration:")).forEach(texts::add);
            }
            for (Path java : SeedCorpus.files(root, "testkit/src/test/java/**.java")) {
                SeedCorpus.textBlocks(SeedCorpus.read(java)).stream()
                        .filter(block -> block.contains("duration:") || block.contains("servers:")).forEach(texts::add);
            }
        });
        return SeedCorpus.utf8(List.copyOf(texts));
    }

    /** The scenario and behaviour keys as the parsers spell them, each also as a key, and YAML's tokens. */
    private static List<String> dictionary() {
        Set<String> words = new LinkedHashSet<>(TOKENS);
        SeedCorpus.repoRoot().ifPresent(root -> {
            for (Path java : SeedCorpus.files(root, "testkit/src/main/java/io/haprobe/testkit/*Parser.java")) {
                for (String word : SeedCorpus.stringLiterals(SeedCorpus.read(java), "[a-z][a-z-]{1,20}")) {
                    words.add(word);
                    words.add(word + ": ");
                }
            }
        });
        return List.copyOf(words);
    }
}
