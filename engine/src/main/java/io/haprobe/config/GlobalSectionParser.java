package io.haprobe.config;

import java.util.List;
import java.util.Map;

/**
 * Parses the {@code global} section's keywords haprobe acts on (CFG §3): {@code spread-checks},
 * {@code max-spread-checks}, {@code node}, {@code ssl-server-verify}, {@code ca-base}, {@code crt-base},
 * {@code tune.bufsize}, {@code nbthread}, and the environment keywords of CFG §3.1, applied in file order to the environment the rest of the file sees:
 *
 * <table>
 *   <caption>Environment keywords</caption>
 *   <tr><th>keyword</th><th>effect</th><th>HAProxy 2.6.12 error</th></tr>
 *   <tr><td>{@code setenv <name> <value>}</td><td>sets the variable (extra words are ignored, as 2.6 does)</td>
 *       <td>"'setenv' expects a name and a value"</td></tr>
 *   <tr><td>{@code presetenv <name> <value>}</td><td>sets it only if it is not set</td>
 *       <td>"'presetenv' expects a name and a value"</td></tr>
 *   <tr><td>{@code resetenv [<name> ...]}</td><td>removes every variable but the names given</td><td>-</td></tr>
 *   <tr><td>{@code unsetenv <name> ...}</td><td>removes the names given</td>
 *       <td>"'unsetenv' expects at least one variable name"</td></tr>
 * </table>
 *
 * <p>The environment is the parser's copy: the JVM's real environment is never changed. Other global keywords
 * are accepted and ignored. One per parse; not thread-safe.
 */
final class GlobalSectionParser {

    private final ParseContext in;
    private final Map<String, String> env;
    private int spreadChecks;
    private long maxSpreadChecksNanos;
    private String node;
    private boolean sslServerVerifyRequired = true;
    private String caBase;
    private String crtBase;
    private int bufferSize = GlobalSettings.DEFAULT_BUFFER_SIZE;
    private int nbthread;
    private int maxConn;
    private int ulimitN;
    private final List<String> statsSockets = new java.util.ArrayList<>();

    /**
     * Creates the global state of one parse.
     *
     * @param in  the current line's place, errors and warnings; never null
     * @param env the parser's environment copy, changed by the environment keywords; never null, mutable
     */
    GlobalSectionParser(ParseContext in, Map<String, String> env) {
        this.in = in;
        this.env = env;
    }

    /**
     * Applies one line of the {@code global} section.
     *
     * @param tokens the line; never null nor empty
     * @throws ConfigException for a bad value of a keyword haprobe reads
     */
    void parse(List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        switch (keyword.text()) {
            case "spread-checks" -> {
                // atol, as 2.6: "abc" is 0, "10x" is 10
                ConfigToken value = in.argument(tokens, 1);
                long percent = ConfigValues.atol(value.text());
                if (percent < 0 || percent > 50) {
                    throw in.error(value, "'spread-checks' needs a positive value in range 0..50.");
                }
                spreadChecks = (int) percent;
            }
            case "max-spread-checks" -> maxSpreadChecksNanos = ConfigValues.parseTimeNanos(in, "max-spread-checks",
                    in.argument(tokens, 1), false);
            case "node" -> node = in.argument(tokens, 1).text();
            case "stats" -> {
                if (tokens.size() > 2 && tokens.get(1).is("socket")) {
                    statsSockets.add(tokens.get(2).text());
                }
            }
            case "ssl-server-verify" -> {
                ConfigToken value = in.argument(tokens, 1);
                sslServerVerifyRequired = switch (value.text()) {
                    case "required" -> true;
                    case "none" -> false;
                    default -> throw ConfigValues.invalid(in.file(), in.line(), "ssl-server-verify", value,
                            "none or required");
                };
            }
            case "ca-base" -> caBase = in.requireNonEmpty(in.argument(tokens, 1), "ca-base");
            case "crt-base" -> crtBase = in.requireNonEmpty(in.argument(tokens, 1), "crt-base");
            case "tune.bufsize" -> bufferSize = parseBufferSize(in.argument(tokens, 1));
            case "nbthread" -> nbthread = parseNbthread(tokens);
            case "maxconn" -> maxConn = parseLimit(tokens, maxConn);
            case "ulimit-n" -> ulimitN = parseLimit(tokens, ulimitN);
            case "setenv", "presetenv" -> {
                if (tokens.size() < 3) {
                    throw in.error(keyword, "'" + keyword.text() + "' expects a name and a value");
                }
                if (keyword.is("setenv")) {
                    env.put(tokens.get(1).text(), tokens.get(2).text());
                } else {
                    env.putIfAbsent(tokens.get(1).text(), tokens.get(2).text());
                }
            }
            case "unsetenv" -> {
                if (tokens.size() < 2) {
                    throw in.error(keyword, "'unsetenv' expects at least one variable name");
                }
                tokens.subList(1, tokens.size()).forEach(name -> env.remove(name.text()));
            }
            case "resetenv" -> {
                List<String> kept = tokens.subList(1, tokens.size()).stream().map(ConfigToken::text).toList();
                env.keySet().retainAll(kept);
            }
            default -> {
                String ignored = IgnoredCheckKeywords.global(keyword.text());
                if (ignored != null) {
                    in.warn(keyword, ignored);
                }
                // other global keywords do not concern checks
            }
        }
    }

    /**
     * Reads {@code tune.bufsize} as HAProxy 2.6 does: {@code atol} (leading digits, so {@code 16k} is 16), into
     * an int, rounded up to a multiple of 16; a result of 0 or less is refused ({@code 0}, {@code abc},
     * {@code -5} and {@code 2147483647} all are, as {@code haproxy -c} refuses them).
     */
    private int parseBufferSize(ConfigToken value) {
        String text = value.text().stripLeading();
        int i = text.startsWith("-") || text.startsWith("+") ? 1 : 0;
        long parsed = 0;
        for (; i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++) {
            int digit = text.charAt(i) - '0';
            // strtol saturates at LONG_MAX, which the int field of HAProxy holds as -1
            parsed = parsed > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : parsed * 10 + digit;
        }
        int size = (int) (text.startsWith("-") ? -parsed : parsed);
        size = (size + 15) & -16;
        if (size <= 0) {
            throw ConfigValues.invalid(in.file(), in.line(), "tune.bufsize", value, "a positive integer");
        }
        return size;
    }

    /**
     * Reads {@code nbthread} as HAProxy 2.6.12 does ({@code strtol} in base 10, the whole argument): leading
     * blanks and a sign are allowed, anything after the digits is refused, and the value must be 1..64
     * ({@code MAX_THREADS}). A second {@code nbthread} line replaces the first; a value above the processor count
     * is accepted without a word, as 2.6.12 does.
     *
     * @throws ConfigException with 2.6.12's message ({@code 'nbthread' cannot handle unexpected argument 'x'.},
     *                         {@code 'nbthread' passed a missing or unparsable integer
     *                         value in 'x'}, {@code 'nbthread' value must be between 1 and 64 (was 0)}), at the
     *                         value (at the keyword when it is missing)
     */
    private int parseNbthread(List<ConfigToken> tokens) {
        if (tokens.size() > 2) {
            throw in.error(tokens.get(2), "'nbthread' cannot handle unexpected argument '" + tokens.get(2).text()
                    + "'.");
        }
        ConfigToken at = tokens.size() < 2 ? tokens.get(0) : tokens.get(1);
        String text = tokens.size() < 2 ? "" : at.text();
        if (!text.matches("[ \t\n\u000B\f\r]*[+-]?[0-9]+")) {
            throw in.error(at, "'nbthread' passed a missing or unparsable integer value in '" + text + "'");
        }
        long value = ConfigValues.atol(text);
        if (value == -Long.MAX_VALUE && !text.strip().matches("-0*9223372036854775807")) {
            value = Long.MIN_VALUE; // strtol saturates below at LONG_MIN
        }
        if (value < 1 || value > GlobalSettings.MAX_THREADS) {
            throw in.error(at, "'nbthread' value must be between 1 and " + GlobalSettings.MAX_THREADS + " (was "
                    + value + ")");
        }
        return (int) value;
    }

    /**
     * Reads {@code maxconn} or {@code ulimit-n} as HAProxy 2.6.12 does: {@code atol} into an int (so {@code 10x}
     * is 10, {@code abc} and {@code 0} leave it unset), a second line while a value is set is ignored with
     * 2.6.12's alert (which does not fail {@code haproxy -c}), here a warning. A negative value passes
     * {@code haproxy -c} but stops 2.6.12 at start ({@code maxconn}: a segmentation fault; {@code ulimit-n}:
     * "Cannot raise FD limit to -3"): warned, and read as unset.
     *
     * @param tokens  the line
     * @param current the value read so far, 0 when not set
     * @return the value from now on
     * @throws ConfigException with 2.6.12's message for a missing argument or a second one
     */
    private int parseLimit(List<ConfigToken> tokens, int current) {
        ConfigToken keyword = tokens.get(0);
        String name = keyword.text();
        if (tokens.size() > 2) {
            throw in.error(tokens.get(2), "'" + name + "' cannot handle unexpected argument '" + tokens.get(2).text()
                    + "'.");
        }
        if (current != 0) {
            in.warn(keyword, "'" + name + "' already specified. Continuing.");
            return current;
        }
        if (tokens.size() < 2 || tokens.get(1).text().isEmpty()) {
            throw in.error(keyword, "'" + name + "' expects an integer argument.");
        }
        int value = (int) ConfigValues.atol(tokens.get(1).text()); // HAProxy's int field keeps the low 32 bits
        if (value < 0) {
            in.warn(tokens.get(1), "global '" + name + "' " + value + " is negative: haproxy -c 2.6.12 accepts it but"
                    + " HAProxy " + (name.equals("maxconn") ? "crashes at start (segmentation fault)"
                    : "refuses to start (Cannot raise FD limit to " + value + ")") + "; haprobe reads it as not set");
            return 0;
        }
        return value;
    }

    /** Returns {@code ca-base}, or null. */
    String caBase() {
        return caBase;
    }

    /** Returns {@code crt-base}, or null. */
    String crtBase() {
        return crtBase;
    }

    /** Returns the settings read so far. */
    GlobalSettings settings() {
        return new GlobalSettings(spreadChecks, maxSpreadChecksNanos, node, sslServerVerifyRequired, caBase, crtBase,
                bufferSize, statsSockets, nbthread, maxConn, ulimitN);
    }
}
