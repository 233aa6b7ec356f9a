package io.haprobe.runtime;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a stats socket address is read: which texts are paths, which are loopback TCP, which are refused. */
class StatsSocketAddressTest {

    @Test
    void readsPathsAbsoluteRelativeAndPrefixed() {
        assertThat(StatsSocketAddress.parse("/tmp/hp.sock"))
                .isEqualTo(new StatsSocketAddress.Unix(Path.of("/tmp/hp.sock")));
        assertThat(StatsSocketAddress.parse("unix@/tmp/a:1"))
                .isEqualTo(new StatsSocketAddress.Unix(Path.of("/tmp/a:1")));
        assertThat(StatsSocketAddress.parse("run/hp.sock"))
                .isEqualTo(new StatsSocketAddress.Unix(Path.of("run/hp.sock").toAbsolutePath()));
    }

    @Test
    void readsLoopbackTcpForms() {
        assertThat(port("127.0.0.1:9999")).isEqualTo(9999);
        assertThat(port("127.1.2.3:0")).isZero();
        assertThat(port("[::1]:9999")).isEqualTo(9999);
        assertThat(port("localhost:9999")).isEqualTo(9999);
        assertThat(port("ipv4@127.0.0.1:9999")).isEqualTo(9999);
        assertThat(port("ipv6@::1:9999")).isEqualTo(9999);
    }

    @Test
    void refusesWhatIsNotLoopbackOrNotAnAddress() {
        for (String bad : new String[] {"0.0.0.0:1", "192.168.1.1:1", "[::]:1", "[2001:db8::1]:1", "db.local:1",
                "127.0.0.1:65536", "300.0.0.1:1", "ipv4@[::1]:1", "ipv4@nothing", "", "unix@"}) {
            assertThatThrownBy(() -> StatsSocketAddress.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stats socket address: " + bad);
        }
    }

    private static int port(String text) {
        InetSocketAddress address = ((StatsSocketAddress.Tcp) StatsSocketAddress.parse(text)).address();
        assertThat(address.getAddress().isLoopbackAddress()).as(text).isTrue();
        return address.getPort();
    }
}
