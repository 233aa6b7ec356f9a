package io.haprobe.conformance;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How many scenarios run at once: twice the available processors unless {@code -Dconformance.parallelism} says. */
class ParallelismTest {

    @Test
    void isTwiceTheAvailableProcessorsUnlessAsked() {
        assertThat(ConformanceTest.parallelism("")).isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThat(ConformanceTest.parallelism(" 3 ")).isEqualTo(3);
    }

    @Test
    void mustBePositive() {
        assertThatThrownBy(() -> ConformanceTest.parallelism("0"))
                .hasMessage("conformance.parallelism: 0 (expected: an integer >= 1)");
        assertThatThrownBy(() -> ConformanceTest.parallelism("six"))
                .hasMessage("conformance.parallelism: six (expected: an integer >= 1)");
    }
}
