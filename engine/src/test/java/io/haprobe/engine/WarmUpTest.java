package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.transport.NettyProbeTransport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A live run's warm-up ({@link WarmUp}) on real loopback sockets. */
@Tag("live")
class WarmUpTest {

    @Test
    void theConfigChecksItsServersOverHttpEvery100MsAtTheGivenAddressOnly() {
        HaproxyConfig config = WarmUp.config(new InetSocketAddress("127.0.0.1", 40_123), WarmUp.SERVERS);
        assertThat(config.proxies()).hasSize(1);
        ProxyConfig backend = config.proxies().get(0);
        List<ServerConfig> servers = backend.servers();
        assertThat(servers).hasSize(WarmUp.SERVERS)
                .allSatisfy(server -> {
                    assertThat(server.address()).isEqualTo("127.0.0.1");
                    assertThat(server.port()).isEqualTo(40_123);
                    assertThat(server.check().enabled()).isTrue();
                });
        assertThat(servers.get(0).timing().interNanos()).isEqualTo(100_000_000L);
        assertThat(backend.httpCheck()).isTrue();
    }

    @Test
    void checksTheResponderForTheGivenTimeAndLeavesTheTransportOpen() throws Exception {
        try (NettyProbeTransport transport = NettyProbeTransport.create(2)) {
            long checks = WarmUp.run(transport, Duration.ofMillis(600));
            // 1,000 servers at inter 100ms, then 100, would be about 3,300 checks; a cold JVM on a loaded machine
            // does far fewer (a few hundred seen beside a build), so only that some completed is certain
            assertThat(checks).isPositive();

            // the run's engine goes on on the same transport
            long again = WarmUp.run(transport, Duration.ofMillis(200));
            assertThat(again).isPositive();
        }
    }

    @Test
    void onOneOfTheTransportsLoopsItRefusesRatherThanBlockTheLoop() throws Exception {
        try (NettyProbeTransport transport = NettyProbeTransport.create(1)) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            transport.scheduler().execute(() -> {
                try {
                    WarmUp.run(transport, Duration.ofMillis(100));
                    thrown.complete(null);
                } catch (Throwable e) {
                    thrown.complete(e);
                }
            });
            assertThat(thrown.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void noTimeIsNoWarmUp() throws Exception {
        try (NettyProbeTransport transport = NettyProbeTransport.create(1)) {
            assertThat(WarmUp.run(transport, Duration.ZERO)).isZero();
            assertThat(WarmUp.run(transport, Duration.ofMillis(-5))).isZero();
        }
    }
}
