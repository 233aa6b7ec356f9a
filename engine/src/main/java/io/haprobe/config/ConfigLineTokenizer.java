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
 *   <li>Double quotes group a word; escapes and variable expansion work inside them.</li>
 *   <li>Single quotes group a word with no escape and no expansion.</li>
 *   <li>Variables are expanded inside double quotes only, as HAProxy 2.6 does ({@code ${HOME}} outside quotes
 *       stays as written): {@code $NAME} and {@code ${NAME}} give the value, or nothing when the variable is
 *       unset (no error, as in 2.6; the names are kept in {@link #unsetNames()} so that an error on the line
 *       can name them); {@code ${NAME[*]}} splits the value at spaces into several words. A name starts with
 *       a letter or {@code _} and goes on with letters, digits and {@code _}; the pseudo-variables
 *       {@code .FILE}, {@code .LINE} and {@code .SECTION} give the file name, the line number and the current
 *       section's name. 2.6 has no {@code ${NAME-default}} form ("unmatched brace") and no other
 *       {@code [..]} suffix ("truncated or invalid word expansion sequence").</li>
 * </ul>
 *
 * <p>Not thread-safe: it reads the environment map at each line (the parser changes it for {@code setenv}) and
 * keeps the last line's unset names.
 */
final class ConfigLineTokenizer {

    /** Marks where {@code ${NAME[*]}} splits a word; a noncharacter, never in a configuration. */
    private static final char SPLIT = '\uFFFF';

    private final Map<String, String> env;
    private final List<String> unset = new ArrayList<>();
    private String section = "";
    private String file = "";
    private int lineNumber;

    /**
     * Creates a tokenizer.
     *
     * @param env the environment used for {@code ${NAME}} expansion; never null, not copied (read at each line)
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
        unset.clear();
        this.file = file;
        this.lineNumber = lineNumber;
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
            // the common word, with no quote, escape or split mark: the line's characters as they are
            int end = i;
            while (end < length) {
                c = line.charAt(end);
                if (c == ' ' || c == '\t' || c == '#' || c == '\'' || c == '"' || c == '\\' || c == SPLIT) {
                    break;
                }
                end++;
            }
            if (end == length || c == ' ' || c == '\t' || c == '#') {
                tokens.add(new ConfigToken(line.substring(i, end), i + 1));
                i = end;
                if (i < length && c == '#') {
                    break;
                }
                continue;
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
                    i = readCharacter(file, lineNumber, line, length, i, word, false);
                }
            }
            if (word.indexOf(String.valueOf(SPLIT)) >= 0) {
                for (String part : word.toString().split(String.valueOf(SPLIT), -1)) {
                    if (!part.isEmpty()) {
                        tokens.add(new ConfigToken(part, start + 1));
                    }
                }
            } else if (quoted || word.length() > 0) {
                tokens.add(new ConfigToken(word.toString(), start + 1));
            }
            if (i < length && line.charAt(i) == '#') {
                break;
            }
        }
        return tokens;
    }

    /**
     * Sets the name {@code .SECTION} gives: the current section's name, or its kind when it has none.
     *
     * @param section the name; never null, empty before the first section
     */
    void section(String section) {
        this.section = section;
    }

    /**
     * Returns the variables the last line expanded while they were unset, in order.
     *
     * @return the names; never null, empty when none
     */
    List<String> unsetNames() {
        return List.copyOf(unset);
    }

    /**
     * Reads what starts at {@code i}: an escape, a variable inside double quotes, or a plain character.
     *
     * @return the position after it
     */
    private int readCharacter(String file, int lineNumber, String line, int length, int i, StringBuilder word,
                              boolean inDoubleQuotes) {
        char c = line.charAt(i);
        if (c == '\\') {
            return readEscape(file, lineNumber, line, length, i, word);
        }
        if (c == '$' && inDoubleQuotes) {
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
            i = readCharacter(file, lineNumber, line, length, i, word, true);
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
        boolean braced = dollar + 1 < length && line.charAt(dollar + 1) == '{';
        int start = braced ? dollar + 2 : dollar + 1;
        int end = start;
        if (end < length && line.charAt(end) == '.') {
            end++;
        }
        if (end >= length || !isNameStart(line.charAt(end))) {
            throw error(file, lineNumber, start, "forbidden first char in environment variable name");
        }
        while (end < length && isNameChar(line.charAt(end))) {
            end++;
        }
        String name = line.substring(start, end);
        boolean split = false;
        if (braced) {
            if (line.startsWith("[*]", end)) {
                split = true;
                end += 3;
            } else if (end < length && line.charAt(end) == '[') {
                // 2.6.12 on "${L[,]}": "truncated or invalid word expansion sequence"
                throw error(file, lineNumber, end, "truncated or invalid word expansion sequence");
            }
            if (end >= length || line.charAt(end) != '}') {
                throw error(file, lineNumber, dollar + 1, "unmatched brace in environment variable name");
            }
            end++;
        }
        String value = value(name);
        if (value == null) {
            unset.add(name);
        } else if (split) {
            word.append(value.strip().replaceAll(" +", String.valueOf(SPLIT)));
        } else {
            word.append(value);
        }
        return end;
    }

    private String value(String name) {
        return switch (name) {
            case ".FILE" -> file;
            case ".LINE" -> Integer.toString(lineNumber);
            case ".SECTION" -> section;
            default -> name.startsWith(".") ? null : env.get(name);
        };
    }

    private static boolean isNameStart(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNameChar(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static ConfigException error(String file, int lineNumber, int index, String detail) {
        return new ConfigException(new SourceLocation(file, lineNumber, index + 1), detail);
    }
}
