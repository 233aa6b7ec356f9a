package io.haprobe.cli;

import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.TransitionDiagnosis;
import io.haprobe.engine.ServerSnapshot;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * A run's diagnoses: one per server not UP at the end (with follow-up probes) and one per DOWN transition of
 * the timeline (from the checks around it). {@link CheckCommand} takes them from the live session,
 * {@link SimulateCommand} from the simulation; text output prints them under the summary, {@link JsonReport}
 * puts them on each server and on each DOWN entry of its {@code transitions}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param servers     the diagnoses of the servers not UP at the end, in the engine's order
 * @param transitions the diagnoses of every DOWN transition, in the timeline's order
 */
record RunDiagnoses(List<Diagnosis> servers, List<TransitionDiagnosis> transitions) {

    /** No diagnosis at all: every {@code diagnosis} in JSON is {@code null}. */
    static final RunDiagnoses NONE = new RunDiagnoses(List.of(), List.of());

    RunDiagnoses {
        servers = List.copyOf(servers);
        transitions = List.copyOf(transitions);
    }

    /** The diagnosis of a server not UP at the end, if it has one. */
    Optional<Diagnosis> of(ServerSnapshot server) {
        return of(server.backend(), server.server());
    }

    private Optional<Diagnosis> of(String backend, String server) {
        return servers.stream().filter(d -> d.backend().equals(backend) && d.server().equals(server)).findFirst();
    }

    /**
     * The diagnosis of the DOWN transition of {@code backend/server} at {@code atMillis}: for the last DOWN of a
     * server still DOWN at the end, its end-of-run diagnosis (which had the follow-up probes), else the
     * transition's own.
     */
    Optional<Diagnosis> ofTransition(String backend, String server, long atMillis) {
        for (TransitionDiagnosis transition : transitions) {
            Diagnosis diagnosis = transition.diagnosis();
            if (transition.downAtMillis() == atMillis && diagnosis.backend().equals(backend)
                    && diagnosis.server().equals(server)) {
                return transition.recovered() ? Optional.of(diagnosis)
                        : Optional.of(of(backend, server).orElse(diagnosis));
            }
        }
        return Optional.empty();
    }

    /**
     * Prints the end-of-run diagnoses, then those of the DOWN transitions the end-of-run ones do not cover (the
     * server left DOWN afterwards, or has no end-of-run diagnosis), each headed with its times.
     */
    void print(PrintWriter out) {
        DiagnosisPrinter.print(servers, out);
        List<TransitionDiagnosis> past = transitions.stream()
                .filter(t -> t.recovered() || of(t.diagnosis().backend(), t.diagnosis().server()).isEmpty())
                .toList();
        DiagnosisPrinter.printTransitions(past, out);
    }
}
