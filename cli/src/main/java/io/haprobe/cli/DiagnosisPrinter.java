package io.haprobe.cli;

import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.diagnosis.Fix;
import io.haprobe.diagnosis.TransitionDiagnosis;

import java.io.PrintWriter;
import java.util.List;

/**
 * Prints diagnoses under the summary of {@code haprobe check}, {@code simulate} and {@code demo}:
 *
 * <pre>
 * diagnosis app_backend/web01: check-misconfigured
 *   evidence: 10.0.1.11:8080 answered 204 "No Content" (L7STS) on 11 of 15 checks
 *   evidence: rejected by 'http-check expect status 200' (haproxy.cfg:19:5)
 *   fix: expect what the server answers when healthy ...
 *     - http-check expect status 200
 *     + http-check expect status 204
 *
 * diagnosis app_backend/web02 DOWN at t=12000ms: backend-down
 *   evidence: DOWN at t=12000ms (failing since t=11000ms), UP again at t=40000ms
 *   ...
 * </pre>
 *
 * <p>Stateless and thread-safe; printing holds the output's lock.
 */
final class DiagnosisPrinter {

    private DiagnosisPrinter() {
    }

    /** Prints a blank line and each diagnosis; nothing when the list is empty. */
    static void print(List<Diagnosis> diagnoses, PrintWriter out) {
        if (diagnoses.isEmpty()) {
            return;
        }
        synchronized (out) {
            for (Diagnosis diagnosis : diagnoses) {
                print(diagnosis, "", out);
            }
            out.flush();
        }
    }

    /**
     * Prints a blank line and each transition's diagnosis, headed {@code diagnosis be/srv DOWN at t=12000ms:
     * cause} (its first evidence says when it failed and came back); nothing when the list is empty.
     */
    static void printTransitions(List<TransitionDiagnosis> transitions, PrintWriter out) {
        if (transitions.isEmpty()) {
            return;
        }
        synchronized (out) {
            for (TransitionDiagnosis transition : transitions) {
                print(transition.diagnosis(), " DOWN at t=" + transition.downAtMillis() + "ms", out);
            }
            out.flush();
        }
    }

    private static void print(Diagnosis diagnosis, String when, PrintWriter out) {
        out.println();
        out.println("diagnosis " + diagnosis.backend() + "/" + diagnosis.server() + when + ": "
                + diagnosis.cause().label());
        for (String evidence : diagnosis.evidence()) {
            out.println("  evidence: " + evidence);
        }
        Fix fix = diagnosis.fix();
        out.println("  fix: " + fix.summary());
        if (fix.changesConfig()) {
            fix.before().lines().forEach(line -> out.println("    - " + line));
            fix.after().lines().forEach(line -> out.println("    + " + line));
        }
    }
}
