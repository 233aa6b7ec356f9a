package io.haprobe.testkit;

import io.haprobe.config.FrontendConfig;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ProxyDeclaration;
import io.haprobe.config.SourceLocation;
import io.haprobe.config.UnmodelledTraffic;
import io.haprobe.sim.Traffic;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a scenario's {@code traffic:} list into {@link Traffic} items: each {@code at}, one target
 * ({@code frontend: NAME} or {@code backend: NAME}), one load ({@code burst: N}, {@code sequential: N} or
 * {@code rate: R/s} with {@code until}), and optional {@code path}, {@code headers}, {@code source},
 * {@code timeout}. Strict: unknown keys, missing or doubled choices, unknown sections, a target that leads to no
 * backend, to a {@code balance} haprobe does not model or to a {@code mode tcp} backend (the traffic model is
 * HTTP), and bad values are errors with the file, line and column. The haproxy.cfg lines the traffic model
 * ignores ({@link UnmodelledTraffic}) on a target's way are warned about, once per line. One per scenario parse;
 * not thread-safe.
 */
final class TrafficParser {

    static final List<String> TRAFFIC_KEYS = List.of("at", "frontend", "backend", "burst", "sequential", "rate",
            "until", "path", "headers", "source", "timeout");
    private static final List<String> LOADS = List.of("burst", "sequential", "rate");
    private static final int MAX_REQUESTS = 10_000_000;

    private final ScenarioParser scenario;
    /** The config lines already warned about, by file and line. */
    private final Set<List<Object>> warnedLines = new HashSet<>();

    TrafficParser(ScenarioParser scenario) {
        this.scenario = scenario;
    }

    List<Traffic> traffic(Node node, HaproxyConfig config) {
        if (node instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode list)) {
            throw scenario.error(node, "traffic: " + ScenarioParser.describe(node) + " (expected: a list of '- at: "
                    + "TIME' with a frontend or backend and one of burst, sequential or rate)");
        }
        List<Traffic> items = new ArrayList<>();
        for (Node item : list.getValue()) {
            items.add(item(item, config));
        }
        return items;
    }

    private Traffic item(Node node, HaproxyConfig config) {
        MappingNode mapping = scenario.mapping(node, "traffic item", "at, frontend or backend, and burst, "
                + "sequential or rate");
        Map<String, NodeTuple> entries = scenario.entries(mapping, TRAFFIC_KEYS, "traffic key", TRAFFIC_KEYS);
        NodeTuple at = entries.get("at");
        if (at == null) {
            throw scenario.error(mapping, "traffic item without at (expected: at: a time such as 10s)");
        }
        long atNanos = scenario.time(at.getValueNode(), "at", false);
        Traffic.Target target = target(mapping, entries, config);
        Traffic.Load load = load(mapping, entries, atNanos);
        String path = "/";
        if (entries.containsKey("path")) {
            Node value = entries.get("path").getValueNode();
            path = scenario.scalar(value, "path", "a request path such as /health").getValue();
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw scenario.error(value, "path: '" + ScenarioParser.oneLine(path) + "' (expected: a path starting "
                        + "with /, without blanks, such as /cart?id=3)");
            }
        }
        Map<String, String> headers = entries.containsKey("headers")
                ? headers(entries.get("headers").getValueNode())
                : Map.of();
        InetAddress source = entries.containsKey("source") ? source(entries.get("source").getValueNode()) : null;
        long timeoutNanos = entries.containsKey("timeout")
                ? scenario.time(entries.get("timeout").getValueNode(), "timeout", true)
                : 0;
        return new Traffic(atNanos, target, load, path, headers, source, timeoutNanos);
    }

    private Traffic.Target target(MappingNode mapping, Map<String, NodeTuple> entries, HaproxyConfig config) {
        NodeTuple frontend = entries.get("frontend");
        NodeTuple backend = entries.get("backend");
        if (frontend != null && backend != null) {
            throw scenario.error(backend.getKeyNode(), "both frontend and backend (expected: one target)");
        }
        if (frontend == null && backend == null) {
            throw scenario.error(mapping, "traffic item without a target (expected: frontend: NAME or backend: NAME)");
        }
        boolean toFrontend = frontend != null;
        Node value = (toFrontend ? frontend : backend).getValueNode();
        String kind = toFrontend ? "frontend" : "backend";
        String name = scenario.scalar(value, kind, "a section name").getValue();
        List<String> known = new ArrayList<>();
        for (ProxyDeclaration declaration : config.declarations()) {
            if (toFrontend ? declaration.hasFrontend() : declaration.hasBackend()) {
                known.add(declaration.name());
            }
        }
        if (!known.contains(name)) {
            throw scenario.error(value, "unknown " + kind + " '" + ScenarioParser.oneLine(name) + "' (expected: "
                    + ScenarioParser.oneOf(known, "a " + kind + (toFrontend ? " or listen" : " or listen")
                    + " section of the haproxy.cfg") + ScenarioParser.suggestion(name, known, 3) + ")");
        }
        String destination = name;
        if (toFrontend) {
            destination = config.frontends().stream().filter(f -> f.name().equals(name)).findFirst()
                    .map(FrontendConfig::backend).orElse(null);
            if (destination == null) {
                throw scenario.error(value, "frontend '" + ScenarioParser.oneLine(name) + "' sends its requests to no "
                        + "backend (expected: a frontend with a default_backend or a use_backend without a condition)");
            }
        }
        String routed = destination;
        ProxyConfig proxy = config.proxy(routed).orElse(null);
        if (proxy == null) {
            throw scenario.error(value, kind + " '" + ScenarioParser.oneLine(name) + "' leads to '" + routed
                    + "', which has no servers (expected: a backend or listen section)");
        }
        if (!proxy.balancing().modelled()) {
            throw scenario.error(value, kind + " '" + ScenarioParser.oneLine(name) + "' leads to backend '" + routed
                    + "', whose 'balance " + proxy.balance() + "' haprobe does not model (expected: roundrobin, "
                    + "static-rr, leastconn, first, source, uri, url_param, hdr or random)");
        }
        ProxyDeclaration declared = config.declarations().stream()
                .filter(d -> d.name().equals(routed) && d.hasBackend()).findFirst().orElseThrow();
        if (!declared.mode().equals("http")) {
            SourceLocation at = declared.location();
            throw scenario.error(value, kind + " '" + ScenarioParser.oneLine(name) + "' leads to " + declared.kind()
                    + " '" + routed + "' (" + at.file() + ":" + at.line() + "), in mode " + declared.mode()
                    + "; haprobe's traffic model is HTTP (expected: a backend in mode http)");
        }
        if (toFrontend) {
            config.frontends().stream().filter(f -> f.name().equals(name)).findFirst()
                    .ifPresent(f -> warnUnmodelled(f.unmodelled()));
        }
        warnUnmodelled(proxy.traffic().unmodelled());
        return new Traffic.Target(name, toFrontend);
    }

    private void warnUnmodelled(List<UnmodelledTraffic> lines) {
        for (UnmodelledTraffic line : lines) {
            if (warnedLines.add(List.of(line.location().file(), line.location().line()))) {
                scenario.warn(line.warning());
            }
        }
    }

    private Traffic.Load load(MappingNode mapping, Map<String, NodeTuple> entries, long atNanos) {
        List<NodeTuple> given = new ArrayList<>();
        for (String key : LOADS) {
            if (entries.containsKey(key)) {
                given.add(entries.get(key));
            }
        }
        if (given.isEmpty()) {
            throw scenario.error(mapping, "traffic item without a load (expected: one of burst: N, sequential: N or "
                    + "rate: R/s with until: TIME)");
        }
        if (given.size() > 1) {
            throw scenario.error(given.get(1).getKeyNode(), "two loads in one traffic item: '"
                    + scenario.key(given.get(0).getKeyNode()) + "' and '" + scenario.key(given.get(1).getKeyNode())
                    + "' (expected: one of burst, sequential or rate)");
        }
        NodeTuple chosen = given.get(0);
        String kind = scenario.key(chosen.getKeyNode());
        NodeTuple until = entries.get("until");
        if (!kind.equals("rate") && until != null) {
            throw scenario.error(until.getKeyNode(), "until with " + kind + " (expected: until only with rate)");
        }
        return switch (kind) {
            case "burst" -> new Traffic.Burst(count(chosen.getValueNode(), kind));
            case "sequential" -> new Traffic.Sequential(count(chosen.getValueNode(), kind));
            default -> rate(mapping, chosen.getValueNode(), until, atNanos);
        };
    }

    private int count(Node node, String name) {
        String value = scenario.scalar(node, name, "a number of requests").getValue();
        if (!value.matches("[0-9]{1,8}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_REQUESTS) {
            throw scenario.error(node, name + ": '" + ScenarioParser.oneLine(value) + "' (expected: a number of "
                    + "requests from 1 to " + MAX_REQUESTS + ")");
        }
        return Integer.parseInt(value);
    }

    private Traffic.Rate rate(MappingNode mapping, Node node, NodeTuple until, long atNanos) {
        String value = scenario.scalar(node, "rate", "requests per second such as 50/s").getValue();
        String number = value.endsWith("/s") ? value.substring(0, value.length() - 2) : value;
        double perSecond;
        try {
            perSecond = number.matches("[0-9]+(\\.[0-9]+)?") ? Double.parseDouble(number) : -1;
        } catch (NumberFormatException e) {
            perSecond = -1;
        }
        if (!value.endsWith("/s") || !(perSecond > 0 && perSecond <= 1_000_000)) {
            throw scenario.error(node, "rate: '" + ScenarioParser.oneLine(value) + "' (expected: requests per second "
                    + "above 0 and at most 1000000, such as 50/s or 0.5/s)");
        }
        if (until == null) {
            throw scenario.error(mapping, "rate without until (expected: until: the time the rate stops, such as "
                    + "60s)");
        }
        long untilNanos = scenario.time(until.getValueNode(), "until", false);
        if (untilNanos <= atNanos) {
            throw scenario.error(until.getValueNode(), "until: '" + ((ScalarNode) until.getValueNode()).getValue()
                    + "' (expected: a time after at)");
        }
        return new Traffic.Rate(perSecond, untilNanos);
    }

    private Map<String, String> headers(Node node) {
        MappingNode mapping = scenario.mapping(node, "headers", "a mapping of header name to value");
        Map<String, String> headers = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String name = scenario.key(tuple.getKeyNode());
            if (name.isEmpty() || !name.chars().allMatch(ScenarioParser::isTokenChar)) {
                throw scenario.error(tuple.getKeyNode(), "header name: '" + ScenarioParser.oneLine(name)
                        + "' (expected: an HTTP token such as X-User)");
            }
            String value = scenario.scalar(tuple.getValueNode(), name, "a header value").getValue();
            if (ScenarioParser.hasLineBreak(value)) {
                throw scenario.error(tuple.getValueNode(), name + ": '" + ScenarioParser.oneLine(value)
                        + "' (expected: one line)");
            }
            if (headers.put(name, value) != null) {
                throw scenario.error(tuple.getKeyNode(), "duplicate header '" + name + "' (expected: each header once)");
            }
        }
        return headers;
    }

    private InetAddress source(Node node) {
        String value = scenario.scalar(node, "source", "an IPv4 or IPv6 address").getValue();
        boolean literal = value.matches("[0-9.]+") || value.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
        try {
            if (literal && !value.isEmpty()) {
                InetAddress address = InetAddress.getByName(value);
                if (address.getHostAddress().equals(value) || value.contains(":")) {
                    return address;
                }
            }
        } catch (UnknownHostException e) {
            // reported below
        }
        throw scenario.error(node, "source: '" + ScenarioParser.oneLine(value) + "' (expected: an IPv4 or IPv6 "
                + "address such as 127.0.0.5)");
    }
}
