package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.SimulatedTransport;
import io.haprobe.time.Scheduler;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** One check, now and on its own, with the probe the server's schedule would send; on virtual time. */
class ProbeTest {

    private static final HaproxyConfig CONFIG = HaproxyConfig.parse("haproxy.cfg", """
            defaults
              timeout connect 1s
            backend be
              option httpchk GET /health
              http-check expect status 200
              server ok 10.0.0.1:80 check
              server wrong 10.0.0.2:80 check
              server slow 10.0.0.3:80 check inter 2s
              server off 10.0.0.4:80
            backend maint
              option httpchk GET /health
              http-check disable-on-404
              server m 10.0.0.5:80 check disabled
            """);

    private final VirtualScheduler clock = new VirtualScheduler();
    private final SimulatedTransport simulated = new SimulatedTransport(clock, Map.of(
            "be/ok", ServerScript.of(Behaviour.http(200)),
            "be/wrong", ServerScript.of(Behaviour.http(204)),
            "be/slow", ServerScript.of(Behaviour.hang()),
            "maint/m", ServerScript.of(Behaviour.http(404))), new SplittableRandom(1));
    private final List<String> connects = new ArrayList<>();
    /** The simulated transport, counting the connections the probe opens. */
    private final ProbeTransport transport = new ProbeTransport() {
        @Override
        public Scheduler scheduler() {
            return simulated.scheduler();
        }

        @Override
        public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
            connects.add(target.backend() + "/" + target.server());
            return simulated.connect(target, handler);
        }

        @Override
        public void close() {
            simulated.close();
        }
    };

    @Test
    void aCheckReportsWhatTheServersCheckWouldAndChangesNothing() {
        try (Probe probe = Probe.create(CONFIG, transport)) {
            CompletableFuture<List<CheckOutcome>> ok = probe.check("be", "ok");
            CompletableFuture<List<CheckOutcome>> wrong = probe.check("be", "wrong");
            clock.runFor(Duration.ofMillis(10));

            assertThat(ok.join()).extracting(CheckOutcome::status, CheckOutcome::code)
                    .containsExactly(tuple(CheckStatus.L7OK, 200));
            assertThat(wrong.join()).extracting(CheckOutcome::status, CheckOutcome::code, CheckOutcome::info)
                    .containsExactly(tuple(CheckStatus.L7STS, 204, "No Content"));
            // nothing was scheduled besides the two checks: no second check comes
            assertThat(connects).containsExactly("be/ok", "be/wrong");
            clock.runFor(Duration.ofMinutes(1));
            assertThat(connects).containsExactly("be/ok", "be/wrong");
        }
    }

    @Test
    void aHangingServerEndsAtTheChecksOwnBound() {
        try (Probe probe = Probe.create(CONFIG, transport)) {
            CompletableFuture<List<CheckOutcome>> slow = probe.check("be", "slow");
            clock.runFor(Duration.ofMillis(1999));
            assertThat(slow).isNotDone();

            clock.runFor(Duration.ofMillis(1));
            assertThat(slow.join()).extracting(CheckOutcome::status).containsExactly(CheckStatus.L7TOUT);
        }
    }

    @Test
    void checksOfOneServerEachReportTheirOwnOutcomeWhetherTheyOverlapOrFollow() {
        for (ProbeTransport on : List.of(transport, simulated)) {
            // over channels (the wrapper) a run is never reused; channel-free (the simulated transport itself) a
            // finished run serves the next check
            try (Probe probe = Probe.create(CONFIG, on)) {
                CompletableFuture<List<CheckOutcome>> first = probe.check("be", "slow");
                clock.runFor(Duration.ofMillis(500));
                CompletableFuture<List<CheckOutcome>> overlapping = probe.check("be", "slow");
                clock.runFor(Duration.ofMillis(1500));
                assertThat(first.join()).extracting(CheckOutcome::status).containsExactly(CheckStatus.L7TOUT);
                assertThat(overlapping).isNotDone();
                clock.runFor(Duration.ofMillis(500));
                assertThat(overlapping.join()).extracting(CheckOutcome::status).containsExactly(CheckStatus.L7TOUT);

                CompletableFuture<List<CheckOutcome>> next = probe.check("be", "slow");
                clock.runFor(Duration.ofMillis(1999));
                assertThat(next).isNotDone();
                clock.runFor(Duration.ofMillis(1));
                assertThat(next.join()).extracting(CheckOutcome::status).containsExactly(CheckStatus.L7TOUT);
            }
        }
    }

    @Test
    void aServerStartingInMaintenanceIsProbedAsDown() {
        // disable-on-404 only applies while the server is not DOWN: at boot a disabled server is DOWN
        try (Probe probe = Probe.create(CONFIG, transport)) {
            CompletableFuture<List<CheckOutcome>> m = probe.check("maint", "m");
            clock.runFor(Duration.ofMillis(10));

            assertThat(m.join()).extracting(CheckOutcome::status).containsExactly(CheckStatus.L7STS);
        }
    }

    @Test
    void onlyServersWithCheckCanBeProbed() {
        try (Probe probe = Probe.create(CONFIG, transport)) {
            assertThatThrownBy(() -> probe.check("be", "off")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("server: 'be/off' (expected: a server with check, one of [be/ok, be/wrong,"
                            + " be/slow, maint/m])");
            assertThatThrownBy(() -> probe.check("nope", "ok")).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
