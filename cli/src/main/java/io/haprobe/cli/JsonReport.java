package io.haprobe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haprobe.CheckOutcome;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.ServerSnapshot;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one JSON document {@code haprobe check --format json} and {@code haprobe simulate --format json} print:
 * the run, then each server's final state, its transitions (with HAProxy's log line, and for each DOWN the
 * diagnosis of that transition) and its diagnosis when it is not UP at the end.
 *
 * <pre>{@code
 * {"run": {"config": "haproxy.cfg", "mode": "live", "duration_ms": 6000, "until_stable": false, ...},
 *  "servers": [{"backend": "app", "server": "web1", "address": "127.0.0.1:8080", "state": "DOWN",
 *               "status": "DOWN", "check_status": "L4CON", "code": null, "info": "Connection refused",
 *               "duration_ms": 0, "transitions": [{"time_ms": 1012, "from": "UP", "to": "DOWN", ...,
 *                                                  "diagnosis": {"cause": "backend-down", ...}}],
 *               "diagnosis": {"cause": "backend-down", "evidence": [...], "fix": {...}}}],
 *  "log": [{"time_ms": 1012, "line": "Server app/web1 is DOWN, ..."}]}
 * }</pre>
 *
 * <p>Stateless; built with Jackson's tree model, so every string is escaped by Jackson.
 */
final class JsonReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    /**
     * What the run was, for the {@code run} object.
     *
     * @param config      the config or scenario file
     * @param mode        {@code live} or {@code simulated}
     * @param durationMs  how long the run lasted, milliseconds
     * @param untilStable whether {@code --until-stable} was given
     * @param seed        the simulation's seed, null for a live run
     * @param exitCode    the exit code the run returns
     */
    record Run(String config, String mode, long durationMs, boolean untilStable, Long seed, int exitCode) {
    }

    /**
     * Builds the document.
     *
     * @param run         the run
     * @param servers     every server's final snapshot
     * @param events      the run's events, in order
     * @param originNanos the scheduler time of t=0
     * @param diagnoses   the run's diagnoses: each server's, and each DOWN transition's
     * @return the document
     */
    static ObjectNode document(Run run, List<ServerSnapshot> servers, List<HealthEvent> events, long originNanos,
                               RunDiagnoses diagnoses) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode r = root.putObject("run");
        r.put("config", run.config());
        r.put("mode", run.mode());
        r.put("duration_ms", run.durationMs());
        r.put("until_stable", run.untilStable());
        if (run.seed() != null) {
            r.put("seed", run.seed());
        }
        r.put("exit_code", run.exitCode());
        ArrayNode list = root.putArray("servers");
        for (ServerSnapshot server : servers) {
            list.add(server(server, events, originNanos, diagnoses));
        }
        ArrayNode log = root.putArray("log");
        for (HealthEvent event : events) {
            if (event.logMessage() != null) {
                ObjectNode line = log.addObject();
                line.put("time_ms", millis(event, originNanos));
                line.put("line", event.logMessage());
            }
        }
        return root;
    }

    /** Prints the document and flushes. */
    static void print(ObjectNode document, PrintWriter out) {
        try {
            out.println(MAPPER.writeValueAsString(document));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("JSON output: " + e.getMessage(), e);
        }
        out.flush();
    }

    private static ObjectNode server(ServerSnapshot server, List<HealthEvent> events, long originNanos,
                                     RunDiagnoses diagnoses) {
        Diagnosis diagnosis = diagnoses.of(server).orElse(null);
        ObjectNode s = MAPPER.createObjectNode();
        s.put("backend", server.backend());
        s.put("server", server.server());
        s.put("address", server.checkTarget());
        s.put("state", ServerSummary.notChecked(server) ? "not checked" : server.state().name());
        s.put("status", server.statusText());
        s.put("checked", server.checked());
        CheckOutcome last = server.lastOutcome().orElse(null);
        s.put("check_status", last == null ? null : last.status().tag());
        if (last != null && last.status().hasCode()) {
            s.put("code", last.code());
        } else {
            s.putNull("code");
        }
        s.put("info", last == null ? null : last.info());
        if (last == null) {
            s.putNull("duration_ms");
        } else {
            s.put("duration_ms", last.durationMillis());
        }
        ArrayNode transitions = s.putArray("transitions");
        for (HealthEvent event : events) {
            if (!event.backend().equals(server.backend())) {
                continue;
            }
            if (event instanceof HealthEvent.StateChanged change && change.server().equals(server.server())) {
                ObjectNode t = transitions.addObject();
                t.put("time_ms", millis(event, originNanos));
                t.put("from", change.from().name());
                t.put("to", change.to().name());
                t.set("cause", cause(change.cause()));
                t.put("line", change.logMessage());
                Diagnosis down = change.to() == io.haprobe.ServerState.DOWN ? diagnoses.ofTransition(
                        server.backend(), server.server(), millis(event, originNanos)).orElse(null) : null;
                t.set("diagnosis", down == null ? t.nullNode() : diagnosis(down));
            } else if (event instanceof HealthEvent.AdminStateChanged change
                    && change.server().equals(server.server())) {
                ObjectNode t = transitions.addObject();
                t.put("time_ms", millis(event, originNanos));
                t.put("from", change.from().name());
                t.put("to", change.to().name());
                t.put("admin", change.change().name().toLowerCase(java.util.Locale.ROOT));
                t.putNull("cause");
                t.put("line", change.logMessage());
                t.putNull("diagnosis");
            }
        }
        s.set("diagnosis", diagnosis == null ? s.nullNode() : diagnosis(diagnosis));
        return s;
    }

    private static ObjectNode cause(CheckOutcome cause) {
        if (cause == null) {
            return null;
        }
        ObjectNode c = MAPPER.createObjectNode();
        c.put("status", cause.status().tag());
        if (cause.status().hasCode()) {
            c.put("code", cause.code());
        } else {
            c.putNull("code");
        }
        c.put("info", cause.info());
        c.put("duration_ms", cause.durationMillis());
        return c;
    }

    private static ObjectNode diagnosis(Diagnosis diagnosis) {
        ObjectNode d = MAPPER.createObjectNode();
        d.put("cause", diagnosis.cause().label());
        ArrayNode evidence = d.putArray("evidence");
        diagnosis.evidence().forEach(evidence::add);
        ObjectNode fix = d.putObject("fix");
        fix.put("summary", diagnosis.fix().summary());
        fix.put("before", diagnosis.fix().before());
        fix.put("after", diagnosis.fix().after());
        return d;
    }

    private static long millis(HealthEvent event, long originNanos) {
        return TimeUnit.NANOSECONDS.toMillis(event.timeNanos() - originNanos);
    }
}
