package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLineTokenizerTest {

    private final ConfigLineTokenizer tokenizer = new ConfigLineTokenizer(Map.of("HOST", "10.0.0.1", "EMPTY", ""));

    @Test
    void splitsOnSpacesAndTabsAndKeepsColumns() {
        assertThat(tokenize("  server\tweb01  1.2.3.4:80")).containsExactly(
                new ConfigToken("server", 3), new ConfigToken("web01", 10), new ConfigToken("1.2.3.4:80", 17));
    }

    @Test
    void hashStartsACommentEvenInsideAWord() {
        assertThat(texts("option httpchk GET /b#comment")).containsExactly("option", "httpchk", "GET", "/b");
        assertThat(texts("# only a comment")).isEmpty();
        assertThat(texts("   ")).isEmpty();
    }

    @Test
    void backslashEscapesGiveTheCharacter() {
        assertThat(texts("a\\ b \\\\ \\# \\\" \\' \\$")).containsExactly("a b", "\\", "#", "\"", "'", "$");
        assertThat(texts("x\\r\\n\\ty \\x41\\x7a")).containsExactly("x\r\n\ty", "Az");
    }

    @Test
    void backslashBeforeAnOrdinaryCharacterStays() {
        assertThat(texts("a\\qb c\\")).containsExactly("a\\qb", "c\\");
    }

    @Test
    void doubleQuotesGroupAndAllowEscapesAndExpansion() {
        assertThat(tokenize("body \"a b\\\"c ${HOST}\" x")).containsExactly(new ConfigToken("body", 1),
                new ConfigToken("a b\"c 10.0.0.1", 6), new ConfigToken("x", 23));
    }

    @Test
    void singleQuotesTakeEverythingLiterally() {
        assertThat(texts("'a \\n ${HOST} \"' b")).containsExactly("a \\n ${HOST} \"", "b");
    }

    @Test
    void quotesJoinAdjacentParts() {
        assertThat(texts("ab\"c d\"'e f'g")).containsExactly("abc de fg");
    }

    @Test
    void emptyQuotesMakeAnEmptyWord() {
        assertThat(tokenize("a \"\" ''")).containsExactly(new ConfigToken("a", 1), new ConfigToken("", 3),
                new ConfigToken("", 6));
    }

    @Test
    void expandsVariablesInsideDoubleQuotesOnlyAs26Does() {
        // haproxy 2.6.12: '.if streq(${HOME},${HOME})' compares the literal words; '"$HOME.x"' gives '/root.x'
        assertThat(texts("server s \"${HOST}\":80 ${HOST} $HOST a$")).containsExactly("server", "s", "10.0.0.1:80",
                "${HOST}", "$HOST", "a$");
        assertThat(texts("\"$HOST.x\" \"\\$HOST\"")).containsExactly("10.0.0.1.x", "$HOST");
    }

    @Test
    void anUnsetVariableGivesNothingAndIsRemembered() {
        assertThat(texts("a \"${EMPTY}\" \"${UNSET}\" b \"x$UNSET2\"")).containsExactly("a", "", "", "b", "x");
        assertThat(tokenizer.unsetNames()).containsExactly("UNSET", "UNSET2");
        assertThat(texts("a")).containsExactly("a");
        assertThat(tokenizer.unsetNames()).isEmpty();
    }

    @Test
    void aStarSuffixSplitsTheValueIntoWords() {
        // haproxy 2.6.12 with HX="a b  c": '.notice "${HX[*]}"' -> "Unexpected argument 'b' for '.notice'"
        ConfigLineTokenizer split = new ConfigLineTokenizer(Map.of("HX", "a b  c"));
        assertThat(split.tokenize("f", 1, "w \"x${HX[*]}y\" z")).extracting(ConfigToken::text)
                .containsExactly("w", "xa", "b", "cy", "z");
    }

    @Test
    void pseudoVariablesGiveFileLineAndSection() {
        // haproxy 2.6.12: '.notice "${.LINE}:${.FILE}:${.SECTION}"' on line 1 -> '1:e.cfg:'
        tokenizer.section("be_app");
        assertThat(texts("\"${.FILE}:${.LINE}:${.SECTION}\"")).containsExactly("f.cfg:7:be_app");
    }

    @Test
    void dropsTheCarriageReturnOfCrlfLines() {
        assertThat(texts("backend app\r")).containsExactly("backend", "app");
    }

    @Test
    void unmatchedDoubleQuoteIsAnErrorAtTheQuote() {
        assertThatThrownBy(() -> tokenize("  check \"abc"))
                .isInstanceOf(ConfigException.class).hasMessage("f.cfg:7:9: unmatched quote");
    }

    @Test
    void unmatchedSingleQuoteIsAnErrorAtTheQuote() {
        assertThatThrownBy(() -> tokenize("a 'b"))
                .isInstanceOf(ConfigException.class).hasMessage("f.cfg:7:3: unmatched quote");
    }

    @Test
    void truncatedHexEscapeIsAnError() {
        assertThatThrownBy(() -> tokenize("check \\x4"))
                .isInstanceOf(ConfigException.class).hasMessage("f.cfg:7:7: truncated or invalid hexadecimal sequence");
    }

    @Test
    void badVariablesAreErrorsWithHaproxysWords() {
        // haproxy 2.6.12: '"${HOME"' and '"${NOPE-def}"' -> "unmatched brace in environment variable name",
        // '"$"', '"$1"', '"${}"' -> "forbidden first char in environment variable name"
        assertThatThrownBy(() -> tokenize("a \"${HOST\""))
                .isInstanceOf(ConfigException.class).hasMessage("f.cfg:7:5: unmatched brace in environment variable name");
        assertThatThrownBy(() -> tokenize("a \"${H-1}\""))
                .hasMessage("f.cfg:7:5: unmatched brace in environment variable name");
        assertThatThrownBy(() -> tokenize("a \"$1\""))
                .hasMessage("f.cfg:7:5: forbidden first char in environment variable name");
        assertThatThrownBy(() -> tokenize("a \"${}\""))
                .hasMessage("f.cfg:7:6: forbidden first char in environment variable name");
        // haproxy 2.6.12 on '"${L[,]}"': "truncated or invalid word expansion sequence"
        assertThatThrownBy(() -> tokenize("a \"${L[,]}\""))
                .hasMessage("f.cfg:7:7: truncated or invalid word expansion sequence");
    }

    private List<ConfigToken> tokenize(String line) {
        return tokenizer.tokenize("f.cfg", 7, line);
    }

    private List<String> texts(String line) {
        return tokenize(line).stream().map(ConfigToken::text).toList();
    }
}
