package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code .if} blocks as HAProxy 2.6.12 reads them; every expectation below was settled with {@code haproxy -c}
 * on the installed 2.6.12 (the quoted lines are its output).
 */
class ConditionalBlocksTest {

    static HaproxyConfig parse(Map<String, String> env, String... lines) {
        return new HaproxyConfigParser("haproxy.cfg", env).parse(String.join("\n", lines));
    }

    static List<String> servers(HaproxyConfig config) {
        return config.proxy("b").orElseThrow().servers().stream().map(ServerConfig::name).toList();
    }

    static boolean holds(String condition) {
        return holds(Map.of("HOME", "/root"), condition);
    }

    static boolean holds(Map<String, String> env, String condition) {
        HaproxyConfig config = parse(env, "backend b", ".if " + condition, "  server yes 1.2.3.4:80", ".endif");
        return servers(config).contains("yes");
    }

    @Test
    void aServerInAFalseBranchIsNeverCreated() {
        HaproxyConfig config = parse(Map.of(), "backend b",
                "  server s0 1.2.3.4:80 check",
                ".if defined(API_CANARY)",
                "  server canary 1.2.3.5:80 check",
                "  bogus-keyword-never-parsed",
                ".endif");

        assertThat(servers(config)).containsExactly("s0");
        assertThat(config.warnings()).isEmpty();
        assertThat(servers(parse(Map.of("API_CANARY", ""), "backend b", ".if defined(API_CANARY)",
                "  server canary 1.2.3.5:80 check", ".endif"))).containsExactly("canary");
    }

    @Test
    void ifElseChoosesOneOfTwoServersOfTheSameName() {
        String[] lines = {"backend b",
                ".if streq(\"$ZONE\",eu)",
                "  server s1 10.0.0.1:80 check",
                ".elif streq(\"$ZONE\",us)",
                "  server s1 10.0.1.1:80 check",
                ".else",
                "  server s1 10.0.2.1:80 check",
                ".endif"};

        assertThat(parse(Map.of("ZONE", "eu"), lines).proxy("b").orElseThrow().servers())
                .extracting(ServerConfig::address).containsExactly("10.0.0.1");
        assertThat(parse(Map.of("ZONE", "us"), lines).proxy("b").orElseThrow().servers())
                .extracting(ServerConfig::address).containsExactly("10.0.1.1");
        assertThat(parse(Map.of(), lines).proxy("b").orElseThrow().servers())
                .extracting(ServerConfig::address).containsExactly("10.0.2.1");
    }

    @Test
    void nestedBlocksAreSkippedWithoutEvaluatingTheirConditions() {
        // 2.6.12 accepts ".if 0 / .if bogus(x) / .endif / .endif" and ".if 1 / .elif bogus(x) / .endif";
        // it refuses ".if 0 / .elif bogus(x)": "unparsable conditional expression 'bogus(x)' in '.elif'"
        HaproxyConfig config = parse(Map.of(), "backend b",
                ".if 1",
                ".if 0",
                "  server in 1.2.3.4:80",
                ".else",
                "  server nested 1.2.3.4:80",
                ".endif",
                ".elif bogus(x)",
                ".endif",
                ".if 0",
                ".if bogus(x)",
                ".alert \"never\"",
                ".unknown",
                ".endif",
                ".endif");

        assertThat(servers(config)).containsExactly("nested");
        assertThatThrownBy(() -> parse(Map.of(), ".if 0", ".elif bogus(x)", ".endif"))
                .hasMessage("haproxy.cfg:2:7: unparsable conditional expression 'bogus(x)' in '.elif'");
    }

    @Test
    void predicatesAndNumbersEvaluateAs2612Does() {
        // ".notice" lines printed by 2.6.12 for each of these
        assertThat(holds("defined(HOME)")).isTrue();
        assertThat(holds("defined(NOPE)")).isFalse();
        assertThat(holds("defined( HOME )")).isFalse();
        assertThat(holds("defined")).isFalse();
        assertThat(holds("defined()")).isFalse();
        assertThat(holds("feature(OPENSSL)")).isTrue();
        assertThat(holds("feature(THREAD)")).isTrue();
        assertThat(holds("feature(ZLIB)")).isFalse();
        assertThat(holds("feature(PENSSL)")).isFalse();
        assertThat(holds("feature(NOPE)")).isFalse();
        assertThat(holds("feature()")).isTrue();
        assertThat(holds("streq(a,a)")).isTrue();
        assertThat(holds("streq( a , a )")).isTrue();
        assertThat(holds("strneq(a,b)")).isTrue();
        assertThat(holds("streq(\"a b\",\"a b\")")).isTrue();
        assertThat(holds("version_atleast(2.6.12)")).isTrue();
        assertThat(holds("version_atleast(2.6)")).isTrue();
        assertThat(holds("version_atleast(2.6.13)")).isFalse();
        assertThat(holds("version_atleast(2.6.12-1)")).isFalse();
        assertThat(holds("version_atleast(abc)")).isTrue();
        assertThat(holds("version_before(2.6.13)")).isTrue();
        assertThat(holds("version_before(2.7-dev1)")).isTrue();
        assertThat(holds("version_before(2.6.12)")).isFalse();
        assertThat(holds("version_before()")).isFalse();
        assertThat(holds("1")).isTrue();
        assertThat(holds("2")).isTrue();
        assertThat(holds("-1")).isTrue();
        assertThat(holds("0x10")).isTrue();
        assertThat(holds("0")).isFalse();
        assertThat(holds("")).isFalse();
        assertThat(holds("!0 && (1 || 0)")).isTrue();
        assertThat(holds("1 && 0 || 1 && 1")).isTrue();
        assertThat(holds("!defined(HOME)")).isFalse();
    }

    @Test
    void variablesAreExpandedInsideDoubleQuotesOnly() {
        // 2.6.12: '.if streq("${HOME}",/root)' is true; '.if streq(${HOME},${HOME})' compares the literal words
        assertThat(holds("streq(\"${HOME}\",/root)")).isTrue();
        assertThat(holds("streq(\"$HOME\",/root)")).isTrue();
        assertThat(holds("streq(${HOME},/root)")).isFalse();
    }

    @Test
    void badConditionsAreRefusedWithHaproxysWords() {
        assertThatThrownBy(() -> holds("foo(x)"))
                .hasMessage("haproxy.cfg:2:5: unparsable conditional expression 'foo(x)' in '.if'");
        assertThatThrownBy(() -> holds("abc"))
                .hasMessage("haproxy.cfg:2:5: unparsable conditional expression 'abc' in '.if'");
        assertThatThrownBy(() -> holds("defined(HOME) extra"))
                .hasMessage("haproxy.cfg:2:19: unexpected character 'e' at the end of conditional expression"
                        + " 'defined(HOME) extra' in '.if'");
        assertThatThrownBy(() -> holds("1 2")).hasMessageContaining("unexpected character '2'");
        assertThatThrownBy(() -> holds("08")).hasMessageContaining("unexpected character '8'");
        assertThatThrownBy(() -> holds("defined(A"))
                .hasMessageContaining("expected ')' in argument 1 of predicate 'defined'");
        assertThatThrownBy(() -> holds("streq(a)"))
                .hasMessageContaining("missing arguments (got 1/2), type 'string' expected in argument 1 of predicate"
                        + " 'streq'");
        assertThatThrownBy(() -> holds("streq(a,b,c)"))
                .hasMessageContaining("expected ')' before ',c)' in argument 2 of predicate 'streq'");
        assertThatThrownBy(() -> holds("!")).hasMessageContaining("unparsable conditional expression '!'");
    }

    @Test
    void unbalancedBlocksAreRefused() {
        assertThatThrownBy(() -> parse(Map.of(), "global", ".if 1", "  node x"))
                .hasMessage("haproxy.cfg:3:1: non-terminated '.if' block (opened at line 2)");
        assertThatThrownBy(() -> parse(Map.of(), ".endif"))
                .hasMessage("haproxy.cfg:1:1: lone '.endif' with no matching '.if'");
        assertThatThrownBy(() -> parse(Map.of(), ".else"))
                .hasMessage("haproxy.cfg:1:1: lone '.else' with no matching '.if'");
        assertThatThrownBy(() -> parse(Map.of(), ".if 1", ".endif", ".elif 1"))
                .hasMessage("haproxy.cfg:3:1: lone '.elif' with no matching '.if'");
        assertThatThrownBy(() -> parse(Map.of(), ".if 0", ".else", ".else", ".endif"))
                .hasMessage("haproxy.cfg:3:1: '.else' after '.else' is not permitted");
        assertThatThrownBy(() -> parse(Map.of(), ".if 0", ".else", ".elif 1", ".endif"))
                .hasMessage("haproxy.cfg:3:1: '.elif' after '.else' is not permitted");
        assertThatThrownBy(() -> parse(Map.of(), ".if 1", ".endif junk"))
                .hasMessage("haproxy.cfg:2:8: Unexpected argument 'junk' for '.endif'");
    }

    @Test
    void messageDirectivesActAsIn26() {
        // 2.6.12: ".alert" is an ALERT (refused), ".warning" a WARNING, ".notice"/".diag" only printed
        HaproxyConfig config = parse(Map.of(), ".notice \"n\"", ".diag \"d\"", ".warning \"careful\"",
                ".if 0", ".alert \"no\"", ".endif");
        assertThat(config.warnings()).extracting(ConfigWarning::message).containsExactly(".warning: 'careful'");
        assertThatThrownBy(() -> parse(Map.of(), ".if 1", ".alert \"SSL support is mandatory\"", ".endif"))
                .hasMessage("haproxy.cfg:2:1: .alert: 'SSL support is mandatory'");
        assertThatThrownBy(() -> parse(Map.of(), ".notice a b"))
                .hasMessage("haproxy.cfg:1:11: Unexpected argument 'b' for '.notice'. Use quotes if the message should"
                        + " contain spaces.");
        assertThatThrownBy(() -> parse(Map.of(), ".foo x")).hasMessage("haproxy.cfg:1:1: unknown directive '.foo'");
    }
}
