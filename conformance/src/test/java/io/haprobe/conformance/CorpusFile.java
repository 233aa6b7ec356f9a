package io.haprobe.conformance;

import java.util.Objects;

/**
 * One file of the differential corpus and where it comes from.
 *
 * @param name     the file name, e.g. {@code 0412-realworld-web-edge-misspell-swap-L17.cfg}; never null
 * @param category what kind of file it is; never null
 * @param source   the source it was made from: its own label for a source, e.g. {@code base-options},
 *                 {@code realworld-web-edge}, {@code synth-07}; never null
 * @param mutation the mutation applied, e.g. {@code misspell-swap}; empty for a source; never null
 * @param line     the 1-based line of the mutated file where the mutation is, or 0 for a source
 */
record CorpusFile(String name, Category category, String source, String mutation, int line) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    CorpusFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mutation, "mutation");
    }

    /** What a corpus file is. */
    enum Category {
        /** A hand-written file covering keywords in valid uses; HAProxy must accept it. */
        BASE("base"),
        /** A hand-written file meant to be rejected (an unavailable feature, a 2.6.12 quirk, a known error). */
        ERROR_BASE("error base"),
        /** A hand-written production-style file; HAProxy must accept it. */
        REAL_WORLD("real-world"),
        /** A production-style file put together from a seed; HAProxy must accept it. */
        SYNTHESIZED("synthesized real-world"),
        /** A seeded mutation of one of the others. */
        MUTATION("mutation");

        private final String label;

        Category(String label) {
            this.label = label;
        }

        /** Returns how the report names the category. */
        String label() {
            return label;
        }

        /** Returns whether HAProxy must accept every file of this category. */
        boolean mustBeAccepted() {
            return this == BASE || this == REAL_WORLD || this == SYNTHESIZED;
        }
    }
}
