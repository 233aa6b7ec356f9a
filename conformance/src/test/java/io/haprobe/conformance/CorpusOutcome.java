package io.haprobe.conformance;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What both sides concluded about one corpus file, and whether they agree.
 *
 * @param file     the corpus file; never null
 * @param haproxy  real HAProxy's run; never null
 * @param haprobe  haprobe's verdict; never null
 * @param lines    the file's lines, to name the keyword at an error line; never null
 * @param listed   the deliberate divergence that covers this file, if any; never null
 */
record CorpusOutcome(CorpusFile file, HaproxyConfigJudge.Run haproxy, ConfigJudge.Verdict haprobe,
                     List<String> lines, Optional<CorpusDivergence> listed) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    CorpusOutcome {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(haproxy, "haproxy");
        Objects.requireNonNull(haprobe, "haprobe");
        lines = List.copyOf(lines);
        Objects.requireNonNull(listed, "listed");
    }

    /** How the two sides compare. */
    enum Agreement {
        /** Both accept, or both reject at the same first line (or HAProxy names no line). */
        AGREE("agree"),
        /** HAProxy rejects what haprobe accepts. */
        HAPROBE_ACCEPTS("haproxy rejects, haprobe accepts"),
        /** haprobe rejects what HAProxy accepts. */
        HAPROBE_REJECTS("haproxy accepts, haprobe rejects"),
        /** Both reject, at different first lines. */
        LINE_DIFFERS("both reject, first error line differs");

        private final String label;

        Agreement(String label) {
            this.label = label;
        }

        /** Returns how reports name it. */
        String label() {
            return label;
        }
    }

    /**
     * Compares the verdicts. When HAProxy names no line for its first error (a missing backend found after
     * parsing, no listener, an error in an included SPOE file), any line haprobe names agrees.
     *
     * @return the agreement
     */
    Agreement agreement() {
        ConfigJudge.Verdict reference = haproxy.verdict();
        if (reference.accepted() != haprobe.accepted()) {
            return reference.accepted() ? Agreement.HAPROBE_REJECTS : Agreement.HAPROBE_ACCEPTS;
        }
        if (reference.accepted() || reference.firstErrorLine().isEmpty()
                || reference.firstErrorLine().equals(haprobe.firstErrorLine())) {
            return Agreement.AGREE;
        }
        return Agreement.LINE_DIFFERS;
    }

    /** Returns whether the sides disagree. */
    boolean disagrees() {
        return agreement() != Agreement.AGREE;
    }

    /**
     * The error a disagreement is about, made general enough to group files by: the message of the side that
     * rejects (HAProxy's, or haprobe's when only haprobe rejects) without its place, with quoted words,
     * {@code <...>} parts and numbers blanked.
     *
     * @return e.g. {@code unknown keyword '…' in '…' section; did you mean '…' maybe ?}
     */
    String theme() {
        String message = agreement() == Agreement.HAPROBE_REJECTS ? haprobe.message()
                : haproxy.verdict().message();
        String theme = message.replaceAll("parsing \\[[^\\]]*\\]\\s*:?\\s*", "")
                .replaceAll("\\[[^\\]]*:\\d+\\]\\s*:?\\s*", "")
                .replaceAll("[\\w.-]+\\.cfg", "FILE")
                .replaceAll("'[^']*'", "'…'")
                .replaceAll("\"[^\"]*\"", "\"…\"")
                .replaceAll("<[^>]*>", "<…>")
                .replaceAll("\\d+", "N")
                .strip();
        return theme.length() > 160 ? theme.substring(0, 160) + "…" : theme;
    }

    /**
     * The statement a disagreement is about: {@code section: keyword} of the line HAProxy names (haprobe's line
     * when only haprobe rejects), e.g. {@code backend: http-check expect}.
     *
     * @return the keyword, or {@code (no line)} when the side that rejects names none
     */
    String keyword() {
        OptionalInt line = agreement() == Agreement.HAPROBE_REJECTS ? haprobe.firstErrorLine()
                : haproxy.verdict().firstErrorLine();
        if (line.isEmpty() || line.getAsInt() > lines.size()) {
            return "(no line)";
        }
        int index = line.getAsInt() - 1;
        String section = "";
        for (int i = index; i >= 0; i--) {
            if (CorpusMutator.isHeader(lines, i)) {
                section = CorpusMutator.tokens(lines.get(i)).get(0).text();
                break;
            }
        }
        List<CorpusMutator.Token> tokens = CorpusMutator.tokens(lines.get(index));
        if (tokens.isEmpty()) {
            return section + ": (blank line)";
        }
        String first = tokens.get(0).text();
        if (CorpusMutator.isHeader(lines, index)) {
            return first + ": (section line)";
        }
        String keyword = first.replaceAll("\\(.*", "");
        if (tokens.size() > 1 && List.of("option", "timeout", "http-request", "http-response",
                "http-after-response", "tcp-request", "tcp-response", "http-check", "tcp-check", "stats", "stick",
                "capture", "email-alert", "no").contains(first)) {
            keyword += " " + tokens.get(1).text().replaceAll("\\(.*", "");
        }
        return (section.isEmpty() ? "(top)" : section) + ": " + keyword;
    }
}
