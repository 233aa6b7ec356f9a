package io.haprobe.check;

import java.util.Arrays;
import java.util.Objects;

/**
 * One step of a {@link CheckProgram}: connect, send bytes, or judge what came back. Every HAProxy check
 * kind compiles into these steps, as HAProxy 2.x turns every check into a tcp-check rule list.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface CheckRule permits CheckRule.Connect, CheckRule.Send, CheckRule.ExpectHttp,
        CheckRule.ExpectAgent {

    /**
     * Opens a check connection, closing the previous one. Step 0 of every program connects to the server's
     * check address and port ({@code addr}, {@code port}, or the server's own); a later connect
     * ({@code http-check connect}) may name its own.
     *
     * @param port    the port to connect to, 1..65535, or 0 for the server's check port
     * @param address the IP literal to connect to, or null for the server's check address
     * @param linger  true to close this connection with a FIN instead of an RST ({@code linger})
     */
    record Connect(int port, String address, boolean linger) implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws IllegalArgumentException if {@code port} is outside 0..65535
         */
        public Connect {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
        }

        /** Creates the implicit connect: the server's check address and port, closed with an RST. */
        public Connect() {
            this(0, null, false);
        }
    }

    /**
     * Writes bytes to the server, in one go.
     *
     * @param bytes the bytes; never null, not empty. The array is not copied: it must not be modified.
     */
    record Send(byte[] bytes) implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code bytes} is null
         * @throws IllegalArgumentException if {@code bytes} is empty
         */
        public Send {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length == 0) {
                throw new IllegalArgumentException("bytes: (empty) (expected: at least one byte)");
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Send send && Arrays.equals(bytes, send.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Send[" + bytes.length + " bytes]";
        }
    }

    /**
     * Reads an HTTP response and judges it with the backend's {@code http-check expect} rules.
     *
     * @param judge the compiled expect rules; never null
     */
    record ExpectHttp(HttpResponseJudge judge) implements CheckRule {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if {@code judge} is null
         */
        public ExpectHttp {
            Objects.requireNonNull(judge, "judge");
        }
    }

    /**
     * Reads one agent reply line and judges it ({@code agent-check}, spec §7): the words up to the first CR
     * or LF, parsed by {@link AgentReply#parse(String)}. A close with nothing read is {@code L7RSP}
     * {@value AgentReply#INFO_EMPTY}; a close after a partial line waits for the timeout, as HAProxy does.
     */
    record ExpectAgent() implements CheckRule {
    }
}
