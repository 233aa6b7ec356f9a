package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import io.haprobe.config.ConfigFiles;
import io.haprobe.config.ConfigWarning;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.HaproxyTime;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.config.SourceLocation;
import io.haprobe.config.Spelling;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Capacity;
import io.haprobe.sim.Firewall;
import io.haprobe.sim.Phase;
import io.haprobe.sim.ServerScript;
import io.haprobe.sim.Traffic;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Reads a {@link Scenario} from YAML. SnakeYAML composes the text into nodes that keep their line and column,
 * and this parser walks them itself, so every error names the offending node as {@code file:line:col}.
 *
 * <p>Not thread-safe: one instance parses one text.
 */
final class ScenarioParser {

    /** A seed: a signed decimal of at most 19 digits. */
    private static final Pattern SEED = Pattern.compile("[-+]?[0-9]{1,19}");
    /** capacity max-sessions: at most 7 digits. */
    private static final Pattern MAX_SESSIONS = Pattern.compile("[0-9]{1,7}");

    /**
     * The largest scenario file read, in code points: 64 Mi (SnakeYAML's default is 3 Mi, about 60,000 generated
     * servers); a generated scenario of 100,000 servers takes about 6 Mi.
     */
    static final int MAX_CODE_POINTS = 64 * 1024 * 1024;
    static final List<String> KEYS = List.of("config", "haproxy", "seed", "epoch", "duration", "servers",
            "commands", "traffic");
    static final List<String> COMMAND_KEYS = List.of("at", "command");
    static final List<String> BEHAVIOURS = List.of("http", "tcp", "dialogue", "refuse", "blackhole", "hang", "reset",
            "close", "sequence", "tls");
    static final List<String> PHASE_KEYS = concat(List.of("at", "firewall", "serve", "capacity"), BEHAVIOURS);
    static final List<String> CAPACITY_KEYS = List.of("max-sessions", "when-full");
    static final List<String> FIREWALL_KEYS = List.of("allow", "action");
    static final List<String> HTTP_KEYS = List.of("status", "reason", "headers", "body", "delay");
    static final List<String> TCP_KEYS = List.of("reply", "reply-hex", "close", "banner", "delay");
    static final List<String> DELAY_KEYS = List.of("delay");
    static final List<String> EXCHANGE_KEYS = List.of("await", "await-hex", "send", "send-hex", "delay",
            "close", "reset");
    static final List<String> TLS_KEYS = List.of("certificate", "key", "names", "sni", "min-version",
            "max-version", "alpn", "client-certificate", "delay", "then");
    static final List<String> TLS_INNER = List.of("http", "tcp", "hang", "close", "reset");
    /** HAProxy keeps its timers in signed 32-bit milliseconds: no longer time means anything to it. */
    private static final long MAX_TIME_MILLIS = Integer.MAX_VALUE;
    static final int MAX_LISTED = 20;

    private final String file;
    private final Path baseDir;
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final BehaviourParser behaviours = new BehaviourParser(this);
    private String text;

    ScenarioParser(String file, Path baseDir) {
        this.file = Objects.requireNonNull(file, "fileName");
        this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
    }

    /** Reads a file as UTF-8 (malformed bytes replaced) and parses it; {@code config:} is relative to its dir. */
    static Scenario parse(Path path) {
        Objects.requireNonNull(path, "file");
        String text = ConfigFiles.readUtf8(path);
        Path parent = path.getParent();
        return new ScenarioParser(path.toString(), parent == null ? Path.of("") : parent).parse(text);
    }

    Scenario parse(String text) {
        this.text = Objects.requireNonNull(text, "text");
        Node root = compose(text);
        if (root == null) {
            throw new ConfigException(new SourceLocation(file, 1, 1),
                    "empty scenario (expected: config or haproxy, duration and servers)");
        }
        MappingNode top = mapping(root, "scenario", "a mapping of " + String.join(", ", KEYS));
        Map<String, NodeTuple> entries = entries(top, KEYS, "key", KEYS);
        NodeTuple configEntry = entries.get("config");
        NodeTuple haproxyEntry = entries.get("haproxy");
        if (configEntry != null && haproxyEntry != null) {
            NodeTuple later = line(configEntry.getKeyNode()) > line(haproxyEntry.getKeyNode())
                    ? configEntry : haproxyEntry;
            throw error(later.getKeyNode(), "both config and haproxy (expected: exactly one: the haproxy.cfg's "
                    + "path, or its text inline)");
        }
        if (configEntry == null && haproxyEntry == null) {
            throw error(top, "no haproxy.cfg (expected: config: a path relative to the scenario file, or "
                    + "haproxy: the text inline)");
        }
        if (!entries.containsKey("duration")) {
            throw error(top, "no duration (expected: duration: a time such as 60s)");
        }
        long seed = entries.containsKey("seed") ? seed(entries.get("seed").getValueNode()) : 0;
        java.time.Instant epoch = entries.containsKey("epoch") ? epoch(entries.get("epoch").getValueNode())
                : java.time.Instant.EPOCH;
        long durationNanos = time(entries.get("duration").getValueNode(), "duration", true);
        HaproxyConfig config = configEntry != null
                ? configFile(configEntry.getValueNode())
                : inlineConfig(haproxyEntry.getValueNode());
        Map<String, ServerScript> scripts = entries.containsKey("servers")
                ? servers(entries.get("servers").getValueNode(), config)
                : Map.of();
        warnUnscripted(config, scripts);
        List<Scenario.Command> commands = entries.containsKey("commands")
                ? commands(entries.get("commands").getValueNode())
                : List.of();
        List<Traffic> traffic = entries.containsKey("traffic")
                ? new TrafficParser(this).traffic(entries.get("traffic").getValueNode(), config)
                : List.of();
        return new Scenario(file, config, seed, durationNanos, scripts, commands, traffic, warnings, epoch);
    }

    private Node compose(String text) {
        if (text.length() > MAX_CODE_POINTS && text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
            throw new ConfigException(new SourceLocation(file, 1, 1), "the scenario file has "
                    + text.codePointCount(0, text.length()) + " characters (expected: at most " + MAX_CODE_POINTS
                    + ", 64 Mi; split the run into several scenarios)");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(MAX_CODE_POINTS);
        try {
            // the composer alone: nodes with their marks, no object construction
            return new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options),
                    new UntypedResolver(), options).getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ConfigException(location(mark), oneLine(problem) + " (expected: valid YAML)");
        } catch (YAMLException | IllegalArgumentException | IllegalStateException e) {
            // SnakeYAML reports a few input errors (bad characters, limits) without a mark
            throw new ConfigException(new SourceLocation(file, 1, 1),
                    oneLine(String.valueOf(e.getMessage())) + " (expected: valid YAML)");
        }
    }

    /**
     * A resolver that types no scalar: every one is a string, as this parser reads them all itself from their text.
     * SnakeYAML's own tries its implicit types' patterns (bool, int, float, null, timestamp...) on each plain
     * scalar, the most of composing a 10,000-server scenario; the tags it finds are never read here (merge keys
     * are only flattened with {@link LoaderOptions#setMergeOnCompose}, left off), so the nodes are the same.
     */
    private static final class UntypedResolver extends Resolver {

        @Override
        protected void addImplicitResolvers() {
            // none: see resolve
        }

        @Override
        public Tag resolve(NodeId kind, String value, boolean implicit) {
            return switch (kind) {
                case scalar -> Tag.STR;
                case sequence -> Tag.SEQ;
                default -> Tag.MAP;
            };
        }
    }

    private java.time.Instant epoch(Node node) {
        String value = scalar(node, "epoch", "a UTC date such as 2026-12-06T08:00:00Z").getValue();
        try {
            return java.time.Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw error(node, "epoch: '" + value + "' (expected: a UTC date such as 2026-12-06T08:00:00Z)");
        }
    }

    private long seed(Node node) {
        String value = scalar(node, "seed", "an integer").getValue();
        if (!SEED.matcher(value).matches()) {
            throw error(node, "seed: '" + value + "' (expected: an integer)");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw error(node, "seed: '" + value + "' (expected: an integer of at most 64 bits)");
        }
    }

    private HaproxyConfig configFile(Node node) {
        String value = scalar(node, "config", "a haproxy.cfg path relative to the scenario file").getValue();
        Path path;
        try {
            path = value.isEmpty() ? null : baseDir.resolve(value);
        } catch (InvalidPathException e) {
            path = null;
        }
        if (path == null) {
            throw error(node, "config: '" + value + "' (expected: a haproxy.cfg path relative to the scenario file)");
        }
        if (!Files.isRegularFile(path)) {
            throw error(node, "config file not found: " + path + " (expected: a haproxy.cfg path relative to the "
                    + "scenario file)");
        }
        return HaproxyConfig.parse(path);
    }

    /**
     * Parses the inline haproxy.cfg. A literal block ({@code haproxy: |}) is parsed in place, as the scenario
     * file's own lines with the rest blanked out, so its errors and warnings point into the scenario file;
     * another scalar style is parsed as a text of its own named {@code <scenario>#haproxy}.
     */
    private HaproxyConfig inlineConfig(Node node) {
        ScalarNode scalar = scalar(node, "haproxy", "the haproxy.cfg text, e.g. haproxy: | and indented lines");
        if (scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL) {
            String inPlace = literalInPlace(scalar);
            if (inPlace != null) {
                return HaproxyConfig.parse(file, inPlace);
            }
        }
        return HaproxyConfig.parse(file + "#haproxy", scalar.getValue());
    }

    /** Returns the scenario text with every line outside the literal block blanked, or null if unsure. */
    private String literalInPlace(ScalarNode node) {
        String[] lines = text.split("\n", -1);
        int first = node.getStartMark().getLine() + 1;
        int indent = -1;
        int end = first;
        for (; end < lines.length; end++) {
            String line = stripCr(lines[end]);
            int spaces = leadingSpaces(line);
            if (spaces == line.length()) {
                continue;
            }
            if (indent < 0) {
                indent = spaces;
            } else if (spaces < indent) {
                break;
            }
        }
        if (indent <= 0) {
            return null;
        }
        StringBuilder content = new StringBuilder();
        StringBuilder inPlace = new StringBuilder();
        for (int i = 0; i < end; i++) {
            String line = stripCr(lines[i]);
            if (i >= first) {
                content.append(line.length() <= indent ? "" : line.substring(indent)).append('\n');
                inPlace.append(line);
            }
            inPlace.append('\n');
        }
        // line breaks SnakeYAML counts and split() does not (NEL, LS, PS) would shift lines: then give up
        return stripTrailingNewlines(content).equals(stripTrailingNewlines(node.getValue()))
                ? inPlace.toString() : null;
    }

    private Map<String, ServerScript> servers(Node node, HaproxyConfig config) {
        if (node instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
            return Map.of();
        }
        MappingNode mapping = mapping(node, "servers", "a mapping of backend/server to its phases");
        Map<String, ServerConfig> known = new LinkedHashMap<>();
        for (ProxyConfig proxy : config.proxies()) {
            for (ServerConfig server : proxy.servers()) {
                known.put(proxy.name() + '/' + server.name(), server);
            }
        }
        Map<String, ServerScript> scripts = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String id = key(tuple.getKeyNode());
            if (lines.containsKey(id)) {
                throw error(tuple.getKeyNode(), "duplicate server '" + id + "' (expected: each server once; first "
                        + "on line " + lines.get(id) + ")");
            }
            lines.put(id, line(tuple.getKeyNode()));
            ServerConfig server = known.get(serverOf(id));
            if (server == null) {
                throw error(tuple.getKeyNode(), "unknown server '" + id + "' (expected: "
                        + oneOf(List.copyOf(known.keySet()), "backend/server of the haproxy.cfg")
                        + suggestion(serverOf(id), known.keySet(), 3) + ")");
            }
            if (!server.check().enabled()) {
                warnings.add(new ConfigWarning(location(tuple.getKeyNode()), "server " + id + " has no 'check' in "
                        + "the haproxy.cfg: its script is never played"));
            }
            scripts.put(id, script(id, tuple.getValueNode()));
        }
        return scripts;
    }

    /** The runtime API commands: a list of {@code at: TIME} and {@code command: TEXT}, in time order. */
    private List<Scenario.Command> commands(Node node) {
        if (node instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode list)) {
            throw error(node, "commands: " + describe(node) + " (expected: a list of '- at: TIME' with "
                    + "'command: TEXT')");
        }
        List<Scenario.Command> commands = new ArrayList<>();
        Node previousAt = null;
        long previousNanos = 0;
        for (Node item : list.getValue()) {
            MappingNode mapping = mapping(item, "command", "at: TIME and command: TEXT");
            Map<String, NodeTuple> entries = entries(mapping, COMMAND_KEYS, "key", COMMAND_KEYS);
            NodeTuple at = entries.get("at");
            NodeTuple command = entries.get("command");
            if (at == null || command == null) {
                throw error(mapping, "command without " + (at == null ? "at" : "command") + " (expected: at: a "
                        + "time such as 1500ms, and command: a runtime API command such as 'get weight be/s1')");
            }
            long atNanos = time(at.getValueNode(), "at", false);
            if (previousAt != null && atNanos < previousNanos) {
                String before = ((ScalarNode) previousAt).getValue();
                throw error(at.getValueNode(), "command at " + ((ScalarNode) at.getValueNode()).getValue()
                        + " is before the command at " + before + " on line " + line(previousAt)
                        + " (expected: commands in time order)");
            }
            previousAt = at.getValueNode();
            previousNanos = atNanos;
            String text = scalar(command.getValueNode(), "command", "a runtime API command").getValue();
            if (text.isBlank() || hasLineBreak(text)) {
                throw error(command.getValueNode(), "command: " + describe(command.getValueNode()) + " (expected: "
                        + "one command on one line, such as 'set weight be/s1 20')");
            }
            commands.add(new Scenario.Command(Duration.ofNanos(atNanos), text));
        }
        return commands;
    }

    /** The {@code backend/server} of a key, which may name one port of the server's host: {@code be/srv:5555}. */
    private static String serverOf(String key) {
        int colon = key.lastIndexOf(':');
        if (colon <= key.indexOf('/') || colon == key.length() - 1) {
            return key;
        }
        String port = key.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            return key;
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535 ? key.substring(0, colon) : key;
    }

    private ServerScript script(String id, Node node) {
        if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw error(node, id + ": " + (node instanceof SequenceNode ? "no phase" : describe(node))
                    + " (expected: a list of phases, the first '- at: 0s' and one behaviour)");
        }
        List<Phase> phases = new ArrayList<>();
        Node previousAt = null;
        long previousNanos = 0;
        for (Node item : list.getValue()) {
            MappingNode phase = mapping(item, "phase", "at: TIME and one behaviour");
            Map<String, NodeTuple> entries = entries(phase, PHASE_KEYS, "behaviour", BEHAVIOURS);
            NodeTuple at = entries.remove("at");
            if (at == null) {
                throw error(phase, "phase without at (expected: at: a time such as 0s, and one behaviour)");
            }
            long atNanos = time(at.getValueNode(), "at", false);
            String atText = ((ScalarNode) at.getValueNode()).getValue();
            if (previousAt == null && atNanos != 0) {
                throw error(at.getValueNode(), "first phase at " + atText + " (expected: the first phase at 0s)");
            }
            if (previousAt != null && atNanos <= previousNanos) {
                String before = ((ScalarNode) previousAt).getValue();
                throw error(at.getValueNode(), atNanos == previousNanos
                        ? "phase at " + atText + " overlaps the phase at " + before + " on line " + line(previousAt)
                                + " (expected: a time after " + before + ")"
                        : "phase at " + atText + " is before the phase at " + before + " on line "
                                + line(previousAt) + " (expected: phases in time order, each after the one before)");
            }
            previousAt = at.getValueNode();
            previousNanos = atNanos;
            NodeTuple firewall = entries.remove("firewall");
            NodeTuple serve = entries.remove("serve");
            NodeTuple capacity = entries.remove("capacity");
            phases.add(new Phase(atNanos, behaviours.onlyBehaviour(phase, entries, false),
                    firewall == null ? Firewall.OPEN : firewall(firewall.getValueNode()),
                    serve == null ? null : serve(serve.getValueNode()),
                    capacity == null ? null : capacity(capacity.getValueNode())));
        }
        return new ServerScript(phases);
    }

    /** Parses {@code serve: { BEHAVIOUR }}: how the server answers proxied requests in the phase. */
    private Behaviour serve(Node node) {
        MappingNode mapping = mapping(node, "serve", "one behaviour, such as { http: { status: 200, delay: 800ms } }");
        Map<String, NodeTuple> entries = entries(mapping, BEHAVIOURS, "behaviour", BEHAVIOURS);
        return behaviours.onlyBehaviour(node, entries, false);
    }

    /** Parses {@code capacity: { max-sessions: N, when-full: refuse|blackhole }}. */
    private Capacity capacity(Node node) {
        MappingNode mapping = mapping(node, "capacity", "max-sessions: N and when-full: refuse or blackhole");
        Map<String, NodeTuple> entries = entries(mapping, CAPACITY_KEYS, "capacity key", CAPACITY_KEYS);
        NodeTuple max = entries.get("max-sessions");
        NodeTuple whenFull = entries.get("when-full");
        if (max == null || whenFull == null) {
            throw error(node, "capacity without " + (max == null ? "max-sessions" : "when-full")
                    + " (expected: max-sessions: N and when-full: refuse or blackhole)");
        }
        String count = scalar(max.getValueNode(), "max-sessions", "a number of requests").getValue();
        if (!MAX_SESSIONS.matcher(count).matches() || Integer.parseInt(count) < 1) {
            throw error(max.getValueNode(), "max-sessions: '" + oneLine(count) + "' (expected: a number of "
                    + "requests from 1 to 9999999)");
        }
        String verb = scalar(whenFull.getValueNode(), "when-full", "refuse or blackhole").getValue();
        Capacity.WhenFull action = switch (verb) {
            case "refuse" -> Capacity.WhenFull.REFUSE;
            case "blackhole" -> Capacity.WhenFull.BLACKHOLE;
            default -> throw error(whenFull.getValueNode(), "when-full: '" + oneLine(verb)
                    + "' (expected: refuse or blackhole)");
        };
        return new Capacity(Integer.parseInt(count), action);
    }

    /** Parses {@code firewall: { allow: [CIDR, ...], action: drop|reject }}. */
    private Firewall firewall(Node node) {
        MappingNode mapping = mapping(node, "firewall", "allow: [CIDR, ...] and action: drop or reject");
        Map<String, NodeTuple> entries = entries(mapping, FIREWALL_KEYS, "firewall key", FIREWALL_KEYS);
        NodeTuple allow = entries.get("allow");
        NodeTuple action = entries.get("action");
        if (allow == null || action == null) {
            throw error(node, "firewall without " + (allow == null ? "allow" : "action")
                    + " (expected: allow: [CIDR, ...] and action: drop or reject)");
        }
        if (!(allow.getValueNode() instanceof SequenceNode list)) {
            throw error(allow.getValueNode(), "allow: " + describe(allow.getValueNode())
                    + " (expected: a list of CIDRs such as [127.0.0.2/32, 10.0.0.0/8])");
        }
        List<String> cidrs = new ArrayList<>();
        for (Node item : list.getValue()) {
            String cidr = scalar(item, "allow", "a CIDR such as 10.0.0.0/8").getValue();
            try {
                new Firewall(List.of(cidr), Firewall.Action.DROP);
            } catch (IllegalArgumentException e) {
                throw error(item, "allow: '" + oneLine(cidr) + "' (expected: an IPv4 or IPv6 address with an"
                        + " optional /prefix, such as 10.0.0.0/8)");
            }
            cidrs.add(cidr);
        }
        String verb = scalar(action.getValueNode(), "action", "drop or reject").getValue();
        Firewall.Action chosen = switch (verb) {
            case "drop" -> Firewall.Action.DROP;
            case "reject" -> Firewall.Action.REJECT;
            default -> throw error(action.getValueNode(), "action: '" + oneLine(verb) + "' (expected: drop or reject)");
        };
        return new Firewall(cidrs, chosen);
    }

    /** Parses a time node to nanoseconds, as HAProxy writes times. */
    long time(Node node, String name, boolean positive) {
        String value = scalar(node, name, "a time such as 2s or 500ms").getValue();
        long nanos = timeText(node, value, name);
        if (positive && nanos == 0) {
            throw error(node, name + ": '" + value + "' (expected: a time above 0 such as 60s)");
        }
        return nanos;
    }

    long timeText(Node node, String value, String name) {
        long millis;
        try {
            millis = HaproxyTime.parseMillis(value);
        } catch (IllegalArgumentException e) {
            throw error(node, name + ": '" + oneLine(value) + "' (expected: a time such as 2s or 500ms)");
        }
        if (millis > MAX_TIME_MILLIS) {
            throw error(node, name + ": '" + value + "' (expected: at most " + MAX_TIME_MILLIS + "ms, HAProxy's "
                    + "longest time)");
        }
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    boolean bool(Node node, String name) {
        String value = scalar(node, name, "true or false").getValue();
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error(node, name + ": '" + oneLine(value) + "' (expected: true or false)");
        };
    }

    /** Decodes {@code \r \n \t \\ \xHH} in a reply and returns its ISO-8859-1 bytes. */
    byte[] unescape(Node node, String name) {
        String value = scalar(node, name, "a text").getValue();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                throw error(node, name + ": '" + oneLine(value) + "' has a character beyond ISO-8859-1 (expected: "
                        + "bytes; use \\xHH or " + name + "-hex)");
            }
            if (c != '\\') {
                bytes.write(c);
                continue;
            }
            char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
            switch (next) {
                case 'r' -> bytes.write('\r');
                case 'n' -> bytes.write('\n');
                case 't' -> bytes.write('\t');
                case '\\' -> bytes.write('\\');
                case 'x' -> {
                    int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
                    int low = i + 3 < value.length() ? Character.digit(value.charAt(i + 3), 16) : -1;
                    if (high < 0 || low < 0) {
                        throw badEscape(node, name, value);
                    }
                    bytes.write(high << 4 | low);
                    i += 2;
                }
                default -> throw badEscape(node, name, value);
            }
            i++;
        }
        return bytes.toByteArray();
    }

    ConfigException badEscape(Node node, String name, String value) {
        return error(node, name + ": '" + oneLine(value) + "' (expected: escapes \\r \\n \\t \\\\ or \\xHH)");
    }

    byte[] hex(Node node, String name) {
        String value = scalar(node, name, "hex digits").getValue();
        String digits = value.replaceAll("\\s", "");
        if (digits.length() % 2 != 0 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
            throw error(node, name + ": '" + oneLine(value) + "' (expected: pairs of hex digits)");
        }
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (Character.digit(digits.charAt(2 * i), 16) << 4 | Character.digit(digits.charAt(2 * i + 1), 16));
        }
        return bytes;
    }

    private void warnUnscripted(HaproxyConfig config, Map<String, ServerScript> scripts) {
        for (ProxyConfig proxy : config.proxies()) {
            for (ServerConfig server : proxy.servers()) {
                String id = proxy.name() + '/' + server.name();
                if (server.check().enabled() && !server.traffic().disabled() && !scripts.containsKey(id)) {
                    warnings.add(new ConfigWarning(server.location(), "server " + id + " has no script in "
                            + file + ": nothing listens, its checks are refused"));
                }
            }
        }
    }

    /** Returns the entries of a mapping by key, in order, rejecting unknown and repeated keys. */
    Map<String, NodeTuple> entries(MappingNode mapping, List<String> allowed, String what,
                                           List<String> listed) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = key(tuple.getKeyNode());
            if (!allowed.contains(key)) {
                throw error(tuple.getKeyNode(), "unknown " + what + " '" + oneLine(key) + "' (expected: one of "
                        + String.join(", ", listed) + suggestion(key, listed, 2) + ")");
            }
            NodeTuple first = entries.putIfAbsent(key, tuple);
            if (first != null) {
                throw error(tuple.getKeyNode(), "duplicate key '" + key + "' (expected: each key once; first on line "
                        + line(first.getKeyNode()) + ")");
            }
        }
        return entries;
    }

    String key(Node node) {
        if (!(node instanceof ScalarNode scalar)) {
            throw error(node, "key: " + describe(node) + " (expected: a plain word)");
        }
        return scalar.getValue();
    }

    ScalarNode scalar(Node node, String name, String expected) {
        if (node instanceof ScalarNode scalar) {
            return scalar;
        }
        throw error(node, name + ": " + describe(node) + " (expected: " + expected + ")");
    }

    MappingNode mapping(Node node, String name, String expected) {
        if (node instanceof MappingNode mapping) {
            return mapping;
        }
        throw error(node, name + ": " + describe(node) + " (expected: " + expected + ")");
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        String value = ((ScalarNode) node).getValue();
        return value.isEmpty() ? "nothing" : "'" + oneLine(value) + "'";
    }

    /** Adds a warning about the haproxy.cfg that only this scenario's content makes worth saying. */
    void warn(ConfigWarning warning) {
        warnings.add(warning);
    }

    ConfigException error(Node node, String detail) {
        return new ConfigException(location(node), detail);
    }

    SourceLocation location(Node node) {
        return location(node.getStartMark());
    }

    SourceLocation location(Mark mark) {
        if (mark == null) {
            return new SourceLocation(file, 1, 1);
        }
        return new SourceLocation(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }

    static int column(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getColumn() + 1;
    }

    static String oneOf(List<String> names, String what) {
        if (names.isEmpty()) {
            return "a " + what + ", but it has none";
        }
        if (names.size() <= MAX_LISTED) {
            return "one of " + String.join(", ", names);
        }
        return "one of " + String.join(", ", names.subList(0, MAX_LISTED)) + ", ... (" + names.size() + " in all)";
    }

    /** Returns {@code ; did you mean 'x'?} for the closest name within {@code maxDistance} edits, or nothing. */
    static String suggestion(String word, Iterable<String> names, int maxDistance) {
        String best = Spelling.closest(word, names, maxDistance);
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    static boolean hasLineBreak(String text) {
        return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
    }

    static String oneLine(String text) {
        String escaped = text.replace("\r", "\\r").replace("\n", "\\n");
        return escaped.length() > 80 ? escaped.substring(0, 77) + "..." : escaped;
    }

    static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    static int leadingSpaces(String line) {
        int spaces = 0;
        while (spaces < line.length() && line.charAt(spaces) == ' ') {
            spaces++;
        }
        return spaces;
    }

    static String stripTrailingNewlines(CharSequence text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\n') {
            end--;
        }
        return text.subSequence(0, end).toString();
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
