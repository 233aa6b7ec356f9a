package io.haprobe.examples.readme;

import io.haprobe.junit.HaprobeExtension;
import io.haprobe.junit.SimulatedHaproxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main README's runtime API snippet, run as written against the README's haproxy.cfg
 * ({@code examples/haproxy.cfg}).
 */
class RuntimeApiSnippetTest {

    @RegisterExtension
    static final HaprobeExtension haprobe = new HaprobeExtension();

    // README.md: begin
    @Test
    void drainingWeb01AtTwelveSeconds() {
        SimulatedHaproxy sim = haprobe.config("haproxy.cfg")
                .server("app_backend/web01", s -> s.http(200))
                .start();
        assertThat(sim.at("12s").execute("set server app_backend/web01 state drain")).isEmpty();
        assertThat(sim.execute("get weight app_backend/web01")).isEqualTo("1 (initial 1)\n");
        sim.assertStatusText("app_backend/web01", "DRAIN")
                .assertLogged("t=12000ms Server app_backend/web01 enters drain state. 0 active and 0 backup "
                        + "servers online. 0 sessions requeued, 0 total in queue.")
                .assertLogged("t=12000ms backend app_backend has no server available!");
    }
    // README.md: end
}
