package io.haprobe.traffic;

import io.haprobe.config.Balancing.HashFunction;

/**
 * HAProxy 2.6's hash functions for load balancing (hash.c {@code hash_sdbm}, {@code hash_djb2}, {@code hash_wt6},
 * {@code hash_crc32}; intops.h {@code full_hash}), as {@code hash-type} names them (CFG §4.2 {@code hash-type}).
 *
 * <p>Every function returns HAProxy's {@code unsigned int} as a Java {@code int} with the same 32 bits. Text is
 * hashed as the bytes HAProxy sees on the wire: each {@code char} contributes its low 8 bits (ISO-8859-1), so an
 * ASCII URI or header value hashes exactly as in HAProxy, without allocating a byte array.
 *
 * <p>Stateless and thread-safe.
 */
public final class HashFunctions {

    private HashFunctions() {
    }

    /**
     * Hashes {@code len} bytes with sdbm ({@code hash_sdbm}), HAProxy's default hash function.
     *
     * @param key the bytes; never null
     * @param off the first byte
     * @param len the number of bytes, {@code >= 0}
     * @return the 32-bit hash
     * @throws IndexOutOfBoundsException if the range is outside {@code key}
     */
    public static int sdbm(byte[] key, int off, int len) {
        int hash = 0;
        for (int i = off; i < off + len; i++) {
            hash = (key[i] & 0xff) + (hash << 6) + (hash << 16) - hash;
        }
        return hash;
    }

    /**
     * Hashes {@code len} bytes with djb2 ({@code hash_djb2}).
     *
     * @param key the bytes; never null
     * @param off the first byte
     * @param len the number of bytes, {@code >= 0}
     * @return the 32-bit hash
     * @throws IndexOutOfBoundsException if the range is outside {@code key}
     */
    public static int djb2(byte[] key, int off, int len) {
        int hash = 5381;
        for (int i = off; i < off + len; i++) {
            hash = (hash << 5) + hash + (key[i] & 0xff);
        }
        return hash;
    }

    /**
     * Hashes {@code len} bytes with wt6 ({@code hash_wt6}).
     *
     * @param key the bytes; never null
     * @param off the first byte
     * @param len the number of bytes, {@code >= 0}
     * @return the 32-bit hash
     * @throws IndexOutOfBoundsException if the range is outside {@code key}
     */
    public static int wt6(byte[] key, int off, int len) {
        Wt6 state = new Wt6();
        for (int i = off; i < off + len; i++) {
            state.add(key[i] & 0xff);
        }
        return state.h0 ^ state.h1;
    }

    /**
     * Hashes {@code len} bytes with HAProxy's bitwise CRC-32 ({@code hash_crc32}): the IEEE 802.3 polynomial,
     * reflected, the same value as {@link java.util.zip.CRC32}.
     *
     * @param key the bytes; never null
     * @param off the first byte
     * @param len the number of bytes, {@code >= 0}
     * @return the 32-bit hash
     * @throws IndexOutOfBoundsException if the range is outside {@code key}
     */
    public static int crc32(byte[] key, int off, int len) {
        int hash = ~0;
        for (int i = off; i < off + len; i++) {
            hash = crc32Step(hash, key[i] & 0xff);
        }
        return ~hash;
    }

    /**
     * Mixes a 32-bit value with Bob Jenkins' full avalanche function and HAProxy's final multiplication
     * ({@code full_hash}): the {@code avalanche} modifier of {@code hash-type}, and the key of each point of a
     * server on a consistent hashing ring.
     *
     * @param a the value
     * @return the mixed value
     */
    public static int fullHash(int a) {
        a = (a + 0x7ed55d16) + (a << 12);
        a = (a ^ 0xc761c23c) ^ (a >>> 19);
        a = (a + 0x165667b1) + (a << 5);
        a = (a + 0xd3a2646c) ^ (a << 9);
        a = (a + 0xfd7046c5) + (a << 3);
        a = (a ^ 0xb55a4f09) ^ (a >>> 16);
        return a * (int) 3221225473L;
    }

    /**
     * Hashes the characters {@code from} (inclusive) to {@code to} (exclusive) of {@code text} with
     * {@code function}, each character as its low 8 bits. Allocates nothing.
     *
     * @param function the hash function; never null
     * @param text     the text; never null
     * @param from     the first character
     * @param to       the end, exclusive
     * @return the 32-bit hash
     * @throws IndexOutOfBoundsException if the range is outside {@code text}
     */
    public static int hash(HashFunction function, CharSequence text, int from, int to) {
        switch (function) {
            case SDBM -> {
                int hash = 0;
                for (int i = from; i < to; i++) {
                    hash = (text.charAt(i) & 0xff) + (hash << 6) + (hash << 16) - hash;
                }
                return hash;
            }
            case DJB2 -> {
                int hash = 5381;
                for (int i = from; i < to; i++) {
                    hash = (hash << 5) + hash + (text.charAt(i) & 0xff);
                }
                return hash;
            }
            case WT6 -> {
                int h0 = 0xa53c965a;
                int h1 = 0x5ca6953a;
                int step0 = 6;
                int step1 = 18;
                for (int i = from; i < to; i++) {
                    int t = text.charAt(i) & 0xff;
                    h0 = ~(h0 ^ t);
                    h1 = ~(h1 + t);
                    t = Integer.rotateLeft(h1, step0);
                    h1 = Integer.rotateLeft(h0, step1);
                    h0 = t;
                    t = ((h0 >>> 16) ^ h1) & 0xffff;
                    step0 = t & 0x1f;
                    step1 = t >>> 11;
                }
                return h0 ^ h1;
            }
            case CRC32 -> {
                int hash = ~0;
                for (int i = from; i < to; i++) {
                    hash = crc32Step(hash, text.charAt(i) & 0xff);
                }
                return ~hash;
            }
            default -> throw new AssertionError(function);
        }
    }

    /**
     * Hashes {@code len} bytes with {@code function}.
     *
     * @param function the hash function; never null
     * @param key      the bytes; never null
     * @param off      the first byte
     * @param len      the number of bytes, {@code >= 0}
     * @return the 32-bit hash
     * @throws IndexOutOfBoundsException if the range is outside {@code key}
     */
    public static int hash(HashFunction function, byte[] key, int off, int len) {
        return switch (function) {
            case SDBM -> sdbm(key, off, len);
            case DJB2 -> djb2(key, off, len);
            case WT6 -> wt6(key, off, len);
            case CRC32 -> crc32(key, off, len);
        };
    }

    private static int crc32Step(int hash, int b) {
        hash ^= b;
        for (int bit = 0; bit < 8; bit++) {
            hash = (hash >>> 1) ^ ((hash & 1) != 0 ? 0xedb88320 : 0);
        }
        return hash;
    }

    /** wt6's running state; the shift steps depend on the bytes seen so far. */
    private static final class Wt6 {
        int h0 = 0xa53c965a;
        int h1 = 0x5ca6953a;
        int step0 = 6;
        int step1 = 18;

        void add(int b) {
            h0 = ~(h0 ^ b);
            h1 = ~(h1 + b);
            int t = Integer.rotateLeft(h1, step0);
            h1 = Integer.rotateLeft(h0, step1);
            h0 = t;
            t = ((h0 >>> 16) ^ h1) & 0xffff;
            step0 = t & 0x1f;
            step1 = t >>> 11;
        }
    }
}
