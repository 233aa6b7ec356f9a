package io.haprobe.conformance;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Says whether a configuration file is valid, the way {@code haproxy -c} does: accepted, or rejected with the line of
 * the first error. The differential corpus test ({@link DifferentialCorpusTest}) asks one judge for haprobe
 * ({@link HaprobeConfigJudge}) and compares it with real HAProxy ({@link HaproxyConfigJudge}).
 *
 * <p>Implementations are thread-safe: the test calls {@link #judge} from several threads at once.
 */
interface ConfigJudge {

    /**
     * Judges one file.
     *
     * @param file the configuration file; never null
     * @return the verdict; never null. A judge reports its own failures as a rejection with a message, never as
     *         an exception.
     */
    Verdict judge(Path file);

    /**
     * What a judge concluded about one file.
     *
     * @param accepted        whether the file is valid ({@code haproxy -c} exits 0)
     * @param firstErrorLine  the 1-based line of the first error in the file itself, if rejected and the judge
     *                        names one; empty when accepted or when the error has no line (a missing backend,
     *                        no listener, an error in another file)
     * @param message         what the judge said: the first error's text when rejected, empty when accepted; never
     *                        null
     */
    record Verdict(boolean accepted, OptionalInt firstErrorLine, String message) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if a component is null
         * @throws IllegalArgumentException if an accepted verdict carries an error line
         */
        public Verdict {
            Objects.requireNonNull(firstErrorLine, "firstErrorLine");
            Objects.requireNonNull(message, "message");
            if (accepted && firstErrorLine.isPresent()) {
                throw new IllegalArgumentException("firstErrorLine: " + firstErrorLine + " (expected: empty when"
                        + " accepted)");
            }
        }

        /**
         * The verdict of a valid file.
         *
         * @return an accepted verdict with no line and no message
         */
        static Verdict accept() {
            return new Verdict(true, OptionalInt.empty(), "");
        }

        /**
         * The verdict of an invalid file.
         *
         * @param line    the first error's 1-based line, or 0 when it has none
         * @param message the first error's text; never null
         * @return a rejected verdict
         */
        static Verdict reject(int line, String message) {
            return new Verdict(false, line > 0 ? OptionalInt.of(line) : OptionalInt.empty(), message);
        }
    }
}
