package io.haprobe.junit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventStatistics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension's lifecycle: it closes what a test started once the test (and its {@code @AfterEach} methods)
 * is done, what {@code @BeforeAll} started once the class is done, and only what it started. The test classes
 * nested here run through JUnit's {@link EngineTestKit}, so that this test can look at their runs afterwards.
 */
@Tag("live")
class HaprobeExtensionLifecycleTest {

    private static final String CFG = "io/haprobe/junit/wrong-status.cfg";
    private static final List<SimulatedHaproxy> SIMULATIONS = new CopyOnWriteArrayList<>();
    private static final List<LiveHaproxy> LIVE = new CopyOnWriteArrayList<>();
    private static final List<String> NOTES = new CopyOnWriteArrayList<>();
    private static volatile boolean insideTestKit;

    @BeforeEach
    void forgetEarlierRuns() {
        SIMULATIONS.clear();
        LIVE.clear();
        NOTES.clear();
    }

    @Test
    void closesWhatEachTestStartedAfterItsAfterEachMethods() {
        run(TwoTestsStartingRuns.class, stats -> stats.started(2).succeeded(2));

        assertThat(SIMULATIONS).hasSize(2).allSatisfy(HaprobeExtensionLifecycleTest::assertClosed);
        assertThat(LIVE).hasSize(2).allSatisfy(HaprobeExtensionLifecycleTest::assertClosed);
        assertThat(NOTES).containsExactly("open in @AfterEach", "open in @AfterEach");
    }

    @Test
    void closesTheRunsOfAFailingTestToo() {
        run(FailingTestStartingARun.class, stats -> stats.started(1).failed(1));

        assertThat(SIMULATIONS).hasSize(1).allSatisfy(HaprobeExtensionLifecycleTest::assertClosed);
    }

    @Test
    void whatBeforeAllStartedLivesUntilTheClassIsDone() {
        run(ClassScope.class, stats -> stats.started(2).succeeded(2));

        assertThat(NOTES).containsExactly("class run open, the first test's run closed");
        assertThat(SIMULATIONS).hasSize(3).allSatisfy(HaprobeExtensionLifecycleTest::assertClosed);
    }

    @Test
    void extendWithInjectsTheExtensionIntoTestsAndLifecycleMethods() {
        run(ExtendWithInjection.class, stats -> stats.started(1).succeeded(1));

        assertThat(SIMULATIONS).hasSize(2).allSatisfy(HaprobeExtensionLifecycleTest::assertClosed);
    }

    @Test
    void refusesCallsOutsideOfATest() {
        HaprobeExtension unregistered = new HaprobeExtension();

        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> unregistered.configText("backend be\n"));

        assertThat(failure).hasMessageStartingWith("no test of this HaprobeExtension is running on thread ");
    }

    private static void run(Class<?> testClass, Consumer<EventStatistics> expected) {
        insideTestKit = true;
        try {
            EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute()
                    .testEvents().assertStatistics(expected);
        } finally {
            insideTestKit = false;
        }
    }

    private static void assertClosed(SimulatedHaproxy sim) {
        assertThat(assertThrows(IllegalStateException.class, () -> sim.simulation().engine().start()))
                .hasMessage("engine is closed");
    }

    private static void assertClosed(LiveHaproxy live) {
        assertThat(assertThrows(IllegalStateException.class, () -> live.engine().start()))
                .hasMessage("engine is closed");
    }

    private static SimulatedHaproxy startRun(HaprobeExtension haprobe) {
        SimulatedHaproxy sim = haprobe.config(CFG).server("app_backend/web01", s -> s.http(200)).start();
        SIMULATIONS.add(sim);
        return sim;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static class TwoTestsStartingRuns {

        @RegisterExtension
        final HaprobeExtension haprobe = new HaprobeExtension();

        private SimulatedHaproxy sim;

        @AfterEach
        void noteTheRunIsStillOpen() {
            sim.runFor("1s");
            NOTES.add("open in @AfterEach");
        }

        @Test
        void first() throws IOException {
            startBoth();
        }

        @Test
        void second() throws IOException {
            startBoth();
        }

        private void startBoth() throws IOException {
            sim = startRun(haprobe).runFor("10s");
            LIVE.add(haprobe.liveText("backend be\n    server s1 127.0.0.1:" + closedPort() + " check\n"));
        }
    }

    static class FailingTestStartingARun {

        @RegisterExtension
        final HaprobeExtension haprobe = new HaprobeExtension();

        @Test
        void fails() {
            assumeTrue(insideTestKit, "fails on purpose, only inside HaprobeExtensionLifecycleTest");
            startRun(haprobe).runFor("10s");
            fail("on purpose");
        }
    }

    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class ClassScope {

        @RegisterExtension
        static final HaprobeExtension HAPROBE = new HaprobeExtension();

        private static SimulatedHaproxy classRun;
        private static SimulatedHaproxy firstTestRun;

        @BeforeAll
        static void startClassRun() {
            firstTestRun = null;
            classRun = startRun(HAPROBE);
        }

        @Test
        void first() {
            classRun.runFor("1s");
            firstTestRun = startRun(HAPROBE);
        }

        @Test
        void second() {
            classRun.runFor("1s");
            startRun(HAPROBE);
            assertThrows(IllegalStateException.class, () -> firstTestRun.simulation().engine().start());
            NOTES.add("class run open, the first test's run closed");
        }
    }

    @ExtendWith(HaprobeExtension.class)
    static class ExtendWithInjection {

        private SimulatedHaproxy beforeEachRun;

        @BeforeEach
        void startInBeforeEach(HaprobeExtension haprobe) {
            beforeEachRun = startRun(haprobe);
        }

        @Test
        void startsInTheTestToo(HaprobeExtension haprobe) {
            beforeEachRun.runFor("1s");
            startRun(haprobe).runFor("1s");
        }
    }
}
