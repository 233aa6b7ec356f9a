package io.haprobe.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The differential corpus's reports: its section of {@code REPORT.md} (the agreement figures and the table of
 * deliberate divergences, between two markers so that {@link Report} can keep it when it rewrites the rest), the
 * to-do list {@code DISAGREEMENTS.md} and HAProxy's verdicts as {@code haproxy-verdicts.tsv}.
 *
 * <p>The table of deliberate divergences is the only hand-written part of {@code REPORT.md}: the test reads it
 * from the committed file, and every rewrite writes it back as it was, with the count of files each entry covers
 * in the run. Stateless and thread-safe.
 */
final class CorpusReport {

    /** The first line of the corpus section. */
    static final String BEGIN = "<!-- corpus:begin -->";
    /** The last line of the corpus section. */
    static final String END = "<!-- corpus:end -->";
    /** The heading of the table of deliberate divergences. */
    static final String DIVERGENCES = "### Deliberate divergences of the config corpus";

    /** The committed report, relative to the module. */
    static final Path COMMITTED = Path.of("REPORT.md");

    private static final int SAMPLES = 3;
    private static final int TOP = 4;

    private CorpusReport() {
    }

    /**
     * The figures of one run.
     *
     * @param judge       what judged haprobe's side, e.g. {@code HaproxyConfig.parse}
     * @param haproxy     the oracle's version line
     * @param seed        the corpus seed
     * @param outcomes    every file's outcome
     * @param divergences the listed deliberate divergences
     * @param skipped     what the generator could not make here, and why
     */
    record Summary(String judge, String haproxy, long seed, List<CorpusOutcome> outcomes,
                   List<CorpusDivergence> divergences, List<String> skipped) {
    }

    /**
     * Returns the corpus section of a report, markers included, to keep it when the rest is rewritten.
     *
     * @param report a {@code REPORT.md}; it may not exist
     * @return the section's lines, or an empty list if the file or the section is missing
     * @throws IOException if the file exists but cannot be read
     */
    static List<String> sectionOf(Path report) throws IOException {
        if (!Files.exists(report)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
        int begin = lines.indexOf(BEGIN);
        int end = lines.indexOf(END);
        if (begin < 0 || end < begin) {
            return List.of();
        }
        List<String> section = new ArrayList<>();
        section.add("");
        section.addAll(lines.subList(begin, end + 1));
        return section;
    }

    /**
     * Returns the corpus section {@link Report} keeps when it rewrites a report: the report's own, or the committed
     * report's when the report has none yet (a first run writing {@code target/conformance/REPORT.md}).
     *
     * @param report the report being rewritten; it may not exist
     * @return the section's lines, a blank line first; empty if neither file has one
     * @throws IOException if a file exists but cannot be read
     */
    static List<String> keptSection(Path report) throws IOException {
        List<String> own = sectionOf(report);
        return own.isEmpty() ? sectionOf(COMMITTED) : own;
    }

    /**
     * Reads the deliberate divergences from a report's corpus section: the rows of the table under
     * {@link #DIVERGENCES}, first cell the file or glob (in backquotes or not), second the reason.
     *
     * @param report the committed {@code REPORT.md}; it may not exist
     * @return the entries, in table order; empty if there is no such table
     * @throws IOException if the file exists but cannot be read
     */
    static List<CorpusDivergence> divergences(Path report) throws IOException {
        List<String> section = sectionOf(report);
        int heading = section.indexOf(DIVERGENCES);
        List<CorpusDivergence> entries = new ArrayList<>();
        if (heading < 0) {
            return entries;
        }
        boolean inTable = false;
        for (String line : section.subList(heading + 1, section.size())) {
            if (line.startsWith("#") || line.equals(END)) {
                break;
            }
            if (!line.startsWith("|")) {
                if (inTable) {
                    break;
                }
                continue;
            }
            inTable = true;
            String[] cells = line.substring(1).split("(?<!\\\\)\\|");
            String pattern = cells.length > 0 ? cells[0].strip().replace("`", "") : "";
            if (pattern.equals("file or pattern") || pattern.matches("-+") || cells.length < 2) {
                continue;
            }
            entries.add(new CorpusDivergence(pattern, cells[1].strip().replace("\\|", "|")));
        }
        return entries;
    }

    /**
     * Writes the corpus section into a report: replaces the section if the report has one, appends it otherwise.
     * A missing report starts as a copy of {@code template} (the committed one), so a corpus run alone still gives
     * a whole report.
     *
     * @param report   the report to write
     * @param template the report to start from when {@code report} does not exist; it may not exist either
     * @param summary  the run
     * @throws IOException if a file cannot be read or written
     */
    static void writeSection(Path report, Path template, Summary summary) throws IOException {
        Path from = Files.exists(report) ? report : template;
        List<String> lines = Files.exists(from) ? new ArrayList<>(Files.readAllLines(from, StandardCharsets.UTF_8))
                : new ArrayList<>();
        int begin = lines.indexOf(BEGIN);
        int end = lines.indexOf(END);
        if (begin >= 0 && end >= begin) {
            lines.subList(begin, end + 1).clear();
            while (begin > 0 && lines.get(begin - 1).isEmpty()) {
                lines.remove(--begin);
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        lines.add("");
        lines.addAll(section(summary));
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.write(report, lines, StandardCharsets.UTF_8);
    }

    /** The corpus section's lines, markers included. */
    static List<String> section(Summary summary) {
        List<CorpusOutcome> outcomes = summary.outcomes();
        List<String> out = new ArrayList<>();
        long accepted = outcomes.stream().filter(o -> o.haproxy().verdict().accepted()).count();
        long agree = outcomes.stream().filter(o -> !o.disagrees()).count();
        long listed = outcomes.stream().filter(o -> o.disagrees() && o.listed().isPresent()).count();
        long disagree = outcomes.size() - agree;
        out.add(BEGIN);
        out.add("## Differential config corpus: `haproxy -c` against haprobe");
        out.add("");
        out.add("Written by `DifferentialCorpusTest` (the rest of this file by `ConformanceTest`). A seeded corpus"
                + " (seed " + summary.seed() + ") of hand-written files covering every keyword of the 2.6 manual's"
                + " lists (global, proxy keyword matrix, bind and server options, the other sections) and every"
                + " keyword `haproxy -dKall` registers, production-style files, and seeded mutations of them"
                + " (misspelt keywords, junk numbers, dropped or extra arguments, duplicated, deleted, moved and"
                + " swapped lines and sections, dangling references, broken quotes, unbalanced `.if` blocks...) goes"
                + " through `haproxy -c` (`" + summary.haproxy().strip() + "`) and through haprobe's "
                + summary.judge() + ". They agree on a file when both accept it, or both reject it and haprobe's"
                + " first error is on the line of HAProxy's first `[ALERT]` naming a line (any line, when none"
                + " does). Exit 2 (valid but no listener) counts as acceptance, as `haprobe validate` accepts such a file on purpose. The files, HAProxy's output and the"
                + " current disagreements: `conformance/target/corpus/`.");
        out.add("");
        out.add("**" + outcomes.size() + " files: HAProxy accepts " + accepted + ", rejects "
                + (outcomes.size() - accepted) + "; haprobe agrees on " + agree + " (" + percent(agree,
                outcomes.size()) + "), disagrees on " + disagree + ", of which " + listed
                + " are listed deliberate divergences.**");
        out.add("");
        out.add("| category | files | HAProxy accepts | HAProxy rejects | agree | disagree |");
        out.add("|---|---|---|---|---|---|");
        for (CorpusFile.Category category : CorpusFile.Category.values()) {
            List<CorpusOutcome> of = outcomes.stream().filter(o -> o.file().category() == category).toList();
            long in = of.stream().filter(o -> o.haproxy().verdict().accepted()).count();
            long ok = of.stream().filter(o -> !o.disagrees()).count();
            out.add("| " + category.label() + " | " + of.size() + " | " + in + " | " + (of.size() - in) + " | " + ok
                    + " | " + (of.size() - ok) + " |");
        }
        out.add("");
        out.add("| mutation | files | HAProxy accepts | agree | disagree |");
        out.add("|---|---|---|---|---|");
        Map<String, List<CorpusOutcome>> byMutation = outcomes.stream()
                .filter(o -> o.file().category() == CorpusFile.Category.MUTATION)
                .collect(Collectors.groupingBy(o -> o.file().mutation().startsWith("junk-") ? "junk-*"
                        : o.file().mutation(), TreeMap::new, Collectors.toList()));
        byMutation.forEach((mutation, of) -> {
            long in = of.stream().filter(o -> o.haproxy().verdict().accepted()).count();
            long ok = of.stream().filter(o -> !o.disagrees()).count();
            out.add("| " + mutation + " | " + of.size() + " | " + in + " | " + ok + " | " + (of.size() - ok) + " |");
        });
        if (!summary.skipped().isEmpty()) {
            out.add("");
            out.add("Not generated on the machine of this run: " + String.join("; ", summary.skipped()) + ".");
        }
        out.add("");
        out.add(DIVERGENCES);
        out.add("");
        out.add("Hand-written: one row per deliberate divergence, a corpus file name or a glob (`*`, `?`) and why"
                + " haprobe differs on purpose. The test reads this table from the committed file and fails (with"
                + " `-Dcorpus.strict=true`) on any disagreement no row covers; a rewrite keeps the rows and"
                + " recounts the files each covers.");
        out.add("");
        out.add("| file or pattern | reason | files this run |");
        out.add("|---|---|---|");
        for (CorpusDivergence entry : summary.divergences()) {
            long covered = outcomes.stream().filter(o -> o.disagrees() && entry.covers(o.file().name())).count();
            out.add("| `" + entry.pattern() + "` | " + entry.reason().replace("|", "\\|") + " | " + covered
                    + (covered == 0 ? " (stale)" : "") + " |");
        }
        if (summary.divergences().isEmpty()) {
            out.add("");
            out.add("None.");
        }
        out.add(END);
        return out;
    }

    /**
     * Writes {@code haproxy-verdicts.tsv}: file, exit code, the line of the first alert naming one (empty if none),
     * and the alert text.
     *
     * @param file     the file to write
     * @param outcomes every file's outcome
     * @throws IOException if it cannot be written
     */
    static void writeVerdicts(Path file, List<CorpusOutcome> outcomes) throws IOException {
        List<String> rows = new ArrayList<>();
        rows.add("file\texit\tfirst_alert_line\talert");
        for (CorpusOutcome outcome : outcomes) {
            ConfigJudge.Verdict verdict = outcome.haproxy().verdict();
            rows.add(outcome.file().name() + "\t" + outcome.haproxy().exit() + "\t"
                    + (verdict.firstErrorLine().isPresent() ? verdict.firstErrorLine().getAsInt() : "") + "\t"
                    + tsv(verdict.message()));
        }
        Files.write(file, rows, StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code DISAGREEMENTS.md}: the disagreements not listed as deliberate, grouped by how the sides differ
     * and the error ({@link CorpusOutcome#theme()}), largest groups first; each group with its keywords, its
     * mutations and a few samples (file, HAProxy's alert, haprobe's message).
     *
     * @param file     the file to write
     * @param summary  the run
     * @param seconds  how long the run took
     * @throws IOException if it cannot be written
     */
    static void writeDisagreements(Path file, Summary summary, double seconds) throws IOException {
        List<CorpusOutcome> open = summary.outcomes().stream().filter(o -> o.disagrees() && o.listed().isEmpty())
                .toList();
        List<String> out = new ArrayList<>();
        out.add("# Disagreements of haprobe with `haproxy -c` on the differential corpus");
        out.add("");
        out.add("haprobe's side: " + summary.judge() + ". " + summary.outcomes().size() + " files in "
                + String.format("%.1f", seconds) + " s; " + open.size() + " disagreements not listed as deliberate"
                + " divergences, in " + groups(open).size() + " groups: how the sides differ, then the error (HAProxy's first alert"
                + " naming a line, or haprobe's message when only haprobe rejects, with names and numbers blanked)."
                + " Keywords are `section: keyword` of that error's line.");
        out.add("");
        out.add("| # | how | error | files | keywords | mutations |");
        out.add("|---|---|---|---|---|---|");
        List<Map.Entry<String, List<CorpusOutcome>>> groups = groups(open);
        for (int g = 0; g < groups.size(); g++) {
            List<CorpusOutcome> group = groups.get(g).getValue();
            CorpusOutcome first = group.get(0);
            out.add("| " + (g + 1) + " | " + first.agreement().label() + " | " + cell(first.theme()) + " | "
                    + group.size() + " | " + counts(group, CorpusOutcome::keyword) + " | "
                    + counts(group, CorpusReport::mutation) + " |");
        }
        for (int g = 0; g < groups.size(); g++) {
            List<CorpusOutcome> group = groups.get(g).getValue();
            CorpusOutcome first = group.get(0);
            out.add("");
            out.add("## " + (g + 1) + ". " + first.agreement().label() + " (" + group.size() + "): "
                    + first.theme());
            out.add("");
            for (CorpusOutcome sample : group.subList(0, Math.min(SAMPLES, group.size()))) {
                out.add("- `" + sample.file().name() + "` (`" + sample.keyword() + "`)");
                out.add("  - haproxy (exit " + sample.haproxy().exit() + lineOf(sample.haproxy().verdict()) + "): "
                        + orNone(sample.haproxy().verdict().message()));
                out.add("  - haprobe" + (sample.haprobe().accepted() ? " accepts"
                        : " (" + lineOf(sample.haprobe()).substring(2) + "): " + sample.haprobe().message()));
            }
            if (group.size() > SAMPLES) {
                out.add("- and " + (group.size() - SAMPLES) + " more: " + group.subList(SAMPLES, group.size())
                        .stream().map(o -> o.file().name()).collect(Collectors.joining(", ")));
            }
        }
        Files.write(file, out, StandardCharsets.UTF_8);
    }

    /**
     * Groups disagreements by how the sides differ and the error, largest first.
     *
     * @param disagreements the outcomes to group
     * @return the groups, each keyed {@code how | error}
     */
    static List<Map.Entry<String, List<CorpusOutcome>>> groups(List<CorpusOutcome> disagreements) {
        Map<String, List<CorpusOutcome>> groups = disagreements.stream().collect(Collectors.groupingBy(
                o -> o.agreement().label() + " | " + o.theme(), LinkedHashMap::new, Collectors.toList()));
        return groups.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, List<CorpusOutcome>> e) -> -e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .toList();
    }

    /** The most frequent values of a property in a group, with their counts. */
    private static String counts(List<CorpusOutcome> outcomes, Function<CorpusOutcome, String> property) {
        Map<String, Long> counts = outcomes.stream().collect(Collectors.groupingBy(property, TreeMap::new,
                Collectors.counting()));
        List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
        String shown = sorted.stream().limit(TOP).map(e -> "`" + e.getKey() + "` " + e.getValue())
                .collect(Collectors.joining(", "));
        return sorted.size() > TOP ? shown + ", " + (sorted.size() - TOP) + " more" : shown;
    }

    private static String mutation(CorpusOutcome outcome) {
        String mutation = outcome.file().mutation();
        return mutation.isEmpty() ? "(source)" : mutation.startsWith("junk-") ? "junk" : mutation;
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String lineOf(ConfigJudge.Verdict verdict) {
        return verdict.firstErrorLine().isPresent() ? ", line " + verdict.firstErrorLine().getAsInt() : ", no line";
    }

    private static String orNone(String message) {
        return message.isEmpty() ? "(accepts)" : message;
    }

    private static String tsv(String text) {
        return text.replace('\t', ' ').replace('\n', ' ');
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "n/a" : String.format("%.1f%%", 100.0 * part / whole);
    }
}
