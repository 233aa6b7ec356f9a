package io.haprobe.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The corpus's reports and its reading of HAProxy's output, without running HAProxy. */
class CorpusReportTest {

    @TempDir
    Path dir;

    @Test
    void readsTheFirstAlertNamingALineOfTheFileItself() {
        String output = """
                [NOTICE]   (1) : haproxy version is 2.6.12
                [ALERT]    (1) : config : parsing [/etc/spoe.conf:4] : unknown keyword 'x'
                [ALERT]    (1) : config : Proxy 'fe': unable to find required use_backend: 'be'.
                [ALERT]    (1) : config : [a.cfg:12] : 'server be/s1' : unknown keyword 'chec'.
                [ALERT]    (1) : config : parsing [a.cfg:3] : unknown keyword 'foo' in 'global' section
                [ALERT]    (1) : config : Fatal errors found in configuration.
                """;
        ConfigJudge.Verdict verdict = HaproxyConfigJudge.verdict("a.cfg", 1, output);
        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.firstErrorLine()).hasValue(12);
        assertThat(verdict.message()).isEqualTo("[a.cfg:12] : 'server be/s1' : unknown keyword 'chec'.");
    }

    @Test
    void keepsTheFirstAlertWhenNoneNamesALineAndSaysWhyWhenThereIsNone() {
        ConfigJudge.Verdict missing = HaproxyConfigJudge.verdict("a.cfg", 1,
                "[ALERT]    (7) : config : Proxy 'fe': unable to find required use_backend: 'be'.\n"
                        + "[ALERT]    (7) : config : Fatal errors found in configuration.\n");
        assertThat(missing.firstErrorLine()).isEmpty();
        assertThat(missing.message()).isEqualTo("Proxy 'fe': unable to find required use_backend: 'be'.");
        // exit 2, no error but no listener: accepted, as haprobe validate accepts such a file on purpose
        assertThat(HaproxyConfigJudge.verdict("a.cfg", 2, "").accepted()).isTrue();
        assertThat(HaproxyConfigJudge.verdict("a.cfg", 0, "[ALERT] (1) : config : x").accepted()).isTrue();
        assertThat(HaproxyConfigJudge.verdict("a.cfg", 134,
                "[ALERT]    (7) : config : parsing [a.cfg:10] : bad rule\n").message())
                .isEqualTo("parsing [a.cfg:10] : bad rule [then haproxy crashed: signal 6]");
    }

    @Test
    void rewritesOnlyItsOwnSectionAndKeepsTheListedDivergences() throws IOException {
        Path report = dir.resolve("REPORT.md");
        Files.write(report, List.of("# Conformance report", "", "| scenario |", "", CorpusReport.BEGIN, "old",
                CorpusReport.DIVERGENCES, "", "| file or pattern | reason | files this run |", "|---|---|---|",
                "| `*-uppercase-*` | keywords are case-insensitive in haprobe \\| on purpose | 3 |", "",
                CorpusReport.END, ""));
        List<CorpusDivergence> listed = CorpusReport.divergences(report);
        assertThat(listed).containsExactly(new CorpusDivergence("*-uppercase-*",
                "keywords are case-insensitive in haprobe | on purpose"));

        CorpusReport.writeSection(report, dir.resolve("absent.md"),
                new CorpusReport.Summary("`parse`", "HAProxy version 2.6.12", 1, List.of(), listed, List.of()));

        List<String> written = Files.readAllLines(report);
        assertThat(written).startsWith("# Conformance report", "", "| scenario |", "", CorpusReport.BEGIN)
                .doesNotContain("old").endsWith(CorpusReport.END);
        assertThat(written.stream().filter(CorpusReport.BEGIN::equals)).hasSize(1);
        assertThat(CorpusReport.divergences(report)).isEqualTo(listed);
        assertThat(CorpusReport.keptSection(report)).first().isEqualTo("");
        assertThat(CorpusReport.keptSection(report)).contains(CorpusReport.BEGIN, CorpusReport.END);
    }

    @Test
    void aGlobCoversFileNames() {
        CorpusDivergence entry = new CorpusDivergence("*-base-quiet-*", "quiet hides alerts");
        assertThat(entry.covers("0512-base-quiet-misspell-swap-L3.cfg")).isTrue();
        assertThat(entry.covers("0512-base-quietly.cfg")).isFalse();
        assertThat(new CorpusDivergence("0008-base-error-empty.cfg", "r").covers("0008-base-error-empty.cfg"))
                .isTrue();
    }

    @Test
    void comparesVerdictsAndNamesTheKeywordOfTheLine() {
        CorpusFile file = new CorpusFile("x.cfg", CorpusFile.Category.MUTATION, "base-x", "junk-abc", 3);
        List<String> lines = List.of("defaults", "    mode http", "    timeout client abc", "");
        HaproxyConfigJudge.Run rejected = new HaproxyConfigJudge.Run(ConfigJudge.Verdict.reject(3,
                "parsing [x.cfg:3] : 'timeout client' : unexpected character 'a' in 'abc'"), 1, "");
        CorpusOutcome agree = new CorpusOutcome(file, rejected, ConfigJudge.Verdict.reject(3, "bad time"), lines,
                Optional.empty());
        CorpusOutcome lineDiffers = new CorpusOutcome(file, rejected, ConfigJudge.Verdict.reject(2, "bad"), lines,
                Optional.empty());
        CorpusOutcome accepts = new CorpusOutcome(file, rejected, ConfigJudge.Verdict.accept(), lines,
                Optional.empty());
        assertThat(agree.agreement()).isEqualTo(CorpusOutcome.Agreement.AGREE);
        assertThat(lineDiffers.agreement()).isEqualTo(CorpusOutcome.Agreement.LINE_DIFFERS);
        assertThat(accepts.agreement()).isEqualTo(CorpusOutcome.Agreement.HAPROBE_ACCEPTS);
        assertThat(accepts.keyword()).isEqualTo("defaults: timeout client");
        assertThat(accepts.theme()).isEqualTo("'…' : unexpected character '…' in '…'");
    }
}
