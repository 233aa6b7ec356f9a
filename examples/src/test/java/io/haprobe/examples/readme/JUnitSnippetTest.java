package io.haprobe.examples.readme;

import io.haprobe.junit.HaprobeExtension;
import io.haprobe.junit.SimulatedHaproxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The main README's JUnit 5 snippet, run as written against the README's haproxy.cfg ({@code examples/haproxy.cfg},
 * which the build copies to the test class path).
 */
class JUnitSnippetTest {

    // README.md: begin
    @RegisterExtension
    static final HaprobeExtension haprobe = new HaprobeExtension();

    @Test
    void wrongStatusTakesWeb01Down() {
        SimulatedHaproxy sim = haprobe.config("haproxy.cfg")            // a classpath resource or a path
                .server("app_backend/web01", s -> s.at("0s").http(200).at("5s").http(204, "No Content"))
                .start();
        sim.runFor("20s");                                               // virtual time: milliseconds of wall time
        // the checks at 0s, 2s and 4s pass; those at 6s, 8s and 10s get the 204: fall 3
        sim.assertTransitions("t=10000ms app_backend/web01 UP->DOWN L7STS 204 \"No Content\"");
    }
    // README.md: end
}
