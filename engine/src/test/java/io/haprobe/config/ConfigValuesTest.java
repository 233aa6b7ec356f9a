package io.haprobe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigValuesTest {

    @Test
    void bareNumbersAreMilliseconds() {
        assertThat(time("1500")).isEqualTo(1_500_000_000L);
    }

    @Test
    void acceptsHaproxyTimeUnits() {
        assertThat(time("500ms")).isEqualTo(500_000_000L);
        assertThat(time("2s")).isEqualTo(2_000_000_000L);
        assertThat(time("3m")).isEqualTo(180_000_000_000L);
        assertThat(time("1h")).isEqualTo(3_600_000_000_000L);
        assertThat(time("1d")).isEqualTo(86_400_000_000_000L);
    }

    @Test
    void microsecondsRoundUpToTheNextMillisecond() {
        assertThat(time("1us")).isEqualTo(1_000_000L);
        assertThat(time("1000us")).isEqualTo(1_000_000L);
        assertThat(time("1001us")).isEqualTo(2_000_000L);
        assertThat(time("0us")).isZero();
    }

    @Test
    void refusesFractionsAndUnknownUnits() {
        assertThatThrownBy(() -> time("1.5s")).hasMessage("f:3:9: inter: '1.5s' (expected: a time such as 2s or 500ms)");
        assertThatThrownBy(() -> time("abc")).hasMessage("f:3:9: inter: 'abc' (expected: a time such as 2s or 500ms)");
        assertThatThrownBy(() -> time("")).hasMessage("f:3:9: inter: '' (expected: a time such as 2s or 500ms)");
        assertThatThrownBy(() -> time("5S")).isInstanceOf(ConfigException.class);
    }

    @Test
    void refusesTimersAboveHaproxysMaximumWithoutOverflowing() {
        assertThat(time("2147483647")).isEqualTo(2_147_483_647_000_000L);
        assertThatThrownBy(() -> time("2147483648"))
                .hasMessage("f:3:9: inter: '2147483648' (expected: at most 2147483647ms)");
        assertThatThrownBy(() -> time("99999999999999999999999999d"))
                .hasMessage("f:3:9: inter: '99999999999999999999999999d' (expected: at most 2147483647ms)");
    }

    @Test
    void positiveTimesRefuseZeroAsHaproxyDoes() {
        assertThatThrownBy(() -> ConfigValues.parsePositiveTimeNanos("f", 3, "inter", new ConfigToken("0", 9)))
                .hasMessage("f:3:9: inter: '0' (expected: a time > 0)");
    }

    @Test
    void integersAreCheckedAgainstTheirRange() {
        assertThat(ConfigValues.parseInt("f", 1, "weight", new ConfigToken("256", 4), 0, 256)).isEqualTo(256);
        assertThatThrownBy(() -> ConfigValues.parseInt("f", 1, "rise", new ConfigToken("0", 4), 1, Integer.MAX_VALUE))
                .hasMessage("f:1:4: rise: '0' (expected: >= 1)");
        assertThatThrownBy(() -> ConfigValues.parseInt("f", 1, "weight", new ConfigToken("257", 4), 0, 256))
                .hasMessage("f:1:4: weight: '257' (expected: 0..256)");
        assertThatThrownBy(() -> ConfigValues.parseInt("f", 1, "fall", new ConfigToken("x1", 4), 1, Integer.MAX_VALUE))
                .hasMessage("f:1:4: fall: 'x1' (expected: an integer >= 1)");
        assertThatThrownBy(() -> ConfigValues.parseInt("f", 1, "rise", new ConfigToken("99999999999999999999999", 4),
                1, Integer.MAX_VALUE)).hasMessage("f:1:4: rise: '99999999999999999999999' (expected: >= 1)");
    }

    private static long time(String text) {
        return ConfigValues.parseTimeNanos("f", 3, "inter", new ConfigToken(text, 9));
    }
}
