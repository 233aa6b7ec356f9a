package io.haprobe.cli;

import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.Simulation;
import io.haprobe.testkit.Scenario;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * What {@code haprobe simulate}'s {@code --until-stable} and {@code --format json} add to a simulation. Stateless.
 */
final class SimulatedRunExtras {

    /** How far a first pass advances virtual time between looks at the stability rule. */
    private static final Duration STEP = Duration.ofSeconds(1);

    private SimulatedRunExtras() {
    }

    /**
     * Returns when the run ends: the scenario's duration, or with {@code --until-stable} the virtual time of the
     * check that made every checked server stable ({@link StabilityTracker}), if earlier. Found by a first run of
     * the same scenario and seed, which is deterministic, so that the real run stops exactly there.
     */
    static Duration end(Scenario scenario, RunOutputOptions options) {
        if (!options.untilStable) {
            return scenario.duration();
        }
        StabilityTracker tracker = new StabilityTracker();
        try (Simulation first = scenario.simulation().recordChecks(false).listener(tracker).build()) {
            tracker.track(first.engine().servers());
            Duration at = Duration.ZERO;
            while (!tracker.stable() && at.compareTo(scenario.duration()) < 0) {
                at = at.plus(STEP);
                if (at.compareTo(scenario.duration()) > 0) {
                    at = scenario.duration();
                }
                first.runUntil(at);
            }
            if (!tracker.stable()) {
                return scenario.duration();
            }
            return Duration.ofNanos(tracker.stableAtNanos() - first.engine().startNanos());
        }
    }

    /**
     * Prints the JSON document of a finished simulation.
     *
     * @param diagnoses the run's diagnoses, {@link RunDiagnoses#NONE} for none
     */
    static void printJson(Scenario scenario, RunOutputOptions options, long seed, long elapsedMillis,
                          List<ServerSnapshot> servers, io.haprobe.engine.Timeline timeline,
                          RunDiagnoses diagnoses, PrintWriter out) {
        JsonReport.print(JsonReport.document(
                new JsonReport.Run(scenario.file(), "simulated", elapsedMillis, options.untilStable, seed,
                        ServerSummary.exitCode(servers)),
                servers, timeline.events(), timeline.originNanos(), diagnoses),
                out);
    }
}
