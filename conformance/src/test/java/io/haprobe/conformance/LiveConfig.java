package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a scenario's haproxy.cfg into the one checked live: every server address becomes {@code 127.0.0.1} and
 * the port its {@link io.haprobe.testkit.LoopbackBackends} player listens on, and {@code ca-file}/{@code crt} name the
 * player's CA and client certificate. A server's other ports ({@code port N}, {@code agent-port N},
 * {@code tcp-check connect port N}) become the player port of the script {@code backend/server:N}, or of the
 * server's own script when it has none (a {@code backend/server} script answers on every port of its host).
 *
 * <p>For real HAProxy, {@link #forHaproxy} then adds one thread, a stats socket and a raw log on stdout.
 */
final class LiveConfig {

    private static final Set<String> SECTIONS = Set.of("global", "defaults", "frontend", "backend", "listen",
            "resolvers", "peers", "userlist", "mailers", "program", "http-errors", "ring", "cache");

    private LiveConfig() {
    }

    /**
     * The scripts the live players play: the scenario's, plus {@code refuse} for every server without one (in a
     * simulation nothing listens there either), so that every server line has a port to point at.
     */
    static Map<String, ServerScript> playerScripts(ConformanceScenario scenario) {
        Map<String, ServerScript> scripts = new LinkedHashMap<>(scenario.scenario().scripts());
        for (ProxyConfig proxy : scenario.scenario().config().proxies()) {
            for (ServerConfig server : proxy.servers()) {
                scripts.putIfAbsent(proxy.name() + '/' + server.name(), ServerScript.of(Behaviour.refuse()));
            }
        }
        return scripts;
    }

    /**
     * Rewrites the addresses, ports and certificate paths of {@code text} for the player whose ports are given.
     *
     * @throws IllegalArgumentException for a construct the rewriting cannot map to one player port (a
     *                                  {@code port} on {@code default-server}, a {@code connect port} in a backend
     *                                  of several servers)
     */
    static String rewrite(String text, HaproxyConfig config, Map<String, Integer> ports, Path caFile, Path crtFile) {
        List<String> out = new ArrayList<>();
        String proxy = null;
        for (String line : text.lines().toList()) {
            String[] tokens = line.strip().split("\\s+");
            if (SECTIONS.contains(tokens[0])) {
                proxy = tokens.length > 1 && (tokens[0].equals("backend") || tokens[0].equals("listen"))
                        ? tokens[1] : null;
                out.add(line);
                continue;
            }
            String indent = line.substring(0, line.length() - line.stripLeading().length());
            switch (tokens[0]) {
                case "server" -> out.add(indent + server(tokens, proxy, ports, caFile, crtFile));
                case "default-server" -> out.add(indent + defaultServer(tokens, caFile, crtFile));
                case "tcp-check", "http-check" -> out.add(tokens.length > 1 && tokens[1].equals("connect")
                        ? indent + connectRule(tokens, proxy, config, ports) : line);
                default -> out.add(line);
            }
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * Adds what the HAProxy run needs to a {@link #rewrite rewritten} config: {@code nbthread 1} (one thread, so
     * that the trace of its system calls is in order), an admin stats socket, and {@code log stdout format raw}
     * in every backend and listen section in place of the config's own {@code log} lines.
     */
    static String forHaproxy(String liveText, Path statsSocket) {
        List<String> globalLines = List.of("    nbthread 1", "    stats socket " + statsSocket + " level admin");
        List<String> out = new ArrayList<>();
        boolean hasGlobal = false;
        for (String line : liveText.lines().toList()) {
            String[] tokens = line.strip().split("\\s+");
            if (tokens[0].equals("log") || tokens[0].equals("no") && tokens.length > 1 && tokens[1].equals("log")) {
                continue; // the run's own log target replaces the config's, so that every line is written once
            }
            out.add(line);
            if (tokens[0].equals("global") && line.equals(line.stripLeading())) {
                hasGlobal = true;
                out.addAll(globalLines);
            } else if ((tokens[0].equals("backend") || tokens[0].equals("listen"))
                    && line.equals(line.stripLeading())) {
                out.add("    log stdout format raw local0");
            }
        }
        if (!hasGlobal) {
            List<String> global = new ArrayList<>();
            global.add("global");
            global.addAll(globalLines);
            global.add("");
            out.addAll(0, global);
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * Rewrites a runtime API command for the player whose ports are given, as {@link #rewrite} does a server line:
     * in {@code set server B/S addr|check-addr|agent-addr A [port P]} and {@code check-port|agent-port P}, the
     * address becomes {@code 127.0.0.1} and the port the player port of {@code B/S:P} (else of {@code B/S}). Any
     * other command, or one naming a server without a player, is left as it is.
     */
    static String command(String command, Map<String, Integer> ports) {
        String[] tokens = command.strip().split("\\s+");
        if (tokens.length < 5 || !tokens[0].equals("set") || !tokens[1].equals("server")
                || !ports.containsKey(tokens[2])) {
            return command;
        }
        String id = tokens[2];
        switch (tokens[3]) {
            case "addr", "check-addr", "agent-addr" -> {
                tokens[4] = "127.0.0.1";
                for (int i = 5; i < tokens.length - 1; i++) {
                    if (tokens[i].equals("port") && tokens[i + 1].matches("[0-9]{1,5}")) {
                        tokens[i + 1] = Integer.toString(port(ports, id, Integer.parseInt(tokens[i + 1])));
                    }
                }
            }
            case "check-port", "agent-port" -> {
                if (tokens[4].matches("[0-9]{1,5}")) {
                    tokens[4] = Integer.toString(port(ports, id, Integer.parseInt(tokens[4])));
                }
            }
            default -> {
                return command;
            }
        }
        return String.join(" ", tokens);
    }

    private static String server(String[] tokens, String proxy, Map<String, Integer> ports, Path caFile,
                                 Path crtFile) {
        if (proxy == null || tokens.length < 3) {
            throw new IllegalArgumentException("a server line outside a backend: " + String.join(" ", tokens));
        }
        String id = proxy + '/' + tokens[1];
        tokens[2] = "127.0.0.1:" + port(ports, id, -1);
        for (int i = 3; i < tokens.length - 1; i++) {
            switch (tokens[i]) {
                case "port", "agent-port" -> tokens[i + 1] = Integer.toString(
                        port(ports, id, Integer.parseInt(tokens[i + 1])));
                case "addr", "agent-addr" -> tokens[i + 1] = "127.0.0.1";
                case "ca-file" -> tokens[i + 1] = caFile.toString();
                case "crt" -> tokens[i + 1] = crtFile.toString();
                default -> {
                    continue;
                }
            }
            i++;
        }
        return String.join(" ", tokens);
    }

    private static String defaultServer(String[] tokens, Path caFile, Path crtFile) {
        for (int i = 1; i < tokens.length - 1; i++) {
            switch (tokens[i]) {
                case "port", "agent-port", "addr", "agent-addr" -> throw new IllegalArgumentException(
                        "'" + tokens[i] + "' on default-server cannot be mapped to one player port (expected: on"
                                + " each server line)");
                case "ca-file" -> tokens[++i] = caFile.toString();
                case "crt" -> tokens[++i] = crtFile.toString();
                default -> {
                }
            }
        }
        return String.join(" ", tokens);
    }

    private static String connectRule(String[] tokens, String proxy, HaproxyConfig config,
                                      Map<String, Integer> ports) {
        for (int i = 2; i < tokens.length - 1; i++) {
            if (tokens[i].equals("port")) {
                ProxyConfig section = config.proxy(proxy).orElseThrow();
                if (section.servers().size() != 1) {
                    throw new IllegalArgumentException("'connect port' in backend " + proxy + " of "
                            + section.servers().size() + " servers (expected: one server, whose player port it"
                            + " becomes)");
                }
                String id = proxy + '/' + section.servers().get(0).name();
                tokens[i + 1] = Integer.toString(port(ports, id, Integer.parseInt(tokens[i + 1])));
                i++;
            } else if (tokens[i].equals("addr")) {
                tokens[++i] = "127.0.0.1";
            }
        }
        return String.join(" ", tokens);
    }

    /** The player port for port {@code port} of server {@code id}; -1 for the server's own port. */
    private static int port(Map<String, Integer> ports, String id, int port) {
        Integer own = port >= 0 ? ports.get(id + ':' + port) : null;
        if (own != null) {
            return own;
        }
        Integer main = ports.get(id);
        if (main == null) {
            throw new IllegalArgumentException("no player port for " + id + " (expected: one of " + ports.keySet()
                    + ")");
        }
        return main;
    }
}
