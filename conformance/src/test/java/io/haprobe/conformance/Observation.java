package io.haprobe.conformance;

import io.haprobe.CheckOutcome;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.ServerSnapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongToDoubleFunction;
import java.util.function.UnaryOperator;
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
 * @param checkEnds   when each of those checks ended (ms; NaN if it did not show), in the same order
 * @param checkLates  how late each of those checks started after the side had planned it, as measured on that side
 *                    (ms; 0 when not measured, always 0 on virtual time), in the same order
 * @param stats       the final {@code show stat} columns of {@link #COLUMNS}, by {@code backend/server}
 * @param commands    the runtime API commands run, in order, each with its reply and the state right after it
 * @param log         every log line as {@code t=<ms>ms <text>}, and every command as {@code t=<ms>ms > <command>}
 *                    followed by its reply's lines, for the run's artifacts
 */
record Observation(String side, Map<String, List<LogLine>> lines, Map<String, List<Double>> checkStarts,
                   Map<String, List<Double>> checkEnds, Map<String, List<Double>> checkLates,
                   Map<String, Map<String, String>> stats, List<Command> commands, List<String> log) {

    /** The {@code show stat} columns compared (spec §10.1). */
    static final List<String> COLUMNS = List.of("status", "weight", "check_status", "check_code", "check_desc",
            "last_chk", "check_health", "agent_status", "agent_code", "last_agt");
    /** The {@code show stat} columns compared after each command: what haprobe can know of a server. */
    static final List<String> COMMAND_COLUMNS = List.of("status", "weight", "check_status", "check_code",
            "check_desc", "last_chk", "check_health", "agent_status", "act", "bck", "chkfail", "chkdown");
    /** The {@code show servers state} columns compared after each command (spec §10.2). */
    static final List<String> STATE_COLUMNS = List.of("srv_op_state", "srv_admin_state", "srv_uweight",
            "srv_iweight", "srv_check_status", "srv_check_result", "srv_check_health", "srv_check_state",
            "srv_agent_state", "srv_addr", "srv_port");
    /** A command's log subject: the {@code backend/server} it names, if any. */
    private static final Pattern COMMAND_SERVER = Pattern.compile("(?<=\\s)[^\\s/]+/\\S+");
    /** The log subject of commands that name no server ({@code show stat}, a command HAProxy does not know). */
    static final String COMMANDS = "(commands)";

    /** Two reports of one check (mysql-check, ldap-check) carry its one duration and are published at once. */
    private static final long SAME_CHECK_NANOS = 50_000_000L;
    private static final Pattern DURATION = Pattern.compile("check duration: (\\d+)ms");
    private static final Pattern SERVER = Pattern.compile("[Ss]erver (\\S+/\\S+) ");
    private static final Pattern BACKEND = Pattern.compile("^(?:backend|proxy) (\\S+) has no server available!");

    /**
     * One log line.
     *
     * @param atMillis       when it was logged, ms after the side's first check
     * @param text           the line with its {@code check duration: <N>ms} masked as {@code <D>}
     * @param durationMillis the masked duration, or -1 if the line has none
     * @param lateMillis     how late the timer that led to it fired, as measured on its side (a timeout, a check
     *                       start), ms; 0 when not measured or when it followed network input
     */
    record LogLine(double atMillis, String text, long durationMillis, double lateMillis) {

        static LogLine of(double atMillis, String message) {
            return of(atMillis, message, 0);
        }

        static LogLine of(double atMillis, String message, double lateMillis) {
            Matcher duration = DURATION.matcher(message);
            if (!duration.find()) {
                return new LogLine(atMillis, message, -1, lateMillis);
            }
            return new LogLine(atMillis, duration.replaceFirst("check duration: <D>ms"),
                    Long.parseLong(duration.group(1)), lateMillis);
        }

        String raw() {
            return durationMillis < 0 ? text : text.replace("<D>", Long.toString(durationMillis));
        }
    }

    /**
     * One runtime API command and what it left.
     *
     * @param atMillis     when it was sent, ms after the side's first check
     * @param command      the command, as the scenario gives it
     * @param reply        the whole reply, as the stats socket prints it (ports named as in the scenario)
     * @param stat         the {@code show stat} columns of {@link #COMMAND_COLUMNS} right after it, by
     *                     {@code backend/server}
     * @param serversState the {@code show servers state} columns of {@link #STATE_COLUMNS} right after it, by
     *                     {@code backend/server}
     */
    record Command(double atMillis, String command, String reply, Map<String, Map<String, String>> stat,
                   Map<String, Map<String, String>> serversState) {
    }

    /**
     * Whether a command is {@code show stat} or {@code show servers state}, whose answer is compared by the columns
     * haprobe can know ({@link #COMMAND_COLUMNS}, {@link #STATE_COLUMNS}) instead of as text.
     */
    static boolean isShow(String command) {
        String words = String.join(" ", command.strip().split("\\s+"));
        return words.startsWith("show stat") || words.startsWith("show servers state");
    }

    /** A show command's answer as the columns compared, by {@code backend/server}; null for another command. */
    static Map<String, Map<String, String>> showColumns(String command, String reply) {
        if (!isShow(command)) {
            return null;
        }
        String words = String.join(" ", command.strip().split("\\s+"));
        return words.startsWith("show stat") ? parseShowStat(reply, COMMAND_COLUMNS) : parseServersState(reply);
    }

    /**
     * What a haprobe side read right after running a command.
     *
     * @param command      the command as the scenario gives it
     * @param showStat     the {@code show stat} answer
     * @param serversState the {@code show servers state} answer
     */
    record Shown(String command, String showStat, String serversState) {
    }

    /** The log subject of a command and its reply: the {@code backend/server} it names, else {@link #COMMANDS}. */
    static String commandSubject(String command) {
        Matcher server = COMMAND_SERVER.matcher(command);
        return server.find() ? server.group() : COMMANDS;
    }

    /**
     * The lines a reply adds to the timeline: the stats socket ends every answer with an empty line (so a command
     * that answers nothing prints one line break); that end is left out, the lines before it are kept verbatim.
     */
    static List<String> replyLines(String reply) {
        String text = reply.endsWith("\n") ? reply.substring(0, reply.length() - 1) : reply;
        return text.lines().toList();
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
                                List<ServerSnapshot> servers, UnaryOperator<String> normalize) {
        return ofEvents(side, events, durationNanos, servers, normalize, nanos -> 0);
    }

    /**
     * What a haprobe engine concluded, as {@link #ofEvents(String, List, long, List, UnaryOperator)}, each check
     * start and log line carrying how late the engine's timer fired then: {@code lateAt} answers it for a time on
     * the engine's scheduler (see {@link TimedTransport}).
     */
    static Observation ofEvents(String side, List<HealthEvent> events, long durationNanos,
                                List<ServerSnapshot> servers, UnaryOperator<String> normalize,
                                LongToDoubleFunction lateAt) {
        return ofEvents(side, events, durationNanos, servers, normalize, lateAt, List.of());
    }

    /**
     * What a haprobe engine concluded, as {@link #ofEvents(String, List, long, List, UnaryOperator,
     * LongToDoubleFunction)}, with the commands it ran: each {@link HealthEvent.CommandExecuted} in turn is the
     * command of {@code shown} in turn (the scenario's text, where the event has the player's ports), with the
     * answers read right after it, whose own two events ({@code show stat}, {@code show servers state}) follow.
     */
    static Observation ofEvents(String side, List<HealthEvent> events, long durationNanos,
                                List<ServerSnapshot> servers, UnaryOperator<String> normalize,
                                LongToDoubleFunction lateAt, List<Shown> shown) {
        long origin = Long.MAX_VALUE;
        for (HealthEvent event : events) {
            if (event instanceof HealthEvent.CheckCompleted check) {
                origin = Math.min(origin, check.timeNanos() - check.outcome().durationNanos());
            } else if (event instanceof HealthEvent.AgentCheckCompleted agent) {
                origin = Math.min(origin, agent.timeNanos() - agent.outcome().durationNanos());
            }
        }
        Builder builder = new Builder(side, normalize);
        Map<String, HealthEvent.CheckCompleted> previous = new HashMap<>();
        // each command is followed by the harness's own show stat and show servers state, events as well
        int commands = 0;
        int reads = 0;
        for (HealthEvent event : events) {
            if (origin == Long.MAX_VALUE || event.timeNanos() - origin > durationNanos) {
                continue;
            }
            if (event instanceof HealthEvent.CommandExecuted executed) {
                if (reads > 0) {
                    reads--;
                    continue;
                }
                reads = 2;
                if (commands < shown.size()) {
                    Shown after = shown.get(commands++);
                    // the engine replies the command's message; the stats socket sends it followed by one line
                    // break (HAProxy's non-interactive framing), which is what HAProxy's side recorded
                    builder.commanded(millis(executed.timeNanos() - origin), after.command(),
                            executed.reply() + "\n", after.showStat(), after.serversState());
                }
                continue;
            }
            if (event instanceof HealthEvent.CheckCompleted check) {
                String server = check.backend() + '/' + check.server();
                HealthEvent.CheckCompleted before = previous.put(server, check);
                // one check may report twice (mysql-check, ldap-check): the second report is no new check
                boolean again = before != null && before.outcome().durationNanos() == check.outcome().durationNanos()
                        && check.timeNanos() - before.timeNanos() < SAME_CHECK_NANOS;
                if (!again) {
                    long start = check.timeNanos() - check.outcome().durationNanos();
                    builder.checked(server, millis(start - origin), millis(check.timeNanos() - origin),
                            lateAt.applyAsDouble(start));
                }
            } else if (event instanceof HealthEvent.AgentCheckCompleted agent) {
                long start = agent.timeNanos() - agent.outcome().durationNanos();
                builder.checked(agent.backend() + '/' + agent.server() + " agent", millis(start - origin),
                        millis(agent.timeNanos() - origin), lateAt.applyAsDouble(start));
            }
            if (event.logMessage() != null) {
                builder.logged(millis(event.timeNanos() - origin), event.logMessage(),
                        lateAt.applyAsDouble(event.timeNanos()));
            }
        }
        for (ServerSnapshot server : servers) {
            Map<String, String> row = columns(server);
            row.replaceAll((column, value) -> normalize.apply(value));
            builder.stats.put(server.id(), row);
        }
        return builder.build();
    }

    /** The {@code show stat} columns HAProxy would print for this server (spec §10.1). */
    static Map<String, String> columns(ServerSnapshot server) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("status", server.statusText());
        row.put("weight", Integer.toString(server.currentWeight()));
        // a MAINT server's check is paused: HAProxy shows none of its columns
        boolean checkShown = server.checked() && !server.maintenance();
        CheckOutcome last = server.lastOutcome().orElse(null);
        row.put("check_status", !checkShown ? "" : last == null ? "INI" : last.status().tag());
        row.put("check_code", checkShown && last != null && last.status().hasCode()
                ? Integer.toString(last.code()) : "");
        row.put("check_desc", !checkShown ? "" : last == null ? "Initializing" : last.status().description());
        row.put("last_chk", checkShown && last != null && last.info() != null ? last.info() : "");
        row.put("check_health", checkShown ? Integer.toString(server.checkHealth()) : "");
        CheckOutcome agentLast = server.agentOutcome().orElse(null);
        row.put("agent_status", !server.agentChecked() ? "" : agentLast == null ? "INI" : agentLast.status().tag());
        row.put("agent_code", agentLast != null && agentLast.status().hasCode()
                ? Integer.toString(agentLast.code()) : "");
        row.put("last_agt", agentLast != null && agentLast.info() != null ? agentLast.info() : "");
        return row;
    }

    /** The columns of {@link #COLUMNS} from HAProxy's {@code show stat} CSV, by {@code backend/server}. */
    static Map<String, Map<String, String>> parseShowStat(String csv) {
        return parseShowStat(csv, COLUMNS);
    }

    /** The given columns from a {@code show stat} CSV, by {@code backend/server}. */
    static Map<String, Map<String, String>> parseShowStat(String csv, List<String> columns) {
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
            for (String column : columns) {
                int index = header.indexOf(column);
                String value = index >= 0 && index < fields.size() ? fields.get(index) : "";
                // "* L7OK" while a check runs: the status is the last one completed, but HAProxy cleared the
                // info text when the check started, so the info is left out of the comparison
                if (value.startsWith("* ")) {
                    value = value.substring(2);
                    String info = column.equals("check_status") ? "last_chk" : "last_agt";
                    if (columns.contains(info)) {
                        row.put(info, null);
                    }
                }
                if (!row.containsKey(column)) {
                    row.put(column, value);
                }
            }
            rows.put(fields.get(0) + '/' + server, row);
        }
        return rows;
    }

    /**
     * The columns of {@link #STATE_COLUMNS} from a {@code show servers state} answer (a version line, a {@code # }
     * header, then one space-separated row per server), by {@code backend/server}.
     */
    static Map<String, Map<String, String>> parseServersState(String text) {
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        if (lines.size() < 2 || !lines.get(1).startsWith("# ")) {
            throw new IllegalArgumentException("not a show servers state answer: " + text);
        }
        List<String> header = List.of(lines.get(1).substring(2).strip().split(" "));
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (String line : lines.subList(2, lines.size())) {
            List<String> fields = List.of(line.strip().split(" "));
            Map<String, String> row = new LinkedHashMap<>();
            for (String column : STATE_COLUMNS) {
                int index = header.indexOf(column);
                row.put(column, index >= 0 && index < fields.size() ? fields.get(index) : "");
            }
            rows.put(fields.get(header.indexOf("be_name")) + '/' + fields.get(header.indexOf("srv_name")), row);
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
        final UnaryOperator<String> normalize;
        final Map<String, List<LogLine>> lines = new TreeMap<>();
        final Map<String, List<Double>> checkStarts = new TreeMap<>();
        final Map<String, List<Double>> checkEnds = new TreeMap<>();
        final Map<String, List<Double>> checkLates = new TreeMap<>();
        final Map<String, Map<String, String>> stats = new TreeMap<>();
        final List<Command> commands = new ArrayList<>();
        final List<String> log = new ArrayList<>();

        /** @param normalize turns the player ports a text names back into the scenario's own ports */
        Builder(String side, UnaryOperator<String> normalize) {
            this.side = side;
            this.normalize = normalize;
        }

        void logged(double atMillis, String text) {
            logged(atMillis, text, 0);
        }

        /** A log line written at {@code atMillis}, after a timer that fired {@code lateMillis} late (0: none). */
        void logged(double atMillis, String text, double lateMillis) {
            String message = normalize.apply(text);
            lines.computeIfAbsent(subject(message), key -> new ArrayList<>())
                    .add(LogLine.of(atMillis, message, lateMillis));
            log.add(String.format(java.util.Locale.ROOT, lateMillis > 0 ? "t=%.1fms %s (timer %.1fms late)"
                    : "t=%.1fms %s", atMillis, message, lateMillis));
        }

        /**
         * A runtime API command sent at {@code atMillis}: it and its reply's lines join the log of the server it
         * names (else of {@link #COMMANDS}) as {@code > <command>} and the lines verbatim; {@code showStat} and
         * {@code serversState} are the answers read right after it.
         */
        void commanded(double atMillis, String command, String reply, String showStat, String serversState) {
            String named = normalize.apply(reply);
            List<LogLine> subject = lines.computeIfAbsent(commandSubject(command), key -> new ArrayList<>());
            subject.add(new LogLine(atMillis, "> " + command, -1, 0));
            log.add(String.format(java.util.Locale.ROOT, "t=%.1fms > %s", atMillis, command));
            for (String line : replyLines(named)) {
                log.add(line);
                // a show command's answer holds what haprobe cannot know (traffic counters, times, pids): it is
                // compared by its columns instead
                if (!isShow(command)) {
                    subject.add(new LogLine(atMillis, line, -1, 0));
                }
            }
            commands.add(new Command(atMillis, command, named,
                    parseShowStat(normalize.apply(showStat), COMMAND_COLUMNS),
                    parseServersState(normalize.apply(serversState))));
        }

        /** A check of series {@code key} from {@code startMillis} to {@code endMillis} (NaN if unknown). */
        void checked(String key, double startMillis, double endMillis) {
            checked(key, startMillis, endMillis, 0);
        }

        /** A check as {@link #checked(String, double, double)}, started {@code lateMillis} after it was due. */
        void checked(String key, double startMillis, double endMillis, double lateMillis) {
            checkStarts.computeIfAbsent(key, k -> new ArrayList<>()).add(startMillis);
            checkEnds.computeIfAbsent(key, k -> new ArrayList<>()).add(endMillis);
            checkLates.computeIfAbsent(key, k -> new ArrayList<>()).add(lateMillis);
        }

        Observation build() {
            return new Observation(side, lines, checkStarts, checkEnds, checkLates, stats, commands, log);
        }
    }
}
