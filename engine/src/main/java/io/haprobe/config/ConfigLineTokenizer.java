package io.haprobe.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Splits one haproxy.cfg line into words the way HAProxy's line parser does (CFG §2.2 "Quoting and
 * escaping", §2.3 "Environment variables").
 *
 * <ul>
 *   <li>{@code #} outside quotes ends the line, even inside a word.</li>
 *   <li>Spaces and tabs separate words; a {@code \r} at the end of the line (CRLF files) is dropped.</li>
 *   <li>Outside single quotes, a backslash escapes the next character: {@code \ }, {@code \\},
 *       {@code \#}, {@code \"}, {@code \'}, {@code \$} give the character, {@code \r}, {@code \n}, {@code \t} give CR,
 *       LF and TAB, {@code \xHH} gives the character of code HH. A backslash before anything else stays.</li>
 *   <li>Double quotes group a word; escapes and {@code ${VAR}} expansion work inside them.</li>
 *   <li>Single quotes group a word with no escape and no expansion.</li>
 *   <li>{@code ${NAME}} outside single quotes is replaced with the variable's value, or nothing when it is
 *       unset. A word left empty by an unquoted expansion is dropped.</li>
 * </ul>
 *
 * <p>Stateless apart from the environment given at construction; safe to share between threads if the
 * map is not modified.
 */
final class ConfigLineTokenizer {

    private final Map<String, String> env;

    /**
     * Creates a tokenizer.
     *
     * @param env the environment used for {@code ${NAME}} expansion; never null, not copied
     * @throws NullPointerException if {@code env} is null
     */
    ConfigLineTokenizer(Map<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * Splits a line into words.
     *
     * @param file the file name for error locations; never null
     * @param lineNumber the 1-based line number for error locations
     * @param line the raw line without its {@code \n}; never null
     * @return the words in order, empty for a blank or comment line; never null
     * @throws ConfigException on an unmatched quote, a truncated {@code \x} escape or an unclosed
     *                         {@code ${}, pointing at the offending character
     */
    List<ConfigToken> tokenize(String file, int lineNumber, String line) {
        List<ConfigToken> tokens = new ArrayList<>();
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
            length--;
        }
        int i = 0;
        while (i < length) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            StringBuilder word = new StringBuilder();
            int start = i;
            boolean quoted = false;
            while (i < length) {
                c = line.charAt(i);
                if (c == ' ' || c == '\t' || c == '#') {
                    break;
                }
                if (c == '\'') {
                    int close = line.indexOf('\'', i + 1);
                    if (close < 0 || close >= length) {
                        throw error(file, lineNumber, i, "unmatched quote");
                    }
                    word.append(line, i + 1, close);
                    quoted = true;
                    i = close + 1;
                } else if (c == '"') {
                    i = readDoubleQuoted(file, lineNumber, line, length, i, word);
                    quoted = true;
                } else {
                    i = readCharacter(file, lineNumber, line, length, i, word);
                }
            }
            if (quoted || word.length() > 0) {
                tokens.add(new ConfigToken(word.toString(), start + 1));
            }
            if (i < length && line.charAt(i) == '#') {
                break;
            }
        }
        return tokens;
    }

    /**
     * Reads what starts at {@code i} outside single quotes: an escape, a {@code ${NAME}} variable or a plain
     * character.
     *
     * @return the position after it
     */
    private int readCharacter(String file, int lineNumber, String line, int length, int i, StringBuilder word) {
        char c = line.charAt(i);
        if (c == '\\') {
            return readEscape(file, lineNumber, line, length, i, word);
        }
        if (c == '$' && i + 1 < length && line.charAt(i + 1) == '{') {
            return readVariable(file, lineNumber, line, length, i, word);
        }
        word.append(c);
        return i + 1;
    }

    private int readDoubleQuoted(String file, int lineNumber, String line, int length, int open, StringBuilder word) {
        int i = open + 1;
        while (i < length) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            i = readCharacter(file, lineNumber, line, length, i, word);
        }
        throw error(file, lineNumber, open, "unmatched quote");
    }

    private static int readEscape(String file, int lineNumber, String line, int length, int backslash,
                                  StringBuilder word) {
        if (backslash + 1 >= length) {
            word.append('\\');
            return backslash + 1;
        }
        char next = line.charAt(backslash + 1);
        switch (next) {
            case ' ', '\\', '#', '"', '\'', '$' -> word.append(next);
            case 'r' -> word.append('\r');
            case 'n' -> word.append('\n');
            case 't' -> word.append('\t');
            case 'x' -> {
                int high = backslash + 2 < length ? Character.digit(line.charAt(backslash + 2), 16) : -1;
                int low = backslash + 3 < length ? Character.digit(line.charAt(backslash + 3), 16) : -1;
                if (high < 0 || low < 0) {
                    throw error(file, lineNumber, backslash, "truncated or invalid hexadecimal sequence");
                }
                word.append((char) (high * 16 + low));
                return backslash + 4;
            }
            default -> {
                word.append('\\');
                return backslash + 1;
            }
        }
        return backslash + 2;
    }

    private int readVariable(String file, int lineNumber, String line, int length, int dollar, StringBuilder word) {
        int close = line.indexOf('}', dollar + 2);
        if (close < 0 || close >= length) {
            throw error(file, lineNumber, dollar, "missing '}' after '${'");
        }
        String name = line.substring(dollar + 2, close);
        if (name.isEmpty() || !name.chars().allMatch(ConfigLineTokenizer::isNameChar)) {
            throw error(file, lineNumber, dollar + 2, "invalid environment variable name '" + name + "'");
        }
        String value = env.get(name);
        if (value != null) {
            word.append(value);
        }
        return close + 1;
    }

    private static boolean isNameChar(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static ConfigException error(String file, int lineNumber, int index, String detail) {
        return new ConfigException(new SourceLocation(file, lineNumber, index + 1), detail);
    }
}
