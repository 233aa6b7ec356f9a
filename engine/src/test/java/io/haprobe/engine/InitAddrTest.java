package io.haprobe.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code init-addr} at start, as HAProxy 2.6.12 does it. Run for real with a stats socket, 2.6.12 showed for
 * {@code server bad nonexistent.invalid:80 check init-addr last,libc,none} the warning "could not resolve
 * address 'nonexistent.invalid', disabling server" and in {@code show stat} the status "MAINT (resolution)" with
 * no check status (never checked); the same for {@code server-template api 3 nonexistent.invalid:80 check
 * resolvers dns init-addr none} (api1..api3). Without {@code none}, an unresolvable name stops the start.
 */
class InitAddrTest {

    private static final long MS = 1_000_000L;

    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final List<HealthEvent> events = new ArrayList<>();
    private final List<InetSocketAddress> connected = new ArrayList<>();
    private HealthCheckEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void anUnresolvableServerWithNoneStartsInMaintenanceAndIsNotChecked() {
        start(HaproxyConfig.parse("t.cfg", String.join("\n",
                "backend be",
                "  server ok 127.0.0.1:9001 check inter 1s",
                "  server bad nonexistent.invalid:80 check inter 1s init-addr last,libc,none",
                "  server-template api 2 nonexistent.invalid:80 check inter 1s init-addr none"), Map.of()));

        scheduler.runUntil(5_000 * MS);

        assertThat(events).filteredOn(e -> e instanceof HealthEvent.CheckCompleted)
                .extracting(e -> ((HealthEvent.CheckCompleted) e).server()).containsOnly("ok");
        for (String name : List.of("bad", "api1", "api2")) {
            ServerSnapshot snapshot = engine.server("be", name).orElseThrow();
            assertThat(snapshot.maintenance()).isTrue();
            assertThat(snapshot.statusText()).isEqualTo("MAINT");
        }
    }

    @Test
    void anIpAddressInInitAddrIsTheFallback() {
        start(HaproxyConfig.parse("t.cfg", String.join("\n",
                "backend be",
                "  server s nonexistent.invalid:9001 check inter 1s init-addr libc,127.0.0.9"), Map.of()));

        scheduler.runUntil(10 * MS);

        assertThat(connected).extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.9", 9001));
        assertThat(engine.server("be", "s").orElseThrow().maintenance()).isFalse();
    }

    @Test
    void anUnresolvableServerWithoutNoneStopsTheStartAsHaproxyDoes() {
        HaproxyConfig config = HaproxyConfig.parse("t.cfg", String.join("\n",
                "backend be",
                "  server s nonexistent.invalid:80 check"), Map.of());

        assertThatThrownBy(() -> HealthCheckEngine.builder(config).transport(transport()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.cfg:2:3: could not resolve address 'nonexistent.invalid' of server 's'");
    }

    private void start(HaproxyConfig config) {
        engine = HealthCheckEngine.builder(config).transport(transport()).listenerExecutor(Runnable::run)
                .listener(events::add).build();
        engine.start();
    }

    /** The simulated transport, with a resolver that knows no {@code .invalid} name. */
    private ProbeTransport transport() {
        SimulatedTransport simulated = new SimulatedTransport(scheduler,
                Map.of("be/ok", ServerScript.of(Behaviour.refuse()), "be/s", ServerScript.of(Behaviour.refuse())),
                new SplittableRandom(1));
        return new ProbeTransport() {
            @Override
            public Scheduler scheduler() {
                return simulated.scheduler();
            }

            @Override
            public InetSocketAddress resolve(String host, int port) throws UnknownHostException {
                if (host.endsWith(".invalid")) {
                    throw new UnknownHostException(host);
                }
                return simulated.resolve(host, port);
            }

            @Override
            public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
                connected.add(target.address());
                return simulated.connect(target, handler);
            }

            @Override
            public TlsClient tlsClient(TlsSupport support, TlsClientSpec spec) {
                return simulated.tlsClient(support, spec);
            }

            @Override
            public void close() {
                simulated.close();
            }
        };
    }
}
