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
    void expandsEnvironmentVariablesOutsideQuotes() {
        assertThat(texts("server s ${HOST}:80")).containsExactly("server", "s", "10.0.0.1:80");
    }

    @Test
    void anUnquotedWordLeftEmptyByExpansionIsDropped() {
        assertThat(texts("a ${EMPTY} ${UNSET} b \"${UNSET}\"")).containsExactly("a", "b", "");
    }

    @Test
    void aDollarWithoutBraceIsLiteral() {
        assertThat(texts("$HOST a$")).containsExactly("$HOST", "a$");
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
    void unclosedVariableIsAnError() {
        assertThatThrownBy(() -> tokenize("a ${HOST"))
                .isInstanceOf(ConfigException.class).hasMessage("f.cfg:7:3: missing '}' after '${'");
        assertThatThrownBy(() -> tokenize("a ${H-1}"))
                .isInstanceOf(ConfigException.class).hasMessage("f.cfg:7:5: invalid environment variable name 'H-1'");
    }

    private List<ConfigToken> tokenize(String line) {
        return tokenizer.tokenize("f.cfg", 7, line);
    }

    private List<String> texts(String line) {
        return tokenize(line).stream().map(ConfigToken::text).toList();
    }
}
