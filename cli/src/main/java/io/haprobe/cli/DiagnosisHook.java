package io.haprobe.cli;

import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.engine.ServerSnapshot;

import java.util.Optional;
import java.util.function.Function;

/**
 * Where a run's diagnoses come from, for {@code --format json}'s {@code diagnosis} field: a function from a
 * server's final snapshot to its diagnosis. {@link #NONE} (no diagnosis, {@code null} in JSON) until the
 * diagnosis engine is wired in {@link CheckCommand} ({@code extras.diagnoses(...)}) and {@link SimulateCommand}
 * ({@code SimulatedRunExtras.printJson(..., diagnoser, out)}).
 */
final class DiagnosisHook {

    /** Diagnoses nothing: every server's {@code diagnosis} is {@code null}. */
    static final Function<ServerSnapshot, Optional<Diagnosis>> NONE = server -> Optional.empty();

    private DiagnosisHook() {
    }
}
