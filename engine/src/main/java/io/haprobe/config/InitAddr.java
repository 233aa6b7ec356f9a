package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * A server's {@code init-addr} (CFG §5.2): how its address is found at start, the methods tried in order until
 * one gives an address.
 *
 * <table>
 *   <caption>Methods</caption>
 *   <tr><th>method</th><th>HAProxy 2.6</th><th>haprobe</th></tr>
 *   <tr><td>{@code last}</td><td>the address in the server-state file</td><td>skipped: haprobe reads no
 *       state file</td></tr>
 *   <tr><td>{@code libc}</td><td>the system resolver</td><td>the system resolver (the transport's)</td></tr>
 *   <tr><td>{@code none}</td><td>no address: the server starts in maintenance, "MAINT (resolution)", and is
 *       not checked (verified on 2.6.12 with {@code show stat})</td><td>the server starts in maintenance,
 *       its checks paused ({@code show stat} would say "MAINT")</td></tr>
 *   <tr><td>an IP address</td><td>that address</td><td>that address</td></tr>
 * </table>
 *
 * <p>When no method gives an address, HAProxy refuses to start ("could not resolve address") and so does
 * haprobe's engine. Immutable and thread-safe.
 *
 * @param methods the methods in order, each {@code last}, {@code libc}, {@code none} or an IP literal; never
 *                null, may be empty (then nothing resolves)
 */
public record InitAddr(List<String> methods) {

    /** HAProxy's default when a server says nothing: {@code last,libc}. */
    public static final InitAddr DEFAULT = new InitAddr(List.of("last", "libc"));

    /**
     * Copies the list.
     *
     * @throws NullPointerException if {@code methods} or one of them is null
     */
    public InitAddr {
        methods = List.copyOf(Objects.requireNonNull(methods, "methods"));
    }

    /**
     * Reads an {@code init-addr} value: comma-delimited, empty items skipped, as 2.6.12 reads it.
     *
     * @param text the value, e.g. {@code last,libc,none}; never null
     * @return the methods
     */
    static InitAddr parse(String text) {
        return new InitAddr(java.util.Arrays.stream(text.split(",", -1)).filter(m -> !m.isEmpty()).toList());
    }
}
