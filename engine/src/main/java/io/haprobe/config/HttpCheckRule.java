package io.haprobe.config;

/**
 * One rule of a backend's HTTP check, in declaration order: a new connection, a request to send, or an
 * expectation to judge the answer with. HAProxy compiles {@code option httpchk} and {@code http-check ...}
 * into one such list (spec §4.2); several connect/send/expect sequences may follow each other.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface HttpCheckRule permits HttpConnect, HttpSend, HttpExpect {

    /**
     * Returns where the rule was declared.
     *
     * @return the location, never null
     */
    SourceLocation location();
}
