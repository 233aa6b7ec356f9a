package io.haprobe;

/**
 * HAProxy 2.6's table of check statuses ({@code enum healthcheck_status} in {@code check-t.h}, with the
 * tag and description of {@code check_statuses[]} in {@code check.c}), in HAProxy's order, so that
 * {@link #number()} is the value {@code show servers state} prints as {@code srv_check_status}.
 *
 * <table>
 *   <caption>How each part of the table is printed</caption>
 *   <tr><th>part</th><th>where HAProxy prints it</th><th>example</th></tr>
 *   <tr><td>{@link #tag()}</td><td>CSV {@code check_status}, {@code show stat}</td><td>{@code L7STS}</td></tr>
 *   <tr><td>{@link #description()}</td><td>logs after {@code reason:}, CSV {@code check_desc}</td>
 *       <td>{@code Layer7 wrong status}</td></tr>
 *   <tr><td>{@link #result()}</td><td>{@code srv_check_result}; moves the health counter</td><td>FAILED</td></tr>
 * </table>
 *
 * <p>The constant names are HAProxy's enum names, which differ from the printed tag in two places:
 * {@link #L7OK} prints {@code L7OK} and {@link #L7OKC} prints {@code L7OKC}. {@link #START} and
 * {@link #L57DATA} are internal markers HAProxy never reports; they are kept so that numbers match.
 *
 * <p>Immutable and thread-safe.
 */
public enum CheckStatus {
    /** {@code UNK}: nothing is known. */
    UNK("UNK", "Unknown", CheckResult.UNKNOWN),
    /** {@code INI}: the server has not been checked yet. */
    INI("INI", "Initializing", CheckResult.UNKNOWN),
    /** Internal: a check has started. Never reported. */
    START("", "", CheckResult.UNKNOWN),
    /** {@code CHECKED}: an agent reply with no health word. */
    CHECKED("CHECKED", "No status change", CheckResult.NEUTRAL),
    /** {@code HANA}: failure simulated by passive health analysis ({@code observe}). */
    HANA("HANA", "Health analyze", CheckResult.FAILED),
    /** {@code SOCKERR}: an I/O error once connected, or no usable check port. */
    SOCKERR("SOCKERR", "Socket error", CheckResult.FAILED),
    /** {@code L4OK}: the TCP connection was established (a connect-only check passes with it). */
    L4OK("L4OK", "Layer4 check passed", CheckResult.PASSED),
    /** {@code L4TOUT}: the TCP connection did not complete in time. */
    L4TOUT("L4TOUT", "Layer4 timeout", CheckResult.FAILED),
    /** {@code L4CON}: the TCP connection failed, the info holds the errno text such as {@code Connection refused}. */
    L4CON("L4CON", "Layer4 connection problem", CheckResult.FAILED),
    /** {@code L6OK}: the TLS handshake completed. */
    L6OK("L6OK", "Layer6 check passed", CheckResult.PASSED),
    /** {@code L6TOUT}: the TLS handshake did not complete in time. */
    L6TOUT("L6TOUT", "Layer6 timeout", CheckResult.FAILED),
    /** {@code L6RSP}: the TLS handshake failed. */
    L6RSP("L6RSP", "Layer6 invalid response", CheckResult.FAILED),
    /** {@code L7TOUT}: connected, but no verdict before the deadline. */
    L7TOUT("L7TOUT", "Layer7 timeout", CheckResult.FAILED),
    /** {@code L7RSP}: the answer could not be parsed, was empty, or a content rule did not match. */
    L7RSP("L7RSP", "Layer7 invalid response", CheckResult.FAILED),
    /** Internal boundary: statuses after it carry a {@code code}. Never reported. */
    L57DATA("", "", CheckResult.UNKNOWN),
    /** {@code L7OK}: the layer 7 check passed; the code is the HTTP status. */
    L7OK("L7OK", "Layer7 check passed", CheckResult.PASSED),
    /** {@code L7OKC}: the layer 7 check passed conditionally (e.g. {@code disable-on-404}). */
    L7OKC("L7OKC", "Layer7 check conditionally passed", CheckResult.CONDPASS),
    /** {@code L7STS}: a status or header rule failed; the code is the HTTP status, the info its reason phrase. */
    L7STS("L7STS", "Layer7 wrong status", CheckResult.FAILED),
    /** {@code PROCERR}: the external check program failed. */
    PROCERR("PROCERR", "External check error", CheckResult.FAILED),
    /** {@code PROCTOUT}: the external check program timed out. */
    PROCTOUT("PROCTOUT", "External check timeout", CheckResult.FAILED),
    /** {@code PROCOK}: the external check program passed. */
    PROCOK("PROCOK", "External check passed", CheckResult.PASSED);

    private static final CheckStatus[] VALUES = values();

    private final String tag;
    private final String description;
    private final CheckResult result;

    CheckStatus(String tag, String description, CheckResult result) {
        this.tag = tag;
        this.description = description;
        this.result = result;
    }

    /**
     * Returns the status HAProxy numbers {@code number}.
     *
     * @param number 0 ({@link #UNK}) to 20 ({@link #PROCOK})
     * @return the status
     * @throws IllegalArgumentException if {@code number} is outside 0..20
     */
    public static CheckStatus ofNumber(int number) {
        if (number < 0 || number >= VALUES.length) {
            throw new IllegalArgumentException("number: " + number + " (expected: 0.." + (VALUES.length - 1) + ")");
        }
        return VALUES[number];
    }

    /**
     * Returns the status whose printed tag is {@code tag}, such as {@code "L7OK"} for {@link #L7OK}.
     *
     * @param tag a tag as CSV {@code check_status} prints it, case-sensitive; never null
     * @return the status
     * @throws IllegalArgumentException if no reported status has that tag
     */
    public static CheckStatus ofTag(String tag) {
        for (CheckStatus status : VALUES) {
            if (!status.tag.isEmpty() && status.tag.equals(tag)) {
                return status;
            }
        }
        throw new IllegalArgumentException("tag: '" + tag + "' (expected: one of HAProxy's check_status tags)");
    }

    /**
     * Returns HAProxy's number for this status, as {@code show servers state} prints it.
     *
     * @return 0 to 20
     */
    public int number() {
        return ordinal();
    }

    /**
     * Returns the short name printed in CSV {@code check_status}, e.g. {@code L4CON}; empty for the internal
     * markers {@link #START} and {@link #L57DATA}.
     *
     * @return the tag, never null
     */
    public String tag() {
        return tag;
    }

    /**
     * Returns the text logs print after {@code reason:}, e.g. {@code Layer4 connection problem}; empty for
     * the internal markers.
     *
     * @return the description, never null
     */
    public String description() {
        return description;
    }

    /**
     * Returns the result class that moves the health counter.
     *
     * @return the result, never null
     */
    public CheckResult result() {
        return result;
    }

    /**
     * Tells whether a result with this status carries a {@code code} ({@code status >= L57DATA} in
     * HAProxy): only then do logs print {@code , code: N}. {@link #L7RSP} and {@link #L7TOUT} do not.
     *
     * @return true for {@link #L7OK}, {@link #L7OKC}, {@link #L7STS} and the external check statuses
     */
    public boolean hasCode() {
        return ordinal() > L57DATA.ordinal();
    }
}
