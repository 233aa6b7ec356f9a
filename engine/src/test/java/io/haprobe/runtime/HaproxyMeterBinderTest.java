package io.haprobe.runtime;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The Micrometer binder over a simulated engine: the exporter's names, one show stat per second. */
class HaproxyMeterBinderTest {

    private static final String CONFIG = """
            global
                stats socket /tmp/x.sock level admin
            defaults
                mode http
                timeout connect 2s
                timeout check 1s
            frontend fe
                bind 127.0.0.1:18080
                default_backend be
            backend be
                option httpchk GET /
                server s1 127.0.0.1:18081 check inter 1s
                server s2 127.0.0.1:18099 check inter 1s
                server b1 127.0.0.1:18081 check inter 1s backup
                server s4 127.0.0.1:18081
                server w20 127.0.0.1:18081 check inter 1s weight 20
                server d1 127.0.0.1:18081 check inter 1s disabled
            backend tcp
                mode tcp
                server x1 127.0.0.1:18081 check inter 1s
            """;

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);

    private static Simulation simulation() {
        Simulation.Builder builder = Simulation.builder(HaproxyConfig.parse("h.cfg", CONFIG));
        for (String s : new String[] {"be/s1", "be/b1", "be/s4", "be/w20", "be/d1", "tcp/x1"}) {
            builder.script(s, ServerScript.of(Behaviour.http(200)));
        }
        builder.script("be/s2", ServerScript.of(Behaviour.refuse()));
        return builder.build();
    }

    @Test
    void registersTheExportersFamiliesWithTheirStatesAndValues() {
        try (Simulation sim = simulation()) {
            sim.runFor(Duration.ofSeconds(25));
            HaproxyMeterBinder.of(sim.engine()::showStat).bindTo(registry);

            assertThat(gauge("haproxy.server.status", "be", "s1", "UP")).isEqualTo(1.0);
            assertThat(gauge("haproxy.server.status", "be", "s1", "DOWN")).isEqualTo(0.0);
            assertThat(gauge("haproxy.server.status", "be", "s2", "DOWN")).isEqualTo(1.0);
            assertThat(gauge("haproxy.server.status", "be", "s4", "UP")).isEqualTo(1.0);
            assertThat(gauge("haproxy.server.status", "be", "d1", "MAINT")).isEqualTo(1.0);
            assertThat(gauge("haproxy.server.check.status", "be", "s1", "L7OK")).isEqualTo(1.0);
            assertThat(gauge("haproxy.server.check.status", "be", "s2", "L4CON")).isEqualTo(1.0);
            // the exporter has no check_status sample for a server without check: the meter reads NaN
            assertThat(gauge("haproxy.server.check.status", "be", "s4", "L7OK")).isNaN();
            assertThat(registry.get("haproxy.server.check.code").tags("proxy", "be", "server", "s1").gauge()
                    .value()).isEqualTo(200.0);
            Gauge duration = registry.get("haproxy.server.check.duration").tags("proxy", "be", "server", "s1")
                    .gauge();
            assertThat(duration.getId().getBaseUnit()).isEqualTo("seconds");
            assertThat(registry.get("haproxy.server.weight").tags("proxy", "be", "server", "w20").gauge().value())
                    .isEqualTo(20.0);
            assertThat(registry.get("haproxy.backend.active.servers").tag("proxy", "be").gauge().value())
                    .isEqualTo(3.0);
            assertThat(registry.get("haproxy.backend.backup.servers").tag("proxy", "be").gauge().value())
                    .isEqualTo(1.0);
            assertThat(registry.get("haproxy.backend.weight").tag("proxy", "be").gauge().value()).isEqualTo(22.0);
            assertThat(registry.get("haproxy.server.current.sessions").tags("proxy", "be", "server", "s1").gauge()
                    .value()).isZero();
            FunctionCounter failures = registry.get("haproxy.server.check.failures")
                    .tags("proxy", "be", "server", "s2").functionCounter();
            assertThat(failures.count()).isEqualTo(1.0);
            assertThat(failures.getId().getDescription()).isEqualTo("Total number of failed individual health "
                    + "checks per server/backend, since the worker process started");
            assertThat(registry.get("haproxy.server.downtime").tags("proxy", "be", "server", "s2").functionCounter()
                    .getId().getBaseUnit()).isEqualTo("seconds");
            assertThat(registry.get("haproxy.frontend.http.responses").tags("proxy", "fe", "code", "2xx")
                    .functionCounter().count()).isZero();
            assertThat(registry.find("haproxy.backend.http.responses").tag("proxy", "tcp").meters()).isEmpty();
            assertThat(registry.find("haproxy.process.uptime").meters()).isEmpty();
        }
    }

    @Test
    void readsShowStatOncePerSecondOfTheRegistrysClock() {
        try (Simulation sim = simulation()) {
            sim.runFor(Duration.ofSeconds(5));
            AtomicInteger calls = new AtomicInteger();
            HaproxyMeterBinder.of(() -> {
                calls.incrementAndGet();
                return sim.engine().showStat();
            }).bindTo(registry);
            assertThat(calls).hasValue(1);

            registry.getMeters().forEach(meter -> meter.measure().forEach(m -> m.getValue()));
            assertThat(calls).hasValue(1);

            sim.engine().execute("set server be/s1 state maint");
            assertThat(gauge("haproxy.server.status", "be", "s1", "UP")).isEqualTo(1.0);

            clock.add(Duration.ofSeconds(1));
            assertThat(gauge("haproxy.server.status", "be", "s1", "MAINT")).isEqualTo(1.0);
            assertThat(gauge("haproxy.server.status", "be", "s1", "UP")).isEqualTo(0.0);
            assertThat(gauge("haproxy.server.check.status", "be", "s1", "L7OK")).isNaN();
            assertThat(calls).hasValue(2);
        }
    }

    @Test
    void aFailingSourceReadsNanUntilTheNextFetch() {
        AtomicInteger calls = new AtomicInteger();
        String csv = "# pxname,svname,status,type,mode,\nbe,s1,UP,2,tcp,\n\n";
        HaproxyMeterBinder.of(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("engine is closed");
            }
            return csv;
        }).bindTo(registry);

        clock.add(Duration.ofSeconds(1));
        assertThat(gauge("haproxy.server.status", "be", "s1", "UP")).isNaN();
        clock.add(Duration.ofSeconds(1));
        assertThat(gauge("haproxy.server.status", "be", "s1", "UP")).isEqualTo(1.0);
    }

    @Test
    void meterNamesAreTheFamiliesWithoutTotalAndSeconds() {
        assertThat(HaproxyMeterBinder.meterName("haproxy_server_status")).isEqualTo("haproxy.server.status");
        assertThat(HaproxyMeterBinder.meterName("haproxy_server_downtime_seconds_total"))
                .isEqualTo("haproxy.server.downtime");
        assertThat(HaproxyMeterBinder.meterName("haproxy_backend_check_last_change_seconds"))
                .isEqualTo("haproxy.backend.check.last.change");
        assertThat(HaproxyMeterBinder.meterName("haproxy_backend_active_servers"))
                .isEqualTo("haproxy.backend.active.servers");
    }

    private double gauge(String name, String proxy, String server, String state) {
        return registry.get(name).tags("proxy", proxy, "server", server, "state", state).gauge().value();
    }
}
