package io.haprobe.conformance;

import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a traffic scenario (one with a {@code traffic:} list) needs beyond a check scenario's live set-up, for real
 * HAProxy:
 * <ul>
 *   <li>two players per checked server: the server's own address plays the phases' request behaviour
 *       ({@link Phase#requestBehaviour()}, the {@code serve:} behaviour or else the phase's own), and a second
 *       listener, where {@code port N} on the server line sends the checks, plays the check behaviour. A refusing
 *       or blackholing request behaviour then cannot touch the checks, nor the reverse; and the trace tells every
 *       check connection from a proxied one by its port. The simulated side plays the scenario as it is (ports do
 *       not matter there);</li>
 *   <li>every frontend's {@code bind} on an ephemeral port of 127.0.0.1, and for each backend that traffic targets
 *       directly, a frontend of the harness ({@value #HARNESS_PREFIX}{@code <backend>}) whose
 *       {@code default_backend} it is;</li>
 *   <li>{@code option httplog} and a {@code log} target in every frontend and listen section: for HAProxy the
 *       run's UDP syslog listener, so that each request's httplog line can be compared with the simulation's,
 *       which plays the same sections ({@link #simulationText}).</li>
 * </ul>
 * Check scenarios never come here: their set-up is {@link LiveConfig}'s alone.
 */
final class TrafficSetup {

    /** The name prefix of the frontends the harness adds for {@code backend:} targets. */
    static final String HARNESS_PREFIX = "haprobe_fe_";

    private TrafficSetup() {
    }

    /** Whether the scenario sends client traffic. */
    static boolean hasTraffic(ConformanceScenario scenario) {
        return !scenario.scenario().traffic().isEmpty();
    }

    /** The key of the check player of server {@code id}: {@code backend/server:checkPort}. */
    static String checkKey(String id, ServerConfig server) {
        return id + ':' + server.effectiveCheckPort();
    }

    /**
     * The scripts the player plays: per server, its request behaviours on its own address ({@code backend/server})
     * and, for a checked server without a script of its check port, its check behaviours on
     * {@code backend/server:checkPort}. A server without a script refuses both, as in a simulation.
     */
    static Map<String, ServerScript> playerScripts(ConformanceScenario scenario) {
        Map<String, ServerScript> given = scenario.scenario().scripts();
        Map<String, ServerScript> scripts = new LinkedHashMap<>(given);
        for (ProxyConfig proxy : scenario.scenario().config().proxies()) {
            for (ServerConfig server : proxy.servers()) {
                String id = proxy.name() + '/' + server.name();
                ServerScript script = given.getOrDefault(id, ServerScript.of(Behaviour.refuse()));
                if (server.check().enabled()) {
                    scripts.putIfAbsent(checkKey(id, server), script);
                }
                List<Phase> requests = new ArrayList<>();
                for (Phase phase : script.phases()) {
                    requests.add(new Phase(phase.atNanos(), phase.requestBehaviour(), phase.firewall()));
                }
                scripts.put(id, new ServerScript(requests));
            }
        }
        return scripts;
    }

    /**
     * Adds {@code port <check port>} to every checked server line that has none, so that {@link LiveConfig#rewrite}
     * points its checks at the check player ({@code backend/server:port}) and its address at the request player.
     */
    static String separateCheckPorts(String text, ConformanceScenario scenario) {
        List<String> out = new ArrayList<>();
        String proxy = null;
        for (String line : text.lines().toList()) {
            String[] tokens = line.strip().split("\\s+");
            if (line.equals(line.stripLeading()) && !line.isBlank()) {
                proxy = tokens.length > 1 && (tokens[0].equals("backend") || tokens[0].equals("listen"))
                        ? tokens[1] : null;
            }
            if (proxy != null && tokens[0].equals("server") && tokens.length > 2
                    && !List.of(tokens).contains("port")) {
                ServerConfig server = scenario.scenario().config().proxy(proxy).orElseThrow()
                        .server(tokens[1]).orElseThrow();
                if (server.check().enabled()) {
                    out.add(line.stripTrailing() + " port " + server.effectiveCheckPort());
                    continue;
                }
            }
            out.add(line);
        }
        return String.join("\n", out) + "\n";
    }

    /** The backends the scenario's traffic targets directly ({@code backend:}), in order. */
    static Set<String> targetedBackends(List<Traffic> traffic) {
        Set<String> backends = new LinkedHashSet<>();
        for (Traffic item : traffic) {
            if (!item.target().frontend()) {
                backends.add(item.target().name());
            }
        }
        return backends;
    }

    /**
     * Points every {@code bind} of a frontend or listen section at {@code 127.0.0.1:<port of that section>}
     * (keeping its options) and appends a harness frontend per directly targeted backend, bound to
     * {@code ports.get(HARNESS_PREFIX + backend)}.
     *
     * @throws IllegalArgumentException if a section to bind has no port in {@code ports}
     */
    static String bindFrontends(String text, Map<String, Integer> ports, Set<String> backends) {
        List<String> out = new ArrayList<>();
        String section = null;
        for (String line : text.lines().toList()) {
            String[] tokens = line.strip().split("\\s+");
            if (line.equals(line.stripLeading()) && !line.isBlank()) {
                section = tokens.length > 1 && (tokens[0].equals("frontend") || tokens[0].equals("listen"))
                        ? tokens[1] : null;
            }
            if (section != null && tokens[0].equals("bind") && tokens.length > 1) {
                Integer port = ports.get(section);
                if (port == null) {
                    throw new IllegalArgumentException("no port for the bind of " + section);
                }
                tokens[1] = "127.0.0.1:" + port;
                out.add(line.substring(0, line.length() - line.stripLeading().length()) + String.join(" ", tokens));
                continue;
            }
            out.add(line);
        }
        for (String backend : backends) {
            out.add("");
            out.add("frontend " + HARNESS_PREFIX + backend);
            out.add("    mode http");
            out.add("    bind 127.0.0.1:" + ports.get(HARNESS_PREFIX + backend));
            out.add("    timeout client 30s");
            out.add("    default_backend " + backend);
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * Adds {@code option httplog} and {@code log <target> format raw local0} to every frontend and listen section
     * (after the section's line, so before anything else of it). For real HAProxy the target is the run's UDP
     * syslog listener ({@link SyslogListener}); a listen section keeps the {@code log stdout} that
     * {@link LiveConfig#forHaproxy} gave it for its transition lines, so its httplog lines are written there too.
     * For the simulation any target will do: a frontend with {@code option httplog} and a target builds the lines.
     *
     * @param text   a config; never null
     * @param target the log target, such as {@code 127.0.0.1:40000}; never null
     */
    static String httplog(String text, String target) {
        List<String> out = new ArrayList<>();
        for (String line : text.lines().toList()) {
            out.add(line);
            String[] tokens = line.strip().split("\\s+");
            if (!line.equals(line.stripLeading()) || line.isBlank()) {
                continue;
            }
            if (tokens[0].equals("frontend") || tokens[0].equals("listen")) {
                out.add("    log " + target + " format raw local0");
                out.add("    option httplog");
            }
        }
        return String.join("\n", out) + "\n";
    }

    /**
     * The config the simulation plays to compare its httplog lines with HAProxy's: the scenario's own, with the
     * harness frontend of every directly targeted backend (as HAProxy gets it) and {@link #httplog} in every
     * frontend and listen section. The binds' addresses do not matter to a simulation.
     */
    static String simulationText(ConformanceScenario scenario) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        String text = scenario.haproxyText();
        int port = 20000;
        for (String section : boundSections(text)) {
            ports.put(section, port++);
        }
        Set<String> backends = targetedBackends(scenario.scenario().traffic());
        for (String backend : backends) {
            ports.put(HARNESS_PREFIX + backend, port++);
        }
        return httplog(bindFrontends(text, ports, backends), "127.0.0.1:514");
    }

    /**
     * The traffic as HAProxy's load client plays it: an item targeting a backend goes to that backend's harness
     * frontend instead (so that its requests have a frontend, and an httplog line); the others as they are.
     */
    static List<Traffic> throughFrontends(List<Traffic> items) {
        List<Traffic> out = new ArrayList<>();
        for (Traffic item : items) {
            out.add(item.target().frontend() ? item : new Traffic(item.atNanos(),
                    Traffic.Target.frontend(HARNESS_PREFIX + item.target().name()), item.load(), item.path(),
                    item.headers(), item.source(), item.timeoutNanos()));
        }
        return out;
    }

    /** The sections a client connects to: every frontend and listen section with a bind, by name. */
    static List<String> boundSections(String text) {
        List<String> sections = new ArrayList<>();
        String section = null;
        for (String line : text.lines().toList()) {
            String[] tokens = line.strip().split("\\s+");
            if (line.equals(line.stripLeading()) && !line.isBlank()) {
                section = tokens.length > 1 && (tokens[0].equals("frontend") || tokens[0].equals("listen"))
                        ? tokens[1] : null;
            }
            if (section != null && tokens[0].equals("bind") && !sections.contains(section)) {
                sections.add(section);
            }
        }
        return sections;
    }
}
