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
 * @param info   the info text HAProxy prints as {@code info: "..."}; empty (never null) when there is none;
 *               not shortened here ({@link CheckOutcome} cuts it to {@value CheckOutcome#MAX_INFO_LENGTH}
 *               characters)
 */
public record CheckVerdict(CheckStatus status, int code, String info) {

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
