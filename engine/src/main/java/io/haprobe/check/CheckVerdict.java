package io.haprobe.check;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;

import java.util.Objects;

/**
 * The verdict of a check's expect rules on what a backend sent: status, code and info, without the
 * duration, which only the caller that owns the clock knows ({@link #toOutcome(long)} adds it).
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * CheckVerdict v = new CheckVerdict(CheckStatus.L7STS, 204, "No Content");
 * CheckOutcome o = v.toOutcome(1_200_000L); // L7STS, code 204, info "No Content", 1 ms
 * }</pre>
 *
 * @param status the check status; never null
 * @param code   the layer 7 code, for HTTP checks the response status, 0 when there is none (a response
 *               that could not be parsed); kept even for statuses below {@code L57DATA} such as
 *               {@link CheckStatus#L7RSP}, whose code HAProxy stores but never prints
 *               ({@link CheckStatus#hasCode()})
 * @param info    the info text HAProxy prints as {@code info: "..."}; empty (never null) when there is none;
 *                not shortened here ({@link CheckOutcome} cuts it to {@value CheckOutcome#MAX_INFO_LENGTH}
 *                characters)
 * @param earlier a result HAProxy reports before this one within the same check, or null (almost always): when
 *                a check's last rule is a protocol parser ({@link CheckRule.ExpectCustom}: {@code mysql-check},
 *                {@code ldap-check}), the parser reports its success ({@code L7OK} with the server version, or
 *                {@code Success}) and the end of the rules then reports {@code L7OK} again with no info, so that in
 *                HAProxy 2.6.12 one passing check counts twice toward {@code rise} and leaves an empty info
 *                (observed with and without a mysql {@code user}: {@code status: 1/3 DOWN} then
 *                {@code 2/3 DOWN} from one check; never more than two reports)
 */
public record CheckVerdict(CheckStatus status, int code, String info, CheckVerdict earlier) {

    /**
     * Validates and normalizes the components.
     *
     * @throws NullPointerException if {@code status} is null
     */
    public CheckVerdict {
        Objects.requireNonNull(status, "status");
        info = info == null ? "" : info;
    }

    /**
     * Creates a verdict that is the check's only report.
     *
     * @param status the check status; never null
     * @param code   the layer 7 code, 0 when there is none
     * @param info   the info text; null or empty for none
     * @throws NullPointerException if {@code status} is null
     */
    public CheckVerdict(CheckStatus status, int code, String info) {
        this(status, code, info, null);
    }

    /**
     * Returns the outcome of a check that ended with this verdict.
     *
     * @param durationNanos the time from the check's start to this verdict in nanoseconds, {@code >= 0}
     * @return the outcome, with the info cut to {@value CheckOutcome#MAX_INFO_LENGTH} characters
     * @throws IllegalArgumentException if {@code durationNanos} is negative
     */
    public CheckOutcome toOutcome(long durationNanos) {
        return CheckOutcome.of(status, code, info, durationNanos);
    }
}
