package io.haprobe.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Plays every scenario of {@code scenarios/} through real HAProxy 2.6 (the Debian package, traced with strace),
 * through haprobe live and through haprobe simulated, and requires both haprobe sides to conclude what HAProxy
 * concluded (see {@link Comparison}). Writes its report to {@code target/conformance/REPORT.md}, and over the
 * committed {@code REPORT.md} only when asked ({@code -Dconformance.report=write}): a test run leaves the tracked
 * files as they were. Every run's configs, logs, trace and differences stay under
 * {@code target/conformance/<scenario>/}. {@code -Dconformance.scenarios=DIR} plays another directory of scenario
 * files instead.
 *
 * <p>The scenarios run {@code conformance.parallelism} at a time (default 6): each one is two real-time runs that
 * mostly wait. Without HAProxy 2.6 or strace the suite is skipped, except under CI ({@code CI=true}), where it
 * fails.
 */
@Tag("live")
@DisplayName("haprobe concludes what HAProxy 2.6 concludes")
class ConformanceTest {

    private static final Path SCENARIOS = Path.of(System.getProperty("conformance.scenarios", "scenarios"));
    private static final Path ARTIFACTS = Path.of("target", "conformance");
    /** The committed report, one row per scenario of the suite. */
    private static final Path COMMITTED_REPORT = Path.of("REPORT.md");
    /** Where this run writes its report: the committed one only when asked, for the suite's own scenarios. */
    private static final Path REPORT = "write".equals(System.getProperty("conformance.report"))
            && System.getProperty("conformance.scenarios") == null ? COMMITTED_REPORT : ARTIFACTS.resolve("REPORT.md");
    private static final Map<String, ScenarioRun.Result> RESULTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void playEveryScenario() throws Exception {
        Optional<String> version = HaproxyRun.version();
        boolean tools = version.isPresent() && HaproxyRun.straceAvailable();
        if (!tools && "true".equals(System.getenv("CI"))) {
            fail("the conformance suite needs haproxy 2.6 and strace on the PATH (.ci/run installs them)");
        }
        assumeTrue(tools, "haproxy or strace is not installed: conformance suite skipped");
        assertThat(version.get()).as("haproxy -v").contains("version 2.6.");

        List<ConformanceScenario> scenarios = ConformanceScenario.files(SCENARIOS).stream()
                .map(ConformanceScenario::load).toList();
        // simulated first, one after the other: the JIT then has the check code compiled before real time counts
        scenarios.forEach(ScenarioRun::simulate);
        int parallelism = Integer.getInteger("conformance.parallelism", 6);
        ExecutorService scenarioPool = Executors.newFixedThreadPool(parallelism);
        ExecutorService livePool = Executors.newCachedThreadPool();
        try {
            List<Future<ScenarioRun.Result>> runs = new ArrayList<>();
            for (ConformanceScenario scenario : scenarios) {
                runs.add(scenarioPool.submit(() -> ScenarioRun.run(scenario, ARTIFACTS, livePool)));
            }
            for (Future<ScenarioRun.Result> run : runs) {
                ScenarioRun.Result result = run.get();
                RESULTS.put(result.scenario().name(), result);
            }
        } finally {
            scenarioPool.shutdownNow();
            livePool.shutdownNow();
        }
        Report.write(REPORT, version.get(), scenarios.stream().map(s -> RESULTS.get(s.name())).toList());
    }

    static List<String> scenarios() {
        return ConformanceScenario.files(SCENARIOS).stream().map(ConformanceScenario::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void haprobeLiveAndSimulatedConcludeWhatHaproxyConcludes(String name) {
        ScenarioRun.Result result = RESULTS.get(name);
        assertThat(result).as("result of " + name).isNotNull();
        assertThat(result.error()).as(name + " ran (artifacts: " + ARTIFACTS.resolve(name) + ")").isNull();
        if (result.divergent()) {
            assertThat(result.ownDiffs()).as(name + ": haprobe simulated differs from haprobe live").isEmpty();
            return;
        }
        assertThat(result.liveDiffs()).as(name + ": haprobe live differs from HAProxy").isEmpty();
        assertThat(result.simDiffs()).as(name + ": haprobe simulated differs from HAProxy").isEmpty();
    }

    @Test
    void theSuiteHoldsAtLeastFortyScenariosEachSayingWhatItCovers() throws IOException {
        assumeTrue(System.getProperty("conformance.scenarios") == null, "another directory was played");
        assertThat(scenarios()).hasSizeGreaterThanOrEqualTo(40);
        for (Path file : ConformanceScenario.files(SCENARIOS)) {
            ConformanceScenario scenario = ConformanceScenario.load(file);
            assertThat(scenario.about()).as(file + " # about:").isNotBlank();
            assertThat(scenario.covers()).as(file + " # covers:").isNotEmpty();
            assertThat(Files.readString(COMMITTED_REPORT))
                    .as("REPORT.md has a row for every scenario (rewrite it with -Dconformance.report=write)")
                    .contains("| " + scenario.name() + " |");
        }
    }
}
