package io.haprobe.diagnosis;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckResult;
import io.haprobe.CheckStatus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run saw of one server, as the diagnosis reads it: how many checks completed, how many failed and with
 * which statuses, the last failure, how often the checks went from passing to failing and back, since when they
 * were failing at the DOWN transition, and when the server was last UP. It does not keep the checks: a
 * {@link Builder} takes them one at a time, so a history costs the same after ten checks or ten million.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerHistory {

    private final long lastUpMillis;
    private final long total;
    private final long failures;
    private final Map<CheckStatus, Long> failureStatuses;
    private final CheckOutcome lastFailure;
    private final long alternations;
    private final boolean connectFailure;
    private final long failingSinceMillis;

    private ServerHistory(Builder builder) {
        this.lastUpMillis = builder.lastUpMillis;
        this.total = builder.total;
        this.failures = builder.failures;
        this.failureStatuses = Collections.unmodifiableMap(builder.failureStatuses == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(builder.failureStatuses));
        this.lastFailure = builder.lastFailure;
        this.alternations = builder.alternations;
        this.connectFailure = builder.connectFailure;
        this.failingSinceMillis = builder.failingSinceMillis;
    }

    /**
     * Starts an empty history: no check, never UP.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the history of these checks.
     *
     * @param checks       the completed checks, oldest first; never null
     * @param lastUpMillis see {@link Builder#lastUpMillis(long)}
     * @return the history
     * @throws NullPointerException if {@code checks} or a check is null
     */
    public static ServerHistory of(List<CheckRecord> checks, long lastUpMillis) {
        Builder builder = builder().lastUpMillis(lastUpMillis);
        checks.forEach(builder::check);
        return builder.build();
    }

    /**
     * Returns when the server last left UP.
     *
     * @return milliseconds since the run's start when the server last left UP (its DOWN transition), or -1 when
     *         it was never UP after a completed check (it went DOWN from its boot state)
     */
    public long lastUpMillis() {
        return lastUpMillis;
    }

    /**
     * Tells whether a completed check passed before the server went down: the server was UP during the run.
     *
     * @return true when {@link #lastUpMillis()} is 0 or more
     */
    public boolean wasUp() {
        return lastUpMillis >= 0;
    }

    /**
     * Returns the number of completed checks.
     *
     * @return 0 or more
     */
    public long checks() {
        return total;
    }

    /**
     * Returns the number of failed checks ({@link CheckResult#FAILED}).
     *
     * @return 0 to {@link #checks()}
     */
    public long failures() {
        return failures;
    }

    /**
     * Returns the failed checks counted by status, in the order each status first failed.
     *
     * @return an unmodifiable map; empty when no check failed
     */
    public Map<CheckStatus, Long> failureStatuses() {
        return failureStatuses;
    }

    /**
     * Returns the most recent failed check's outcome.
     *
     * @return the outcome, or null when no check failed
     */
    public CheckOutcome lastFailure() {
        return lastFailure;
    }

    /**
     * Returns how many times the checks changed from passing ({@code PASSED} or {@code CONDPASS}) to not
     * passing or back, counting from passing before the first check (a first failed check is a change).
     *
     * @return 0 or more
     */
    public long alternations() {
        return alternations;
    }

    /**
     * Tells whether a check failed to connect: {@code L4TOUT} or {@code L4CON}.
     *
     * @return true when one did
     */
    public boolean connectFailure() {
        return connectFailure;
    }

    /**
     * Returns when the run of not-passing checks that led to the DOWN transition began: the first check of the
     * last unbroken run of not-passing checks up to the transition's millisecond ({@link Builder#downAt(long)}),
     * or up to the last check when none was given.
     *
     * @return milliseconds since the run's start, or -1 when the last check up to then passed (or none completed)
     */
    public long failingSinceMillis() {
        return failingSinceMillis;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServerHistory h && lastUpMillis == h.lastUpMillis && total == h.total
                && failures == h.failures && failureStatuses.equals(h.failureStatuses)
                && Objects.equals(lastFailure, h.lastFailure) && alternations == h.alternations
                && connectFailure == h.connectFailure && failingSinceMillis == h.failingSinceMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(lastUpMillis, total, failures, failureStatuses, lastFailure, alternations,
                connectFailure, failingSinceMillis);
    }

    @Override
    public String toString() {
        return "ServerHistory[checks=" + total + ", failures=" + failureStatuses + ", lastFailure=" + lastFailure
                + ", alternations=" + alternations + ", connectFailure=" + connectFailure + ", failingSince="
                + failingSinceMillis + ", lastUp=" + lastUpMillis + "]";
    }

    /**
     * Takes a server's completed checks one at a time, oldest first, and keeps only what {@link ServerHistory}
     * holds: its memory does not grow with the number of checks. {@link #build()} may be called at any time, as
     * often as wanted; the builder goes on.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {

        private long lastUpMillis = -1;
        private long total;
        private long failures;
        /** Null until the first failure: a live run keeps two builders per server, most of them never failing. */
        private Map<CheckStatus, Long> failureStatuses;
        private CheckOutcome lastFailure;
        private long alternations;
        private boolean passing = true;
        private boolean connectFailure;
        private long failingSinceMillis = -1;
        private long downAtMillis = -1;

        private Builder() {
        }

        /**
         * Adds the next completed check.
         *
         * @param atMillis milliseconds since the run's start, not before the previous check's
         * @param outcome  what the check reported; never null
         * @return this builder
         * @throws NullPointerException if {@code outcome} is null
         */
        public Builder check(long atMillis, CheckOutcome outcome) {
            Objects.requireNonNull(outcome, "outcome");
            total++;
            boolean passed = outcome.result() == CheckResult.PASSED || outcome.result() == CheckResult.CONDPASS;
            if (outcome.result() == CheckResult.FAILED) {
                failures++;
                if (failureStatuses == null) {
                    failureStatuses = new LinkedHashMap<>();
                }
                failureStatuses.merge(outcome.status(), 1L, Long::sum);
                lastFailure = outcome;
            }
            if (passed != passing) {
                alternations++;
            }
            passing = passed;
            connectFailure |= outcome.status() == CheckStatus.L4TOUT || outcome.status() == CheckStatus.L4CON;
            if (downAtMillis < 0 || atMillis <= downAtMillis) {
                if (passed) {
                    failingSinceMillis = -1;
                } else if (failingSinceMillis < 0) {
                    failingSinceMillis = atMillis;
                }
            }
            return this;
        }

        /**
         * Adds the next completed check.
         *
         * @param check the check; never null
         * @return this builder
         * @throws NullPointerException if {@code check} is null
         */
        public Builder check(CheckRecord check) {
            return check(check.atMillis(), check.outcome());
        }

        /**
         * Sets when the server last left UP.
         *
         * @param lastUpMillis milliseconds since the run's start of the DOWN transition that ended the server's
         *                     last time UP, or -1 (the default) when it was never UP after a completed check
         * @return this builder
         */
        public Builder lastUpMillis(long lastUpMillis) {
            this.lastUpMillis = lastUpMillis;
            return this;
        }

        /**
         * Marks the DOWN transition whose failing run {@link ServerHistory#failingSinceMillis()} reports: checks
         * after its millisecond still count, but no longer move that time.
         *
         * @param downAtMillis milliseconds since the run's start, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if {@code downAtMillis} is negative
         */
        public Builder downAt(long downAtMillis) {
            if (downAtMillis < 0) {
                throw new IllegalArgumentException("downAtMillis: " + downAtMillis + " (expected: >= 0)");
            }
            this.downAtMillis = downAtMillis;
            return this;
        }

        /**
         * Returns a new builder holding what this one took so far (its checks' counts, last failure, failing run,
         * {@link #lastUpMillis(long)} and {@link #downAt(long)}); the two then take checks independently.
         *
         * @return the copy, never null
         */
        public Builder copy() {
            Builder copy = new Builder();
            copy.lastUpMillis = lastUpMillis;
            copy.total = total;
            copy.failures = failures;
            copy.failureStatuses = failureStatuses == null ? null : new LinkedHashMap<>(failureStatuses);
            copy.lastFailure = lastFailure;
            copy.alternations = alternations;
            copy.passing = passing;
            copy.connectFailure = connectFailure;
            copy.failingSinceMillis = failingSinceMillis;
            copy.downAtMillis = downAtMillis;
            return copy;
        }

        /**
         * Returns the history so far.
         *
         * @return an immutable history
         */
        public ServerHistory build() {
            return new ServerHistory(this);
        }
    }
}
