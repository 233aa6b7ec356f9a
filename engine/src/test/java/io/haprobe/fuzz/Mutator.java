package io.haprobe.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Derives new inputs from a corpus by stacking one to eight byte-level mutations, the way libFuzzer's default
 * mutators do, plus a few that know inputs are lines of words: bit flips and byte changes; insertion of random,
 * control (NUL, CR, LF, TAB) and non-UTF-8 bytes (lone continuation bytes, truncated and overlong sequences,
 * encoded surrogates, a BOM); deletion, duplication and copying of spans; splicing with another corpus entry;
 * dictionary tokens inserted or put in place of a word; very long tokens (up to 20,000 bytes); interesting
 * numbers in place of digits; line duplication, deletion and swapping; truncation. Now and then an input is made
 * from dictionary tokens alone.
 *
 * <p>Deterministic: the same corpus, dictionary and random source give the same input. Not thread-safe (one per
 * fuzzer worker).
 */
public final class Mutator {

    private static final byte[][] SPECIAL_BYTES = {
        {0}, {'\r'}, {'\n'}, {'\r', '\n'}, {'\t'}, {' '}, {'"'}, {'\''}, {'\\'}, {'#'}, {':'}, {','}, {(byte) 0x7f},
        {(byte) 0x80}, {(byte) 0xbf}, {(byte) 0xc3}, {(byte) 0xff}, {(byte) 0xfe}, {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xc2, (byte) 0x85}, {(byte) 0xe2, (byte) 0x80,
        (byte) 0xa8}, {(byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80},
    };
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "2", "7", "8", "9", "10", "16", "255", "256",
        "1023", "1024", "4095", "4096", "16384", "65535", "65536", "2147483647", "2147483648", "-2147483648",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999", "000000000000000000001", "1e3", "0x10", "1.5", "+1", "٣"};
    private static final String LONG_UNITS = "a9(\\\"${[- ";
    private static final int MAX_LONG_TOKEN = 20_000;

    private final List<byte[]> corpus;
    private final List<byte[]> dictionary;
    private final int maxInputBytes;

    /**
     * Creates a mutator.
     *
     * @param corpus        the inputs to mutate; never null nor empty; read at each call, so entries added to the
     *                      list later take part
     * @param dictionary    tokens of the input language to insert; never null, may be empty
     * @param maxInputBytes the longest input made, {@code >= 1}; longer results are truncated
     * @throws IllegalArgumentException if {@code corpus} is empty or {@code maxInputBytes < 1}
     */
    public Mutator(List<byte[]> corpus, List<byte[]> dictionary, int maxInputBytes) {
        this.corpus = Objects.requireNonNull(corpus, "corpus");
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("corpus: empty (expected: at least one input)");
        }
        if (maxInputBytes < 1) {
            throw new IllegalArgumentException("maxInputBytes: " + maxInputBytes + " (expected: >= 1)");
        }
        this.maxInputBytes = maxInputBytes;
    }

    /**
     * Makes one input.
     *
     * @param random the source of every choice; never null
     * @return a new array, at most {@code maxInputBytes} long
     */
    public byte[] next(SplittableRandom random) {
        byte[] input;
        if (!dictionary.isEmpty() && random.nextInt(40) == 0) {
            input = fromTokens(random);
        } else {
            input = corpus.get(random.nextInt(corpus.size())).clone();
        }
        int mutations = 1 + Integer.numberOfTrailingZeros(random.nextInt() | 0x80);
        for (int i = 0; i < mutations; i++) {
            input = mutate(input, random);
            if (input.length > maxInputBytes) {
                input = Arrays.copyOf(input, maxInputBytes);
            }
        }
        return input;
    }

    private byte[] mutate(byte[] in, SplittableRandom random) {
        int len = in.length;
        switch (random.nextInt(len == 0 ? 3 : 18)) {
            case 0:
                return insert(in, random.nextInt(len + 1), token(random));
            case 1:
                return insert(in, random.nextInt(len + 1), SPECIAL_BYTES[random.nextInt(SPECIAL_BYTES.length)]);
            case 2:
                return insert(in, random.nextInt(len + 1), randomBytes(random, 1 + random.nextInt(8)));
            case 3: {
                byte[] out = in.clone();
                out[random.nextInt(len)] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 4: {
                byte[] out = in.clone();
                out[random.nextInt(len)] = (byte) random.nextInt(256);
                return out;
            }
            case 5: {
                byte[] out = in.clone();
                byte[] special = SPECIAL_BYTES[random.nextInt(SPECIAL_BYTES.length)];
                out[random.nextInt(len)] = special[0];
                return out;
            }
            case 6: {
                int from = random.nextInt(len);
                return delete(in, from, from + spanLength(random, len - from));
            }
            case 7: {
                int from = random.nextInt(len);
                byte[] span = Arrays.copyOfRange(in, from, from + spanLength(random, len - from));
                return insert(in, random.nextBoolean() ? from : random.nextInt(len + 1), span);
            }
            case 8: {
                int from = random.nextInt(len);
                byte[] span = Arrays.copyOfRange(in, from, from + spanLength(random, len - from));
                byte[] out = in.clone();
                int to = random.nextInt(len);
                System.arraycopy(span, 0, out, to, Math.min(span.length, len - to));
                return out;
            }
            case 9:
                return splice(in, random);
            case 10:
            case 11:
                return replaceWord(in, random);
            case 12:
                return insert(in, random.nextInt(len + 1), longToken(random));
            case 13:
                return replaceNumber(in, random);
            case 14:
            case 15:
                return lineEdit(in, random);
            case 16:
                return Arrays.copyOf(in, random.nextInt(len));
            default:
                return insert(in, lineStart(in, random.nextInt(len + 1)), token(random));
        }
    }

    private byte[] token(SplittableRandom random) {
        if (dictionary.isEmpty() || random.nextInt(8) == 0) {
            return NUMBERS[random.nextInt(NUMBERS.length)].getBytes(StandardCharsets.UTF_8);
        }
        byte[] token = dictionary.get(random.nextInt(dictionary.size()));
        return random.nextInt(3) == 0 ? concat(token, new byte[] {' '}) : token;
    }

    private byte[] longToken(SplittableRandom random) {
        byte[] unit = random.nextBoolean() ? token(random) : SPECIAL_BYTES[random.nextInt(SPECIAL_BYTES.length)];
        if (random.nextInt(3) == 0) {
            unit = new byte[] {(byte) LONG_UNITS.charAt(random.nextInt(LONG_UNITS.length()))};
        }
        int total = Math.min(MAX_LONG_TOKEN, Math.max(unit.length, 1 << (6 + random.nextInt(9))));
        int count = Math.max(1, total / Math.max(1, unit.length));
        byte[] out = new byte[count * unit.length];
        for (int i = 0; i < count; i++) {
            System.arraycopy(unit, 0, out, i * unit.length, unit.length);
        }
        return out;
    }

    private byte[] fromTokens(SplittableRandom random) {
        byte[] out = new byte[0];
        int lines = 1 + random.nextInt(10);
        for (int l = 0; l < lines; l++) {
            out = concat(out, " ".repeat(random.nextInt(5)).getBytes(StandardCharsets.US_ASCII));
            int words = random.nextInt(8);
            for (int w = 0; w < words; w++) {
                out = concat(concat(out, token(random)), new byte[] {(byte) (random.nextInt(5) == 0 ? '\t' : ' ')});
            }
            out = concat(out, random.nextInt(6) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        }
        return out;
    }

    private byte[] splice(byte[] in, SplittableRandom random) {
        byte[] other = corpus.get(random.nextInt(corpus.size()));
        if (other.length == 0) {
            return in;
        }
        if (random.nextBoolean()) {
            byte[] head = Arrays.copyOf(in, random.nextInt(in.length + 1));
            return concat(head, Arrays.copyOfRange(other, random.nextInt(other.length), other.length));
        }
        int from = random.nextInt(other.length);
        byte[] span = Arrays.copyOfRange(other, from, from + spanLength(random, other.length - from));
        return insert(in, lineStart(in, random.nextInt(in.length + 1)), span);
    }

    /** Puts a token in place of the word (run of non-blank bytes) around a random position. */
    private byte[] replaceWord(byte[] in, SplittableRandom random) {
        int at = random.nextInt(in.length);
        int start = at;
        while (start > 0 && !isBlank(in[start - 1])) {
            start--;
        }
        int end = at;
        while (end < in.length && !isBlank(in[end])) {
            end++;
        }
        return insert(delete(in, start, end), start, dictionary.isEmpty() ? token(random)
                : dictionary.get(random.nextInt(dictionary.size())));
    }

    private byte[] replaceNumber(byte[] in, SplittableRandom random) {
        int at = random.nextInt(in.length);
        int start = -1;
        for (int i = 0; i < in.length; i++) {
            int p = (at + i) % in.length;
            if (in[p] >= '0' && in[p] <= '9') {
                start = p;
                break;
            }
        }
        if (start < 0) {
            return insert(in, at, NUMBERS[random.nextInt(NUMBERS.length)].getBytes(StandardCharsets.UTF_8));
        }
        while (start > 0 && in[start - 1] >= '0' && in[start - 1] <= '9') {
            start--;
        }
        int end = start;
        while (end < in.length && in[end] >= '0' && in[end] <= '9') {
            end++;
        }
        byte[] number = NUMBERS[random.nextInt(NUMBERS.length)].getBytes(StandardCharsets.UTF_8);
        return insert(delete(in, start, end), start, number);
    }

    /** Duplicates, deletes or swaps whole lines. */
    private byte[] lineEdit(byte[] in, SplittableRandom random) {
        int a = lineStart(in, random.nextInt(in.length));
        int aEnd = lineEnd(in, a);
        byte[] line = Arrays.copyOfRange(in, a, aEnd);
        switch (random.nextInt(3)) {
            case 0:
                return insert(in, lineStart(in, random.nextInt(in.length + 1)), line);
            case 1:
                return delete(in, a, aEnd);
            default: {
                byte[] without = delete(in, a, aEnd);
                return insert(without, lineStart(without, random.nextInt(without.length + 1)), line);
            }
        }
    }

    private static int spanLength(SplittableRandom random, int available) {
        int max = random.nextInt(4) == 0 ? available : Math.min(available, 16);
        return 1 + random.nextInt(Math.max(1, max));
    }

    private static int lineStart(byte[] in, int at) {
        int p = Math.min(at, in.length);
        while (p > 0 && in[p - 1] != '\n') {
            p--;
        }
        return p;
    }

    /** The index just past the line's newline, or the end. */
    private static int lineEnd(byte[] in, int start) {
        int p = start;
        while (p < in.length && in[p] != '\n') {
            p++;
        }
        return Math.min(in.length, p + 1);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static byte[] randomBytes(SplittableRandom random, int count) {
        byte[] bytes = new byte[count];
        for (int i = 0; i < count; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static byte[] insert(byte[] in, int at, byte[] what) {
        byte[] out = new byte[in.length + what.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(in, at, out, at + what.length, in.length - at);
        return out;
    }

    private static byte[] delete(byte[] in, int from, int to) {
        byte[] out = new byte[in.length - (to - from)];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(in, to, out, from, in.length - to);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
