package io.haprobe.diagnosis;

import java.util.Objects;

/**
 * The diagnosis of one DOWN transition of a timeline: why the server went DOWN at {@link #downAtMillis()},
 * read from the checks around that transition (from the previous time it left DOWN, or the run's start, until it
 * left DOWN again). Unlike the diagnosis of a server not UP at the end, it rests on the checks alone: no
 * follow-up probe can observe a failure that is over.
 *
 * <p>Immutable and thread-safe.
 *
 * @param downAtMillis      milliseconds since the run's start of the transition to DOWN (wall or virtual time),
 *                          0 or more
 * @param recoveredAtMillis milliseconds since the run's start when the server next left DOWN (UP, or
 *                          STARTING under {@code slowstart}), or -1 when it was still DOWN at the end
 * @param diagnosis         the cause, evidence and fix; never null
 */
public record TransitionDiagnosis(long downAtMillis, long recoveredAtMillis, Diagnosis diagnosis) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException     if {@code diagnosis} is null
     * @throws IllegalArgumentException if {@code downAtMillis} is negative, or {@code recoveredAtMillis} is
     *                                  neither -1 nor at least {@code downAtMillis}
     */
    public TransitionDiagnosis {
        Objects.requireNonNull(diagnosis, "diagnosis");
        if (downAtMillis < 0) {
            throw new IllegalArgumentException("downAtMillis: " + downAtMillis + " (expected: >= 0)");
        }
        if (recoveredAtMillis != -1 && recoveredAtMillis < downAtMillis) {
            throw new IllegalArgumentException("recoveredAtMillis: " + recoveredAtMillis + " (expected: -1 or >= "
                    + downAtMillis + ")");
        }
    }

    /**
     * Tells whether the server left DOWN again before the end of the run.
     *
     * @return true when {@link #recoveredAtMillis()} is 0 or more
     */
    public boolean recovered() {
        return recoveredAtMillis >= 0;
    }
}
