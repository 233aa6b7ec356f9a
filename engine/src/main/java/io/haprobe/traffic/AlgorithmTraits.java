package io.haprobe.traffic;

import java.util.Objects;

/**
 * The properties of a {@code balance} algorithm that the request model needs besides the
 * {@link LoadBalancer} itself (HAProxy's {@code lbprm.algo} bits, backend-t.h):
 *
 * <table>
 *   <caption>Traits</caption>
 *   <tr><th>trait</th><th>HAProxy</th><th>true for</th><th>effect</th></tr>
 *   <tr><td>{@code dynamicWeights}</td><td>{@code BE_LB_PROP_DYN}</td><td>roundrobin, leastconn, first,
 *       random, consistent hashing</td><td>weights scale by 16 ({@code wdiv}) and ramp during slowstart; else
 *       full weight at once</td></tr>
 *   <tr><td>{@code queueShortcut}</td><td>{@code BE_LB_ALGO_RR}, {@code _SRR}, {@code _FAS}</td>
 *       <td>roundrobin, static-rr, first</td><td>a non-empty backend queue sends new requests straight to it
 *       (backend.c {@code assign_server()})</td></tr>
 *   <tr><td>{@code hashing}</td><td>{@code BE_LB_KIND_HI}</td><td>source, uri, url_param, hdr, rdp-cookie,
 *       hash</td><td>with {@code option redispatch}, a retry of a request that is not persistent goes back to
 *       load balancing at once when more than one active server is usable, unless the algorithm hashes
 *       (stream.h {@code stream_choose_redispatch()} in 2.6.12, with the backported fix of GitHub issue
 *       #1878)</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param dynamicWeights  {@code BE_LB_PROP_DYN}
 * @param queueShortcut   the algorithm is roundrobin, static-rr or first
 * @param hashing         {@code BE_LB_KIND_HI}
 */
public record AlgorithmTraits(boolean dynamicWeights, boolean queueShortcut, boolean hashing) {

    /** {@code balance roundrobin}, HAProxy's default. */
    public static final AlgorithmTraits ROUND_ROBIN = new AlgorithmTraits(true, true, false);

    /**
     * Returns the traits of an algorithm by its {@code show stat} name.
     *
     * @param balance        {@code roundrobin}, {@code static-rr}, {@code leastconn}, {@code first},
     *                       {@code source}, {@code uri}, {@code url_param}, {@code hdr}, {@code rdp-cookie},
     *                       {@code random} or {@code hash}; never null
     * @param consistentHash {@code hash-type consistent} (hashing algorithms only)
     * @return the traits
     * @throws NullPointerException     if {@code balance} is null
     * @throws IllegalArgumentException if the name is none of the above
     */
    public static AlgorithmTraits of(String balance, boolean consistentHash) {
        return switch (Objects.requireNonNull(balance, "balance")) {
            case "roundrobin" -> ROUND_ROBIN;
            case "static-rr" -> new AlgorithmTraits(false, true, false);
            case "random", "leastconn" -> new AlgorithmTraits(true, false, false);
            case "first" -> new AlgorithmTraits(true, true, false);
            case "source", "uri", "url_param", "hdr", "rdp-cookie", "hash" ->
                    new AlgorithmTraits(consistentHash, false, true);
            default -> throw new IllegalArgumentException("balance: " + balance
                    + " (expected: a balance algorithm name)");
        };
    }
}
