package io.haprobe.fuzz;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fuzzer finds a planted bug, shrinks its input, replays a run exactly and reports a hang. */
class MutationFuzzerTest {

    private static final List<byte[]> SEEDS = List.of(bytes("backend b\n    server s 1.2.3.4:80 check\n"),
            bytes("global\n    spread-checks 5\n"));

    @Test
    void findsAPlantedBugAndShrinksItsInput() {
        FuzzReport report = MutationFuzzer.builder("planted", MutationFuzzerTest::plantedBug)
                .seeds(SEEDS).dictionary(List.of("fall", "rise", "inter")).seed(7).iterations(20_000).build().run();

        assertThat(report.crashes()).hasSize(1);
        FuzzReport.Crash crash = report.crashes().get(0);
        assertThat(crash.signature()).startsWith("java.lang.IllegalStateException at ");
        assertThat(new String(crash.minimized(), StandardCharsets.ISO_8859_1)).isEqualTo("fall");
        assertThat(report.reproduce()).isEqualTo("-Dfuzz.seed=7 -Dfuzz.iterations=" + (crash.iteration() + 1));
        assertThatThrownBy(report::assertNoCrash).isInstanceOf(AssertionError.class)
                .hasMessageContaining("replay with -Dfuzz.seed=7").hasMessageContaining("minimized (4 bytes): fall");
    }

    @Test
    void theSameSeedAndCountReplayTheSameInputs() {
        FuzzReport first = MutationFuzzer.builder("replay", MutationFuzzerTest::firstWord)
                .seeds(SEEDS).dictionary(List.of("fall")).seed(11).iterations(3_000).build().run();
        FuzzReport second = MutationFuzzer.builder("replay", MutationFuzzerTest::firstWord)
                .seeds(SEEDS).dictionary(List.of("fall")).seed(11).iterations(3_000).build().run();

        assertThat(second.inputs()).isEqualTo(3_000);
        assertThat(second.outcomes()).isEqualTo(first.outcomes());
        assertThat(second.corpusSize()).isEqualTo(first.corpusSize());
    }

    @Test
    void anInputRunningPastTheHangLimitIsACrash() {
        CountDownLatch never = new CountDownLatch(1);
        FuzzReport report = MutationFuzzer.builder("hang", (input, random) -> {
            never.await();
            return "done";
        }).seeds(SEEDS).seed(1).iterations(1).hangSeconds(0.2).build().run();

        assertThat(report.crashes()).singleElement().satisfies(crash -> {
            assertThat(crash.signature()).isEqualTo("hang");
            assertThat(crash.iteration()).isZero();
            assertThat(crash.input()).isEqualTo(SEEDS.get(0));
        });
    }

    /** Throws when the input holds "fall" anywhere: what a real bug looks like to the fuzzer. */
    private static String plantedBug(byte[] input, SplittableRandom random) {
        if (new String(input, StandardCharsets.ISO_8859_1).contains("fall")) {
            throw new IllegalStateException("planted");
        }
        return "ok";
    }

    private static String firstWord(byte[] input, SplittableRandom random) {
        String text = new String(input, StandardCharsets.ISO_8859_1).strip();
        return "word " + Labels.of(text.split("\\s+", 2)[0]) + " " + random.nextInt(3);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
