package io.haprobe.check;

import java.util.Arrays;
import java.util.Objects;

/**
 * One step of a {@link CheckProgram}: connect, send bytes, or judge what came back. Every HAProxy check
 * kind compiles into these steps, as HAProxy 2.x turns every check into a tcp-check rule list.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface CheckRule permits CheckRule.Connect, CheckRule.Send, CheckRule.ExpectHttp {

    /**
     * Opens the check connection to the server's check address and port ({@code addr}, {@code port}, or the
     * server's own). Step 0 of every program.
     */
    record Connect() implements CheckRule {
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
}
