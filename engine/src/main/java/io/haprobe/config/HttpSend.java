package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * The request an HTTP check sends: {@code option httpchk [<meth>] [<uri>] [<ver>]} merged with the first
 * {@code http-check send} (spec §4.1, §4.2), defaults filled in.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th></tr>
 *   <tr><td>{@code method}</td><td>{@code OPTIONS}</td><td>{@code option httpchk <meth>}, {@code http-check send meth}</td></tr>
 *   <tr><td>{@code uri}</td><td>{@code /}</td><td>{@code option httpchk <uri>}, {@code http-check send uri}</td></tr>
 *   <tr><td>{@code version}</td><td>{@code HTTP/1.0}</td><td>{@code option httpchk <ver>}, {@code http-check send ver}</td></tr>
 *   <tr><td>{@code headers}</td><td>none</td><td>{@code http-check send hdr}, or hidden after {@code \r\n} in {@code <ver>}</td></tr>
 *   <tr><td>{@code body}</td><td>empty</td><td>{@code http-check send body}, or hidden after {@code \r\n\r\n} in {@code <ver>}</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param method   the method; never null or empty
 * @param uri      the request URI; never null or empty
 * @param version  the version string as configured, e.g. {@code HTTP/1.1}; never null or empty
 * @param headers  the headers in order, without {@code content-length} and {@code transfer-encoding}
 *                 (HAProxy drops them); never null
 * @param body     the body, empty for none; never null
 * @param location where the request was declared (the later of the merged rules); never null
 */
public record HttpSend(String method, String uri, String version, List<HttpHeader> headers, String body,
                       SourceLocation location) implements HttpCheckRule {

    /** The method of a bare {@code option httpchk}. */
    public static final String DEFAULT_METHOD = "OPTIONS";
    /** The URI of a bare {@code option httpchk}. */
    public static final String DEFAULT_URI = "/";
    /** The version of a bare {@code option httpchk}. */
    public static final String DEFAULT_VERSION = "HTTP/1.0";

    /**
     * Validates the components and copies the header list.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code method}, {@code uri} or {@code version} is empty
     */
    public HttpSend {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(location, "location");
        headers = List.copyOf(headers);
        if (method.isEmpty() || uri.isEmpty() || version.isEmpty()) {
            throw new IllegalArgumentException("method, uri, version: '" + method + "', '" + uri + "', '" + version
                    + "' (expected: non-empty)");
        }
    }
}
