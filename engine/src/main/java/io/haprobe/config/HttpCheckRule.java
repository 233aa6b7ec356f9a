package io.haprobe.config;

/**
 * One rule of a backend's HTTP check, in declaration order: a request to send or an expectation to judge
 * the answer with. HAProxy compiles {@code option httpchk} and {@code http-check ...} into one such list
 * (spec §4.2).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface HttpCheckRule permits HttpSend, HttpExpect {

    /**
     * Returns where the rule was declared.
     *
     * @return the location, never null
     */
    SourceLocation location();
}
