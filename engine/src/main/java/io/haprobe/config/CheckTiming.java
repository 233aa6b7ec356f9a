package io.haprobe.config;

/**
 * When a server's health check runs and how many results move its state (CFG §5.2 {@code inter},
 * {@code fastinter}, {@code downinter}, {@code rise}, {@code fall}; spec §1, §2).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code interNanos}</td><td>2000 ms</td><td>{@code inter}</td><td>interval at full health; also the
 *       check's time bound when {@code timeout check} is unset</td></tr>
 *   <tr><td>{@code fastInterNanos}</td><td>0 (use inter)</td><td>{@code fastinter}</td><td>interval while going
 *       up or down</td></tr>
 *   <tr><td>{@code downInterNanos}</td><td>0 (use inter)</td><td>{@code downinter}</td><td>interval while fully
 *       down</td></tr>
 *   <tr><td>{@code rise}</td><td>2</td><td>{@code rise}</td><td>consecutive successes to go UP</td></tr>
 *   <tr><td>{@code fall}</td><td>3</td><td>{@code fall}</td><td>consecutive failures to go DOWN</td></tr>
 * </table>
 *
 * <p>Durations are nanoseconds; the parser gives whole milliseconds, as HAProxy keeps timers in ms.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * CheckTiming fast = new CheckTiming(TimeUnit.SECONDS.toNanos(1), 0, 0, 1, 2);
 * }</pre>
 *
 * @param interNanos     {@code inter}, {@code > 0}
 * @param fastInterNanos {@code fastinter}, 0 meaning "use inter"
 * @param downInterNanos {@code downinter}, 0 meaning "use inter"
 * @param rise           {@code rise}, {@code >= 1}
 * @param fall           {@code fall}, {@code >= 1}
 */
public record CheckTiming(long interNanos, long fastInterNanos, long downInterNanos, int rise, int fall) {

    /** HAProxy's default {@code inter}: 2000 ms ({@code DEF_CHKINTR}). */
    public static final long DEFAULT_INTER_NANOS = 2_000_000_000L;
    /** HAProxy's default {@code rise}: 2 ({@code DEF_RISETIME}). */
    public static final int DEFAULT_RISE = 2;
    /** HAProxy's default {@code fall}: 3 ({@code DEF_FALLTIME}). */
    public static final int DEFAULT_FALL = 3;
    /**
     * HAProxy's defaults: {@code inter 2s}, no {@code fastinter} nor {@code downinter}, {@code rise 2},
     * {@code fall 3}.
     */
    public static final CheckTiming DEFAULT = new CheckTiming(DEFAULT_INTER_NANOS, 0, 0, DEFAULT_RISE, DEFAULT_FALL);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code interNanos} is not positive, another duration is negative, or
     *                                  {@code rise} or {@code fall} is below 1
     */
    public CheckTiming {
        if (interNanos <= 0) {
            throw new IllegalArgumentException("interNanos: " + interNanos + " (expected: > 0)");
        }
        if (fastInterNanos < 0 || downInterNanos < 0) {
            throw new IllegalArgumentException("fastInterNanos, downInterNanos: " + fastInterNanos + ", "
                    + downInterNanos + " (expected: >= 0)");
        }
        if (rise < 1) {
            throw new IllegalArgumentException("rise: " + rise + " (expected: >= 1)");
        }
        if (fall < 1) {
            throw new IllegalArgumentException("fall: " + fall + " (expected: >= 1)");
        }
    }
}
