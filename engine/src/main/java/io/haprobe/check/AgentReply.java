package io.haprobe.check;

import io.haprobe.CheckStatus;

import java.util.Locale;
import java.util.Objects;

/**
 * One agent reply line, parsed as HAProxy 2.6 does ({@code agent-check}, CFG §5.2; spec §7): words separated
 * by spaces, tabs or commas, matched without case but kept as received; for each category the last word wins;
 * a word starting with {@code #} starts the description (the rest of the line) and ends the words.
 *
 * <table>
 *   <caption>Words</caption>
 *   <tr><th>category</th><th>words</th><th>effect (applied by {@code io.haprobe.health})</th></tr>
 *   <tr><td>health</td><td>{@code up}; {@code down}, {@code stopped}, {@code fail}</td><td>the agent's health
 *       to 1 ({@code L7OK}) or 0 ({@code L7STS})</td></tr>
 *   <tr><td>admin</td><td>{@code ready}, {@code drain}, {@code maint}</td><td>leave maintenance and drain,
 *       enter drain, enter maintenance</td></tr>
 *   <tr><td>weight</td><td>a word starting with a digit and holding {@code %}, e.g. {@code 75%}</td>
 *       <td>the weight to {@code weight * 75 / 100}</td></tr>
 *   <tr><td>maxconn</td><td>{@code maxconn:<n>}</td><td>kept for the traffic model</td></tr>
 *   <tr><td>error</td><td>any other word; the first one is kept</td><td>reported in the info</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * AgentReply r = AgentReply.parse("down #maintenance window, 0%");
 * r.status();  // L7STS
 * r.info();    // "via agent : down (maintenance window, 0%)"
 * }</pre>
 *
 * @param health      the last health word as received ({@code up}, {@code DOWN}, ...), or null
 * @param admin       the last admin word as received, or null
 * @param weight      the last weight word, e.g. {@code 75%}, or null
 * @param maxConn     the last {@code maxconn:} word, or null
 * @param error       the first unknown word, or null
 * @param description the text after {@code #}, leading blanks skipped; empty when there is none; never null
 */
public record AgentReply(String health, String admin, String weight, String maxConn, String error,
                         String description) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code description} is null
     */
    public AgentReply {
        Objects.requireNonNull(description, "description");
    }

    /**
     * Parses the reply line (without its line end).
     *
     * @param line the characters before the first CR or LF; never null
     * @return the parsed reply
     * @throws NullPointerException if {@code line} is null
     */
    public static AgentReply parse(String line) {
        String health = null;
        String admin = null;
        String weight = null;
        String maxConn = null;
        String error = null;
        String description = "";
        int n = line.length();
        int p = 0;
        while (p < n) {
            char c = line.charAt(p);
            if (c == ' ' || c == '\t' || c == ',') {
                p++;
                continue;
            }
            if (c == '#') {
                p++;
                while (p < n && (line.charAt(p) == ' ' || line.charAt(p) == '\t')) {
                    p++;
                }
                description = line.substring(p);
                break;
            }
            int end = p + 1;
            while (end < n && line.charAt(end) != ' ' && line.charAt(end) != '\t' && line.charAt(end) != ',') {
                end++;
            }
            String word = line.substring(p, end);
            String lower = word.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "up", "down", "stopped", "fail" -> health = word;
                case "ready", "drain", "maint" -> admin = word;
                default -> {
                    if (Character.isDigit(c) && c < 128 && word.indexOf('%') >= 0) {
                        weight = word;
                    } else if (lower.startsWith("maxconn:")) {
                        maxConn = word;
                    } else if (error == null) {
                        error = word;
                    }
                }
            }
            p = end;
        }
        return new AgentReply(health, admin, weight, maxConn, error, description);
    }

    /**
     * Returns the check status of the reply: {@code L7OK} for {@code up}, {@code L7STS} for {@code down},
     * {@code stopped} or {@code fail}, {@code CHECKED} (no change) without a health word.
     *
     * @return the status, never null
     */
    public CheckStatus status() {
        if (health == null) {
            return CheckStatus.CHECKED;
        }
        return health.equalsIgnoreCase("up") ? CheckStatus.L7OK : CheckStatus.L7STS;
    }

    /**
     * Returns the relative weight the reply asks for, in percent of the configured weight.
     *
     * @return the percentage, 0..25600, or -1 when there is no valid weight word
     */
    public int weightPercent() {
        if (weight == null) {
            return -1;
        }
        int digits = leadingDigits(weight);
        if (digits == 0 || digits != weight.length() - 1 || weight.charAt(digits) != '%') {
            return -1;
        }
        return (int) Math.min(25_600, parseSaturated(weight.substring(0, digits)));
    }

    /**
     * Returns the warning HAProxy gives for the weight word, then the maxconn word: the first that fails.
     *
     * @return the warning text (some end with a newline, as HAProxy's do), or null when both are valid or absent
     */
    public String warning() {
        String weightWarning = weightWarning();
        return weightWarning != null ? weightWarning : maxConnWarning();
    }

    /**
     * Returns the info HAProxy stores for the reply: {@code via agent : <word>[ (<text>)]} with a health word,
     * where the text is the description (for {@code up}, the first error or warning wins over it); else
     * {@code agent reports an error : <word>}, {@code agent warns : <text>}, or empty.
     *
     * @return the info, never null
     */
    public String info() {
        String warning = warning();
        if (health != null) {
            String message = description;
            if (message.isEmpty() || status() == CheckStatus.L7OK) {
                if (error != null) {
                    message = error;
                } else if (warning != null) {
                    message = warning;
                }
            }
            return "via agent : " + health + (message.isEmpty() ? "" : " (" + message + ")");
        }
        if (error != null) {
            return "agent reports an error : " + error;
        }
        if (warning != null) {
            return "agent warns : " + warning;
        }
        return "";
    }

    /**
     * Returns the verdict of the check: {@link #status()}, code 0, {@link #info()}.
     *
     * @return the verdict, never null
     */
    public CheckVerdict verdict() {
        return new CheckVerdict(status(), 0, info());
    }

    private String weightWarning() {
        if (weight == null) {
            return null;
        }
        int digits = leadingDigits(weight);
        boolean relative = digits == weight.length() - 1 && weight.charAt(digits) == '%';
        if (relative) {
            return null;
        }
        if (parseSaturated(weight.substring(0, digits)) > 256) {
            return "Absolute weight can only be between 0 and 256 inclusive.\n";
        }
        return "Trailing garbage in weight string";
    }

    private String maxConnWarning() {
        if (maxConn == null) {
            return null;
        }
        String value = maxConn.substring("maxconn:".length());
        if (value.isEmpty()) {
            return "Require <maxconn>.\n";
        }
        int p = value.charAt(0) == '+' || value.charAt(0) == '-' ? 1 : 0;
        int digits = leadingDigits(value.substring(p));
        if (digits == 0) {
            return "maxconn string empty or preceded by garbage";
        }
        return p + digits == value.length() ? null : "Trailing garbage in maxconn string";
    }

    private static int leadingDigits(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static long parseSaturated(String digits) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            value = value * 10 + (digits.charAt(i) - '0');
            if (value > Integer.MAX_VALUE) {
                return Integer.MAX_VALUE;
            }
        }
        return value;
    }
}
