package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.spi.TlsSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine alone has no TLS: a configuration whose checks need it fails at build with what to add. (The engine
 * module's tests run without {@code haprobe-engine-tls} on the class path.)
 */
class TlsProviderMissingTest {

    @Test
    void theEngineModuleAloneHasNoTlsProvider() {
        assertThat(TlsSupport.find()).isEmpty();
    }

    @Test
    void aServerWithSslSaysWhichModuleToAdd() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg",
                "backend be\n  server s 127.0.0.1:443 check ssl verify none\n");

        assertThatThrownBy(() -> HealthCheckEngine.builder(config).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("server be/s uses TLS for its checks (ssl/check-ssl at haproxy.cfg:2): add"
                        + " io.haprobe:haprobe-engine-tls to the classpath");
    }

    @Test
    void aTcpCheckConnectSslSaysWhereTheTlsComesFrom() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", "backend be\n  option tcp-check\n"
                + "  tcp-check connect ssl\n  server s 127.0.0.1:443 check verify none\n");

        assertThatThrownBy(() -> HealthCheckEngine.builder(config).build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("server be/s uses TLS for its checks (tcp-check connect ssl in backend be): add"
                        + " io.haprobe:haprobe-engine-tls to the classpath");
    }

    @Test
    void sslOnAServerWithoutCheckNeedsNoProvider() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg",
                "backend be\n  server s 127.0.0.1:443 ssl verify none\n");

        try (HealthCheckEngine engine = HealthCheckEngine.builder(config).build()) {
            assertThat(engine.servers()).hasSize(1);
        }
    }

    @Test
    void aSimulationOfTlsChecksSaysWhichModuleToAdd() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg",
                "backend be\n  server s 10.0.0.1:443 check ssl verify none\n");

        assertThatThrownBy(() -> Simulation.builder(config).script("be/s", ServerScript.of(Behaviour.http(200)))
                .build()).isInstanceOf(IllegalStateException.class)
                .hasMessage("server be/s uses TLS for its checks (ssl/check-ssl at haproxy.cfg:2): add"
                        + " io.haprobe:haprobe-engine-tls to the classpath");
    }

    @Test
    void aSimulatedTlsBackendNeedsTheModuleEvenForPlainChecks() {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", "backend be\n  server s 10.0.0.1:443 check\n");
        ServerScript tls = ServerScript.of(Behaviour.tls(Behaviour.http(200)));

        assertThatThrownBy(() -> Simulation.builder(config).script("be/s", tls).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a simulation with TLS (checks with ssl/check-ssl, or tls backends) needs"
                        + " io.haprobe:haprobe-engine-tls on the classpath");
    }
}
