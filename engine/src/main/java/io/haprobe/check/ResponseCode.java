package io.haprobe.check;

/**
 * Where a check rule takes its {@code code} from: HAProxy's {@code status-code} sample expression as the
 * configuration ({@code int(42)}) and the prebuilt SMTP check ({@code res.payload(0,3)}) use it (spec §5.3).
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ResponseCode permits ResponseCode.Constant, ResponseCode.Digits {

    /**
     * Returns the code for a response.
     *
     * @param buffer the received bytes; never null
     * @param length how many of them count
     * @return the code, 0 when the response holds none
     */
    int extract(byte[] buffer, int length);

    /**
     * A fixed code: {@code status-code int(N)}.
     *
     * @param code the code
     */
    record Constant(int code) implements ResponseCode {

        @Override
        public int extract(byte[] buffer, int length) {
            return code;
        }
    }

    /**
     * The decimal number written in {@code count} bytes from {@code offset}: {@code res.payload(offset,count)}
     * converted to an integer; 0 when those bytes are missing or not all digits.
     *
     * @param offset the first byte, {@code >= 0}
     * @param count  how many digits, 1..9
     */
    record Digits(int offset, int count) implements ResponseCode {

        @Override
        public int extract(byte[] buffer, int length) {
            if (offset + count > length) {
                return 0;
            }
            int value = 0;
            for (int i = offset; i < offset + count; i++) {
                if (buffer[i] < '0' || buffer[i] > '9') {
                    return 0;
                }
                value = value * 10 + (buffer[i] - '0');
            }
            return value;
        }
    }
}
