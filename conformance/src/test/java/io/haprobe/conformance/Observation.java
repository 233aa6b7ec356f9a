package io.haprobe.conformance;

import io.haprobe.CheckOutcome;
import io.haprobe.HealthEvent;
import io.haprobe.ServerSnapshot;
import io.haprobe.health.AgentHealth;
import io.haprobe.health.ServerHealth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one side (real HAProxy, haprobe live, haprobe simulated) concluded in one scenario, on a time axis whose
 * t=0 is that side's first check.
 *
 * @param side        {@code haproxy}, {@code haprobe-live} or {@code haprobe-sim}
 * @param lines       the log lines up to the scenario's duration, by the server (or backend) they are about, in
 *                    order
 * @param checkStarts when each check started (ms), by {@code backend/server} for health checks and
 *                    {@code backend/server agent} for agent checks
 * @param stats       the final {@code show stat} columns of {@link #COLUMNS}, by {@code backend/server}
 * @param log         every log line as {@code t=<ms>ms <text>}, for the run's artifacts
 */
record Observation(String side, Map<String, List<LogLine>> lines, Map<String, List<Double>> checkStarts,
                   Map<String, Map<String, String>> stats, List<String> log) {

    /** The {@code show stat} columns compared (spec §10.1). */
    static final List<String> COLUMNS = List.of("status", "weight", "check_status", "check_code", "check_desc",
            "last_chk", "check_health", "agent_status", "agent_code", "last_agt");

    private static final Pattern DURATION = Pattern.compile("check duration: (\\d+)ms");
    private static final Pattern SERVER = Pattern.compile("[Ss]erver (\\S+/\\S+) ");
    private static final Pattern BACKEND = Pattern.compile("^(?:backend|proxy) (\\S+) has no server available!");

    /**
     * One log line.
     *
     * @param atMillis       when it was logged, ms after the side's first check
     * @param text           the line with its {@code check duration: <N>ms} masked as {@code <D>}
     * @param durationMillis the masked duration, or -1 if the line has none
     */
    record LogLine(double atMillis, String text, long durationMillis) {

        static LogLine of(double atMillis, String message) {
            Matcher duration = DURATION.matcher(message);
            if (!duration.find()) {
                return new LogLine(atMillis, message, -1);
            }
            return new LogLine(atMillis, duration.replaceFirst("check duration: <D>ms"),
                    Long.parseLong(duration.group(1)));
        }

        String raw() {
            return durationMillis < 0 ? text : text.replace("<D>", Long.toString(durationMillis));
        }
    }

    /** The server ({@code backend/server}) or backend a log line is about. */
    static String subject(String message) {
        Matcher server = SERVER.matcher(message);
        if (server.find()) {
            return server.group(1);
        }
        Matcher backend = BACKEND.matcher(message);
        return backend.find() ? backend.group(1) : "(other)";
    }

    /**
     * What a haprobe engine concluded: its events (log lines, check starts) up to {@code durationNanos} after its
     * first check, and its servers' state at the end.
     */
    static Observation ofEvents(String side, List<HealthEvent> events, long durationNanos,
                                List<ServerSnapshot> servers) {
        long origin = Long.MAX_VALUE;
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.CheckCompleted check) {
                origin = Math.min(origin, check.timeNanos() - check.outcome().durationNanos());
            } else if (event instanceof HealthEvent.AgentCheckCompleted agent) {
                origin = Math.min(origin, agent.timeNanos() - agent.outcome().durationNanos());
            }
        }
        Builder builder = new Builder(side);
        for (HealthEvent event : events) {
            if (origin == Long.MAX_VALUE || event.timeNanos() - origin > durationNanos) {
                continue;
            }
            if (event instanceof HealthEvent.CheckCompleted check) {
                builder.checkStarted(check.backend() + '/' + check.server(),
                        millis(check.timeNanos() - check.outcome().durationNanos() - origin));
            } else if (event instanceof HealthEvent.AgentCheckCompleted agent) {
                builder.checkStarted(agent.backend() + '/' + agent.server() + " agent",
                        millis(agent.timeNanos() - agent.outcome().durationNanos() - origin));
            }
            if (event.logMessage() != null) {
                builder.logged(millis(event.timeNanos() - origin), event.logMessage());
            }
        }
        for (ServerSnapshot server : servers) {
            builder.stats.put(server.id(), columns(server));
        }
        return builder.build();
    }

    /** The {@code show stat} columns HAProxy would print for this server (spec §10.1). */
    static Map<String, String> columns(ServerSnapshot server) {
        ServerHealth health = server.health();
        Map<String, String> row = new LinkedHashMap<>();
        row.put("status", health.statusText());
        row.put("weight", Integer.toString(server.currentWeight()));
        boolean checkShown = server.checked() && !health.maintenance();
        CheckOutcome last = health.lastOutcome();
        row.put("check_status", !checkShown ? "" : last == null ? "INI" : last.status().tag());
        row.put("check_code", checkShown && last != null && last.status().hasCode()
                ? Integer.toString(last.code()) : "");
        row.put("check_desc", !checkShown ? "" : last == null ? "Initializing" : last.status().description());
        row.put("last_chk", checkShown && last != null && last.info() != null ? last.info() : "");
        row.put("check_health", server.checked() ? Integer.toString(health.counter().health()) : "");
        AgentHealth agent = health.agent();
        CheckOutcome agentLast = agent == null ? null : agent.lastOutcome();
        row.put("agent_status", agent == null ? "" : agentLast == null ? "INI" : agentLast.status().tag());
        row.put("agent_code", agentLast != null && agentLast.status().hasCode()
                ? Integer.toString(agentLast.code()) : "");
        row.put("last_agt", agentLast != null && agentLast.info() != null ? agentLast.info() : "");
        return row;
    }

    /** The columns of {@link #COLUMNS} from HAProxy's {@code show stat} CSV, by {@code backend/server}. */
    static Map<String, Map<String, String>> parseShowStat(String csv) {
        List<String> lines = csv.lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IllegalArgumentException("not a show stat answer: " + csv);
        }
        List<String> header = csvFields(lines.get(0).substring(2));
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = csvFields(line);
            String server = fields.get(1);
            if (server.equals("FRONTEND") || server.equals("BACKEND")) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (String column : COLUMNS) {
                int index = header.indexOf(column);
                String value = index < fields.size() ? fields.get(index) : "";
                // "* L7OK" while a check runs: the status is the last one completed
                row.put(column, value.startsWith("* ") ? value.substring(2) : value);
            }
            rows.put(fields.get(0) + '/' + server, row);
        }
        return rows;
    }

    private static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** Collects an observation in time order. */
    static final class Builder {

        final String side;
        final Map<String, List<LogLine>> lines = new TreeMap<>();
        final Map<String, List<Double>> checkStarts = new TreeMap<>();
        final Map<String, Map<String, String>> stats = new TreeMap<>();
        final List<String> log = new ArrayList<>();

        Builder(String side) {
            this.side = side;
        }

        void logged(double atMillis, String message) {
            lines.computeIfAbsent(subject(message), key -> new ArrayList<>()).add(LogLine.of(atMillis, message));
            log.add(String.format(java.util.Locale.ROOT, "t=%.1fms %s", atMillis, message));
        }

        void checkStarted(String key, double atMillis) {
            checkStarts.computeIfAbsent(key, k -> new ArrayList<>()).add(atMillis);
        }

        Observation build() {
            return new Observation(side, lines, checkStarts, stats, log);
        }
    }
}
