package io.haprobe.engine;

import io.haprobe.config.ConfigException;
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
    void nbthreadHaproxyRefusesIsRefusedWithItsMessage() {
        // each message as haproxy -c -f 2.6.12 prints it for the same line ("parsing [t.cfg:2] : ...")
        String range = "'nbthread' value must be between 1 and 64 (was ";
        String unparsable = "'nbthread' passed a missing or unparsable integer value in '";
        String[][] cases = {
                {"0", "t.cfg:2:14: " + range + "0)"},
                {"65", "t.cfg:2:14: " + range + "65)"},
                {"-1", "t.cfg:2:14: " + range + "-1)"},
                {"2147483648", "t.cfg:2:14: " + range + "2147483648)"},
                {"99999999999999999999", "t.cfg:2:14: " + range + "9223372036854775807)"},
                {"-99999999999999999999", "t.cfg:2:14: " + range + "-9223372036854775808)"},
                {"abc", "t.cfg:2:14: " + unparsable + "abc'"},
                {"4x", "t.cfg:2:14: " + unparsable + "4x'"},
                {"0x10", "t.cfg:2:14: " + unparsable + "0x10'"},
                {"'5 '", "t.cfg:2:14: " + unparsable + "5 '"},
                {"", "t.cfg:2:5: " + unparsable + "'"},
                {"1 2", "t.cfg:2:16: 'nbthread' cannot handle unexpected argument '2'."},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> HaproxyConfig.parse("t.cfg", "global\n    nbthread " + c[0] + "\n" + SERVERS))
                    .as(c[0]).isInstanceOf(ConfigException.class).hasMessage(c[1]);
        }
    }

    @Test
    void nbthreadReadsAsStrtolAndTheLastLineWins() {
        // 2.6.12 accepts these (haproxy -c exit 2 "no listener" only), also 3 threads on this 2-core machine
        for (String value : new String[] {"+5", "' 5'", "005"}) {
            assertThat(HaproxyConfig.parse("t.cfg", "global\n    nbthread " + value + "\n" + SERVERS).global()
                    .nbthread()).as(value).isEqualTo(5);
        }
        assertThat(HaproxyConfig.parse("t.cfg", "global\n    nbthread 2\n    nbthread 64\n" + SERVERS).global()
                .nbthread()).isEqualTo(64);
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
