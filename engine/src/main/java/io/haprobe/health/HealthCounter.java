package io.haprobe.health;

/**
 * HAProxy's single {@code health} counter of a check (spec §1.2, {@code check.c set_server_check_status}):
 * values {@code 0..rise-1} are the DOWN side, {@code rise..rise+fall-1} the UP side. The top {@code rise+fall-1}
 * saturates at {@link Integer#MAX_VALUE}: the config reader saturates {@code rise} and {@code fall} there too, and
 * their sum must not overflow.
 *
 * <ul>
 *   <li>A failure lowers it by one if it is above 0; landing below {@code rise} snaps it to 0. From full
 *       health it takes {@code fall} consecutive failures to reach 0.</li>
 *   <li>A success raises it by one if it is below the top; reaching {@code rise} snaps it to the top
 *       {@code rise+fall-1}. From 0 it takes {@code rise} consecutive successes.</li>
 * </ul>
 *
 * <p>A server with {@code check} boots with {@code health = rise} ({@link #initial(int, int)}): UP, but one
 * failure brings it DOWN.
 *
 * <p>Immutable and thread-safe; each step returns a new value.
 *
 * <pre>{@code
 * HealthCounter h = HealthCounter.initial(2, 3);   // health 2 of 0..4, "UP 1/3"
 * h = h.afterSuccess();                             // health 4, "UP"
 * }</pre>
 *
 * @param rise   the {@code rise} setting, {@code >= 1}
 * @param fall   the {@code fall} setting, {@code >= 1}
 * @param health the counter, {@code 0..rise+fall-1}
 */
public record HealthCounter(int rise, int fall, int health) {

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code rise} or {@code fall} is below 1, or {@code health} is
     *                                  outside {@code 0..rise+fall-1}
     */
    public HealthCounter {
        if (rise < 1) {
            throw new IllegalArgumentException("rise: " + rise + " (expected: >= 1)");
        }
        if (fall < 1) {
            throw new IllegalArgumentException("fall: " + fall + " (expected: >= 1)");
        }
        if (health < 0 || health > top(rise, fall)) {
            throw new IllegalArgumentException("health: " + health + " (expected: 0.." + top(rise, fall) + ")");
        }
    }

    /**
     * Returns the counter of a server with {@code check} at boot: {@code health = rise}.
     *
     * @param rise {@code rise}, {@code >= 1}
     * @param fall {@code fall}, {@code >= 1}
     * @return the boot counter
     * @throws IllegalArgumentException if {@code rise} or {@code fall} is below 1
     */
    public static HealthCounter initial(int rise, int fall) {
        return new HealthCounter(rise, fall, rise);
    }

    /**
     * Returns the top value {@code rise + fall - 1}: full health.
     *
     * @return the maximum, saturated at {@link Integer#MAX_VALUE}
     */
    public int max() {
        return top(rise, fall);
    }

    /**
     * Tells whether the counter is on the UP side ({@code health >= rise}).
     *
     * @return true if {@code health >= rise}
     */
    public boolean isGood() {
        return health >= rise;
    }

    /**
     * Tells whether the counter is at full health.
     *
     * @return true if {@code health == rise + fall - 1}
     */
    public boolean isFull() {
        return health == max();
    }

    /**
     * Returns the counter after a FAILED check.
     *
     * @return the lowered counter, or this one if it was already 0
     */
    public HealthCounter afterFailure() {
        if (health == 0) {
            return this;
        }
        int next = health - 1;
        return new HealthCounter(rise, fall, next < rise ? 0 : next);
    }

    /**
     * Returns the counter after a PASSED or CONDPASS check.
     *
     * @return the raised counter, or this one if it was already full
     */
    public HealthCounter afterSuccess() {
        if (health == max()) {
            return this;
        }
        int next = health + 1;
        return new HealthCounter(rise, fall, next >= rise ? max() : next);
    }

    /**
     * Returns the numerator of the {@code n/d} fraction HAProxy prints: {@code health-rise+1} on the UP side,
     * {@code health} on the DOWN side.
     *
     * @return n
     */
    public int fractionNumerator() {
        return isGood() ? health - rise + 1 : health;
    }

    /**
     * Returns the denominator of the {@code n/d} fraction: {@code fall} on the UP side, {@code rise} on the
     * DOWN side.
     *
     * @return d
     */
    public int fractionDenominator() {
        return isGood() ? fall : rise;
    }

    /** {@code rise + fall - 1} without overflow. */
    private static int top(int rise, int fall) {
        return (int) Math.min((long) rise + fall - 1, Integer.MAX_VALUE);
    }
}
