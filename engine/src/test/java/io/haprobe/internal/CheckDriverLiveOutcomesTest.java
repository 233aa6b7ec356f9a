package io.haprobe.internal;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.check.CheckProgram;
import io.haprobe.time.VirtualScheduler;
import io.haprobe.transport.CheckTarget;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outcomes of a live {@link CheckDriver} ({@link CheckDriver#wholeMillisDurations}): durations in HAProxy's whole
 * milliseconds, and the steady checks of a thread's servers ending with results that already exist, so that a check
 * stores no new object into its server's long-lived state.
 */
class CheckDriverLiveOutcomesTest {

    private static final long S = 1_000_000_000L;
    private static final long US = 1_000L;
    private static final CheckTarget TARGET = new CheckTarget("be", "s1", new InetSocketAddress("10.0.0.1", 80), null);

    private final VirtualScheduler clock = new VirtualScheduler();
    private final List<CheckConnection> opened = new ArrayList<>();
    private final CheckDriver.Connector connector = (target, rule, proxyVersion) -> {
        CheckConnection wire = new Wire();
        opened.add(wire);
        return wire;
    };

    /** Runs one connect-only check of {@code driver} that connects after {@code nanos}; returns what it reported. */
    private List<CheckOutcome> check(CheckDriver driver, long nanos) {
        if (driver.finished()) {
            driver.reset(CheckProgram.connectOnly());
        }
        driver.start(connector, TARGET);
        clock.runFor(nanos);
        driver.connected(opened.get(opened.size() - 1));
        return lastReport(driver);
    }

    private final List<List<CheckOutcome>> reports = new ArrayList<>();

    private List<CheckOutcome> lastReport(CheckDriver driver) {
        assertThat(driver.finished()).isTrue();
        return reports.get(reports.size() - 1);
    }

    private CheckDriver liveDriver() {
        CheckDriver driver = new CheckDriver(CheckProgram.connectOnly(), clock, 2 * S, 0, 0, reports::add);
        driver.wholeMillisDurations(true);
        return driver;
    }

    @Test
    void liveDurationsAreWholeMillisecondsAndEqualOutcomesAreOneInstanceAcrossChecksAndServers() {
        CheckDriver first = liveDriver();
        CheckDriver second = liveDriver();

        List<CheckOutcome> a = check(first, 300 * US);
        assertThat(a).extracting(CheckOutcome::status).containsExactly(CheckStatus.L4OK);
        assertThat(a.get(0).durationNanos()).isZero();
        // the next check of the server, 0.7 ms: the same millisecond, the same results
        assertThat(check(first, 700 * US)).isSameAs(a);
        // another server of the thread
        assertThat(check(second, 400 * US)).isSameAs(a);
        List<CheckOutcome> b = check(second, 1_200 * US);
        assertThat(b.get(0).durationNanos()).isEqualTo(1_000 * US);
        assertThat(b.get(0).durationMillis()).isEqualTo(1);
        // back to 0 ms and to 1 ms: the shared ones again
        assertThat(check(second, 10 * US)).isSameAs(a);
        assertThat(check(first, 1_999 * US)).isSameAs(b);
        // the driver lets each finished connection go: nothing of a finished check stays reachable from it
        assertThat(first.takeSpareConnection()).isNull();
    }

    @Test
    void withoutWholeMillisecondsTheDurationIsTheClocks() {
        CheckDriver driver = new CheckDriver(CheckProgram.connectOnly(), clock, 2 * S, 0, 0, reports::add);
        List<CheckOutcome> a = check(driver, 300 * US);
        assertThat(a.get(0).durationNanos()).isEqualTo(300 * US);
        List<CheckOutcome> b = check(driver, 700 * US);
        assertThat(b.get(0).durationNanos()).isEqualTo(700 * US);
    }

    private static final class Wire implements CheckConnection {
        @Override
        public void send(byte[] bytes) {
        }

        @Override
        public void close(boolean abort) {
        }
    }
}
