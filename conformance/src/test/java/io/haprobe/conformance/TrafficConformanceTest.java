package io.haprobe.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Plays every traffic scenario of {@code scenarios/} (those with a {@code traffic:} list; {@link ConformanceTest}
 * plays the others) through real HAProxy 2.6 with a load client and through haprobe simulated, and requires the
 * simulation to conclude what HAProxy concluded (see {@link TrafficRun}). Writes its section of the report
 * ({@link TrafficReport}) into {@code target/conformance/REPORT.md}, requires the committed {@code REPORT.md}'s
 * section to hold this run's verdicts, and rewrites it only when asked ({@code -Dconformance.report=write}).
 *
 * <p>Scenarios run {@code conformance.parallelism} at a time (default {@link ConformanceTest#defaultParallelism()});
 * one whose check timings alone differed is played once more, alone. Without HAProxy 2.6 or strace the suite is
 * skipped, except under CI ({@code CI=true}), where it fails.
 */
@Tag("live")
@DisplayName("haprobe simulated serves traffic as HAProxy 2.6 does")
class TrafficConformanceTest {

    private static final Path SCENARIOS = Path.of(System.getProperty("conformance.scenarios", "scenarios"));
    private static final boolean OWN_SCENARIOS = System.getProperty("conformance.scenarios") == null;
    private static final Path ARTIFACTS = Path.of("target", "conformance");
    private static final Path COMMITTED_REPORT = Path.of("REPORT.md");
    private static final boolean WRITE = "write".equals(System.getProperty("conformance.report"));
    private static final Map<String, TrafficRun.Result> RESULTS = new ConcurrentHashMap<>();
    private static final List<String> FRESH_SECTION = new ArrayList<>();

    /** The traffic scenarios of the directory played, by name. */
    static List<String> scenarios() {
        return trafficScenarios().stream().map(ConformanceScenario::name).toList();
    }

    private static List<ConformanceScenario> trafficScenarios() {
        return ConformanceScenario.files(SCENARIOS).stream().map(ConformanceScenario::load)
                .filter(TrafficSetup::hasTraffic).toList();
    }

    @BeforeAll
    static void playEveryTrafficScenario() throws Exception {
        Optional<String> version = HaproxyRun.version();
        boolean tools = version.isPresent() && HaproxyRun.straceAvailable();
        if (!tools && "true".equals(System.getenv("CI"))) {
            fail("the conformance suite needs haproxy 2.6 and strace on the PATH (.ci/run installs them)");
        }
        assumeTrue(tools, "haproxy or strace is not installed: traffic conformance skipped");
        assertThat(version.get()).as("haproxy -v").contains("version 2.6.");
        List<ConformanceScenario> scenarios = trafficScenarios();
        // the simulations first, one after the other: the JIT has the request path compiled before real time counts
        scenarios.forEach(TrafficRun::simulate);
        int parallelism = ConformanceTest.parallelism(System.getProperty("conformance.parallelism", ""));
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<TrafficRun.Result>> runs = new ArrayList<>();
            for (ConformanceScenario scenario : scenarios) {
                runs.add(pool.submit(() -> TrafficRun.run(scenario, ARTIFACTS)));
            }
            for (Future<TrafficRun.Result> run : runs) {
                TrafficRun.Result result = run.get();
                RESULTS.put(result.scenario().name(), result);
            }
        } finally {
            pool.shutdownNow();
        }
        for (ConformanceScenario scenario : scenarios) {
            TrafficRun.Result first = RESULTS.get(scenario.name());
            if (first.onlyTimingsDiffer()) {
                RESULTS.put(scenario.name(), TrafficRun.retry(first, ARTIFACTS));
            }
        }
        List<TrafficRun.Result> results = scenarios.stream().map(s -> RESULTS.get(s.name())).toList();
        FRESH_SECTION.addAll(TrafficReport.section(results));
        // the run's report: the same section, with what this run measured before its end marker
        List<String> runSection = new ArrayList<>(FRESH_SECTION.subList(0, FRESH_SECTION.size() - 1));
        runSection.add("");
        runSection.addAll(TrafficReport.ofRun(results));
        runSection.add(TrafficReport.END);
        TrafficReport.write(ARTIFACTS.resolve("REPORT.md"), runSection);
        if (WRITE && OWN_SCENARIOS) {
            TrafficReport.write(COMMITTED_REPORT, FRESH_SECTION);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void haprobeSimulatedServesTrafficAsHaproxyDoes(String name) {
        TrafficRun.Result result = RESULTS.get(name);
        assertThat(result).as("result of " + name).isNotNull();
        String artifacts = " (artifacts: " + ARTIFACTS.resolve(name) + (result.retried() ? "/retry" : "") + ")";
        assertThat(result.error()).as(name + " ran" + artifacts).isNull();
        if (result.divergent()) {
            return; // a stated divergence: how HAProxy differed is in the run's report
        }
        assertThat(result.differences()).as(name + ": haprobe simulated differs from HAProxy" + artifacts)
                .isEmpty();
    }

    @Test
    void theCommittedReportHoldsThisRunsTrafficVerdicts() throws IOException {
        assumeTrue(OWN_SCENARIOS, "another directory was played");
        List<String> committed = TrafficReport.sectionOf(COMMITTED_REPORT);
        List<String> differences = Report.differences(committed, FRESH_SECTION);
        if (!differences.isEmpty()) {
            fail("conformance/REPORT.md's traffic section is not this run's; rewrite it from the repository's root"
                    + " with\n  mvn -B -pl conformance -am verify -Dtest='TrafficConformanceTest'"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dconformance.report=write\n"
                    + String.join("\n", differences.stream().limit(20).toList()));
        }
    }

    @Test
    void theSuiteHoldsAtLeastTwentyTrafficScenariosEachSayingWhatItCovers() throws IOException {
        assumeTrue(OWN_SCENARIOS, "another directory was played");
        assertThat(scenarios()).hasSizeGreaterThanOrEqualTo(20);
        String report = Files.readString(COMMITTED_REPORT, StandardCharsets.UTF_8);
        for (ConformanceScenario scenario : trafficScenarios()) {
            assertThat(scenario.about()).as(scenario.name() + " # about:").isNotBlank();
            assertThat(scenario.covers()).as(scenario.name() + " # covers:").isNotEmpty();
            assertThat(report).as("REPORT.md has a row for " + scenario.name()).contains("| " + scenario.name() + " |");
        }
    }
}
