package io.haprobe.engine;

import io.haprobe.ServerState;
import io.haprobe.health.AdminRequest;
import io.haprobe.health.HealthStep;
import io.haprobe.health.ServerHealth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * HAProxy 2.6's runtime API (the stats socket's commands, spec §10), applied to the engine's servers: parses a
 * command line as HAProxy's CLI does (words split on blanks, a backslash escapes the next character, several
 * commands separated by {@code ;}), runs each, and returns the reply HAProxy prints, byte for byte: an error
 * text such as {@code No such server.\n}, a value such as {@code 10 (initial 20)\n}, or nothing.
 *
 * <p>What a command does to a server goes through the {@link TransitionLog} like a check's result, so its log
 * lines ({@code is going DOWN for maintenance}, {@code is DOWN, changed from CLI}, ...) and events appear right
 * after the {@link HealthEvent.CommandExecuted} event, at the same time.
 *
 * <p>Threading: owned by the engine's event loop; {@link #execute} runs there only.
 */
final class RuntimeApi {

    /** The reason HAProxy gives to state changes made from the CLI (server.c). */
    static final String FROM_CLI = "changed from CLI";

    private static final Pattern PORT = Pattern.compile("[+-]?[0-9]+.*");

    private final List<CheckedSection> sections;
    private final CheckLoop loop;
    private final Consumer<HealthEvent> sink;
    private final StatsReport stats;

    /**
     * Creates the runtime API of an engine.
     *
     * @param sections the engine's checked sections, in declaration order; never null
     * @param loop     what the checkers share (scheduler, transition log); never null
     * @param sink     where {@link HealthEvent.CommandExecuted} events go, before the events the command causes;
     *                 never null
     * @param stats    renders {@code show stat}, {@code show servers state} and {@code show info}; never null
     */
    RuntimeApi(List<CheckedSection> sections, CheckLoop loop, Consumer<HealthEvent> sink, StatsReport stats) {
        this.sections = List.copyOf(sections);
        this.loop = Objects.requireNonNull(loop, "loop");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    /**
     * Runs a command line: each of its {@code ;}-separated commands in order, each reply following the previous
     * one. Event loop only.
     *
     * @param line the line, without its terminator; never null
     * @return the replies, concatenated; never null
     */
    String execute(String line) {
        StringBuilder replies = new StringBuilder();
        for (String command : splitCommands(line)) {
            replies.append(executeOne(command));
        }
        return replies.toString();
    }

    /**
     * Starts the {@code show stat} of a line that holds exactly that one command, for the caller to write a slice at
     * a time between the loop's other tasks ({@link HealthCheckEngine#executeAsync}), then to hand to
     * {@link #finish}; any other line is {@link #execute}'s.
     *
     * @param line the line, without its terminator; never null
     * @return the dump, nothing written yet; null when the line is anything but one {@code show stat}
     */
    StatsReport.StatDump statDump(String line) {
        List<String> commands = splitCommands(line);
        if (commands.size() != 1) {
            return null;
        }
        String[] args = args(commands.get(0));
        return args[0].equals("show") && args[1].equals("stat") ? stats.statDump(args) : null;
    }

    /**
     * Ends a {@link #statDump}: tells the listeners the command ran, as {@link #execute} does, and returns its reply.
     *
     * @param line       the line given to {@link #statDump}; never null
     * @param startNanos the scheduler's time when the dump started, ns
     * @param dump       the dump, wholly written; never null
     * @return the reply; never null
     */
    String finish(String line, long startNanos, StatsReport.StatDump dump) {
        String command = splitCommands(line).get(0);
        String reply = dump.text();
        sink.accept(new HealthEvent.CommandExecuted(startNanos, backendNamed(args(command)), command.strip(),
                reply));
        return reply;
    }

    /** A command's words, padded with empty words so that a dispatcher may read past the last one. */
    private static String[] args(String command) {
        List<String> words = words(command);
        String[] args = new String[Math.max(8, words.size() + 4)];
        java.util.Arrays.fill(args, "");
        for (int i = 0; i < words.size(); i++) {
            args[i] = words.get(i);
        }
        return args;
    }

    private String executeOne(String command) {
        String[] args = args(command);
        String named = backendNamed(args);
        HealthEvent.CommandExecuted event = new HealthEvent.CommandExecuted(loop.scheduler().nanoTime(), named,
                command.strip(), "");
        List<Runnable> effects = new ArrayList<>();
        String reply = dispatch(args, effects);
        sink.accept(new HealthEvent.CommandExecuted(event.timeNanos(), named, event.command(), reply));
        effects.forEach(Runnable::run);
        return reply;
    }

    /** Runs one command's words; state changes are queued in {@code effects} so they log after the command. */
    private String dispatch(String[] args, List<Runnable> effects) {
        String verb = args[0];
        String what = args[1];
        switch (verb) {
            case "" -> {
                return StatsReport.EMPTY_COMMAND;
            }
            case "help" -> {
                return StatsReport.HELP;
            }
            case "show" -> {
                switch (what) {
                    case "stat" -> {
                        return stats.showStat(args);
                    }
                    case "servers" -> {
                        if (args[2].equals("state")) {
                            return stats.showServersState(args[3]);
                        }
                    }
                    case "info" -> {
                        return stats.showInfo();
                    }
                    case "backend" -> {
                        return stats.showBackend();
                    }
                    case "version" -> {
                        return "2.6.12\n";
                    }
                    default -> {
                        // falls through to the unknown command's reply
                    }
                }
            }
            case "get" -> {
                if (what.equals("weight")) {
                    return getWeight(args[2]);
                }
            }
            case "set" -> {
                if (what.equals("server")) {
                    return setServer(args, effects);
                }
                if (what.equals("weight")) {
                    Found found = find(args[2]);
                    return found.error != null ? found.error : setWeight(found.server, args[3], effects);
                }
            }
            case "enable", "disable" -> {
                boolean enable = verb.equals("enable");
                switch (what) {
                    case "server" -> {
                        return admin(args[2], enable ? AdminRequest.READY : AdminRequest.MAINT, effects);
                    }
                    case "health" -> {
                        return health(args[2], enable, effects);
                    }
                    case "agent" -> {
                        return agent(args[2], enable, effects);
                    }
                    default -> {
                        // falls through to the unknown command's reply
                    }
                }
            }
            default -> {
                // falls through to the unknown command's reply
            }
        }
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            if (arg.isEmpty()) {
                break;
            }
            words.add(arg);
        }
        String notServed = StatsReport.notServed(words);
        if (notServed != null) {
            return "haprobe does not implement '" + notServed + "' of HAProxy's runtime API ('help' lists what it "
                    + "serves).\n";
        }
        return StatsReport.unknownCommand(verb);
    }

    private String setServer(String[] args, List<Runnable> effects) {
        Found found = find(args[2]);
        if (found.error != null) {
            return found.error;
        }
        ServerChecker server = found.server;
        String value = args[4];
        switch (args[3]) {
            case "weight" -> {
                return setWeight(server, value, effects);
            }
            case "state" -> {
                AdminRequest request = switch (value) {
                    case "ready" -> AdminRequest.READY;
                    case "drain" -> AdminRequest.DRAIN;
                    case "maint" -> AdminRequest.MAINT;
                    default -> null;
                };
                if (request == null) {
                    return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
                }
                effects.add(() -> publish(server, h -> h.setAdminState(request)));
                return "";
            }
            case "health" -> {
                ServerState target = switch (value) {
                    case "up" -> ServerState.UP;
                    case "stopping" -> ServerState.NOLB;
                    case "down" -> ServerState.DOWN;
                    default -> null;
                };
                if (target == null) {
                    return "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n";
                }
                effects.add(() -> publish(server, h -> h.setHealth(target, FROM_CLI)));
                return "";
            }
            case "agent" -> {
                ServerHealth health = server.health();
                if (health.agent() == null || !health.agent().enabled()) {
                    return "agent checks are not enabled on this server.\n";
                }
                if (!value.equals("up") && !value.equals("down")) {
                    return "'set server <srv> agent' expects 'up' or 'down'.\n";
                }
                boolean up = value.equals("up");
                effects.add(() -> publish(server, h -> h.setAgentHealth(up, FROM_CLI)));
                return "";
            }
            case "addr" -> {
                return setAddress(server, value, args[5].equals("port") ? args[6] : null);
            }
            case "agent-addr", "agent-port", "agent-send", "check-addr", "check-port", "fqdn", "ssl" -> {
                return "haprobe does not implement 'set server <b>/<s> " + args[3] + "'.\n";
            }
            default -> {
                return "usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | "
                        + "check-addr | check-port | fqdn | health | ssl | state | weight\n";
            }
        }
    }

    private String admin(String target, AdminRequest request, List<Runnable> effects) {
        Found found = find(target);
        if (found.error != null) {
            return found.error;
        }
        ServerChecker server = found.server;
        effects.add(() -> publish(server, h -> h.setAdminState(request)));
        return "";
    }

    private String health(String target, boolean enable, List<Runnable> effects) {
        Found found = find(target);
        if (found.error != null) {
            return found.error;
        }
        ServerChecker server = found.server;
        if (enable && !server.plan().boot().checked()) {
            return "Health check was not configured on this server, cannot enable.\n";
        }
        if (!enable && !server.plan().boot().checked()) {
            return "";
        }
        effects.add(() -> publish(server, h -> h.setCheckEnabled(enable)));
        return "";
    }

    private String agent(String target, boolean enable, List<Runnable> effects) {
        Found found = find(target);
        if (found.error != null) {
            return found.error;
        }
        ServerChecker server = found.server;
        if (server.health().agent() == null) {
            return enable ? "Agent was not configured on this server, cannot enable.\n" : "";
        }
        effects.add(() -> publish(server, h -> h.setAgentEnabled(enable)));
        return "";
    }

    /** server.c {@code server_parse_weight_change_request}: absolute 0..256, or {@code N%} of the initial. */
    private String setWeight(ServerChecker server, String text, List<Runnable> effects) {
        if (text.isEmpty()) {
            return "Require <weight> or <weight%>.\n";
        }
        int end = 0;
        if (end < text.length() && (text.charAt(end) == '+' || text.charAt(end) == '-')) {
            end++;
        }
        int digits = end;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        if (end == digits) {
            return "Empty weight string empty or preceded by garbage";
        }
        long w = parseClamped(text.substring(0, end));
        String rest = text.substring(end);
        if (rest.equals("%")) {
            if (w < 0) {
                return "Relative weight must be positive.\n";
            }
            w = Math.min(w, 25600);
            w = server.initialWeight() * w / 100;
            w = Math.min(w, 256);
        } else if (w < 0 || w > 256) {
            return "Absolute weight can only be between 0 and 256 inclusive.\n";
        } else if (!rest.isEmpty()) {
            return "Trailing garbage in weight string";
        }
        if (w != 0 && w != server.initialWeight() && server.section().proxy().staticWeights()) {
            return "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n";
        }
        int weight = (int) w;
        effects.add(() -> publish(server, h -> h.setWeight(weight)));
        return "";
    }

    private String getWeight(String target) {
        int slash = target.indexOf('/');
        if (slash < 0 || slash == target.length() - 1) {
            return "Require 'backend/server'.\n";
        }
        Found found = find(target);
        if (found.error != null) {
            return found.error;
        }
        return found.server.health().weight() + " (initial " + found.server.initialWeight() + ")\n";
    }

    /** server.c {@code srv_update_addr_port}, for IP addresses and fixed ports. */
    private String setAddress(ServerChecker server, String addr, String port) {
        if (addr.isEmpty()) {
            return "set server <b>/<s> addr requires an address and optionally a port.\n";
        }
        StringBuilder reply = new StringBuilder();
        String newAddress = null;
        int newPort = -1;
        if (!isIpLiteral(addr)) {
            return "Invalid addr '" + addr + "' by 'stats socket command'\n";
        }
        if (sameAddress(server.address(), addr)) {
            reply.append("no need to change the addr");
        } else {
            reply.append("IP changed from '").append(server.address()).append("' to '").append(addr).append('\'');
            newAddress = addr;
        }
        if (port != null) {
            reply.append(", ");
            if (!PORT.matcher(port).matches()) {
                reply.append("problem converting port '").append(port).append("' to an int");
                apply(server, newAddress, -1);
                return reply.append(" by 'stats socket command'\n").toString();
            }
            if (port.startsWith("+") || port.startsWith("-")) {
                return "haprobe does not implement port mapping ('" + port + "') in 'set server <b>/<s> addr'.\n";
            }
            int value = (int) (parseClamped(port.replaceAll("[^0-9].*$", "")) & 0xFFFF);
            if (value != server.port()) {
                reply.append("port changed from '").append(server.port()).append("' to '").append(value).append('\'');
                newPort = value;
            } else {
                reply.append("no need to change the port");
            }
        }
        apply(server, newAddress, newPort);
        return reply.append(" by 'stats socket command'\n").toString();
    }

    private static void apply(ServerChecker server, String address, int port) {
        if (address != null || port >= 0) {
            server.changeAddress(address, port);
        }
    }

    /**
     * Applies a command's change to the server's state now and logs it, as one step under the server's monitor:
     * the server's own loop may be applying a check's result at the same time.
     */
    private void publish(ServerChecker server, java.util.function.Function<ServerHealth, HealthStep> change) {
        synchronized (server) {
            ServerHealth now = server.health();
            loop.log().publish(server, change.apply(now), now.lastOutcome(), false);
        }
    }

    /** cli.c {@code cli_find_server}: {@code backend/server}, each a name or {@code #id}. */
    private Found find(String target) {
        int slash = target.indexOf('/');
        String backend = slash < 0 ? target : target.substring(0, slash);
        String server = slash < 0 ? "" : target.substring(slash + 1);
        if (backend.isEmpty() || server.isEmpty()) {
            return new Found(null, "Require 'backend/server'.\n");
        }
        CheckedSection section = null;
        for (CheckedSection candidate : sections) {
            if (matches(candidate.name(), stats.proxyId(candidate.name()), backend)) {
                section = candidate;
                break;
            }
        }
        if (section == null) {
            return new Found(null, "No such backend.\n");
        }
        int id = 0;
        for (ServerChecker candidate : section.servers()) {
            id++;
            if (matches(candidate.name(), id, server)) {
                return new Found(candidate, null);
            }
        }
        return new Found(null, "No such server.\n");
    }

    private static boolean matches(String name, int id, String wanted) {
        if (wanted.startsWith("#")) {
            return wanted.substring(1).equals(Integer.toString(id));
        }
        return name.equals(wanted);
    }

    private String backendNamed(String[] args) {
        for (String arg : args) {
            int slash = arg.indexOf('/');
            if (slash > 0) {
                String backend = arg.substring(0, slash);
                for (CheckedSection section : sections) {
                    if (section.name().equals(backend)) {
                        return backend;
                    }
                }
            }
        }
        return "";
    }

    /** cli.c: a line holds commands separated by {@code ;}; a backslash escapes the next character. */
    static List<String> splitCommands(String line) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                current.append(c).append(line.charAt(++i));
            } else if (c == ';') {
                commands.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        commands.add(current.toString());
        return commands;
    }

    /** cli.c {@code cli_parse_request}: words split on spaces and tabs; a backslash keeps the next character. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\\' && i + 1 < command.length()) {
                c = command.charAt(++i);
            }
            word.append(c);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static long parseClamped(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLong) {
            return digits.startsWith("-") ? Long.MIN_VALUE / 4 : Long.MAX_VALUE / 4;
        }
    }

    private static boolean isIpLiteral(String text) {
        if (text.indexOf(':') >= 0) {
            try {
                return InetAddress.getByName(text) != null;
            } catch (UnknownHostException | SecurityException e) {
                return false;
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameAddress(String current, String wanted) {
        if (!isIpLiteral(current)) {
            return current.equals(wanted);
        }
        try {
            return InetAddress.getByName(current).equals(InetAddress.getByName(wanted));
        } catch (UnknownHostException | SecurityException e) {
            return current.equals(wanted);
        }
    }

    private record Found(ServerChecker server, String error) {
    }
}
