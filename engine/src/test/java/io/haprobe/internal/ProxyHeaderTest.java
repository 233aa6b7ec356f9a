package io.haprobe.internal;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The PROXY header bytes (spec §6.2) and which servers' checks send them (observed on HAProxy 2.6.12). */
class ProxyHeaderTest {

    @Test
    void version1NamesTheConnectionsAddressesOrUnknown() {
        assertThat(text(ProxyHeader.of(1, new InetSocketAddress("127.0.0.1", 46910),
                new InetSocketAddress("127.0.0.1", 19021)))).isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 46910 19021\r\n");
        assertThat(text(ProxyHeader.of(1, new InetSocketAddress("::1", 5000), new InetSocketAddress("::1", 80))))
                .isEqualTo("PROXY TCP6 ::1 ::1 5000 80\r\n");
        assertThat(text(ProxyHeader.of(1, null, InetSocketAddress.createUnresolved("web01", 80))))
                .isEqualTo("PROXY UNKNOWN\r\n");
        assertThat(text(ProxyHeader.of(1, new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("::1", 80))))
                .isEqualTo("PROXY UNKNOWN\r\n");
    }

    @Test
    void version2IsTheLocalCommandWithoutAddresses() {
        assertThat(HexFormat.of().formatHex(ProxyHeader.of(2, null, null)))
                .isEqualTo("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000");
        assertThatThrownBy(() -> ProxyHeader.of(3, null, null)).hasMessage("version: 3 (expected: 1 or 2)");
    }

    @Test
    void checksInheritTheServersHeaderUnlessPortOrAddrAndCheckSendProxyForcesIt() {
        HaproxyConfig config = HaproxyConfig.parse("test.cfg", """
                backend be
                    server none 10.0.0.1:80 check
                    server v1 10.0.0.2:80 check send-proxy
                    server v2 10.0.0.3:80 check send-proxy-v2
                    server port 10.0.0.4:80 check send-proxy port 8080
                    server forced 10.0.0.5:80 check send-proxy-v2 port 8080 check-send-proxy
                    server alone 10.0.0.6:80 check check-send-proxy
                    server cancelled 10.0.0.7:80 check send-proxy no-check-send-proxy
                    server both 10.0.0.8:80 check send-proxy send-proxy-v2 no-send-proxy-v2
                """);

        assertThat(config.proxy("be").orElseThrow().servers()).extracting(ServerConfig::name,
                s -> s.checkProxyProtocol().version()).containsExactly(
                tuple("none", 0), tuple("v1", 1),
                tuple("v2", 2), tuple("port", 0),
                tuple("forced", 2), tuple("alone", 1),
                // 2.6.12 still sends the inherited header with no-check-send-proxy
                tuple("cancelled", 1), tuple("both", 1));
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void aSimulatedBackendReadsTheHeaderThenTheRequest() {
        Simulation sim = Simulation.builder(HaproxyConfig.parse("test.cfg", """
                backend be
                    option httpchk GET /
                    server s1 10.0.0.1:80 check inter 1s check-send-proxy
                """)).script("be/s1", ServerScript.of(Behaviour.http(200))).build();

        sim.runFor(Duration.ofMillis(500));

        assertThat(sim.timeline().checks("be/s1").get(0).outcome().status().tag()).isEqualTo("L7OK");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
