package io.haprobe.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scripted backend behind one server: its phases, in time order, the first at 0.
 *
 * <pre>{@code
 * ServerScript web01 = ServerScript.builder()
 *         .at(Duration.ZERO, Behaviour.http(200))
 *         .at(Duration.ofSeconds(10), Behaviour.http(204))
 *         .at(Duration.ofSeconds(30), Behaviour.refuse())
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param phases the phases; never null, not empty, the first at 0, strictly increasing start times
 */
public record ServerScript(List<Phase> phases) {

    /**
     * Validates and copies the phases.
     *
     * @throws NullPointerException     if {@code phases} or a phase is null
     * @throws IllegalArgumentException if there is no phase, the first does not start at 0, or two phases
     *                                  start at the same time or out of order
     */
    public ServerScript {
        phases = List.copyOf(phases);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("phases: [] (expected: at least one phase, the first at 0)");
        }
        if (phases.get(0).atNanos() != 0) {
            throw new IllegalArgumentException("phases: first at " + phases.get(0).atNanos()
                    + " ns (expected: the first phase at 0)");
        }
        for (int i = 1; i < phases.size(); i++) {
            if (phases.get(i).atNanos() <= phases.get(i - 1).atNanos()) {
                throw new IllegalArgumentException("phases: phase " + (i + 1) + " at " + phases.get(i).atNanos()
                        + " ns overlaps phase " + i + " at " + phases.get(i - 1).atNanos()
                        + " ns (expected: strictly increasing start times)");
            }
        }
    }

    /**
     * Returns a script with one phase for the whole run.
     *
     * @param behaviour the behaviour; never null
     * @return the script
     */
    public static ServerScript of(Behaviour behaviour) {
        return new ServerScript(List.of(new Phase(0, behaviour)));
    }

    /**
     * Starts a script builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the index of the phase in force at {@code nanos}.
     *
     * @param nanos virtual nanoseconds since the start, {@code >= 0}
     * @return the index of the last phase starting at or before {@code nanos}
     */
    public int phaseIndexAt(long nanos) {
        int index = 0;
        while (index + 1 < phases.size() && phases.get(index + 1).atNanos() <= nanos) {
            index++;
        }
        return index;
    }

    /** Builds a {@link ServerScript}. Not thread-safe. */
    public static final class Builder {

        private final List<Phase> phases = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a phase.
         *
         * @param at        when it starts, since the simulation's start; never null, not negative
         * @param behaviour what the backend does from then on; never null
         * @return this builder
         * @throws NullPointerException     if an argument is null
         * @throws IllegalArgumentException if {@code at} is negative
         */
        public Builder at(Duration at, Behaviour behaviour) {
            phases.add(new Phase(Objects.requireNonNull(at, "at").toNanos(), behaviour));
            return this;
        }

        /**
         * Adds a phase whose proxied requests meet their own behaviour (scenario key {@code serve:}).
         *
         * @param at        when the phase starts, since the simulation started; never null, not negative
         * @param behaviour what check connections meet; never null
         * @param serve     what proxied requests meet, or null for {@code behaviour}
         * @return this builder
         * @throws NullPointerException if {@code at} or {@code behaviour} is null
         */
        public Builder at(Duration at, Behaviour behaviour, Behaviour serve) {
            phases.add(new Phase(Objects.requireNonNull(at, "at").toNanos(), behaviour, Firewall.OPEN, serve));
            return this;
        }

        /**
         * Builds the script.
         *
         * @return the script
         * @throws IllegalArgumentException as {@link ServerScript#ServerScript(List)}
         */
        public ServerScript build() {
            return new ServerScript(phases);
        }
    }
}
