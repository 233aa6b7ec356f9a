package io.haprobe.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ServerConfig}, its builder and its groups of settings. */
class ServerConfigTest {

    private static final SourceLocation HERE = new SourceLocation("t.cfg", 1, 1);

    @Test
    void aBuilderStartsWithHaproxysDefaults() {
        ServerConfig server = ServerConfig.builder("s", "10.0.0.1", 80, HERE).build();
        assertThat(server).extracting(ServerConfig::timing, ServerConfig::check, ServerConfig::agent,
                ServerConfig::traffic).containsExactly(CheckTiming.DEFAULT, HealthCheck.DISABLED, AgentCheck.NONE,
                TrafficSettings.DEFAULT);
        assertThat(server.timing()).extracting(CheckTiming::interNanos, CheckTiming::rise, CheckTiming::fall)
                .containsExactly(2_000_000_000L, 2, 3);
        assertThat(server.traffic().weight()).isEqualTo(1);
    }

    @Test
    void buildMayBeCalledAgainAndToBuilderDerivesAVariant() {
        ServerConfig.Builder builder = ServerConfig.builder("s", "10.0.0.1", 80, HERE).check(HealthCheck.ENABLED);
        ServerConfig first = builder.build();
        assertThat(builder.build()).isEqualTo(first).isNotSameAs(first);
        ServerConfig backup = first.toBuilder()
                .traffic(TrafficSettings.of(1, 0, 0, true, false, ProxyProtocol.NONE)).build();
        assertThat(backup.traffic().backup()).isTrue();
        assertThat(backup.toBuilder().traffic(TrafficSettings.DEFAULT).build()).isEqualTo(first);
    }

    @Test
    void buildRefusesEnabledChecksWithoutAPortToConnectTo() {
        assertThatThrownBy(() -> ServerConfig.builder("s", "10.0.0.1", 0, HERE).check(HealthCheck.ENABLED).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port, check.target().port(): 0, 0 (expected: one of them > 0 when the check is enabled)");
        ServerConfig checkPort = ServerConfig.builder("s", "10.0.0.1", 0, HERE)
                .check(new HealthCheck(true, new CheckAddress(null, 8080), false, TlsSettings.NONE)).build();
        assertThat(checkPort.effectiveCheckPort()).isEqualTo(8080);
        assertThatThrownBy(() -> ServerConfig.builder("s", "10.0.0.1", 80, HERE)
                .agent(new AgentCheck(true, 0, AgentCheck.DEFAULT_INTER_NANOS, null, null)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent.port(), check.target().port(): 0, 0 (expected: one of them > 0 when the agent"
                        + " check is enabled)");
    }

    @Test
    void groupsCheckTheirOwnRanges() {
        assertThatThrownBy(() -> new CheckTiming(0, 0, 0, 2, 3)).hasMessage("interNanos: 0 (expected: > 0)");
        assertThatThrownBy(() -> new CheckTiming(1, 0, 0, 0, 3)).hasMessage("rise: 0 (expected: >= 1)");
        assertThatThrownBy(() -> TrafficSettings.of(257, 0, 0, false, false, ProxyProtocol.NONE))
                .hasMessage("weight: 257 (expected: 0..256)");
        assertThatThrownBy(() -> new CheckAddress(null, 70000)).hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> new AgentCheck(false, 0, 0, null, null)).hasMessage("interNanos: 0 (expected: > 0)");
    }

    @Test
    void checksInheritTheServersProxyProtocolUnlessTheyHaveTheirOwnAddress() {
        ServerConfig v2 = ServerConfig.builder("s", "10.0.0.1", 80, HERE)
                .traffic(TrafficSettings.of(1, 0, 0, false, false, ProxyProtocol.V2)).build();
        assertThat(v2.checkProxyProtocol()).isEqualTo(ProxyProtocol.V2);
        HealthCheck ownPort = new HealthCheck(true, new CheckAddress(null, 81), false, TlsSettings.NONE);
        assertThat(v2.toBuilder().check(ownPort).build().checkProxyProtocol()).isEqualTo(ProxyProtocol.NONE);
        HealthCheck forced = new HealthCheck(true, new CheckAddress(null, 81), true, TlsSettings.NONE);
        assertThat(v2.toBuilder().check(forced).build().checkProxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(v2.toBuilder().check(forced).traffic(TrafficSettings.DEFAULT).build().checkProxyProtocol())
                .isEqualTo(ProxyProtocol.V1);
        assertThat(ProxyProtocol.of(true, true)).isEqualTo(ProxyProtocol.V2);
    }
}
