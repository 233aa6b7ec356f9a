package io.haprobe.traffic;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a load-balancing decision may read of one client request: its method and URI ({@code balance uri},
 * {@code url_param}), its headers ({@code balance hdr(name)}, cookie persistence) and the client's address
 * ({@code balance source}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param method  the HTTP method, for example {@code GET}; never null
 * @param uri     the request target as sent, path and query ({@code /cart?id=3}); never null
 * @param headers the request headers, names lower-cased, one value each (the last one given wins); never
 *                null, may be empty
 * @param source  the client's address, or null when the traffic does not say (hashing on the source then
 *                falls back as HAProxy does without an address: round robin)
 */
public record Request(String method, String uri, Map<String, String> headers, InetAddress source) {

    /** {@code GET /} from no particular address, without headers. */
    public static final Request ROOT = new Request("GET", "/", Map.of(), null);

    /**
     * Validates the components, lower-cases header names and copies the map (keeping its order).
     *
     * @throws NullPointerException if {@code method}, {@code uri}, {@code headers} or a header name or value is
     *                              null
     */
    public Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Map<String, String> lowered = new LinkedHashMap<>();
        headers.forEach((name, value) -> lowered.put(name.toLowerCase(Locale.ROOT),
                Objects.requireNonNull(value, "headers value")));
        headers = java.util.Collections.unmodifiableMap(lowered);
    }

    /**
     * Returns a header's value.
     *
     * @param name the header name, any case
     * @return the value, or null when the request has no such header
     */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
