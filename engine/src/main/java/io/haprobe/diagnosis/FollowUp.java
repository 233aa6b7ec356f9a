package io.haprobe.diagnosis;

import io.haprobe.CheckOutcome;

import java.util.Objects;

/**
 * The result of one follow-up probe run after the checks, to tell the causes apart. Probes only go to addresses
 * and ports the config names.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind    what was probed; never null
 * @param address the address probed, an IP literal or host name; never null
 * @param port    the port probed, 1..65535
 * @param outcome what the probe reported (a plain connect for {@link Kind#PORT}, the server's own check,
 *                changed as the kind says, for the others); never null
 * @param path    the request URI tried for {@link Kind#PATH}, null for the other kinds
 */
public record FollowUp(Kind kind, String address, int port, CheckOutcome outcome, String path) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a component other than {@code path} is null
     * @throws IllegalArgumentException if {@code path} is null for {@link Kind#PATH}, or set for another kind
     */
    public FollowUp {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(outcome, "outcome");
        if ((kind == Kind.PATH) != (path != null)) {
            throw new IllegalArgumentException("path: " + path + " (expected: a URI for PATH only, kind " + kind + ")");
        }
    }

    /** What a follow-up probe tests. */
    public enum Kind {
        /** A plain TCP connect to another port the config names for the server's host. */
        PORT,
        /** The server's own check once more, with {@code timeout connect} and {@code timeout check} of 30 s. */
        LONG_TIMEOUT,
        /** The server's own TLS check once more, with {@code verify none} (no chain or name verification). */
        TLS_UNVERIFIED,
        /** The server's own TLS check with {@code verify none} and no {@code ssl-min-ver}/{@code ssl-max-ver}. */
        TLS_ANY_VERSION,
        /** The server's own check without TLS ({@code no-ssl}, {@code no-check-ssl}). */
        PLAIN,
        /**
         * The server's own HTTP check with the request URI of another HTTP check the config names (another
         * backend's {@code option httpchk} or {@code http-check send uri}), after the server answered 404.
         */
        PATH
    }

    /**
     * Returns {@code address:port}, with brackets around an IPv6 literal.
     *
     * @return the target, never null
     */
    public String target() {
        return address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
    }
}
