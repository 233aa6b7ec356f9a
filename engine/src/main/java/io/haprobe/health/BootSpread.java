package io.haprobe.health;

/**
 * Places the first check of every configured check at boot, as HAProxy 2.6's {@code start_checks} (spec
 * §2.3): deterministically, without randomness.
 *
 * <p>With {@code n} checks in global order (proxies in declaration order, servers in declaration order,
 * disabled ones included), {@code globalmin} the smallest boot interval of at least 1000 ms (0 if none),
 * each check {@code i} starts at {@code m * i / n} milliseconds, where {@code m = max(globalmin, own
 * interval)}, capped by {@code max-spread-checks} when set.
 *
 * <p>Stateless and thread-safe.
 */
public final class BootSpread {

    /** HAProxy's {@code SRV_CHK_INTER_THRES}: intervals below 1000 ms do not set {@code globalmin}. */
    public static final long INTER_THRESHOLD_NANOS = 1_000_000_000L;

    private BootSpread() {
    }

    /**
     * Computes the first-check offsets.
     *
     * @param bootIntervalNanos    each check's interval at boot ({@link IntervalPolicy#intervalNanos} with the
     *                             boot health), in global order; never null
     * @param maxSpreadChecksNanos the global {@code max-spread-checks} in nanoseconds; 0 means no cap
     * @return the offset of each check from boot, in nanoseconds (whole milliseconds), same order
     * @throws NullPointerException if {@code bootIntervalNanos} is null
     */
    public static long[] offsetsNanos(long[] bootIntervalNanos, long maxSpreadChecksNanos) {
        int count = bootIntervalNanos.length;
        long globalMinMillis = 0;
        for (long interval : bootIntervalNanos) {
            long millis = interval / 1_000_000L;
            if (interval >= INTER_THRESHOLD_NANOS && (globalMinMillis == 0 || millis < globalMinMillis)) {
                globalMinMillis = millis;
            }
        }
        long capMillis = maxSpreadChecksNanos / 1_000_000L;
        long[] offsets = new long[count];
        for (int position = 0; position < count; position++) {
            long m = Math.max(globalMinMillis, bootIntervalNanos[position] / 1_000_000L);
            if (capMillis > 0 && m > capMillis) {
                m = capMillis;
            }
            offsets[position] = m * position / count * 1_000_000L;
        }
        return offsets;
    }
}
