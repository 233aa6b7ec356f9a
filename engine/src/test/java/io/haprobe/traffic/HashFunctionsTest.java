package io.haprobe.traffic;

import io.haprobe.config.Balancing.HashFunction;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hash functions give HAProxy's values: the expected numbers were printed by HAProxy 2.6's own hash.c and
 * {@code __full_hash} compiled with gcc ({@code src/test/resources/traffic/hash-reference.c}).
 */
class HashFunctionsTest {

    private static final String[] KEYS = {"", "a", "abc", "/", "/index.html", "www.example.com",
            "The quick brown fox jumps over the lazy dog", "/api/v1/users?page=3", "\u00ff\u0080\u0001"};

    @ParameterizedTest(name = "key {0}")
    @CsvSource({
            "0, 0, 5381, 4187620192, 0",
            "1, 97, 177670, 1900802597, 3904355907",
            "2, 807794786, 193485963, 2483038440, 891568578",
            "3, 47, 177620, 1886637733, 2043925204",
            "4, 858007926, 3776231887, 822151038, 3928116034",
            "5, 2718216582, 2843247409, 612436471, 785793723",
            "6, 2359783795, 885799134, 3840389189, 1095738169",
            "7, 2618218924, 3526111537, 1422285030, 3450131999",
            "8, 2115080448, 193658917, 879659207, 224216354"})
    void hashesAsHaproxysHashC(int key, long sdbm, long djb2, long wt6, long crc32) {
        String text = KEYS[key];
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);

        assertThat(unsigned(HashFunctions.sdbm(bytes, 0, bytes.length))).isEqualTo(sdbm);
        assertThat(unsigned(HashFunctions.djb2(bytes, 0, bytes.length))).isEqualTo(djb2);
        assertThat(unsigned(HashFunctions.wt6(bytes, 0, bytes.length))).isEqualTo(wt6);
        assertThat(unsigned(HashFunctions.crc32(bytes, 0, bytes.length))).isEqualTo(crc32);
        assertThat(unsigned(HashFunctions.hash(HashFunction.SDBM, text, 0, text.length()))).isEqualTo(sdbm);
        assertThat(unsigned(HashFunctions.hash(HashFunction.DJB2, text, 0, text.length()))).isEqualTo(djb2);
        assertThat(unsigned(HashFunctions.hash(HashFunction.WT6, text, 0, text.length()))).isEqualTo(wt6);
        assertThat(unsigned(HashFunctions.hash(HashFunction.CRC32, text, 0, text.length()))).isEqualTo(crc32);
    }

    @ParameterizedTest(name = "full_hash({0})")
    @CsvSource({
            "0, 2874071335",
            "1, 881230262",
            "2, 3798448204",
            "4096, 1237450891",
            "4097, 2761370759",
            "2130706433, 2317047883",
            "4294967295, 2120532354",
            "123456789, 2578161185"})
    void avalanchesAsHaproxysFullHash(long input, long expected) {
        assertThat(unsigned(HashFunctions.fullHash((int) input))).isEqualTo(expected);
    }

    @Test
    void crc32IsTheIeeeCrcOfJavaUtilZip() {
        byte[] bytes = "123456789".getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(bytes);

        assertThat(unsigned(HashFunctions.crc32(bytes, 0, bytes.length))).isEqualTo(crc.getValue())
                .isEqualTo(0xCBF43926L);
    }

    @Test
    void hashesOnlyTheGivenRangeOfText() {
        String uri = "/cart?id=1";
        byte[] path = "/cart".getBytes(StandardCharsets.US_ASCII);

        assertThat(HashFunctions.hash(HashFunction.WT6, uri, 0, 5)).isEqualTo(HashFunctions.wt6(path, 0, 5));
    }

    private static long unsigned(int value) {
        return Integer.toUnsignedLong(value);
    }
}
