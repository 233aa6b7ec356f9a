package io.haprobe;

/**
 * The class of a check result, HAProxy's {@code CHK_RES_*} values; this is what moves the health
 * counter (spec §1.2) and what {@code show servers state} prints as {@code srv_check_result}.
 *
 * <p>Immutable and thread-safe.
 */
public enum CheckResult {
    /** No result yet (before the first check, or an internal status). Number 0. */
    UNKNOWN,
    /** A result that changes neither health nor state (an agent reply with no health word). Number 1. */
    NEUTRAL,
    /** The check failed: health goes down one step (and snaps to 0 below {@code rise}). Number 2. */
    FAILED,
    /** The check passed: health goes up one step (and snaps to the top at {@code rise}). Number 3. */
    PASSED,
    /** The check passed conditionally ({@code L7OKC}): health goes up and the server goes NOLB. Number 4. */
    CONDPASS;

    /**
     * Returns HAProxy's number for this result, as printed in the {@code srv_check_result} column of
     * {@code show servers state}: 0 to 4.
     *
     * @return the number, 0 for {@link #UNKNOWN} up to 4 for {@link #CONDPASS}
     */
    public int number() {
        return ordinal();
    }
}
