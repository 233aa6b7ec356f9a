package io.haprobe.cli;

import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.TransitionDiagnosis;
import io.haprobe.engine.ServerSnapshot;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's diagnoses: one per server not UP at the end (with follow-up probes) and one per DOWN transition of
 * the timeline (from the checks around it). {@link CheckCommand} takes them from the live session,
 * {@link SimulateCommand} from the simulation; text output prints them under the summary, {@link JsonReport}
 * puts them on each server and on each DOWN entry of its {@code transitions}.
 *
 * <p>Immutable and thread-safe. Lookups are by hash, so that printing the diagnoses of 100,000 servers DOWN stays
 * linear.
 */
final class RunDiagnoses {

    /** No diagnosis at all: every {@code diagnosis} in JSON is {@code null}. */
    static final RunDiagnoses NONE = new RunDiagnoses(List.of(), List.of());

    private final List<Diagnosis> servers;
    private final List<TransitionDiagnosis> transitions;
    private final Map<String, Diagnosis> byServer = new HashMap<>();
    private final Map<String, TransitionDiagnosis> byTransition = new HashMap<>();

    /**
     * @param servers     the diagnoses of the servers not UP at the end, in the engine's order
     * @param transitions the diagnoses of every DOWN transition, in the timeline's order
     */
    RunDiagnoses(List<Diagnosis> servers, List<TransitionDiagnosis> transitions) {
        this.servers = List.copyOf(servers);
        this.transitions = List.copyOf(transitions);
        for (Diagnosis diagnosis : this.servers) {
            byServer.putIfAbsent(key(diagnosis.backend(), diagnosis.server()), diagnosis);
        }
        for (TransitionDiagnosis transition : this.transitions) {
            byTransition.putIfAbsent(key(transition.diagnosis().backend(), transition.diagnosis().server()) + '\0'
                    + transition.downAtMillis(), transition);
        }
    }

    /** The diagnoses of the servers not UP at the end, in the engine's order. */
    List<Diagnosis> servers() {
        return servers;
    }

    /** The diagnoses of every DOWN transition, in the timeline's order. */
    List<TransitionDiagnosis> transitions() {
        return transitions;
    }

    private static String key(String backend, String server) {
        return backend + '\0' + server;
    }

    /** The diagnosis of a server not UP at the end, if it has one. */
    Optional<Diagnosis> of(ServerSnapshot server) {
        return of(server.backend(), server.server());
    }

    private Optional<Diagnosis> of(String backend, String server) {
        return Optional.ofNullable(byServer.get(key(backend, server)));
    }

    /**
     * The diagnosis of the DOWN transition of {@code backend/server} at {@code atMillis}: for the last DOWN of a
     * server still DOWN at the end, its end-of-run diagnosis (which had the follow-up probes), else the
     * transition's own.
     */
    Optional<Diagnosis> ofTransition(String backend, String server, long atMillis) {
        TransitionDiagnosis transition = byTransition.get(key(backend, server) + '\0' + atMillis);
        if (transition == null) {
            return Optional.empty();
        }
        Diagnosis diagnosis = transition.diagnosis();
        return transition.recovered() ? Optional.of(diagnosis) : Optional.of(of(backend, server).orElse(diagnosis));
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
