package io.haprobe.config;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code tcp-check} rule of a section (CFG §4.2 "tcp-check connect/send/expect"; spec §5.2), as parsed.
 * {@code tcp-check comment} lines are not rules of their own here: they use up a step number and give their
 * text to the rules that follow (see {@link #comment()}).
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface TcpCheckRule permits TcpCheckRule.Connect, TcpCheckRule.Send, TcpCheckRule.Expect {

    /**
     * Returns HAProxy's step number of this rule: its declaration index in the section's tcp-check rules,
     * {@code tcp-check comment} lines included, plus one (spec §5.4).
     *
     * @return the step, {@code >= 1}
     */
    int step();

    /**
     * Returns the rule's comment: its own {@code comment} option, or the text of a preceding
     * {@code tcp-check comment} line (spec §5.2).
     *
     * @return the comment, or null for none
     */
    String comment();

    /**
     * Returns where the rule is declared.
     *
     * @return the location; never null
     */
    SourceLocation location();

    /**
     * {@code tcp-check connect [default] [port <port>] [addr <ip[:port]>] [send-proxy] [ssl] [sni <name>]
     * [alpn <list>] [linger] [comment <text>]}: opens a new check connection, closing the previous one.
     *
     * @param port        the {@code port} option, 1..65535, or 0 when absent (the server's check port is used)
     * @param address     the IP literal of the {@code addr} option, or null when absent (the server's check
     *                    address is used)
     * @param addressPort the port given in {@code addr}, or 0
     * @param linger      {@code linger}: close with a FIN instead of an RST
     * @param comment     the comment, or null
     * @param step        the step number, {@code >= 1}
     * @param location    where the rule is; never null
     * @param options     {@code default}, {@code ssl}, {@code sni}, {@code alpn}, {@code send-proxy}; never null
     */
    record Connect(int port, String address, int addressPort, boolean linger, String comment, int step,
                   SourceLocation location, ConnectOptions options)
            implements TcpCheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code location} or {@code options} is null
         * @throws IllegalArgumentException if a port is outside 0..65535 or the step is below 1
         */
        public Connect {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(options, "options");
            if (port < 0 || port > 65535 || addressPort < 0 || addressPort > 65535) {
                throw new IllegalArgumentException("port, addressPort: " + port + ", " + addressPort
                        + " (expected: 0..65535)");
            }
            requireStep(step);
        }
    }

    /**
     * {@code tcp-check send <string>} or {@code tcp-check send-binary <hex>}: writes bytes.
     *
     * @param data     the bytes; never null, not empty; not copied, must not be modified
     * @param comment  the comment, or null
     * @param step     the step number, {@code >= 1}
     * @param location where the rule is; never null
     */
    record Send(byte[] data, String comment, int step, SourceLocation location) implements TcpCheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code data} or {@code location} is null
         * @throws IllegalArgumentException if {@code data} is empty or the step is below 1
         */
        public Send {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(location, "location");
            if (data.length == 0) {
                throw new IllegalArgumentException("data: (empty) (expected: at least one byte)");
            }
            requireStep(step);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Send send && Arrays.equals(data, send.data) && Objects.equals(comment,
                    send.comment) && step == send.step && location.equals(send.location);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(data), comment, step, location);
        }

        @Override
        public String toString() {
            return "Send[" + data.length + " bytes, step " + step + (comment == null ? "" : ", comment " + comment)
                    + "]";
        }
    }

    /**
     * {@code tcp-check expect [min-recv N] [comment C] [ok-status S] [error-status S] [tout-status S]
     * [on-success T] [on-error T] [status-code int(N)] [!] <match> <pattern>} (spec §5.2, §5.3).
     *
     * @param match    the match kind; never null
     * @param pattern  the pattern as written (hex digits for {@code binary}); never null
     * @param bytes    the bytes to search for ({@code string}, {@code binary}), else empty; never null; not copied
     * @param regex    the compiled regex ({@code rstring}, {@code rbinary}), else null
     * @param inverse  the rule is negated with {@code !}
     * @param options  {@code min-recv}, {@code comment}, {@code ok-status}, ...; the comment of a preceding
     *                 {@code tcp-check comment} line when the rule has none; never null
     * @param step     the step number, {@code >= 1}
     * @param location where the rule is; never null
     */
    record Expect(Match match, String pattern, byte[] bytes, Pattern regex, boolean inverse, ExpectOptions options,
                  int step, SourceLocation location)
            implements TcpCheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code match}, {@code pattern}, {@code bytes}, {@code options} or
         *                                  {@code location} is null, or {@code regex} is null for a regex match
         * @throws IllegalArgumentException if the step is below 1
         */
        public Expect {
            Objects.requireNonNull(match, "match");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(bytes, "bytes");
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(location, "location");
            if (match.regex()) {
                Objects.requireNonNull(regex, "regex");
            }
            requireStep(step);
        }

        @Override
        public String comment() {
            return options.comment();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Expect e && match == e.match && pattern.equals(e.pattern) && inverse == e.inverse
                    && options.equals(e.options) && step == e.step && location.equals(e.location);
        }

        @Override
        public int hashCode() {
            return Objects.hash(match, pattern, inverse, options, step, location);
        }

        @Override
        public String toString() {
            return "Expect[" + (inverse ? "! " : "") + match.keyword() + " '" + pattern + "', step " + step + "]";
        }

        /** The match kinds of {@code tcp-check expect}. */
        public enum Match {
            /** {@code string}: the bytes of the pattern appear in the response. */
            STRING("string", false),
            /** {@code rstring}: the regex finds a match in the response. */
            RSTRING("rstring", true),
            /** {@code binary}: the bytes of the hex pattern appear in the response. */
            BINARY("binary", false),
            /** {@code rbinary}: the regex finds a match in the uppercase hex dump of the response. */
            RBINARY("rbinary", true);

            private final String keyword;
            private final boolean regex;

            Match(String keyword, boolean regex) {
                this.keyword = keyword;
                this.regex = regex;
            }

            /**
             * Returns the keyword as written in the configuration.
             *
             * @return e.g. {@code rstring}
             */
            public String keyword() {
                return keyword;
            }

            /**
             * Tells whether the pattern is a regular expression.
             *
             * @return true for {@code rstring} and {@code rbinary}
             */
            public boolean regex() {
                return regex;
            }
        }
    }

    private static void requireStep(int step) {
        if (step < 1) {
            throw new IllegalArgumentException("step: " + step + " (expected: >= 1)");
        }
    }
}
