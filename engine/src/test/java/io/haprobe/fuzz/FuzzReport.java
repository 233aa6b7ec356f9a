package io.haprobe.fuzz;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one {@link MutationFuzzer} run did: how many inputs, how long, which outcomes, which crashes.
 *
 * @param name         the target's name
 * @param seed         the run's seed ({@code -Dfuzz.seed})
 * @param inputs       inputs run, the corpus seeds included
 * @param seedInputs   how many of them were the unmutated seeds
 * @param elapsedNanos the run's wall time in nanoseconds
 * @param outcomes     how many inputs ended with each label
 * @param corpusSize   the corpus at the end: the seeds and each input that gave a new label
 * @param slowestNanos the longest one input took, in nanoseconds
 * @param slowestLabel the label of that input
 * @param crashes      the distinct crashes, first found first; empty when the target held its contract
 * @param reproduce    the system properties that replay the run exactly, e.g. {@code -Dfuzz.seed=... -Dfuzz.iterations=...}
 */
public record FuzzReport(String name, long seed, long inputs, int seedInputs, long elapsedNanos,
                         Map<String, Long> outcomes, int corpusSize, long slowestNanos, String slowestLabel,
                         List<Crash> crashes, String reproduce) {

    private static final int SHOWN_OUTCOMES = 12;
    private static final int SHOWN_INPUT_CHARS = 600;

    /** Copies the collections. */
    public FuzzReport {
        outcomes = Map.copyOf(outcomes);
        crashes = List.copyOf(crashes);
    }

    /**
     * Returns the one-paragraph summary a run prints: counts, rate, crashes and the most frequent outcomes.
     *
     * @return the summary, several lines
     */
    public String summary() {
        double seconds = elapsedNanos / 1e9;
        StringBuilder text = new StringBuilder();
        text.append(String.format("fuzz[%s] seed=%d: %d inputs (%d seeds) in %.1f s (%.0f/s), %d distinct outcomes, "
                        + "corpus %d, slowest input %.1f ms (%s), %d crash(es)%n", name, seed, inputs, seedInputs, seconds,
                inputs / Math.max(seconds, 1e-9), outcomes.size(), corpusSize, slowestNanos / 1e6, slowestLabel,
                crashes.size()));
        outcomes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(SHOWN_OUTCOMES)
                .forEach(e -> text.append(String.format("  %8d  %s%n", e.getValue(), e.getKey())));
        return text.toString();
    }

    /**
     * Throws when the run found a crash, with every crash, its smallest input and how to replay the run.
     *
     * @throws AssertionError if {@link #crashes()} is not empty
     */
    public void assertNoCrash() {
        if (crashes.isEmpty()) {
            return;
        }
        String details = crashes.stream().map(Crash::describe).collect(Collectors.joining("\n"));
        AssertionError error = new AssertionError("fuzz[" + name + "] found " + crashes.size()
                + " crash(es); replay with " + reproduce + " (docs/fuzzing.md)\n" + details);
        error.initCause(crashes.get(0).cause());
        throw error;
    }

    /**
     * One distinct crash: the first input that gave it and the smallest one found that still does.
     *
     * @param signature what the crash is, e.g. {@code java.lang.StringIndexOutOfBoundsException at
     *                  io.haprobe.config.X.y(X.java:12)}, or {@code hang} when one input ran past the hang limit
     * @param iteration the number of the first input that gave it (replay with {@code -Dfuzz.iterations=} one more)
     * @param count     how many inputs gave it
     * @param input     the first input that gave it
     * @param minimized the smallest input found that gives the same signature (the input itself if none)
     * @param cause     what the target threw (for a hang: a throwable carrying the stuck thread's stack)
     * @param file      where the input and its minimized form were written, or null if they could not be
     */
    public record Crash(String signature, long iteration, long count, byte[] input, byte[] minimized,
                        Throwable cause, Path file) {

        /**
         * Describes the crash for a failure message: signature, count, file and both inputs, escaped.
         *
         * @return several lines
         */
        public String describe() {
            return "- " + signature + " (" + count + " input(s), first at iteration " + iteration + ")"
                    + (file == null ? "" : "\n  written to " + file)
                    + "\n  minimized (" + minimized.length + " bytes): " + escape(minimized)
                    + "\n  input (" + input.length + " bytes): " + escape(input)
                    + "\n  " + cause;
        }

        /**
         * Escapes bytes as a Java string literal's contents: printable ASCII as is, {@code \n \r \t \" \\},
         * anything else as {@code \}{@code uXXXX} of its ISO-8859-1 character; cut after 600 characters.
         *
         * @param bytes the bytes; never null
         * @return the escaped text
         */
        public static String escape(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < text.length() && out.length() < SHOWN_INPUT_CHARS; i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    default -> {
                        if (c >= 0x20 && c < 0x7f) {
                            out.append(c);
                        } else {
                            out.append(String.format("\\u%04x", (int) c));
                        }
                    }
                }
            }
            return out.length() >= SHOWN_INPUT_CHARS ? out + "...(cut)" : out.toString();
        }
    }
}
