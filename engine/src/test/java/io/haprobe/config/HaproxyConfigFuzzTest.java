package io.haprobe.config;

import io.haprobe.check.CheckProgram;
import io.haprobe.fuzz.FuzzReport;
import io.haprobe.fuzz.Labels;
import io.haprobe.fuzz.MutationFuzzer;
import io.haprobe.fuzz.SeedCorpus;
import io.haprobe.health.BootSpread;
import io.haprobe.health.IntervalPolicy;
import io.haprobe.health.ServerHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes the haproxy.cfg parser (docs/fuzzing.md): whatever the text, {@link HaproxyConfig#parse} returns a
 * configuration or throws a {@link ConfigException} located in the file ({@code file:line:column: detail}), and
 * nothing else: no other exception, no {@link StackOverflowError}, no hang. A configuration it returns must also
 * plan as the engine plans it (check programs for UP and DOWN servers, agent programs, boot health, intervals,
 * the boot spread), name resolution and TLS aside.
 *
 * <p>Seeds: every {@code .cfg} of the repository, the {@code haproxy: |} blocks of the scenario files, the
 * configurations in the engine's test text blocks and in the docs' code blocks, and a few written here.
 * Dictionary: the string literals of the config package (its keywords) and the tokens HAProxy's reader treats
 * specially (quotes, escapes, variables, conditional blocks).
 */
class HaproxyConfigFuzzTest {

    /** The default budget; {@code -Dfuzz.seconds} overrides it. */
    private static final double SECONDS = 5;
    private static final String FILE = "fuzz.cfg";
    private static final Map<String, String> ENV = Map.of("HOME", "/root", "A", "a", "EMPTY", "", "SP", "a b",
            "Q", "\"q\" 'q'", "PORT", "8080", "LONG", "x".repeat(3000));
    private static final List<String> TOKENS = List.of("\"", "'", "\\", "\\\"", "\\'", "\\\\", "\\x", "\\x4",
            "\\x41", "\\xZZ", "\\r", "\\n", "\\t", "\\ ", "\\#", "\"\"", "''", "#", "$", "${", "}", "${A}", "${HOME}",
            "${UNSET}", "${A[*]}", "${A[0]}", "${A", "$A", "\"${A}\"", "\"${SP[*]}\"", "\"${LONG}\"", "\"${Q}\"",
            "${.FILE}", "${.LINE}", "${.SECTION}", ".if", ".elif", ".else", ".endif", ".diag", ".notice",
            ".warning", ".alert", "defined(A)", "defined(UNSET)", "feature(OPENSSL)", "streq(a,a)", "strneq(a,b)",
            "version_atleast(2.6)", "version_before(3.0)", "&&", "||", "!", "(", ")", "1", "0", "setenv",
            "presetenv", "resetenv", "unsetenv", "1.2.3.4:80", "[::1]:80", "::1", "ipv4@1.2.3.4", "ipv6@::1",
            "unix@/tmp/s", "abns@x", "fd@3", "sockpair@4", "*:80", ":80", "1.2.3.4:80-90", "1.2.3.4:+1", "0.0.0.0",
            "255.255.255.255", "1.2.3", "010.0.0.1", "localhost", "200", "200-399", "2xx", "^2", "(2|3)", "[",
            "(?<n>a)", "\\1", "0ms", "1us", "2s", "3m", "4h", "5d", "-1s", "1.5s", "999999999d", "100%", "0%",
            "256", "65535", "65536", "ssl", "check-ssl", "verify", "none", "required", "sni", "alpn", "h2,http/1.1",
            "crt", "ca-file", "/nonexistent", "int(200)", "str(x)", "%[src]", "%%", "%", "log-format", "\n", "\r\n",
            "\t", "\0", "\u00e9", "\uFEFF", "\u2028");
    private static final List<String> BUILT_IN_SEEDS = List.of(
            "global\n    setenv B \"${A} b\"\n    presetenv A z\n    resetenv A B\n    unsetenv C\n"
                    + ".if defined(A) && streq(\"${A}\",a)\n    .notice \"yes ${A}\"\n.elif !defined(B)\n"
                    + "    .warning x\n.else\n    .diag \"d\"\n.endif\n"
                    + "backend \"b${A}\"\n    server s \"1.2.3.4:${PORT}\" check inter \"${EMPTY}2s\"\n",
            "defaults d\n    timeout check 1s\n    option httpchk\nbackend b from d\n    http-check send meth GET "
                    + "uri /x ver HTTP/1.1 hdr Host \"a b\" body \"\\x41\\r\\n\"\n"
                    + "    http-check expect status 200-399\n    server-template s 1-3 1.2.3.4:80 check\n",
            "backend b\n    option tcp-check\n    tcp-check comment \"a \\\"b\\\"\"\n    tcp-check connect port 6379 "
                    + "linger\n    tcp-check send-binary 50494e470d0a\n    tcp-check expect min-recv 4 rbinary "
                    + "^2B(50|51)\n    tcp-check expect ! string -ERR error-status L7RSP on-error \"%[src] %%\"\n"
                    + "    server s 1.2.3.4:80 check agent-check agent-port 5555 agent-send \"ping\\n\"\n",
            "listen l\n    bind :80\n    mode http\n    option httpchk HEAD / HTTP/1.1\\r\\nHost:\\ x\n"
                    + "    http-check disable-on-404\n    http-check send-state\n"
                    + "    default-server inter 1s fastinter 100ms downinter 5s rise 2 fall 3 slowstart 10s\n"
                    + "    server s [::1]:80 check port 81 addr 127.0.0.2 send-proxy-v2 check-send-proxy\n");

    @TempDir
    Path dir;

    @Test
    void anyTextParsesOrFailsWithALocatedConfigExceptionAndWhatParsesCanBePlanned() {
        FuzzReport report = MutationFuzzer.builder("haproxy.cfg parser",
                        (input, random) -> parseAndPlan(input, random.nextInt(64)))
                .seeds(seeds())
                .dictionary(dictionary())
                .seconds(SECONDS)
                .build()
                .run();
        report.assertNoCrash();
    }

    @Test
    void riseAndFallWhoseSumExceedsAnIntCanBePlanned() {
        // found by this fuzzer: HealthCounter computed rise + fall - 1 in an int, and fall saturates at 2^31-1
        assertThat(parseAndPlan("backend b\nserver 0 k inter 1 fall 9372036854")).isEqualTo("parsed");
    }

    private String parseAndPlan(String text) {
        try {
            return parseAndPlan(text.getBytes(StandardCharsets.UTF_8), 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One input: parsed as a file ({@code mode} 0), as ISO-8859-1 text (1..7) or as UTF-8 text (8 and above).
     */
    private String parseAndPlan(byte[] input, int mode) throws IOException {
        String expectedFile = FILE;
        HaproxyConfig config;
        try {
            if (mode == 0) {
                Path file = dir.resolve(FILE);
                Files.write(file, input);
                expectedFile = file.toString();
                config = HaproxyConfig.parse(file, ENV);
            } else {
                String text = new String(input, mode < 8 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                config = HaproxyConfig.parse(FILE, text, ENV);
            }
        } catch (ConfigException e) {
            SourceLocation at = e.location();
            if (at == null || !at.file().equals(expectedFile) || !e.getMessage().startsWith(at + ": ")
                    || e.getMessage().length() <= (at + ": ").length()) {
                throw new AssertionError("ConfigException not located in " + expectedFile + ": " + e.getMessage(), e);
            }
            return "ConfigException: " + Labels.of(e.getMessage());
        }
        plan(config);
        return config.warnings().isEmpty() ? "parsed"
                : "parsed, warning: " + Labels.of(config.warnings().get(0).toString());
    }

    /** What {@code CheckPlanner} does with a configuration, without resolving names or loading TLS. */
    private static void plan(HaproxyConfig config) {
        GlobalSettings global = config.global();
        List<Long> intervals = new ArrayList<>();
        for (ProxyConfig proxy : config.proxies()) {
            String sendState = null;
            for (ServerConfig server : proxy.servers()) {
                CheckTiming timing = server.timing();
                ServerHealth boot = ServerHealth.boot(timing.rise(), timing.fall(), server.traffic().disabled(),
                        server.traffic().weight(), server.agent().enabled(), server.check().enabled());
                sendState = boot.sendStateText();
                IntervalPolicy health = new IntervalPolicy(timing.interNanos(), timing.fastInterNanos(),
                        timing.downInterNanos());
                long interval = health.intervalNanos(boot.counter(), boot.state());
                IntervalPolicy.withSpread(interval, global.spreadChecks(), 0.999);
                if (server.check().enabled()) {
                    intervals.add(interval);
                }
                if (server.agent().enabled()) {
                    AgentCheck agent = server.agent();
                    IntervalPolicy agentPolicy = new IntervalPolicy(agent.interNanos(), 0, 0);
                    intervals.add(agentPolicy.interNanos());
                    byte[] send = agent.send() == null ? null : agent.send().getBytes(StandardCharsets.ISO_8859_1);
                    CheckProgram.agent(server.effectiveAgentPort(), null, send);
                }
                server.effectiveCheckPort();
                server.effectiveCheckAddress();
                server.checkProxyProtocol();
            }
            CheckProgram.compile(proxy, false, sendState, global.bufferSize());
            CheckProgram.compile(proxy, true, sendState, global.bufferSize());
        }
        BootSpread.offsetsNanos(intervals.stream().mapToLong(Long::longValue).toArray(),
                global.maxSpreadChecksNanos());
    }

    private static List<byte[]> seeds() {
        Set<String> texts = new LinkedHashSet<>(BUILT_IN_SEEDS);
        SeedCorpus.repoRoot().ifPresent(root -> {
            for (Path cfg : SeedCorpus.files(root, "**.cfg")) {
                texts.add(SeedCorpus.read(cfg));
            }
            for (Path yaml : SeedCorpus.files(root, "**.yaml")) {
                texts.addAll(SeedCorpus.literalBlocks(SeedCorpus.read(yaml), "haproxy"));
            }
            for (Path java : SeedCorpus.files(root, "engine/src/test/java/**.java")) {
                SeedCorpus.textBlocks(SeedCorpus.read(java)).stream().filter(HaproxyConfigFuzzTest::looksLikeConfig)
                        .forEach(texts::add);
            }
            for (Path markdown : SeedCorpus.files(root, "**.md")) {
                SeedCorpus.fencedBlocks(SeedCorpus.read(markdown)).stream()
                        .filter(HaproxyConfigFuzzTest::looksLikeConfig).forEach(texts::add);
            }
        });
        return SeedCorpus.utf8(List.copyOf(texts));
    }

    private static boolean looksLikeConfig(String text) {
        return text.matches("(?s)(.*\\n)?\\s*(backend|listen|defaults|global)\\b.*");
    }

    /** HAProxy's keywords as the config package spells them, and the special tokens. */
    private static List<String> dictionary() {
        Set<String> words = new LinkedHashSet<>(TOKENS);
        SeedCorpus.repoRoot().ifPresent(root -> {
            for (Path java : SeedCorpus.files(root, "engine/src/main/java/io/haprobe/config/*.java")) {
                words.addAll(SeedCorpus.stringLiterals(SeedCorpus.read(java), "[a-z.!][a-z0-9._-]{0,30}"));
            }
        });
        return List.copyOf(words);
    }
}
