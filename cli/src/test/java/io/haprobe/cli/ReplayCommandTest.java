package io.haprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code haprobe replay} on synthetic traces: exact transitions with other settings, and its errors. */
class ReplayCommandTest {

    /** A flapping server checked every second: 2 passes, then 3 failures, 2 passes, 3 failures, 3 passes. */
    private static final String FLAPPING_OUTCOMES = "PPFFFPPFFFPPP";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void withTheRecordedFall3TheFlappingServerGoesDownTwice() throws IOException {
        Path trace = flappingTrace();

        int exit = run("replay", trace.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("""
                t=5010ms Server app/web1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service \
                Unavailable", check duration: 2ms. 0 active and 0 backup servers left. 0 sessions active, 0 \
                requeued, 0 remaining in queue.
                t=5010ms backend app has no server available!
                t=7014ms Server app/web1 is UP, reason: Layer7 check passed, code: 200, check duration: 2ms. 1 \
                active and 0 backup servers online. 0 sessions requeued, 0 total in queue.
                t=10020ms Server app/web1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service \
                Unavailable", check duration: 2ms. 0 active and 0 backup servers left. 0 sessions active, 0 \
                requeued, 0 remaining in queue.
                t=10020ms backend app has no server available!
                t=12024ms Server app/web1 is UP, reason: Layer7 check passed, code: 200, check duration: 2ms. 1 \
                active and 0 backup servers online. 0 sessions requeued, 0 total in queue.

                replayed 13 health checks of haproxy.cfg; 4 transitions
                every outcome as recorded
                """);
    }

    @Test
    void withFall5TheFlappingServerNeverGoesDown() throws IOException {
        Path trace = flappingTrace();

        int exit = run("replay", trace.toString(), "--set", "fall=5");

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("""

                replayed 13 health checks of haproxy.cfg with fall 5; 0 transitions
                every outcome as recorded
                """);
    }

    @Test
    void aShorterInterTakesOutcomesFromTheNearestRecordedCheckAndSaysHowMany() throws IOException {
        Path trace = flappingTrace();

        int exit = run("replay", trace.toString(), "--set", "inter=500ms", "--set", "fall=2");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("outcomes taken from the nearest recorded check")
                .contains("with inter 500ms, fall 2;");
        assertThat(out.toString().lines().filter(l -> l.contains(" outcomes taken from")).findFirst().orElseThrow())
                .matches("\\d+ of 2\\d outcomes taken from the nearest recorded check .*");
    }

    @Test
    void anUnknownSettingIsAUsageError() throws IOException {
        Path trace = flappingTrace();

        int exit = run("replay", trace.toString(), "--set", "weight=5");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--set weight: unknown setting").doesNotContain("Exception");
    }

    @Test
    void aFileThatIsNotATraceIsAUsageErrorWithItsLine() throws IOException {
        Path trace = dir.resolve("x.jsonl");
        Files.writeString(trace, "{\"hello\":1}\n");

        int exit = run("replay", trace.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("x.jsonl:1: not a haprobe trace header");
    }

    private Path flappingTrace() throws IOException {
        StringBuilder text = new StringBuilder(Trace.header("haproxy.cfg", java.util.List.of(
                new Trace.ServerSettings("app", "web1", "127.0.0.1:8080", false, 1, 2, 3, 1000, 0, 0, false, "backend",
                        true)))).append('\n');
        for (int i = 0; i < FLAPPING_OUTCOMES.length(); i++) {
            boolean pass = FLAPPING_OUTCOMES.charAt(i) == 'P';
            long end = 1000L + i * 1002L + 2; // HAProxy counts inter from the end of a check
            text.append((pass
                    ? "{\"time_ms\":%d,\"backend\":\"app\",\"server\":\"web1\",\"kind\":\"health\",\"status\":\"L7OK\","
                            + "\"code\":200,\"info\":\"\",\"duration_ms\":2}\n"
                    : "{\"time_ms\":%d,\"backend\":\"app\",\"server\":\"web1\",\"kind\":\"health\",\"status\":\"L7STS\","
                            + "\"code\":503,\"info\":\"Service Unavailable\",\"duration_ms\":2}\n").formatted(end));
        }
        Path file = dir.resolve("trace.jsonl");
        Files.writeString(file, text);
        return file;
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
