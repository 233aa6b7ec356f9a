package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A {@link CheckDriver} reset for another run, as a server's channel-free checks share one. */
class CheckDriverReuseTest {

    private static final long S = 1_000_000_000L;
    private static final CheckTarget TARGET = new CheckTarget("be", "s1", new InetSocketAddress("10.0.0.1", 80), null);

    private final VirtualScheduler clock = new VirtualScheduler();
    private final List<CheckOutcome> outcomes = new ArrayList<>();
    private final List<Wire> wires = new ArrayList<>();
    private final DirectConnector connector = (target, proxyVersion, driver) -> {
        Wire wire = new Wire();
        wires.add(wire);
        return wire;
    };

    @Test
    void aResetDriverRunsAgainAsANewOneAndIgnoresTheConnectionOfTheRunBefore() {
        CheckDriver driver = new CheckDriver(CheckProgram.connectOnly(), clock, 2 * S, 0, 0, outcomes::addAll);
        driver.start(connector, TARGET);
        driver.connected(wires.get(0));
        assertThat(driver.finished()).isTrue();
        assertThat(outcomes).extracting(CheckOutcome::status).containsExactly(CheckStatus.L4OK);
        assertThat(wires.get(0).closed).isTrue();

        clock.runFor(S);
        driver.reset(CheckProgram.connectOnly());
        assertThat(driver.finished()).isFalse();
        driver.start(connector, TARGET);
        // the first run's connection is not the current one
        driver.connected(wires.get(0));
        driver.failed(wires.get(0), "Connection refused");
        assertThat(outcomes).hasSize(1);
        // the first run's deadline was cancelled: only the second run's fires, 2 s after its start
        clock.runFor(2 * S - 1);
        assertThat(outcomes).hasSize(1);
        clock.runFor(1);
        assertThat(outcomes).extracting(CheckOutcome::status).containsExactly(CheckStatus.L4OK, CheckStatus.L4TOUT);
        assertThat(outcomes.get(1).durationNanos()).isEqualTo(2 * S);
        assertThat(wires).hasSize(2);
        assertThat(wires.get(1).closed).isTrue();
    }

    @Test
    void aDriverNotYetStartedIsIdleAndRunsTheProgramItIsResetTo() {
        // made ahead of the first check with one program, reset to another once the server's state asks for it
        CheckDriver driver = new CheckDriver(CheckProgram.connectOnly(), clock, 2 * S, 0, 0, outcomes::addAll);
        assertThat(driver.idle()).isTrue();
        assertThat(driver.finished()).isFalse();
        driver.reset(CheckProgram.agent(80, null, "ping\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(driver.idle()).isTrue();

        driver.start(connector, TARGET);
        assertThat(driver.idle()).isFalse();
        driver.connected(wires.get(0));
        // the agent program sends and waits for a reply line, where the connect-only one would have passed
        assertThat(wires.get(0).sent).isEqualTo("ping\n");
        assertThat(outcomes).isEmpty();
        driver.received(wires.get(0), "up\n".getBytes(StandardCharsets.US_ASCII), 0, 3);
        driver.peerClosed(wires.get(0));
        assertThat(outcomes).isNotEmpty();
        assertThat(driver.idle()).isTrue();
        assertThat(driver.agentReply()).isNotNull();
    }

    @Test
    void theLastConnectionIsOfferedOnceToTheNextRunAndCountsAgainOnlyOnceReopened() {
        List<CheckConnection> offered = new ArrayList<>();
        DirectConnector reusing = (target, proxyVersion, driver) -> {
            CheckConnection spare = driver.takeSpareConnection();
            offered.add(spare);
            if (spare != null) {
                ((Wire) spare).closed = false; // re-opened
                return spare;
            }
            Wire wire = new Wire();
            wires.add(wire);
            return wire;
        };
        CheckDriver driver = new CheckDriver(CheckProgram.connectOnly(), clock, 2 * S, 0, 0, outcomes::addAll);
        driver.start(reusing, TARGET);
        assertThat(driver.takeSpareConnection()).isNull(); // nothing to offer to the first run
        driver.connected(wires.get(0));
        assertThat(wires.get(0).closed).isTrue();

        driver.reset(CheckProgram.connectOnly());
        // between two runs, the closed connection is nobody's: its events are ignored
        driver.connected(wires.get(0));
        driver.failed(wires.get(0), "Connection refused");
        assertThat(outcomes).hasSize(1);
        driver.start(reusing, TARGET);
        assertThat(offered).containsExactly(null, wires.get(0));
        assertThat(driver.takeSpareConnection()).isNull(); // offered once
        driver.connected(wires.get(0)); // re-opened for this run: its events count again
        assertThat(outcomes).extracting(CheckOutcome::status).containsExactly(CheckStatus.L4OK, CheckStatus.L4OK);
        assertThat(wires).hasSize(1);
        assertThat(wires.get(0).closed).isTrue();
    }

    @Test
    void aDriverWhoseRunGoesOnCannotBeReset() {
        CheckDriver driver = new CheckDriver(CheckProgram.connectOnly(), clock, 2 * S, 0, 0, outcomes::addAll);
        driver.start(connector, TARGET);
        assertThat(driver.idle()).isFalse();
        assertThatThrownBy(() -> driver.reset(CheckProgram.connectOnly()))
                .isInstanceOf(IllegalStateException.class);
    }

    private static final class Wire implements CheckConnection {
        boolean closed;
        String sent = "";

        @Override
        public void send(byte[] bytes) {
            sent += new String(bytes, StandardCharsets.US_ASCII);
        }

        @Override
        public void close(boolean abort) {
            closed = true;
        }
    }
}
