package io.haprobe.cli;

import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.engine.ServerSnapshot;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where a run's diagnoses come from, for {@code --format json}'s {@code diagnosis} field: a function from a
 * server's final snapshot to its diagnosis. {@link CheckCommand} gives the live session's diagnoses
 * ({@code LiveSession.diagnosis}), {@link SimulateCommand} the simulation's; {@link #NONE} ({@code null} in JSON)
 * is the default of a run that makes none.
 */
final class DiagnosisHook {

    /** Diagnoses nothing: every server's {@code diagnosis} is {@code null}. */
    static final Function<ServerSnapshot, Optional<Diagnosis>> NONE = server -> Optional.empty();

    private DiagnosisHook() {
    }
}
