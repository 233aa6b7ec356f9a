package io.haprobe.fuzz;

import java.util.SplittableRandom;

/**
 * The code under fuzzing: takes one input and either returns a label for what happened or throws when the
 * input broke the contract (any {@link Throwable}, an {@link AssertionError} of the target's own oracle included).
 *
 * <p>The label sorts inputs into outcomes for the run's summary and steers the fuzzer: an input whose label was
 * never seen before joins the corpus that later inputs are mutated from. A good label names the path the input
 * took without its variable parts, e.g. {@code ConfigException: unknown keyword '' in server line}
 * ({@link Labels#of(String)} normalizes a message that way).
 *
 * <p>Called on the fuzzer's worker thread only, one input at a time.
 */
@FunctionalInterface
public interface FuzzTarget {

    /**
     * Runs one input.
     *
     * @param input  the bytes to feed; never null, owned by the target (it may keep or change them)
     * @param random the input's own random source, for choices beside the bytes (how to split them, which
     *               program judges them); derived from the run's seed and the input's number, so a replay makes
     *               the same choices
     * @return a label for what happened; never null
     * @throws Throwable when the input broke the contract: the fuzzer records it as a crash
     */
    String run(byte[] input, SplittableRandom random) throws Throwable;
}
