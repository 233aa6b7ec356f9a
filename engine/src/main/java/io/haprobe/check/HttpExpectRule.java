package io.haprobe.check;

import io.haprobe.CheckStatus;
import io.haprobe.config.ExpectOptions;
import io.haprobe.config.HttpExpect;
import io.haprobe.config.StatusRange;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One compiled {@code http-check expect} rule (CFG §4.2; spec §4.5): what it matches and the verdicts its
 * options shape. Head rules ({@code status}, {@code rstatus}, {@code hdr}, {@code fhdr}) look at the status line
 * and headers; body rules ({@code string}, {@code rstring}) are a {@link ContentMatch}, the matchers of
 * {@code tcp-check expect}, run on the (decoded) body. {@link HttpResponseJudge} decides when a rule judges.
 *
 * <p>Immutable and thread-safe.
 */
final class HttpExpectRule {

    /** HAProxy's implicit {@code http-check expect status 200-399}. */
    static final HttpExpectRule IMPLICIT = new HttpExpectRule(HttpExpect.Match.STATUS, false, new int[] {200},
            new int[] {399}, null, null, null, ExpectOptions.NONE);

    private final HttpExpect.Match kind;
    private final boolean inverse;
    /** The {@code status} ranges' low and high bounds, or null. */
    private final int[] lows;
    private final int[] highs;
    /** The {@code rstatus} regex, or null. */
    private final Pattern statusRegex;
    /** The {@code string} or {@code rstring} matcher, or null. */
    private final ContentMatch body;
    /** The {@code hdr} or {@code fhdr} matcher, or null. */
    private final HttpExpect.HeaderMatch header;
    private final ExpectOptions options;
    /** The last verdict {@link #success} built, reused while the code is the same; null before the first. */
    private CheckVerdict lastSuccess;

    private HttpExpectRule(HttpExpect.Match kind, boolean inverse, int[] lows, int[] highs, Pattern statusRegex,
                           ContentMatch body, HttpExpect.HeaderMatch header, ExpectOptions options) {
        this.kind = kind;
        this.inverse = inverse;
        this.lows = lows;
        this.highs = highs;
        this.statusRegex = statusRegex;
        this.body = body;
        this.header = header;
        this.options = options;
    }

    /**
     * Compiles one rule.
     *
     * @param expect the parsed rule; never null
     * @return the compiled rule
     */
    static HttpExpectRule of(HttpExpect expect) {
        return switch (expect.match()) {
            case STATUS -> {
                List<StatusRange> ranges = expect.statuses();
                int[] lows = new int[ranges.size()];
                int[] highs = new int[ranges.size()];
                for (int i = 0; i < lows.length; i++) {
                    lows[i] = ranges.get(i).low();
                    highs[i] = ranges.get(i).high();
                }
                yield new HttpExpectRule(expect.match(), expect.inverse(), lows, highs, null, null, null,
                        expect.options());
            }
            case RSTATUS -> new HttpExpectRule(expect.match(), expect.inverse(), null, null, expect.regex(), null,
                    null, expect.options());
            case STRING -> new HttpExpectRule(expect.match(), expect.inverse(), null, null, null,
                    text(expect.pattern()), null, expect.options());
            case RSTRING -> new HttpExpectRule(expect.match(), expect.inverse(), null, null, null,
                    new ContentMatch.Regex(expect.regex()), null, expect.options());
            case HDR, FHDR -> new HttpExpectRule(expect.match(), expect.inverse(), null, null, null, null,
                    expect.header(), expect.options());
        };
    }

    /** Tells whether the rule looks at the body ({@code string}, {@code rstring}) rather than the head. */
    boolean isBodyRule() {
        return body != null;
    }

    /** Tells whether the rule looks at headers ({@code hdr}, {@code fhdr}). */
    boolean isHeaderRule() {
        return header != null;
    }

    /** Tells whether the rule is negated ({@code !}). */
    boolean inverse() {
        return inverse;
    }

    /**
     * Returns how many body bytes a body rule waits for before it judges, unless the message ended: its
     * {@code min-recv}, else the length of a {@code string} pattern, else 0.
     */
    int bodyBytesWanted() {
        return options.minRecv() >= 0 ? options.minRecv() : body.minimumLength();
    }

    /** Tells whether a body rule without {@code min-recv} waits for more bytes on a mismatch. */
    boolean waitsOnMismatch() {
        return options.minRecv() < 0;
    }

    /** Returns the status of a timeout while this rule waits: its {@code tout-status}, else {@code L7TOUT}. */
    CheckStatus timeoutStatus() {
        return options.timeoutStatus() != null ? options.timeoutStatus() : CheckStatus.L7TOUT;
    }

    /**
     * Builds a failure: the rule's {@code error-status} or {@code fallback}; the {@code on-error} text or
     * {@code info}, then {@code " comment: <comment>"}; the {@code status-code} or {@code code}.
     */
    CheckVerdict failure(CheckStatus fallback, int code, String info) {
        return withOptions(options.errorStatus() != null ? options.errorStatus() : fallback, code, info);
    }

    /** Builds a verdict with {@code status}, shaped by {@code on-error}, {@code comment} and {@code status-code}. */
    CheckVerdict withOptions(CheckStatus status, int code, String info) {
        String text = options.onError() != null ? options.onError() : info;
        if (options.comment() != null) {
            text = text + " comment: " + options.comment();
        }
        return new CheckVerdict(status, options.statusCode() != null ? options.statusCode() : code, text);
    }

    /**
     * Builds the pass of a check whose last rule this is: its {@code ok-status} (else {@code L7OK}), its
     * {@code status-code} (else {@code code}) and its {@code on-success} (else no info).
     */
    CheckVerdict success(int code) {
        // the last pass built, again while the code is the same: a verdict is immutable, and a racing thread at
        // worst builds one more (a reference to a record with final fields is safe to share without a lock)
        CheckVerdict last = lastSuccess;
        if (last != null && (options.statusCode() != null || last.code() == code)) {
            return last;
        }
        CheckVerdict verdict = new CheckVerdict(options.okStatus() != null ? options.okStatus() : CheckStatus.L7OK,
                options.statusCode() != null ? options.statusCode() : code,
                options.onSuccess() != null ? options.onSuccess() : "");
        lastSuccess = verdict;
        return verdict;
    }

    /** Tells whether a head rule matches the parsed status line and headers, before negation. */
    boolean matchesHead(Http1Response msg) {
        switch (kind) {
            case STATUS -> {
                for (int i = 0; i < lows.length; i++) {
                    if (msg.status() >= lows[i] && msg.status() <= highs[i]) {
                        return true;
                    }
                }
                return false;
            }
            case RSTATUS -> {
                return Regexes.find(statusRegex, msg.statusText());
            }
            default -> {
                return matchesHeader(msg);
            }
        }
    }

    /** Tells whether a body rule matches the body received so far, before negation. */
    boolean matchesBody(Http1Response msg) {
        return body.test(msg.body(), msg.bodyStart(), msg.bodyLength());
    }

    /**
     * {@code string}: the pattern's ISO-8859-1 bytes; an empty pattern is found in any body, as an empty regex
     * is ({@link ContentMatch.Text} takes at least one byte).
     */
    private static ContentMatch text(String pattern) {
        if (pattern.isEmpty()) {
            return new ContentMatch.Regex(Pattern.compile(""));
        }
        return new ContentMatch.Text(pattern.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** HAProxy's {@code hdr}/{@code fhdr}: any header whose name and (one of its) value(s) match. */
    private boolean matchesHeader(Http1Response msg) {
        byte[] buf = msg.bytes();
        for (int h = 0; h < msg.headerCount(); h++) {
            if (!matchesName(buf, msg.nameStart(h), msg.nameEnd(h))) {
                continue;
            }
            if (header.value() == null) {
                return true;
            }
            int valueStart = msg.valueStart(h);
            int valueEnd = msg.valueEnd(h);
            if (kind == HttpExpect.Match.FHDR) {
                if (matchesText(header.value(), latin1(buf, valueStart, valueEnd), false)) {
                    return true;
                }
                continue;
            }
            int p = valueStart;
            while (p <= valueEnd) {
                int comma = p;
                while (comma < valueEnd && buf[comma] != ',') {
                    comma++;
                }
                int from = p;
                int to = comma;
                while (from < to && (buf[from] == ' ' || buf[from] == '\t')) {
                    from++;
                }
                while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
                    to--;
                }
                if (matchesText(header.value(), latin1(buf, from, to), false)) {
                    return true;
                }
                p = comma + 1;
            }
        }
        return false;
    }

    /** Header names are compared without case; a regex sees the lowercased name, as HAProxy's HTX stores it. */
    private boolean matchesName(byte[] buf, int from, int to) {
        String name = new String(buf, from, to - from, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        return matchesText(header.name(), name, true);
    }

    private static boolean matchesText(HttpExpect.TextMatch match, CharSequence text, boolean ignoreCase) {
        String pattern = match.pattern();
        String value = text.toString();
        if (ignoreCase && match.method() != HttpExpect.Method.REG) {
            pattern = pattern.toLowerCase(Locale.ROOT);
        }
        return switch (match.method()) {
            case STR -> value.equals(pattern);
            case BEG -> value.startsWith(pattern);
            case END -> value.endsWith(pattern);
            case SUB -> value.contains(pattern);
            case REG -> Regexes.find(match.regex(), text);
        };
    }

    private static CharSequence latin1(byte[] buf, int from, int to) {
        return new ContentMatch.Latin1(buf, from, to - from);
    }
}
