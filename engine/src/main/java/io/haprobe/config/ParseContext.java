package io.haprobe.config;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What the configuration parser gives the parsers of one line ({@link TcpCheckSettings},
 * {@link HttpCheckParser}, {@link ConnectParser}, {@link ExpectParser}, {@link ServerLineParser}): the place,
 * errors located on it, warnings.
 *
 * <p>Implementations belong to one parser and are not thread-safe.
 */
interface ParseContext {

    /** Returns the file name. */
    String file();

    /** Returns the 1-based line number. */
    int line();

    /** Returns the place of {@code token} on the current line. */
    SourceLocation location(ConfigToken token);

    /** Returns the token at {@code index}, or throws "'last' expects an argument". */
    ConfigToken argument(List<ConfigToken> tokens, int index);

    /** Adds a warning at {@code token}. */
    void warn(ConfigToken token, String message);

    /** Returns a {@link ConfigException} at {@code token}. */
    ConfigException error(ConfigToken token, String detail);

    /**
     * Returns the value of the option at {@code index - 1}: like {@link #argument}, and an empty value counts
     * as missing, as HAProxy's check rule parsers read it ("'comment' expects a string as argument").
     *
     * @throws ConfigException "'option' expects an argument", at the option, when the value is missing or empty
     */
    default ConfigToken value(List<ConfigToken> tokens, int index) {
        ConfigToken value = argument(tokens, index);
        if (value.text().isEmpty()) {
            ConfigToken option = tokens.get(index - 1);
            throw error(option, "'" + option.text() + "' expects an argument");
        }
        return value;
    }

    /**
     * Compiles the regular expression of {@code pattern}, or throws an error naming {@code keyword} and why
     * (a syntax error, or nesting too deep to compile).
     */
    default Pattern regex(ConfigToken pattern, String keyword) {
        try {
            return Pattern.compile(pattern.text());
        } catch (PatternSyntaxException e) {
            throw ConfigValues.invalid(file(), line(), keyword, pattern,
                    "a valid regular expression: " + e.getDescription());
        } catch (StackOverflowError e) {
            throw ConfigValues.invalid(file(), line(), keyword, pattern, "a less deeply nested regular expression");
        }
    }

    /** Returns the token's text, or throws "'what': empty value" when it is empty. */
    default String requireNonEmpty(ConfigToken token, String what) {
        if (token.text().isEmpty()) {
            throw error(token, "'" + what + "': empty value (expected: a non-empty word)");
        }
        return token.text();
    }
}
