package io.haprobe.examples;

import io.haprobe.ServerState;
import io.haprobe.junit.HaprobeExtension;
import io.haprobe.junit.SimulatedHaproxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The runbook's wrong-status case as an integration test on virtual time: web01's health endpoint starts
 * answering {@code 204 No Content} at t=5s while the check accepts only {@code 200}. Twenty simulated seconds
 * run in a few milliseconds, and the timeline is the same on every run.
 */
class WrongStatusRunbookTest {

    // examples/README.md: begin
    @RegisterExtension
    static final HaprobeExtension HAPROBE = new HaprobeExtension();

    @Test
    void a204TakesWeb01DownAfterFallFailedChecks() {
        SimulatedHaproxy sim = HAPROBE.config("wrong-status.cfg")
                .server("app_backend/web01", s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
                .server("app_backend/web02", s -> s.http(200))
                .seed(7)
                .start();

        sim.runFor("20s");

        // checks at 6s, 7s (fastinter 1s) and 8s fail: fall 3; nothing else changes state
        sim.assertTransitions("t=8000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"");
        sim.assertState("app_backend/web01", ServerState.DOWN)
                .assertLastCheck("app_backend/web01", "L7STS 204 \"No Content\"")
                .assertStatusText("app_backend/web02", "UP");
        sim.assertLogged("t=8000ms Server app_backend/web01 is DOWN, reason: Layer7 wrong status, code: 204, "
                + "info: \"No Content\", check duration: 0ms. 1 active and 0 backup servers left. "
                + "0 sessions active, 0 requeued, 0 remaining in queue.");
    }
    // examples/README.md: end

    @Test
    void theRunbooksFixKeepsWeb01Up() {
        SimulatedHaproxy sim = HAPROBE.config("rstatus-fix.cfg")
                .server("app_backend/web01", s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
                .server("app_backend/web02", s -> s.http(200))
                .seed(7)
                .start();

        sim.runFor("20s");

        sim.assertNoTransition()
                .assertLastCheck("app_backend/web01", "L7OK 204")
                .assertStatusText("app_backend/web01", "UP");
    }
}
