package io.haprobe.config;

import java.util.HashMap;
import java.util.Map;

/**
 * One instance per distinct value of the immutable parts of a config's servers ({@link CheckTiming},
 * {@link HealthCheck}, {@link TrafficSettings}, ...): the servers written from one {@code default-server} preset
 * then share one of each instead of holding equal copies. At 100,000 servers the copies were some 32 MB of the
 * 250 MB that a {@code haprobe check} keeps alive, above the occupancy at which G1 starts its concurrent cycles
 * (benchmarks/README.md, "Session 29"). The values are records, compared with {@code equals}, and never change, so
 * sharing them changes nothing but their identity.
 *
 * <p>Not thread-safe: owned by one parse, and dropped with it.
 */
final class SharedValues {

    private final Map<Object, Object> known = new HashMap<>();

    /**
     * Returns the instance equal to {@code value} met first in this parse, or {@code value} itself when it is the
     * first of its kind.
     *
     * @param value an immutable value with {@code equals} and {@code hashCode} of its content; never null
     * @param <T>   its type
     * @return {@code value} or an equal instance of the same class
     */
    @SuppressWarnings("unchecked")
    <T> T of(T value) {
        Object first = known.putIfAbsent(value, value);
        return first == null ? value : (T) first;
    }
}
