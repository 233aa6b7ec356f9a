package io.haprobe.config;

import io.haprobe.CheckStatus;

/**
 * The options of a {@code tcp-check expect} or {@code http-check expect} rule, which HAProxy reads with one
 * function for both ({@code parse_tcpcheck_expect}; CFG §4.2; spec §4.5, §5.3). Null and -1 mean "not given".
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code comment}</td><td>null</td><td>{@code comment}</td><td>appended to a failure info as
 *       {@code " comment: <text>"}</td></tr>
 *   <tr><td>{@code okStatus}</td><td>null ({@code L7OK})</td><td>{@code ok-status}</td><td>the status of a
 *       passing check whose last rule this is ({@code L7OK}, {@code L7OKC}, {@code L6OK}, {@code L4OK})</td></tr>
 *   <tr><td>{@code errorStatus}</td><td>null (the rule's: {@code L7RSP}, {@code L7STS})</td>
 *       <td>{@code error-status}</td><td>the status of a failure ({@code L7RSP}, {@code L7STS}, {@code L7OKC},
 *       {@code L6RSP}, {@code L4CON})</td></tr>
 *   <tr><td>{@code timeoutStatus}</td><td>null ({@code L7TOUT})</td><td>{@code tout-status}</td><td>the status
 *       of a timeout while this rule waits ({@code L7TOUT}, {@code L6TOUT}, {@code L4TOUT})</td></tr>
 *   <tr><td>{@code onSuccess}</td><td>null</td><td>{@code on-success}</td><td>the info of a passing check whose
 *       last rule this is (plain text: log-format expressions are kept as written)</td></tr>
 *   <tr><td>{@code onError}</td><td>null</td><td>{@code on-error}</td><td>replaces the failure info (plain
 *       text)</td></tr>
 *   <tr><td>{@code statusCode}</td><td>null (the response's code, else 0)</td><td>{@code status-code int(<n>)}
 *       </td><td>the code reported on success and failure</td></tr>
 *   <tr><td>{@code minRecv}</td><td>-1</td><td>{@code min-recv}</td><td>the bytes to wait for before judging;
 *       a mismatch is then final</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param comment       the comment, or null
 * @param okStatus      the status on success, or null
 * @param errorStatus   the status on failure, or null
 * @param timeoutStatus the status on timeout, or null
 * @param onSuccess     the info on success, or null
 * @param onError       the info on failure, or null
 * @param statusCode    the code to report, or null
 * @param minRecv       the bytes to wait for, -1 when not given
 */
public record ExpectOptions(String comment, CheckStatus okStatus, CheckStatus errorStatus, CheckStatus timeoutStatus,
                            String onSuccess, String onError, Integer statusCode, int minRecv) {

    /** No option given. */
    public static final ExpectOptions NONE = new ExpectOptions(null, null, null, null, null, null, null, -1);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code minRecv} is below -1
     */
    public ExpectOptions {
        if (minRecv < -1) {
            throw new IllegalArgumentException("minRecv: " + minRecv + " (expected: >= -1)");
        }
    }

    /**
     * Returns these options with another comment.
     *
     * @param text the comment, or null
     * @return the options; this instance when the comment is the same
     */
    public ExpectOptions withComment(String text) {
        return java.util.Objects.equals(text, comment) ? this
                : new ExpectOptions(text, okStatus, errorStatus, timeoutStatus, onSuccess, onError, statusCode,
                        minRecv);
    }
}
