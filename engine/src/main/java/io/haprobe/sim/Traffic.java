package io.haprobe.sim;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One item of a simulation's client traffic (scenario key {@code traffic:}): from {@code atNanos} on, requests
 * sent to a frontend (routed by its {@code default_backend} and unconditional {@code use_backend} rules) or
 * straight to a backend, in one of three shapes ({@link Load}).
 *
 * <pre>{@code
 * Traffic.to(Traffic.Target.frontend("fe_main"), Duration.ofSeconds(10), new Traffic.Rate(50, 20_000_000_000L))
 *         .withPath("/cart")
 *         .withTimeout(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param atNanos      when the first request leaves, in virtual nanoseconds since the simulation started,
 *                     {@code >= 0}
 * @param target       where the requests go; never null
 * @param load         how many requests and when; never null
 * @param path         the request target ({@code /}, {@code /cart?id=3}); never null, starts with {@code /}
 * @param headers      request headers (names as given, one value each); never null, may be empty
 * @param source       the client's address ({@code balance source}), or null for the simulation's default
 *                     client, 127.0.0.1
 * @param timeoutNanos how long the client waits for its answer before it gives up and, in a {@code sequential}
 *                     item, sends its next request, in nanoseconds; 0 means the client waits for ever. HAProxy 2.6
 *                     without {@code option abortonclose} lets the abandoned request go on (observed on
 *                     2.6.12), so its outcome and counters do not change
 */
public record Traffic(long atNanos, Target target, Load load, String path, Map<String, String> headers,
                      InetAddress source, long timeoutNanos) {

    /**
     * Validates the components and copies the headers, keeping their order.
     *
     * @throws NullPointerException     if {@code target}, {@code load}, {@code path} or {@code headers} (or a
     *                                  header name or value) is null
     * @throws IllegalArgumentException if a time is negative, the path does not start with {@code /} or holds a
     *                                  blank or line break, or a rate ends before it starts
     */
    public Traffic {
        if (atNanos < 0) {
            throw new IllegalArgumentException("atNanos: " + atNanos + " (expected: >= 0)");
        }
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: /..., without blanks)");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "header name"),
                Objects.requireNonNull(value, "header value")));
        headers = Collections.unmodifiableMap(copy);
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeoutNanos: " + timeoutNanos + " (expected: >= 0)");
        }
        if (load instanceof Rate rate && rate.untilNanos() <= atNanos) {
            throw new IllegalArgumentException("until: " + rate.untilNanos() + " ns (expected: after at, "
                    + atNanos + " ns)");
        }
    }

    /**
     * Creates a traffic item of {@code GET /} from the default client, without headers and client timeout.
     *
     * @param target where the requests go; never null
     * @param at     when the first request leaves, since the simulation started; never null, not negative
     * @param load   how many requests and when; never null
     * @return the item
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static Traffic to(Target target, Duration at, Load load) {
        return new Traffic(Objects.requireNonNull(at, "at").toNanos(), target, load, "/", Map.of(), null, 0);
    }

    /**
     * Returns a copy with another request path.
     *
     * @param path the request target, starting with {@code /}; never null
     * @return the copy
     * @throws NullPointerException     if {@code path} is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public Traffic withPath(String path) {
        return new Traffic(atNanos, target, load, path, headers, source, timeoutNanos);
    }

    /**
     * Returns a copy with other request headers.
     *
     * @param headers the headers; never null
     * @return the copy
     * @throws NullPointerException if {@code headers} is null
     */
    public Traffic withHeaders(Map<String, String> headers) {
        return new Traffic(atNanos, target, load, path, headers, source, timeoutNanos);
    }

    /**
     * Returns a copy sent from another client address.
     *
     * @param source the client's address, or null for 127.0.0.1
     * @return the copy
     */
    public Traffic withSource(InetAddress source) {
        return new Traffic(atNanos, target, load, path, headers, source, timeoutNanos);
    }

    /**
     * Returns a copy whose client gives up after {@code timeout}.
     *
     * @param timeout how long the client waits for its answer; never null, {@link Duration#ZERO} for ever
     * @return the copy
     * @throws NullPointerException     if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Traffic withTimeout(Duration timeout) {
        return new Traffic(atNanos, target, load, path, headers, source, timeout.toNanos());
    }

    /**
     * Where a traffic item's requests go: a {@code frontend} (or {@code listen}) section, whose routing picks the
     * backend, or a backend directly.
     *
     * @param name     the section's name; never null or empty
     * @param frontend true for a frontend or listen section, false for a backend
     */
    public record Target(String name, boolean frontend) {

        /**
         * Validates the name.
         *
         * @throws NullPointerException     if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is empty
         */
        public Target {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("name: '' (expected: a section name)");
            }
        }

        /**
         * Targets a frontend (scenario key {@code frontend:}).
         *
         * @param name the frontend's or listen section's name; never null or empty
         * @return the target
         */
        public static Target frontend(String name) {
            return new Target(name, true);
        }

        /**
         * Targets a backend (scenario key {@code backend:}).
         *
         * @param name the backend's name; never null or empty
         * @return the target
         */
        public static Target backend(String name) {
            return new Target(name, false);
        }

        @Override
        public String toString() {
            return (frontend ? "frontend " : "backend ") + name;
        }
    }

    /** How many requests a traffic item sends, and when. */
    public sealed interface Load permits Burst, Sequential, Rate {
    }

    /**
     * {@code burst: N}: N requests at once, all at the item's {@code at}.
     *
     * @param requests how many, {@code >= 1}
     */
    public record Burst(int requests) implements Load {

        /**
         * Validates the count.
         *
         * @throws IllegalArgumentException if {@code requests} is below 1
         */
        public Burst {
            if (requests < 1) {
                throw new IllegalArgumentException("requests: " + requests + " (expected: >= 1)");
            }
        }
    }

    /**
     * {@code sequential: N}: N requests one after the other, each sent when the previous one has its answer
     * (or its client gave up).
     *
     * @param requests how many, {@code >= 1}
     */
    public record Sequential(int requests) implements Load {

        /**
         * Validates the count.
         *
         * @throws IllegalArgumentException if {@code requests} is below 1
         */
        public Sequential {
            if (requests < 1) {
                throw new IllegalArgumentException("requests: " + requests + " (expected: >= 1)");
            }
        }
    }

    /**
     * {@code rate: R/s} with {@code until}: an open loop, one request every {@code 1/R} s from the item's
     * {@code at} (the first one at {@code at}) while the time is before {@code until}, whatever the answers.
     *
     * @param perSecond  requests per second, above 0 and at most 1,000,000
     * @param untilNanos when the item stops sending, in virtual nanoseconds since the simulation started
     *                   (exclusive)
     */
    public record Rate(double perSecond, long untilNanos) implements Load {

        /**
         * Validates the rate.
         *
         * @throws IllegalArgumentException if {@code perSecond} is not in (0, 1,000,000]
         */
        public Rate {
            if (!(perSecond > 0 && perSecond <= 1_000_000)) {
                throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: > 0 and <= 1000000)");
            }
        }

        /**
         * Returns the time between two requests.
         *
         * @return the period in nanoseconds, {@code >= 1000}
         */
        public long periodNanos() {
            return Math.round(1e9 / perSecond);
        }
    }
}
