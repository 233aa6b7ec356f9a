package io.haprobe;

import java.util.Objects;

/**
 * The outcome of one completed check, as HAProxy stores it in {@code struct check}: status, code, info
 * text and duration. A failed probe is an outcome, never an exception.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * CheckOutcome o = CheckOutcome.of(CheckStatus.L7STS, 204, "No Content", 1_200_000L);
 * o.durationMillis(); // 1
 * }</pre>
 *
 * @param status         the check status; never null
 * @param code           the layer 5-7 code (the HTTP status for HTTP checks), 0 when none; logs print it
 *                       only when {@link CheckStatus#hasCode()}
 * @param info           the info text HAProxy prints as {@code info: "..."}; empty (never null) when there is
 *                       none; at most 127 characters, as HAProxy's {@code HCHK_DESC_LEN} buffer
 * @param durationNanos  the time from the check's start to its result in nanoseconds, 0 or more; HAProxy
 *                       prints it in whole milliseconds ({@link #durationMillis()}); a live check's is a whole
 *                       number of milliseconds, as HAProxy measures it (a simulated one keeps its virtual
 *                       nanoseconds)
 */
public record CheckOutcome(CheckStatus status, int code, String info, long durationNanos) {

    /** The longest info text HAProxy keeps ({@code HCHK_DESC_LEN} - 1). */
    public static final int MAX_INFO_LENGTH = 127;

    /**
     * Validates and normalizes the components.
     *
     * @throws NullPointerException     if {@code status} is null
     * @throws IllegalArgumentException if {@code durationNanos} is negative
     */
    public CheckOutcome {
        Objects.requireNonNull(status, "status");
        if (durationNanos < 0) {
            throw new IllegalArgumentException("durationNanos: " + durationNanos + " (expected: >= 0)");
        }
        info = info == null ? "" : info.length() > MAX_INFO_LENGTH ? info.substring(0, MAX_INFO_LENGTH) : info;
    }

    /**
     * Creates an outcome.
     *
     * @param status        the status; never null
     * @param code          the code, 0 for none
     * @param info          the info text; null or empty for none; cut to {@value #MAX_INFO_LENGTH} characters
     * @param durationNanos the duration in nanoseconds, {@code >= 0}
     * @return the outcome
     */
    public static CheckOutcome of(CheckStatus status, int code, String info, long durationNanos) {
        return new CheckOutcome(status, code, info, durationNanos);
    }

    /**
     * Returns the duration in whole milliseconds, as HAProxy prints {@code check duration: Nms}.
     *
     * @return the duration in ms, rounded down
     */
    public long durationMillis() {
        return durationNanos / 1_000_000L;
    }

    /**
     * Returns the result class of the status.
     *
     * @return the result, never null
     */
    public CheckResult result() {
        return status.result();
    }
}
