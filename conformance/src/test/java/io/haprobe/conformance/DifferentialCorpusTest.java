package io.haprobe.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The differential config test: every file of a generated corpus ({@link CorpusGenerator}, at least 2,000 files)
 * goes through {@code haproxy -c} 2.6 and through haprobe ({@link HaprobeConfigJudge}), and the two must agree on
 * each file (see {@link CorpusOutcome#agreement()}) unless the file is listed as a deliberate divergence in
 * {@code REPORT.md} ({@link CorpusReport#DIVERGENCES}).
 *
 * <p>Until haprobe's validation is complete, the agreement is reported, not enforced: the test that requires it
 * runs only with {@code -Dcorpus.strict=true} and is skipped otherwise (its skip message gives the figures).
 * Each run writes, under {@code target/corpus/}: the corpus, {@code haproxy-out/} (each run's output),
 * {@code haproxy-verdicts.tsv}, {@code DISAGREEMENTS.md} (the open disagreements grouped as a to-do list); and the
 * corpus section of {@code target/conformance/REPORT.md}, or of the committed {@code REPORT.md} with
 * {@code -Dconformance.report=write}.
 *
 * <p>Properties: {@code corpus.size} (default 2400), {@code corpus.seed} (default 2612), {@code corpus.parallelism}
 * (default: the number of cores), {@code corpus.timeout} (ms per {@code haproxy -c}, default 10000),
 * {@code corpus.manual} (the manual, default Debian's). Without HAProxy 2.6 the suite is skipped, except under CI
 * ({@code CI=true}), where it fails.
 */
@Tag("live")
@DisplayName("haprobe judges configs as haproxy -c 2.6 does")
class DifferentialCorpusTest {

    private static final Path CORPUS = Path.of("target", "corpus");
    private static final Path COMMITTED_REPORT = Path.of("REPORT.md");
    private static final Path REPORT = "write".equals(System.getProperty("conformance.report"))
            ? COMMITTED_REPORT : Path.of("target", "conformance", "REPORT.md");
    private static final boolean STRICT = Boolean.parseBoolean(System.getProperty("corpus.strict", "true"));
    private static final long SEED = Long.getLong("corpus.seed", CorpusGenerator.DEFAULT_SEED);
    private static final int MINIMUM_SIZE = 2000;
    /** How many disagreements a failure lists; DISAGREEMENTS.md has them all. */
    private static final int LISTED = 100;
    /** What judges haprobe's side; say so in the reports. Change with {@link HaprobeConfigJudge}. */
    private static final String HAPROBE_JUDGE = "`HaproxyConfig.validate`";

    private static Path haproxy;
    private static String haproxyVersion;
    private static List<CorpusFile> files;
    private static List<CorpusOutcome> outcomes;
    private static List<CorpusDivergence> divergences;

    @BeforeAll
    static void judgeEveryFileBothWays() throws Exception {
        Optional<String> version = HaproxyRun.version();
        Optional<Path> binary = HaproxyConfigJudge.locate();
        if ((version.isEmpty() || binary.isEmpty()) && "true".equals(System.getenv("CI"))) {
            fail("the differential corpus needs haproxy 2.6 on the PATH (.ci/run installs it)");
        }
        assumeTrue(version.isPresent() && binary.isPresent(), "haproxy is not installed: differential corpus skipped");
        assertThat(version.get()).as("haproxy -v").contains("version 2.6.");
        haproxy = binary.get();
        haproxyVersion = version.get();
        divergences = CorpusReport.divergences(COMMITTED_REPORT);

        long start = System.nanoTime();
        CorpusGenerator generator = new CorpusGenerator(CORPUS,
                Integer.getInteger("corpus.size", CorpusGenerator.DEFAULT_SIZE), SEED);
        files = generator.generate();
        HaproxyConfigJudge reference = new HaproxyConfigJudge(haproxy, CORPUS.resolve("haproxy-out"),
                Duration.ofMillis(Long.getLong("corpus.timeout", 10_000)));
        HaprobeConfigJudge haprobe = new HaprobeConfigJudge(HaproxyConfigJudge.ENVIRONMENT);
        int parallelism = Integer.getInteger("corpus.parallelism", Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallelism));
        try {
            List<Future<CorpusOutcome>> runs = new ArrayList<>();
            for (CorpusFile file : files) {
                runs.add(pool.submit(() -> {
                    Path path = CORPUS.resolve(file.name());
                    HaproxyConfigJudge.Run run = reference.run(path);
                    ConfigJudge.Verdict verdict = haprobe.judge(path);
                    Optional<CorpusDivergence> listed = divergences.stream()
                            .filter(d -> d.covers(file.name())).findFirst();
                    return new CorpusOutcome(file, run, verdict, Files.readAllLines(path, StandardCharsets.UTF_8),
                            listed);
                }));
            }
            outcomes = new ArrayList<>();
            for (Future<CorpusOutcome> run : runs) {
                outcomes.add(run.get());
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CorpusReport.Summary summary = new CorpusReport.Summary(HAPROBE_JUDGE, haproxyVersion, SEED, outcomes,
                divergences, generator.skipped());
        CorpusReport.writeVerdicts(CORPUS.resolve("haproxy-verdicts.tsv"), outcomes);
        CorpusReport.writeDisagreements(CORPUS.resolve("DISAGREEMENTS.md"), summary, seconds);
        CorpusReport.writeSection(REPORT, COMMITTED_REPORT, summary);
        long agree = outcomes.stream().filter(o -> !o.disagrees()).count();
        System.out.printf("differential corpus: %d files in %.1f s, haproxy accepts %d, haprobe agrees on %d%n",
                outcomes.size(), seconds, outcomes.stream().filter(o -> o.haproxy().verdict().accepted()).count(),
                agree);
    }

    @Test
    void theCorpusHoldsAtLeastTwoThousandFilesOfEveryCategory() {
        assertThat(files).hasSizeGreaterThanOrEqualTo(MINIMUM_SIZE);
        for (CorpusFile.Category category : CorpusFile.Category.values()) {
            assertThat(files).as(category.label() + " files").anyMatch(f -> f.category() == category);
        }
        for (CorpusMutator.Kind kind : CorpusMutator.Kind.values()) {
            assertThat(files).as("files mutated by " + kind.label())
                    .anyMatch(f -> f.mutation().startsWith(kind.label()));
        }
    }

    @Test
    void haproxyAcceptsEverySourceFileAndRejectsEveryErrorBase() {
        List<String> wrong = outcomes.stream()
                // by haproxy's own exit status: 0 starts; 2 (no listener) does not, though validate accepts it
                .filter(o -> o.file().category().mustBeAccepted() != (o.haproxy().exit() == 0)
                        && o.file().category() != CorpusFile.Category.MUTATION)
                .map(o -> o.file().name() + " (exit " + o.haproxy().exit() + "): " + o.haproxy().verdict().message())
                .toList();
        assertThat(wrong).as("sources HAProxy judges otherwise than meant (see target/corpus/haproxy-out/)")
                .isEmpty();
    }

    @Test
    void haproxyNeverTimesOut() {
        assertThat(outcomes.stream().filter(o -> o.haproxy().exit() < 0).map(o -> o.file().name()
                + ": " + o.haproxy().verdict().message()).toList()).isEmpty();
    }

    @Test
    void theSourcesUseEveryKeywordOfTheManualsLists() throws IOException {
        Optional<List<String>> manual = KeywordCoverage.manual(KeywordCoverage.MANUAL);
        assumeTrue(manual.isPresent(), "the manual is not at " + KeywordCoverage.MANUAL + " (-Dcorpus.manual=...)");
        List<KeywordCoverage.Statement> statements = KeywordCoverage.statements(sources());
        List<String> lines = manual.get();
        assertThat(KeywordCoverage.unusedKeywords(KeywordCoverage.globalKeywords(lines), statements))
                .as("global keywords of manual section 3 no source uses").isEmpty();
        List<String> matrix = KeywordCoverage.matrixKeywords(lines);
        assertThat(matrix).as("keywords of the proxy keyword matrix").hasSizeGreaterThan(150);
        assertThat(KeywordCoverage.unusedKeywords(matrix, statements))
                .as("keywords of the proxy keyword matrix (4.1) no source uses").isEmpty();
        assertThat(KeywordCoverage.unusedOptions(KeywordCoverage.documentedOptions(lines, "5.1. Bind options",
                "5.2. "), statements)).as("bind options of manual 5.1 no source uses").isEmpty();
        assertThat(KeywordCoverage.unusedOptions(KeywordCoverage.documentedOptions(lines, "5.2. Server and",
                "5.3. "), statements)).as("server options of manual 5.2 no source uses").isEmpty();
        assertThat(KeywordCoverage.unusedSectionKeywords(statements))
                .as("keywords of userlist, peers, mailers, program, http-errors, ring, log-forward, resolvers,"
                        + " cache, fcgi-app no source uses in its section").isEmpty();
    }

    @Test
    void theSourcesUseEveryKeywordHaproxyRegisters() throws Exception {
        Process process = new ProcessBuilder(haproxy.toString(), "-dKall", "-q", "-c", "-f", "/dev/null")
                .redirectErrorStream(true).start();
        String dump = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("haproxy -dKall ends").isTrue();
        List<String> registered = KeywordCoverage.registered(dump);
        assertThat(registered).as("keywords haproxy -dKall lists").hasSizeGreaterThan(400);
        assertThat(KeywordCoverage.unusedRegistered(registered, KeywordCoverage.statements(sources())))
                .as("keywords haproxy -dKall registers that no source uses").isEmpty();
    }

    @Test
    void everyListedDivergenceHasAReasonAndCoversADisagreement() {
        List<String> stale = divergences.stream()
                .filter(d -> outcomes.stream().noneMatch(o -> o.disagrees() && d.covers(o.file().name())))
                .map(CorpusDivergence::pattern).toList();
        assumeTrue(STRICT || stale.isEmpty(), "stale divergences (enforced with -Dcorpus.strict=true): " + stale);
        assertThat(stale).as("REPORT.md lists divergences no file shows any more").isEmpty();
    }

    @Test
    void haprobeAgreesWithHaproxyOnEveryFileButTheListedDivergences() {
        List<CorpusOutcome> open = outcomes.stream().filter(o -> o.disagrees() && o.listed().isEmpty()).toList();
        Map<CorpusOutcome.Agreement, Long> byKind = open.stream()
                .collect(Collectors.groupingBy(CorpusOutcome::agreement, Collectors.counting()));
        assumeTrue(STRICT || open.isEmpty(), open.size() + " of " + outcomes.size() + " files disagree (" + byKind
                + "); enforced with -Dcorpus.strict=true; to-do list: " + CORPUS.resolve("DISAGREEMENTS.md"));
        if (open.isEmpty()) {
            return;
        }
        fail(open.size() + " disagreements not listed in REPORT.md's \"" + CorpusReport.DIVERGENCES + "\" (all of"
                + " them grouped in " + CORPUS.resolve("DISAGREEMENTS.md") + "):\n" + open.stream().limit(LISTED)
                .map(DifferentialCorpusTest::describe).collect(Collectors.joining("\n"))
                + (open.size() > LISTED ? "\n... and " + (open.size() - LISTED) + " more" : ""));
    }

    @Test
    void theCommittedReportHasTheCorpusSection() throws IOException {
        assertThat(CorpusReport.sectionOf(COMMITTED_REPORT))
                .as("REPORT.md has the corpus section (rewrite it with -Dconformance.report=write)")
                .contains(CorpusReport.BEGIN, CorpusReport.DIVERGENCES, CorpusReport.END);
    }

    private static String describe(CorpusOutcome outcome) {
        ConfigJudge.Verdict haproxy = outcome.haproxy().verdict();
        ConfigJudge.Verdict haprobe = outcome.haprobe();
        return "- " + outcome.file().name() + " (" + outcome.agreement().label() + ")\n    haproxy: "
                + (haproxy.accepted() ? "accepts" : "exit " + outcome.haproxy().exit() + ", " + haproxy.message())
                + "\n    haprobe: " + (haprobe.accepted() ? "accepts" : (haprobe.firstErrorLine().isPresent()
                ? "line " + haprobe.firstErrorLine().getAsInt() + ": " : "") + haprobe.message());
    }

    private static List<Path> sources() {
        return files.stream().filter(f -> f.category() != CorpusFile.Category.MUTATION)
                .map(f -> CORPUS.resolve(f.name())).toList();
    }
}
