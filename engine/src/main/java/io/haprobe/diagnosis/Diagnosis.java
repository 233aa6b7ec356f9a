package io.haprobe.diagnosis;

import java.util.List;
import java.util.Objects;

/**
 * Why one server is not UP: the runbook's {@link Cause}, the evidence measured (each item one fact with its
 * numbers, e.g. {@code 127.0.0.1:8080 refused the connection (L4CON) on 3 of 3 checks}), and the {@link Fix}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param backend  the backend or listen section; never null
 * @param server   the server; never null
 * @param cause    the root cause; never null
 * @param evidence what was observed, in order; never null, not empty
 * @param fix      what to change; never null
 */
public record Diagnosis(String backend, String server, Cause cause, List<String> evidence, Fix fix) {

    /**
     * Validates the components and copies the evidence.
     *
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if {@code evidence} is empty
     */
    public Diagnosis {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(fix, "fix");
        evidence = List.copyOf(evidence);
        if (evidence.isEmpty()) {
            throw new IllegalArgumentException("evidence: empty (expected: at least one observation)");
        }
    }
}
