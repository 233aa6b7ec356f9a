package io.haprobe.fuzz;

import java.util.regex.Pattern;

/**
 * Turns messages into {@link FuzzTarget} labels: the variable parts (quoted text, numbers, locations) go, so
 * that two inputs failing the same way share a label and an input failing a new way gets a new one.
 *
 * <p>Stateless and thread-safe.
 */
public final class Labels {

    private static final int MAX_LABEL_CHARS = 90;
    private static final int MAX_LABEL_WORDS = 10;
    private static final Pattern LOCATION = Pattern.compile("^[^\\n]*?:\\d+:\\d+: ");
    private static final Pattern WORD = Pattern.compile("[A-Za-z#(']?[A-Za-z0-9#().,:;/'=<>_%-]{0,24}");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private Labels() {
    }

    /**
     * Normalizes a message: drops a leading {@code file:line:column: }, keeps the first line, empties quoted
     * text (from the first quote to the last one of its kind, or to the end for a lone quote), turns each number
     * into {@code #}, puts {@code _} for each run of words that do not read like message words (input bytes
     * the message quotes without quotes), keeps at most 10 words and 90 characters.
     *
     * @param message a message, or null
     * @return the label; {@code "null"} for a null message
     */
    public static String of(String message) {
        if (message == null) {
            return "null";
        }
        String text = LOCATION.matcher(message).replaceFirst("");
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline);
        }
        text = NUMBER.matcher(emptyQuotes(emptyQuotes(text, '\''), '"')).replaceAll("#");
        StringBuilder label = new StringBuilder();
        int words = 0;
        for (String word : text.split(" ")) {
            if (label.length() >= MAX_LABEL_CHARS || words++ == MAX_LABEL_WORDS) {
                break;
            }
            boolean kept = WORD.matcher(word).matches();
            if (kept || label.length() == 0 || label.charAt(label.length() - 1) != '_') {
                label.append(label.length() == 0 ? "" : " ").append(kept ? word : "_");
            }
        }
        return label.length() <= MAX_LABEL_CHARS ? label.toString() : label.substring(0, MAX_LABEL_CHARS);
    }

    private static String emptyQuotes(String text, char quote) {
        int first = text.indexOf(quote);
        if (first < 0) {
            return text;
        }
        int last = text.lastIndexOf(quote);
        return last == first ? text.substring(0, first + 1)
                : text.substring(0, first + 1) + quote + text.substring(last + 1);
    }
}
