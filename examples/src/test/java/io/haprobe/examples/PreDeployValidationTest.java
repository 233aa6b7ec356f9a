package io.haprobe.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Smoke test of {@link PreDeployValidation} on {@code configs/app.cfg}: exact output, exit codes. */
class PreDeployValidationTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void reportsHowLongEachServerTakesToGoDown() {
        int exit = run("configs/app.cfg", "10s");

        assertThat(exit).isZero();
        assertThat(out()).isEqualTo("""
                # app_backend/web01: healthy until t=10000ms, then refuse
                t=12000ms Server app_backend/web01 is DOWN, reason: Layer4 connection problem, info: "Connection \
                refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, \
                0 remaining in queue.
                # app_backend/web01 refuse: DOWN 2000ms after the failure (budget 10000ms): ok
                # app_backend/web01: healthy until t=10000ms, then blackhole
                t=18000ms Server app_backend/web01 is DOWN, reason: Layer4 timeout, check duration: 2000ms. \
                1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
                # app_backend/web01 blackhole: DOWN 8000ms after the failure (budget 10000ms): ok
                # app_backend/web02: healthy until t=10000ms, then refuse
                t=12500ms Server app_backend/web02 is DOWN, reason: Layer4 connection problem, info: "Connection \
                refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, \
                0 remaining in queue.
                # app_backend/web02 refuse: DOWN 2500ms after the failure (budget 10000ms): ok
                # app_backend/web02: healthy until t=10000ms, then blackhole
                t=18500ms Server app_backend/web02 is DOWN, reason: Layer4 timeout, check duration: 2000ms. \
                1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
                # app_backend/web02 blackhole: DOWN 8500ms after the failure (budget 10000ms): ok
                # 4 of 4 failures detected within 10000ms
                """);
        assertThat(err()).isEmpty();
    }

    @Test
    void exitsOneWhenAFailureIsDetectedTooLate() {
        int exit = run("configs/app.cfg", "5s");

        assertThat(exit).isEqualTo(1);
        assertThat(out()).contains("# app_backend/web01 blackhole: still UP 5000ms after the failure: over budget\n")
                .endsWith("# 2 of 4 failures detected within 5000ms\n");
    }

    @Test
    void exitsTwoOnAMissingConfigOrABadBudget() {
        assertThat(run("configs/no-such.cfg")).isEqualTo(2);
        assertThat(err()).startsWith("configs/no-such.cfg");
        assertThat(run("configs/app.cfg", "soon")).isEqualTo(2);
        assertThat(err()).contains("budget: 'soon' (expected: a time such as 2s or 500ms)");
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("usage: PreDeployValidation <haproxy.cfg> [budget, e.g. 10s]");
    }

    private int run(String... args) {
        return PreDeployValidation.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
