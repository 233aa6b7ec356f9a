package io.haprobe.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The {@code .if}/{@code .elif}/{@code .else}/{@code .endif} blocks and the {@code .diag}, {@code .notice},
 * {@code .warning}, {@code .alert} directives of a configuration, as HAProxy 2.6.12 reads them (CFG §2.4
 * "Conditional blocks"). Lines of a branch not taken are skipped entirely: not parsed, no warning, no
 * duplicate check. Conditions are evaluated by {@link ConfigCondition} only where HAProxy evaluates them: a
 * {@code .if} inside a skipped branch, or an {@code .elif} after a branch was taken, is not evaluated, so a bad
 * predicate there is no error (as in 2.6.12).
 *
 * <table>
 *   <caption>Directives in a taken branch</caption>
 *   <tr><th>directive</th><th>haprobe</th><th>HAProxy 2.6.12</th></tr>
 *   <tr><td>{@code .alert "msg"}</td><td>{@link ConfigException}</td><td>ALERT, the file is refused</td></tr>
 *   <tr><td>{@code .warning "msg"}</td><td>a {@link ConfigWarning}</td><td>WARNING</td></tr>
 *   <tr><td>{@code .notice}, {@code .diag}</td><td>nothing</td><td>NOTICE, DIAG with {@code -dD}</td></tr>
 *   <tr><td>any other {@code .word}</td><td>{@link ConfigException}</td><td>"unknown directive"</td></tr>
 * </table>
 *
 * <p>One per parse; not thread-safe.
 */
final class ConditionalBlocks {

    private final Deque<Level> levels = new ArrayDeque<>();
    private final ConfigCondition condition;

    /**
     * Creates the block state of one parse.
     *
     * @param env the environment as the file changes it, read by {@code defined()}; never null, not copied
     */
    ConditionalBlocks(Map<String, String> env) {
        this.condition = new ConfigCondition(env);
    }

    /**
     * Handles one non-empty line: a block directive, a message directive, or a line inside a skipped branch.
     *
     * @param tokens the line's words; never null nor empty
     * @param in     the line's place, errors and warnings; never null
     * @return true when the line was consumed here, false when the caller parses it
     * @throws ConfigException for unbalanced blocks, a bad condition, an unknown directive, an extra argument
     *                         or an {@code .alert}, with HAProxy's words
     */
    boolean consume(List<ConfigToken> tokens, ParseContext in) {
        ConfigToken first = tokens.get(0);
        String word = first.text();
        switch (word) {
            case ".if" -> {
                boolean active = isActive();
                levels.push(new Level(active ? (evaluate(tokens, in) ? State.TAKEN : State.PENDING) : State.NESTED,
                        false, in.location(first)));
                return true;
            }
            case ".elif" -> {
                Level level = current(first, in);
                if (level.sawElse) {
                    throw in.error(first, "'.elif' after '.else' is not permitted");
                }
                State next = switch (level.state) {
                    case PENDING -> evaluate(tokens, in) ? State.TAKEN : State.PENDING;
                    case TAKEN, DONE -> State.DONE;
                    case NESTED -> State.NESTED;
                };
                replace(new Level(next, false, level.opened));
                return true;
            }
            case ".else" -> {
                noArgument(tokens, in);
                Level level = current(first, in);
                if (level.sawElse) {
                    throw in.error(first, "'.else' after '.else' is not permitted");
                }
                State next = switch (level.state) {
                    case PENDING -> State.TAKEN;
                    case TAKEN, DONE -> State.DONE;
                    case NESTED -> State.NESTED;
                };
                replace(new Level(next, true, level.opened));
                return true;
            }
            case ".endif" -> {
                noArgument(tokens, in);
                current(first, in);
                levels.pop();
                return true;
            }
            default -> {
                if (!isActive()) {
                    return true;
                }
                if (!word.startsWith(".")) {
                    return false;
                }
                message(tokens, in);
                return true;
            }
        }
    }

    /**
     * Refuses a file that ends inside a block.
     *
     * @param lastLine the file's last line number, where 2.6.12 reports the error
     * @throws ConfigException "non-terminated '.if' block", at the last line, naming where the innermost open
     *                         {@code .if} is
     */
    void finish(int lastLine) {
        if (!levels.isEmpty()) {
            SourceLocation opened = levels.peek().opened;
            throw new ConfigException(new SourceLocation(opened.file(), lastLine, 1),
                    "non-terminated '.if' block (opened at line " + opened.line() + ")");
        }
    }

    private boolean isActive() {
        for (Level level : levels) {
            if (level.state != State.TAKEN) {
                return false;
            }
        }
        return true;
    }

    private boolean evaluate(List<ConfigToken> tokens, ParseContext in) {
        StringBuilder text = new StringBuilder();
        int[] starts = new int[tokens.size()];
        for (int i = 1; i < tokens.size(); i++) {
            if (i > 1) {
                text.append(' ');
            }
            starts[i] = text.length();
            text.append(tokens.get(i).text());
        }
        try {
            return condition.evaluate(text.toString());
        } catch (ConfigCondition.Failure e) {
            ConfigToken at = tokens.get(0);
            int column = at.column();
            for (int i = 1; i < tokens.size(); i++) {
                if (starts[i] <= e.index) {
                    at = tokens.get(i);
                    column = at.column() + e.index - starts[i];
                }
            }
            throw new ConfigException(new SourceLocation(in.file(), in.line(), column),
                    e.getMessage() + " in '" + tokens.get(0).text() + "'");
        }
    }

    private Level current(ConfigToken directive, ParseContext in) {
        if (levels.isEmpty()) {
            throw in.error(directive, "lone '" + directive.text() + "' with no matching '.if'");
        }
        return levels.peek();
    }

    private void replace(Level level) {
        levels.pop();
        levels.push(level);
    }

    private static void noArgument(List<ConfigToken> tokens, ParseContext in) {
        if (tokens.size() > 1) {
            throw in.error(tokens.get(1), "Unexpected argument '" + tokens.get(1).text() + "' for '"
                    + tokens.get(0).text() + "'");
        }
    }

    private static void message(List<ConfigToken> tokens, ParseContext in) {
        ConfigToken directive = tokens.get(0);
        String word = directive.text();
        if (!word.equals(".diag") && !word.equals(".notice") && !word.equals(".warning") && !word.equals(".alert")) {
            throw in.error(directive, "unknown directive '" + word + "'");
        }
        if (tokens.size() > 2) {
            throw in.error(tokens.get(2), "Unexpected argument '" + tokens.get(2).text() + "' for '" + word
                    + "'. Use quotes if the message should contain spaces.");
        }
        String message = tokens.size() > 1 ? tokens.get(1).text() : "";
        if (word.equals(".alert")) {
            throw in.error(directive, ".alert: '" + message + "'");
        }
        if (word.equals(".warning")) {
            in.warn(directive, ".warning: '" + message + "'");
        }
    }

    /** Where a block stands: its branch taken now, none taken yet, one taken before, or inside a skipped one. */
    private enum State {
        TAKEN, PENDING, DONE, NESTED
    }

    /** One open {@code .if}: its state, whether {@code .else} was seen, where it opened. */
    private record Level(State state, boolean sawElse, SourceLocation opened) {
    }
}
