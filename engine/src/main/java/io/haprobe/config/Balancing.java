package io.haprobe.config;

import java.util.Objects;

/**
 * A backend's load-balancing settings: {@code balance} with its arguments, {@code hash-type} and
 * {@code hash-balance-factor} (CFG §4.2), as HAProxy 2.6 parses them (backend.c {@code backend_parse_balance},
 * cfgparse-listen.c) and after the checks it makes at the end of the section (proxy.c
 * {@code proxy_cfg_ensure_no_http}: a layer 7 algorithm in a TCP backend falls back to round robin).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code algorithm}</td><td>{@link Algorithm#ROUNDROBIN}</td><td>{@code balance <algorithm>}</td>
 *       <td>how a server is chosen</td></tr>
 *   <tr><td>{@code arguments}</td><td>{@link Arguments#NONE}</td><td>{@code balance uri len N depth N whole
 *       path-only}, {@code hdr(name) use_domain_only}, {@code url_param name check_post},
 *       {@code random(draws)}, {@code rdp-cookie(name)}, {@code hash <expr>}</td><td>what the algorithm reads
 *       of a request</td></tr>
 *   <tr><td>{@code hashType}</td><td>{@link HashType#MAP_BASED}</td><td>{@code hash-type map-based|consistent
 *       [sdbm|djb2|wt6|crc32 [avalanche]]}</td><td>how a hash picks a server; kept whatever the algorithm, as
 *       HAProxy keeps it (it matters to hashing algorithms only)</td></tr>
 *   <tr><td>{@code hashBalanceFactor}</td><td>0 (off)</td><td>{@code hash-balance-factor}</td><td>consistent
 *       hashing with bounded loads: a server takes at most this percentage of the average load, 0 or
 *       {@code > 100}</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * Balancing b = new Balancing(Balancing.Algorithm.URI, Balancing.Arguments.uri(false, false, 0, 2),
 *         Balancing.HashType.CONSISTENT, 0);
 * b.balance();          // "uri", the algo column of show stat
 * b.staticWeights();    // false: consistent hashing is dynamic
 * }</pre>
 *
 * @param algorithm         the {@code balance} algorithm; never null
 * @param arguments         the algorithm's arguments; never null
 * @param hashType          the {@code hash-type}; never null
 * @param hashBalanceFactor {@code hash-balance-factor}: 0 (off) or {@code > 100}
 */
public record Balancing(Algorithm algorithm, Arguments arguments, HashType hashType, int hashBalanceFactor) {

    /** HAProxy's default: {@code balance roundrobin}, {@code hash-type map-based}, no balance factor. */
    public static final Balancing DEFAULT = new Balancing(Algorithm.ROUNDROBIN, Arguments.NONE, HashType.MAP_BASED, 0);

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if {@code hashBalanceFactor} is neither 0 nor above 100
     */
    public Balancing {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(hashType, "hashType");
        if (hashBalanceFactor < 0 || hashBalanceFactor > 0 && hashBalanceFactor <= 100) {
            throw new IllegalArgumentException("hashBalanceFactor: " + hashBalanceFactor
                    + " (expected: 0 or > 100)");
        }
    }

    /**
     * Returns the algorithm's name as {@code show stat}'s {@code algo} column prints it (backend.c
     * {@code backend_lb_algo_str}): {@code roundrobin}, {@code static-rr}, {@code leastconn}, {@code first},
     * {@code source}, {@code uri}, {@code url_param}, {@code hdr}, {@code rdp-cookie}, {@code hash}, and
     * {@code unknown} for {@code random}, which 2.6 forgot in that table.
     *
     * @return the name, never null
     */
    public String balance() {
        return algorithm.statName();
    }

    /**
     * Tells whether {@code hash-type consistent} is set.
     *
     * @return true for consistent hashing, false for map-based (the default)
     */
    public boolean consistentHash() {
        return hashType.consistent();
    }

    /**
     * Tells whether the algorithm is static (HAProxy's {@code BE_LB_PROP_DYN} unset): {@code static-rr}, or a
     * hashing algorithm with {@code hash-type map-based}. Such a backend accepts only the weights {@code 0%}
     * and {@code 100%} at run time, and its effective weights are the user weights divided by their greatest
     * common divisor (spec §9.2).
     *
     * @return true if weights cannot change at run time
     */
    public boolean staticWeights() {
        return algorithm == Algorithm.STATIC_RR || algorithm.hashing() && !hashType.consistent();
    }

    /**
     * Returns the structure HAProxy looks servers up in for these settings (cfgparse.c, the end of a backend's
     * check: {@code BE_LB_LKUP_*}).
     *
     * @return the lookup kind, never null
     */
    public Lookup lookup() {
        return switch (algorithm) {
            case ROUNDROBIN -> Lookup.WEIGHTED_ROUND_ROBIN;
            case STATIC_RR -> Lookup.MAP;
            case LEASTCONN -> Lookup.LEAST_CONNECTIONS;
            case FIRST -> Lookup.FIRST_AVAILABLE;
            case RANDOM -> Lookup.CONSISTENT_HASH;
            default -> hashType.consistent() ? Lookup.CONSISTENT_HASH : Lookup.MAP;
        };
    }

    /**
     * Tells whether haprobe models this algorithm's traffic decisions. {@code rdp-cookie} (it reads the TCP
     * payload) and {@code hash <expression>} (it evaluates a sample expression) are parsed but not modelled.
     *
     * @return false for {@code rdp-cookie} and {@code hash}
     */
    public boolean modelled() {
        return algorithm != Algorithm.RDP_COOKIE && algorithm != Algorithm.HASH;
    }

    /**
     * Returns these settings with another algorithm and its arguments, keeping the hash type and balance
     * factor, as a later {@code balance} line does in HAProxy.
     *
     * @param algorithm the algorithm; never null
     * @param arguments its arguments; never null
     * @return the new settings
     */
    public Balancing withAlgorithm(Algorithm algorithm, Arguments arguments) {
        return new Balancing(algorithm, arguments, hashType, hashBalanceFactor);
    }

    /**
     * Returns these settings with another hash type.
     *
     * @param hashType the hash type; never null
     * @return the new settings
     */
    public Balancing withHashType(HashType hashType) {
        return new Balancing(algorithm, arguments, hashType, hashBalanceFactor);
    }

    /**
     * Returns these settings with another {@code hash-balance-factor}.
     *
     * @param hashBalanceFactor 0 or {@code > 100}
     * @return the new settings
     * @throws IllegalArgumentException if the factor is neither 0 nor above 100
     */
    public Balancing withHashBalanceFactor(int hashBalanceFactor) {
        return new Balancing(algorithm, arguments, hashType, hashBalanceFactor);
    }

    /** The {@code balance} algorithms of HAProxy 2.6 (backend-t.h {@code BE_LB_ALGO_*}). */
    public enum Algorithm {
        /** {@code roundrobin}: weighted round robin, weights may change at run time (lb_fwrr.c). */
        ROUNDROBIN("roundrobin", false, false),
        /** {@code static-rr}: weighted round robin over a static map (lb_map.c). */
        STATIC_RR("static-rr", false, false),
        /** {@code leastconn}: the server with the fewest connections per weight (lb_fwlc.c). */
        LEASTCONN("leastconn", false, false),
        /** {@code first}: the first server by id with a free connection slot (lb_fas.c). */
        FIRST("first", false, false),
        /** {@code source}: a hash of the client's address. */
        SOURCE("source", true, false),
        /** {@code uri}: a hash of the URI, or part of it. */
        URI("uri", true, true),
        /** {@code url_param}: a hash of a query string parameter. */
        URL_PARAM("url_param", true, true),
        /** {@code hdr(name)}: a hash of a request header. */
        HDR("hdr", true, true),
        /** {@code rdp-cookie(name)}: a hash of an RDP cookie (parsed, not modelled). */
        RDP_COOKIE("rdp-cookie", true, false),
        /** {@code hash <expr>}: a hash of a sample expression (parsed, not modelled). */
        HASH("hash", true, false),
        /** {@code random(draws)}: the least loaded of random draws on the consistent hash ring. */
        RANDOM("unknown", false, false);

        private final String statName;
        private final boolean hashing;
        private final boolean http;

        Algorithm(String statName, boolean hashing, boolean http) {
            this.statName = statName;
            this.hashing = hashing;
            this.http = http;
        }

        /**
         * Returns the name {@code show stat} prints in its {@code algo} column.
         *
         * @return the name, never null
         */
        public String statName() {
            return statName;
        }

        /**
         * Tells whether the algorithm hashes part of the request ({@code BE_LB_KIND_HI}), so that
         * {@code hash-type} applies to it.
         *
         * @return true for source, uri, url_param, hdr, rdp-cookie and hash
         */
        public boolean hashing() {
            return hashing;
        }

        /**
         * Tells whether the algorithm needs an HTTP request ({@code BE_LB_NEED_HTTP}): in a TCP backend HAProxy
         * falls back to round robin.
         *
         * @return true for uri, url_param and hdr
         */
        public boolean needsHttp() {
            return http;
        }
    }

    /** Where HAProxy keeps the servers for a pick (backend-t.h {@code BE_LB_LKUP_*}). */
    public enum Lookup {
        /** {@code BE_LB_LKUP_MAP}: a static map (static-rr, map-based hashing). */
        MAP,
        /** {@code BE_LB_LKUP_RRTREE}: fast weighted round robin trees (roundrobin). */
        WEIGHTED_ROUND_ROBIN,
        /** {@code BE_LB_LKUP_LCTREE}: least connections trees (leastconn). */
        LEAST_CONNECTIONS,
        /** {@code BE_LB_LKUP_CHTREE}: consistent hash rings (consistent hashing, random). */
        CONSISTENT_HASH,
        /** {@code BE_LB_LKUP_FSTREE}: first available server trees (first). */
        FIRST_AVAILABLE
    }

    /** {@code hash-type}'s hash functions (backend-t.h {@code BE_LB_HFCN_*}). */
    public enum HashFunction {
        /** {@code sdbm}, the default. */
        SDBM,
        /** {@code djb2}. */
        DJB2,
        /** {@code wt6}. */
        WT6,
        /** {@code crc32}. */
        CRC32
    }

    /**
     * {@code hash-type <method> [<function> [avalanche]]}. Without a function, map-based hashing uses sdbm and
     * consistent hashing sdbm with {@code avalanche}.
     *
     * <p>Immutable and thread-safe.
     *
     * @param consistent true for {@code consistent}, false for {@code map-based}
     * @param function   the hash function; never null
     * @param avalanche  the {@code avalanche} modifier ({@code full_hash} applied to the hash)
     */
    public record HashType(boolean consistent, HashFunction function, boolean avalanche) {

        /** {@code hash-type map-based}: sdbm, no avalanche. The default. */
        public static final HashType MAP_BASED = new HashType(false, HashFunction.SDBM, false);
        /** {@code hash-type consistent}: sdbm with avalanche. */
        public static final HashType CONSISTENT = new HashType(true, HashFunction.SDBM, true);

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code function} is null
         */
        public HashType {
            Objects.requireNonNull(function, "function");
        }
    }

    /**
     * The arguments of {@code balance}; each algorithm reads its own and ignores the others.
     *
     * <p>Immutable and thread-safe.
     *
     * @param name          the header ({@code hdr(name)}), URL parameter ({@code url_param}), RDP cookie
     *                      ({@code rdp-cookie}, default {@code mstshash}) or sample expression ({@code hash})
     *                      name as written; empty for the other algorithms; never null
     * @param whole         {@code uri whole}: hash past the {@code ?}
     * @param pathOnly      {@code uri path-only}: hash the path of an absolute URI, without scheme and authority
     * @param length        {@code uri len N}: hash at most N characters; 0 for no limit
     * @param depth         {@code uri depth N}: hash at most N directories; 0 for no limit
     * @param useDomainOnly {@code hdr(name) use_domain_only}: hash only the domain name without its first and
     *                      last labels
     * @param checkPost     {@code url_param name check_post}: look in a POST body too
     * @param draws         {@code random(N)}: the number of draws, default 2; 0 for the other algorithms
     */
    public record Arguments(String name, boolean whole, boolean pathOnly, int length, int depth,
                            boolean useDomainOnly, boolean checkPost, int draws) {

        /** No argument. */
        public static final Arguments NONE = new Arguments("", false, false, 0, 0, false, false, 0);

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code name} is null
         * @throws IllegalArgumentException if a number is negative
         */
        public Arguments {
            Objects.requireNonNull(name, "name");
            if (length < 0 || depth < 0 || draws < 0) {
                throw new IllegalArgumentException("length, depth, draws: " + length + ", " + depth + ", " + draws
                        + " (expected: >= 0)");
            }
        }

        /**
         * Returns {@code balance uri}'s arguments.
         *
         * @param whole    {@code whole}
         * @param pathOnly {@code path-only}
         * @param length   {@code len}, 0 for none
         * @param depth    {@code depth}, 0 for none
         * @return the arguments
         * @throws IllegalArgumentException if a number is negative
         */
        public static Arguments uri(boolean whole, boolean pathOnly, int length, int depth) {
            return new Arguments("", whole, pathOnly, length, depth, false, false, 0);
        }

        /**
         * Returns {@code balance hdr(name)}'s arguments.
         *
         * @param name          the header name; never null
         * @param useDomainOnly {@code use_domain_only}
         * @return the arguments
         */
        public static Arguments header(String name, boolean useDomainOnly) {
            return new Arguments(name, false, false, 0, 0, useDomainOnly, false, 0);
        }

        /**
         * Returns {@code balance url_param}'s arguments.
         *
         * @param name      the parameter name; never null
         * @param checkPost {@code check_post}
         * @return the arguments
         */
        public static Arguments urlParam(String name, boolean checkPost) {
            return new Arguments(name, false, false, 0, 0, false, checkPost, 0);
        }

        /**
         * Returns {@code balance random(draws)}'s arguments.
         *
         * @param draws the number of draws, {@code >= 1}
         * @return the arguments
         * @throws IllegalArgumentException if {@code draws} is below 1
         */
        public static Arguments random(int draws) {
            if (draws < 1) {
                throw new IllegalArgumentException("draws: " + draws + " (expected: >= 1)");
            }
            return new Arguments("", false, false, 0, 0, false, false, draws);
        }

        /**
         * Returns the arguments of an algorithm that takes only a name ({@code rdp-cookie}, {@code hash}).
         *
         * @param name the name or expression; never null
         * @return the arguments
         */
        public static Arguments named(String name) {
            return new Arguments(name, false, false, 0, 0, false, false, 0);
        }
    }
}
