package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.transport.NettyProbeTransport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How many event loops a live engine checks on: {@code --threads}, then {@code nbthread}, then the processors. */
class ThreadsTest {

    private static final String SERVERS = """
            defaults
                mode http
            backend app
                server web01 127.0.0.1:18080 check
                server web02 127.0.0.1:18081 check
                server web03 127.0.0.1:18082 check
            """;

    @Test
    void nbthreadOfGlobalIsTheDefault() {
        HaproxyConfig config = HaproxyConfig.parse("t.cfg", "global\n    nbthread 3\n" + SERVERS);

        assertThat(config.global().nbthread()).isEqualTo(3);
        assertThat(HealthCheckEngine.eventLoops(config, 0)).isEqualTo(3);
        assertThat(HealthCheckEngine.eventLoops(config, 2)).isEqualTo(2);
    }

    @Test
    void withoutNbthreadOneLoopPerProcessor() {
        HaproxyConfig config = HaproxyConfig.parse("t.cfg", SERVERS);

        assertThat(config.global().nbthread()).isZero();
        assertThat(HealthCheckEngine.eventLoops(config, 0)).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> HealthCheckEngine.eventLoops(config, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("threads: -1 (expected: >= 0)");
    }

    @Test
    void nbthreadHaproxyRefusesIsLeftUnset() {
        for (String value : new String[] {"0", "65", "abc", "4x"}) {
            HaproxyConfig config = HaproxyConfig.parse("t.cfg", "global\n    nbthread " + value + "\n" + SERVERS);
            assertThat(config.global().nbthread()).as(value).isZero();
        }
    }

    @Test
    void anEngineWithoutTransportRunsOnNbthreadLoops() {
        HaproxyConfig config = HaproxyConfig.parse("t.cfg", "global\n    nbthread 3\n" + SERVERS);

        try (HealthCheckEngine engine = HealthCheckEngine.builder(config).build()) {
            assertThat(engine.threads()).isEqualTo(3);
        }
        try (HealthCheckEngine engine = HealthCheckEngine.builder(config).threads(2).build()) {
            assertThat(engine.threads()).isEqualTo(2);
        }
    }

    @Test
    void aGivenTransportDecidesTheLoops() {
        HaproxyConfig config = HaproxyConfig.parse("t.cfg", "global\n    nbthread 3\n" + SERVERS);

        try (NettyProbeTransport transport = NettyProbeTransport.create(1);
             HealthCheckEngine engine = HealthCheckEngine.builder(config).transport(transport).threads(4).build()) {
            assertThat(engine.threads()).isEqualTo(1);
            assertThat(transport.schedulers()).hasSize(1);
        }
        assertThat(Simulation.builder(HaproxyConfig.parse("t.cfg", "global\n    nbthread 3\n" + SERVERS)).build()
                .engine().threads()).isEqualTo(1);
    }
}
