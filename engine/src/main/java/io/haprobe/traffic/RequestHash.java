package io.haprobe.traffic;

import io.haprobe.config.Balancing;
import io.haprobe.config.Balancing.Arguments;
import io.haprobe.config.Balancing.HashFunction;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * The key a hashing algorithm reads from a request and its hash (backend.c {@code get_server_sh},
 * {@code get_server_uh}, {@code get_server_ph}, {@code get_server_hh}, with {@code gen_hash} and the
 * {@code avalanche} modifier). {@link #ABSENT} when the request has no key, after which HAProxy falls back to
 * round robin over the same structure.
 *
 * <p>Immutable; allocates nothing per request except for IPv6 sources (their 16 bytes).
 */
final class RequestHash {

    /** No key in the request: balance by round robin instead. */
    static final long ABSENT = -1;

    private final Balancing.Algorithm algorithm;
    private final Arguments arguments;
    private final HashFunction function;
    private final boolean avalanche;
    /** The header name as {@link Request#headers()} keys it, lowered once here rather than on every pick. */
    private final String headerKey;

    RequestHash(Balancing balancing) {
        this.headerKey = balancing.arguments().name().toLowerCase(Locale.ROOT);
        this.algorithm = balancing.algorithm();
        this.arguments = balancing.arguments();
        this.function = balancing.hashType().function();
        this.avalanche = balancing.hashType().avalanche();
    }

    /**
     * Returns the request's hash as an unsigned 32-bit value, or {@link #ABSENT}. With one server left
     * ({@code totalUsed == 1}), HAProxy skips hashing and uses 0, except where it first needs the key to exist
     * (source address, {@code url_param}).
     */
    long hash(Request request, int totalUsed) {
        return switch (algorithm) {
            case SOURCE -> source(request.source(), totalUsed);
            case URI -> totalUsed == 1 ? 0 : uri(request.uri());
            case URL_PARAM -> urlParam(request.uri());
            case HDR -> totalUsed == 1 ? 0 : header(request.headers().get(headerKey));
            default -> ABSENT;
        };
    }

    private long source(InetAddress address, int totalUsed) {
        if (address == null) {
            return ABSENT;
        }
        if (totalUsed == 1) {
            return 0;
        }
        int h;
        if (address instanceof Inet4Address) {
            h = address.hashCode(); // the address in network order, without copying it
        } else {
            byte[] bytes = address.getAddress();
            h = 0;
            for (int i = 0; i + 4 <= bytes.length; i += 4) {
                h ^= (bytes[i] & 0xff) << 24 | (bytes[i + 1] & 0xff) << 16 | (bytes[i + 2] & 0xff) << 8
                        | bytes[i + 3] & 0xff;
            }
        }
        return finish(h);
    }

    private long uri(String uri) {
        int start = 0;
        int limit = uri.length();
        if (arguments.pathOnly()) {
            start = pathStart(uri);
        }
        if (arguments.length() > 0) {
            limit = Math.min(limit, start + arguments.length());
        }
        int end = start;
        int slashes = 0;
        while (end < limit) {
            char c = uri.charAt(end);
            if (c == '/') {
                slashes++;
                if (arguments.depth() > 0 && slashes == arguments.depth() + 1) {
                    break;
                }
            } else if (c == '?' && !arguments.whole()) {
                break;
            }
            end++;
        }
        return finish(HashFunctions.hash(function, uri, start, end));
    }

    /**
     * Where {@code path-only} starts hashing (http.c {@code http_parse_path}): the whole origin-form target,
     * the part of an absolute URI after scheme and authority; the end of the string when there is no path.
     */
    private static int pathStart(String uri) {
        if (uri.isEmpty() || uri.charAt(0) == '/') {
            return 0;
        }
        if (!Character.isLetter(uri.charAt(0)) || uri.charAt(0) > 'z') {
            return uri.length();
        }
        int i = 1;
        while (i < uri.length() && (Character.isLetterOrDigit(uri.charAt(i)) && uri.charAt(i) < 0x80
                || uri.charAt(i) == '+' || uri.charAt(i) == '-' || uri.charAt(i) == '.')) {
            i++;
        }
        if (!uri.startsWith("://", i)) {
            return uri.length();
        }
        int slash = uri.indexOf('/', i + 3);
        return slash < 0 ? uri.length() : slash;
    }

    private long urlParam(String uri) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return ABSENT;
        }
        String name = arguments.name();
        int plen = name.length();
        int params = query + 1;
        int remaining = uri.length() - params;
        while (remaining > plen) {
            if (uri.charAt(params + plen) == '=' && uri.regionMatches(params, name, 0, plen)) {
                int start = params + plen + 1;
                int end = start;
                while (end < uri.length() && uri.charAt(end) != '&') {
                    end++;
                }
                return finish(HashFunctions.hash(function, uri, start, end));
            }
            int amp = uri.indexOf('&', params);
            if (amp < 0 || amp >= params + remaining) {
                return ABSENT;
            }
            remaining -= amp + 1 - params;
            params = amp + 1;
        }
        return ABSENT;
    }

    /**
     * The first value of the header as {@code http_find_header} gives it: up to the first comma, without
     * surrounding blanks; {@link #ABSENT} when missing or empty.
     */
    private long header(String value) {
        if (value == null) {
            return ABSENT;
        }
        int comma = value.indexOf(',');
        int end = comma < 0 ? value.length() : comma;
        int start = 0;
        while (start < end && isBlank(value.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(value.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return ABSENT;
        }
        if (!arguments.useDomainOnly()) {
            return finish(HashFunctions.hash(function, value, start, end));
        }
        return finish(domainHash(value, start, end));
    }

    /**
     * {@code use_domain_only}: walking back from the end, the label before the last dot, up to the dot before
     * it (so {@code www.example.com} hashes {@code example}); the whole value without a dot.
     */
    private int domainHash(String value, int start, int end) {
        int p = end;
        int domainEnd = end;
        boolean inDomain = false;
        int len = end - start;
        while (len > 0) {
            if (inDomain) {
                if (value.charAt(p - 1) == '.') {
                    break;
                }
            } else if (p < end && value.charAt(p) == '.') {
                domainEnd = p;
                inDomain = true;
            }
            p--;
            len--;
        }
        return HashFunctions.hash(function, value, p, domainEnd);
    }

    private long finish(int hash) {
        return Integer.toUnsignedLong(avalanche ? HashFunctions.fullHash(hash) : hash);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
