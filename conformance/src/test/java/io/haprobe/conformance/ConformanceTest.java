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
 * Plays every scenario of {@code scenarios/} through real HAProxy 2.6 (the Debian package, traced with strace),
 * through haprobe live and through haprobe simulated, and requires both haprobe sides to conclude what HAProxy
 * concluded (see {@link Comparison}). Writes its report to {@code target/conformance/REPORT.md}; requires the
 * committed {@code REPORT.md} to hold this run's verdicts (see {@link Report#committed}), and rewrites it only when
 * asked ({@code -Dconformance.report=write}): a test run leaves the tracked files as they were. Every run's configs,
 * logs, trace and differences stay under {@code target/conformance/<scenario>/}. {@code -Dconformance.scenarios=DIR}
 * plays another directory of scenario files instead (its report is not compared with the committed one).
 *
 * <p>The scenarios run {@code conformance.parallelism} at a time (default: {@link #defaultParallelism()}). A
 * scenario whose deciding comparisons differ only in timings is then played once more, alone, and that second
 * attempt decides (the run's report lists it with the first attempt's differences); one that differs in anything
 * it concluded is never played again. Without HAProxy 2.6 or strace the suite is skipped, except under CI
 * ({@code CI=true}), where it fails.
 */
@Tag("live")
@DisplayName("haprobe concludes what HAProxy 2.6 concludes")
class ConformanceTest {

    private static final Path SCENARIOS = Path.of(System.getProperty("conformance.scenarios", "scenarios"));
    private static final boolean OWN_SCENARIOS = System.getProperty("conformance.scenarios") == null;
    private static final Path ARTIFACTS = Path.of("target", "conformance");
    /** The committed report, one row per scenario of the suite. */
    private static final Path COMMITTED_REPORT = Path.of("REPORT.md");
    private static final boolean WRITE = "write".equals(System.getProperty("conformance.report"));
    private static final Map<String, ScenarioRun.Result> RESULTS = new ConcurrentHashMap<>();
    private static final List<String> FRESH_REPORT = new ArrayList<>();
    /** How long the live warm-up runs: a few checks, a transition and a TLS handshake or two. */
    private static final long WARM_UP_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);

    /**
     * How many scenarios run at once unless {@code -Dconformance.parallelism} says otherwise: twice the available
     * processors. A scenario mostly waits (two real-time runs of a few seconds, a few ms of CPU per check), so two
     * per processor keep a loaded 2-core machine under 2 minutes; more put so many event loops, players and HAProxy
     * processes on each processor at once that one gets the CPU tens of ms late more often than a second attempt
     * can absorb. Measured on a 2-core machine with both cores kept busy: see the module's README.
     */
    static int defaultParallelism() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }

    /**
     * The parallelism {@code -Dconformance.parallelism} asks for, or {@link #defaultParallelism()} if it is blank.
     *
     * @throws IllegalArgumentException if it is not a positive integer
     */
    static int parallelism(String property) {
        if (property.isBlank()) {
            return defaultParallelism();
        }
        try {
            int parallelism = Integer.parseInt(property.strip());
            if (parallelism >= 1) {
                return parallelism;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("conformance.parallelism: " + property + " (expected: an integer >= 1)");
    }

    @BeforeAll
    static void playEveryScenario() throws Exception {
        Optional<String> version = HaproxyRun.version();
        boolean tools = version.isPresent() && HaproxyRun.straceAvailable();
        if (!tools && "true".equals(System.getenv("CI"))) {
            fail("the conformance suite needs haproxy 2.6 and strace on the PATH (.ci/run installs them)");
        }
        assumeTrue(tools, "haproxy or strace is not installed: conformance suite skipped");
        assertThat(version.get()).as("haproxy -v").contains("version 2.6.");

        // traffic scenarios are TrafficConformanceTest's
        List<ConformanceScenario> scenarios = ConformanceScenario.files(SCENARIOS).stream()
                .map(ConformanceScenario::load).filter(scenario -> !TrafficSetup.hasTraffic(scenario)).toList();
        // simulated first, one after the other, then a few seconds of haprobe live with and without TLS: the JIT
        // then has the check code compiled and the live path loaded before real time counts
        scenarios.forEach(ScenarioRun::simulate);
        warmUp(scenarios);
        int parallelism = parallelism(System.getProperty("conformance.parallelism", ""));
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
            // one at a time, once all the others are done: a second attempt does not compete with other scenarios
            for (ConformanceScenario scenario : scenarios) {
                ScenarioRun.Result first = RESULTS.get(scenario.name());
                if (first.onlyTimingsDiffer()) {
                    RESULTS.put(scenario.name(), ScenarioRun.retry(first, ARTIFACTS, livePool));
                }
            }
        } finally {
            scenarioPool.shutdownNow();
            livePool.shutdownNow();
        }
        List<ScenarioRun.Result> results = scenarios.stream().map(s -> RESULTS.get(s.name())).toList();
        Files.createDirectories(ARTIFACTS);
        List<String> ofRun = new ArrayList<>(Report.ofRun(version.get(), results, parallelism));
        // the config corpus's section (DifferentialCorpusTest) is kept as it is in each file
        ofRun.addAll(CorpusReport.keptSection(ARTIFACTS.resolve("REPORT.md")));
        // and the traffic section (TrafficConformanceTest's) as well
        List<String> traffic = TrafficReport.sectionOf(ARTIFACTS.resolve("REPORT.md"));
        if (!traffic.isEmpty()) {
            ofRun.add("");
            ofRun.addAll(traffic);
        }
        Files.write(ARTIFACTS.resolve("REPORT.md"), ofRun, StandardCharsets.UTF_8);
        FRESH_REPORT.addAll(Report.committed(version.get(), results));
        if (WRITE && OWN_SCENARIOS) {
            List<String> rewritten = new ArrayList<>(FRESH_REPORT);
            rewritten.addAll(CorpusReport.sectionOf(COMMITTED_REPORT)); // DifferentialCorpusTest's part, kept
            List<String> kept = TrafficReport.sectionOf(COMMITTED_REPORT); // TrafficConformanceTest's, kept
            if (!kept.isEmpty()) {
                rewritten.add("");
                rewritten.addAll(kept);
            }
            Files.write(COMMITTED_REPORT, rewritten, StandardCharsets.UTF_8);
        }
    }

    private static void warmUp(List<ConformanceScenario> scenarios) throws Exception {
        List<ConformanceScenario> chosen = new ArrayList<>(scenarios.stream().limit(1).toList());
        scenarios.stream().filter(s -> s.haproxyText().contains("check-ssl")).findFirst().ifPresent(chosen::add);
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (ConformanceScenario scenario : chosen) {
                runs.add(pool.submit(() -> {
                    ScenarioRun.warmUp(scenario, ARTIFACTS.resolve("warm-up").resolve(scenario.name()),
                            WARM_UP_NANOS);
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static List<String> scenarios() {
        return ConformanceScenario.files(SCENARIOS).stream().map(ConformanceScenario::load)
                .filter(scenario -> !TrafficSetup.hasTraffic(scenario)).map(ConformanceScenario::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void haprobeLiveAndSimulatedConcludeWhatHaproxyConcludes(String name) {
        ScenarioRun.Result result = RESULTS.get(name);
        assertThat(result).as("result of " + name).isNotNull();
        String artifacts = " (artifacts: " + ARTIFACTS.resolve(name) + (result.retried() ? "/retry, second attempt"
                + " after timings alone differed" : "") + ")";
        assertThat(result.error()).as(name + " ran" + artifacts).isNull();
        if (result.divergent()) {
            assertThat(result.ownDiffs()).as(name + ": haprobe simulated differs from haprobe live" + artifacts)
                    .isEmpty();
            return;
        }
        assertThat(result.liveDiffs()).as(name + ": haprobe live differs from HAProxy" + artifacts).isEmpty();
        assertThat(result.simDiffs()).as(name + ": haprobe simulated differs from HAProxy" + artifacts).isEmpty();
    }

    private static List<String> trimTrailingBlanks(List<String> lines) {
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        return lines.subList(0, end);
    }

    @Test
    void theCommittedReportHoldsThisRunsVerdicts() throws IOException {
        assumeTrue(OWN_SCENARIOS, "another directory was played");
        // TrafficConformanceTest's section is checked there
        List<String> committed = TrafficReport.without(Files.readAllLines(COMMITTED_REPORT, StandardCharsets.UTF_8));
        int corpus = committed.indexOf(CorpusReport.BEGIN); // DifferentialCorpusTest's part, checked there
        List<String> differences = Report.differences(corpus < 0 ? committed
                : trimTrailingBlanks(committed.subList(0, corpus)), trimTrailingBlanks(FRESH_REPORT));
        if (!differences.isEmpty()) {
            fail("conformance/REPORT.md is not this run's (" + differences.size() + " lines differ; this run's"
                    + " report: conformance/target/conformance/REPORT.md). If this run's verdicts are the ones to"
                    + " keep, rewrite it from the repository's root with\n  " + Report.REWRITE + "\n"
                    + String.join("\n", differences.stream().limit(20)
                    .map(line -> line.length() > 160 ? line.substring(0, 160) + "…" : line).toList())
                    + (differences.size() > 20 ? "\n… and " + (differences.size() - 20) + " more" : ""));
        }
    }

    @Test
    void theSuiteHoldsAtLeastFortyScenariosEachSayingWhatItCovers() throws IOException {
        assumeTrue(System.getProperty("conformance.scenarios") == null, "another directory was played");
        assertThat(scenarios()).hasSizeGreaterThanOrEqualTo(40);
        for (Path file : ConformanceScenario.files(SCENARIOS)) {
            ConformanceScenario scenario = ConformanceScenario.load(file);
            if (TrafficSetup.hasTraffic(scenario)) {
                continue; // TrafficConformanceTest's
            }
            assertThat(scenario.about()).as(file + " # about:").isNotBlank();
            assertThat(scenario.covers()).as(file + " # covers:").isNotEmpty();
            assertThat(Files.readString(COMMITTED_REPORT))
                    .as("REPORT.md has a row for every scenario (rewrite it with -Dconformance.report=write)")
                    .contains("| " + scenario.name() + " |");
        }
    }
}
