package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code setenv} and friends, and variable expansion, as HAProxy 2.6.12 applies them ({@code haproxy -c}). */
class EnvironmentTest {

    static HaproxyConfig parse(Map<String, String> env, String... lines) {
        return HaproxyConfig.parse("haproxy.cfg", String.join("\n", lines), env);
    }

    static String address(HaproxyConfig config) {
        return config.proxy("b").orElseThrow().servers().get(0).address();
    }

    @Test
    void globalEnvironmentKeywordsApplyInFileOrder() {
        // haproxy 2.6.12: "setenv A 1 / presetenv A 2 / setenv B "${A}x" / presetenv C 3" then
        // '.if streq("${A}${B}${C}",11x3)' is true
        HaproxyConfig config = parse(Map.of("C", "9"),
                "global",
                "  setenv A 10.0.0",
                "  presetenv A 99.9.9",
                "  setenv B \"${A}.1\"",
                "  presetenv C 3",
                "backend b",
                "  server s \"${B}${C}\":80 check");

        assertThat(address(config)).isEqualTo("10.0.0.19");
    }

    @Test
    void resetenvKeepsOnlyTheNamesGivenAndUnsetenvRemoves() {
        // haproxy 2.6.12: "setenv A "x y" / resetenv PATH A": defined(HOME) false, defined(A) true
        HaproxyConfig config = parse(Map.of("HOME", "/root", "PATH", "/bin", "GONE", "1"),
                "global",
                "  setenv A 10.0.0.1",
                "  resetenv PATH A",
                "  setenv Z 1",
                "  unsetenv Z PATH",
                "backend b",
                ".if defined(HOME) || defined(PATH) || defined(Z) || defined(GONE)",
                "  server wrong 1.1.1.1:80",
                ".else",
                "  server s \"$A\":80",
                ".endif");

        assertThat(address(config)).isEqualTo("10.0.0.1");
    }

    @Test
    void theCallersMapAndTheProcessEnvironmentAreNeverChanged() {
        Map<String, String> env = new HashMap<>(Map.of("KEEP", "1"));
        parse(env, "global", "  setenv NEW 1", "  unsetenv KEEP");

        assertThat(env).containsExactly(Map.entry("KEEP", "1"));
        assertThat(System.getenv("NEW")).isNull();
    }

    @Test
    void parsingAFileTakesAnEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, "backend b\n  server s \"${ADDR}\":80\n");

        assertThat(address(HaproxyConfig.parse(file, Map.of("ADDR", "10.9.9.9")))).isEqualTo("10.9.9.9");
    }

    @Test
    void environmentKeywordsWithoutArgumentsAreRefusedAs26Does() {
        // haproxy 2.6.12: "'setenv' expects a name and a value.", "'unsetenv' expects at least one variable name."
        assertThatThrownBy(() -> parse(Map.of(), "global", "  setenv A"))
                .hasMessage("haproxy.cfg:2:3: 'setenv' expects a name and a value");
        assertThatThrownBy(() -> parse(Map.of(), "global", "  presetenv"))
                .hasMessage("haproxy.cfg:2:3: 'presetenv' expects a name and a value");
        assertThatThrownBy(() -> parse(Map.of(), "global", "  unsetenv"))
                .hasMessage("haproxy.cfg:2:3: 'unsetenv' expects at least one variable name");
        // 2.6.12 accepts "setenv A b c" and sets A to b
        assertThat(address(parse(Map.of(), "global", "  setenv A 1.2.3.4 ignored", "backend b",
                "  server s \"$A\":80"))).isEqualTo("1.2.3.4");
    }

    @Test
    void anErrorOnALineWithAnUnsetVariableNamesIt() {
        // haproxy 2.6.12 expands an unset variable to nothing, silently: 'inter "${NOPE}"' gives
        // "'server b/s1' : 'inter' expects a delay as argument."; haprobe says which variable was empty
        assertThatThrownBy(() -> parse(Map.of(), "backend b", "  server s 1.2.3.4:80 check inter \"${CHECK_INTER}\""))
                .hasMessage("haproxy.cfg:2:35: inter: '' (expected: a time such as 2s or 500ms)"
                        + " (environment variable 'CHECK_INTER' is not set)");
        assertThatThrownBy(() -> parse(Map.of(), "backend b", "  server s \"${H1}${H2}\":80"))
                .hasMessageEndingWith("(environment variables 'H1', 'H2' are not set)");
    }
}
