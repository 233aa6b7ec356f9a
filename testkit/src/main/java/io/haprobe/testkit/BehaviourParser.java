package io.haprobe.testkit;

import io.haprobe.config.TlsVersion;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.spi.TlsBackend;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the behaviour of a scenario phase ({@code http}, {@code tcp}, {@code dialogue}, {@code refuse},
 * {@code blackhole}, {@code hang}, {@code reset}, {@code close}, {@code sequence}, {@code tls}) into a
 * {@link Behaviour}, with the position of every mistake; the nodes, times and messages are the
 * {@link ScenarioParser}'s.
 *
 * <p>Not thread-safe: one per parse, like its parser.
 */
final class BehaviourParser {

    /** An HTTP status code's three digits. */
    private static final Pattern STATUS = Pattern.compile("[0-9]{3}");
    /** What an {@code http} behaviour is, in its errors: built once, not for each of thousands of servers. */
    private static final String HTTP_EXPECTED = "a mapping with status and optionally "
            + String.join(", ", ScenarioParser.HTTP_KEYS.subList(1, ScenarioParser.HTTP_KEYS.size()));

    private final ScenarioParser scenario;

    BehaviourParser(ScenarioParser scenario) {
        this.scenario = scenario;
    }

    /** Returns the one behaviour of a phase or sequence step whose other keys were removed. */
    Behaviour onlyBehaviour(Node owner, Map<String, NodeTuple> entries, boolean inSequence) {
        if (entries.isEmpty()) {
            throw scenario.error(owner, (inSequence ? "sequence step" : "phase") + " without a behaviour (expected: one of "
                    + String.join(", ", ScenarioParser.BEHAVIOURS) + ")");
        }
        List<NodeTuple> tuples = List.copyOf(entries.values());
        if (tuples.size() > 1) {
            throw scenario.error(tuples.get(1).getKeyNode(), "two behaviours in one " + (inSequence ? "step" : "phase")
                    + ": '" + scenario.key(tuples.get(0).getKeyNode()) + "' and '" + scenario.key(tuples.get(1).getKeyNode())
                    + "' (expected: one; a sequence plays several in turn)");
        }
        return behaviour(scenario.key(tuples.get(0).getKeyNode()), tuples.get(0).getValueNode(), inSequence);
    }

    Behaviour behaviour(String kind, Node node, boolean inSequence) {
        return switch (kind) {
            case "http" -> http(node);
            case "tcp" -> tcp(node);
            case "dialogue" -> dialogue(node);
            case "refuse" -> flag(node, "refuse", Behaviour.refuse());
            case "blackhole" -> flag(node, "blackhole", Behaviour.blackhole());
            case "hang" -> flag(node, "hang", Behaviour.hang());
            case "reset" -> new Behaviour.Reset(delayedFlag(node, "reset"));
            case "close" -> new Behaviour.Close(delayedFlag(node, "close"));
            case "sequence" -> sequence(node, inSequence);
            case "tls" -> tls(node);
            default -> throw new IllegalStateException(kind);
        };
    }

    Behaviour.Http http(Node node) {
        MappingNode mapping = scenario.mapping(node, "http", HTTP_EXPECTED);
        Map<String, NodeTuple> entries = scenario.entries(mapping, ScenarioParser.HTTP_KEYS, "http key", ScenarioParser.HTTP_KEYS);
        if (!entries.containsKey("status")) {
            throw scenario.error(mapping, "http without status (expected: status: 100 to 999)");
        }
        Node statusNode = entries.get("status").getValueNode();
        String statusText = scenario.scalar(statusNode, "status", "100 to 999").getValue();
        if (!STATUS.matcher(statusText).matches() || statusText.charAt(0) == '0') {
            throw scenario.error(statusNode, "status: '" + statusText + "' (expected: 100 to 999)");
        }
        String reason = null;
        if (entries.containsKey("reason")) {
            Node reasonNode = entries.get("reason").getValueNode();
            reason = scenario.scalar(reasonNode, "reason", "a text").getValue();
            if (ScenarioParser.hasLineBreak(reason)) {
                throw scenario.error(reasonNode, "reason: '" + ScenarioParser.oneLine(reason) + "' (expected: no CR or LF)");
            }
        }
        Map<String, String> headers = entries.containsKey("headers")
                ? headers(entries.get("headers").getValueNode())
                : Map.of();
        String body = entries.containsKey("body") ? scenario.scalar(entries.get("body").getValueNode(), "body", "a text")
                .getValue() : "";
        Delay delay = entries.containsKey("delay") ? delay(entries.get("delay").getValueNode()) : Delay.NONE;
        return new Behaviour.Http(Integer.parseInt(statusText), reason, headers, body, delay);
    }

    Map<String, String> headers(Node node) {
        if (node instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
            return Map.of();
        }
        MappingNode mapping = scenario.mapping(node, "headers", "a mapping of header names to values");
        Map<String, String> headers = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String name = scenario.key(tuple.getKeyNode());
            String value = scenario.scalar(tuple.getValueNode(), name, "a header value").getValue();
            if (name.isEmpty() || !name.chars().allMatch(ScenarioParser::isTokenChar)) {
                throw scenario.error(tuple.getKeyNode(), "headers: '" + ScenarioParser.oneLine(name) + "' (expected: a header name)");
            }
            if (ScenarioParser.hasLineBreak(value)) {
                throw scenario.error(tuple.getValueNode(), name + ": '" + ScenarioParser.oneLine(value) + "' (expected: no CR or LF)");
            }
            headers.put(name, value);
        }
        return headers;
    }

    Behaviour.Tcp tcp(Node node) {
        if (node instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
            return new Behaviour.Tcp(new byte[0], Delay.NONE, false, false);
        }
        MappingNode mapping = scenario.mapping(node, "tcp", "a mapping of " + String.join(", ", ScenarioParser.TCP_KEYS));
        Map<String, NodeTuple> entries = scenario.entries(mapping, ScenarioParser.TCP_KEYS, "tcp key", ScenarioParser.TCP_KEYS);
        if (entries.containsKey("reply") && entries.containsKey("reply-hex")) {
            NodeTuple reply = entries.get("reply");
            NodeTuple hex = entries.get("reply-hex");
            Node later = ScenarioParser.line(reply.getKeyNode()) > ScenarioParser.line(hex.getKeyNode())
                    || ScenarioParser.line(reply.getKeyNode()) == ScenarioParser.line(hex.getKeyNode())
                    && ScenarioParser.column(reply.getKeyNode()) > ScenarioParser.column(hex.getKeyNode()) ? reply.getKeyNode() : hex.getKeyNode();
            throw scenario.error(later, "both reply and reply-hex (expected: one of them)");
        }
        byte[] reply = new byte[0];
        if (entries.containsKey("reply")) {
            reply = scenario.unescape(entries.get("reply").getValueNode(), "reply");
        } else if (entries.containsKey("reply-hex")) {
            reply = scenario.hex(entries.get("reply-hex").getValueNode(), "reply-hex");
        }
        boolean close = entries.containsKey("close") && scenario.bool(entries.get("close").getValueNode(), "close");
        boolean banner = entries.containsKey("banner") && scenario.bool(entries.get("banner").getValueNode(), "banner");
        Delay delay = entries.containsKey("delay") ? delay(entries.get("delay").getValueNode()) : Delay.NONE;
        return new Behaviour.Tcp(reply, delay, close, banner);
    }

    /**
     * A list of exchanges, e.g. {@code [ {send: "220 ready\r\n"}, {await: "QUIT", send: "221 bye\r\n"},
     * {close: true} ]}; a {@code close: true} or {@code reset: true} item may only come last, the latter with a
     * {@code delay} before the RST ({@code {reset: true, delay: 50ms}}).
     */
    Behaviour.Dialogue dialogue(Node node) {
        String expected = "a list of exchanges such as {await: \"PING\", send: \"+PONG\\r\\n\"}, optionally ending "
                + "with {close: true} or {reset: true}";
        if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw scenario.error(node, "dialogue: " + (node instanceof SequenceNode ? "no exchange" : ScenarioParser.describe(node))
                    + " (expected: " + expected + ")");
        }
        List<Behaviour.Dialogue.Exchange> exchanges = new ArrayList<>();
        boolean close = false;
        boolean reset = false;
        List<Node> items = list.getValue();
        for (int index = 0; index < items.size(); index++) {
            Node item = items.get(index);
            MappingNode mapping = scenario.mapping(item, "dialogue exchange", expected);
            Map<String, NodeTuple> entries = scenario.entries(mapping, ScenarioParser.EXCHANGE_KEYS, "exchange key", ScenarioParser.EXCHANGE_KEYS);
            if (entries.containsKey("close")) {
                if (entries.size() > 1 || index != items.size() - 1) {
                    throw scenario.error(entries.get("close").getKeyNode(), "close in the middle of a dialogue (expected: "
                            + "{close: true} alone, as the last item)");
                }
                close = scenario.bool(entries.get("close").getValueNode(), "close");
                continue;
            }
            if (entries.containsKey("reset")) {
                boolean delayed = entries.containsKey("delay");
                if (entries.size() > (delayed ? 2 : 1) || index != items.size() - 1) {
                    throw scenario.error(entries.get("reset").getKeyNode(), "reset in the middle of a dialogue (expected: "
                            + "{reset: true} alone or with a delay, as the last item)");
                }
                reset = scenario.bool(entries.get("reset").getValueNode(), "reset");
                if (reset && delayed && !exchanges.isEmpty()) {
                    // a pause before the RST: an exchange that awaits and writes nothing
                    exchanges.add(new Behaviour.Dialogue.Exchange(new byte[0], new byte[0],
                            delay(entries.get("delay").getValueNode())));
                }
                continue;
            }
            byte[] await = bytesOf(entries, "await", "await-hex");
            byte[] send = bytesOf(entries, "send", "send-hex");
            Delay delay = entries.containsKey("delay") ? delay(entries.get("delay").getValueNode()) : Delay.NONE;
            if (await.length == 0 && send.length == 0) {
                throw scenario.error(mapping, "dialogue exchange with neither await nor send (expected: at least one)");
            }
            exchanges.add(new Behaviour.Dialogue.Exchange(await, send, delay));
        }
        if (exchanges.isEmpty()) {
            throw scenario.error(node, "dialogue: only " + (reset ? "reset" : "close")
                    + " (expected: at least one exchange before it)");
        }
        return new Behaviour.Dialogue(exchanges, close, reset);
    }

    /** The bytes of a text key or of its hex twin; both at once is an error. */
    byte[] bytesOf(Map<String, NodeTuple> entries, String textKey, String hexKey) {
        if (entries.containsKey(textKey) && entries.containsKey(hexKey)) {
            throw scenario.error(entries.get(hexKey).getKeyNode(), "both " + textKey + " and " + hexKey
                    + " (expected: one of them)");
        }
        if (entries.containsKey(textKey)) {
            return scenario.unescape(entries.get(textKey).getValueNode(), textKey);
        }
        return entries.containsKey(hexKey) ? scenario.hex(entries.get(hexKey).getValueNode(), hexKey) : new byte[0];
    }

    /**
     * {@code tls: true} or {@code tls: {certificate: trusted|self-signed|untrusted|expired, key: rsa|ec, names: [...],
     * sni: [...], min-version: V, max-version: V, alpn: [...], client-certificate: required|none, delay: TIME,
     * then: {one of http, tcp, hang, close, reset}}}.
     */
    Behaviour.Tls tls(Node node) {
        if (node instanceof ScalarNode) {
            flag(node, "tls", Behaviour.hang());
            return Behaviour.tls(Behaviour.hang());
        }
        MappingNode mapping = scenario.mapping(node, "tls", "true or a mapping of " + String.join(", ", ScenarioParser.TLS_KEYS));
        Map<String, NodeTuple> entries = scenario.entries(mapping, ScenarioParser.TLS_KEYS, "tls key", ScenarioParser.TLS_KEYS);
        TlsBackend.Issuer issuer = TlsBackend.Issuer.TRUSTED;
        if (entries.containsKey("certificate")) {
            Node value = entries.get("certificate").getValueNode();
            String text = scenario.scalar(value, "certificate", "trusted, self-signed, untrusted or expired").getValue();
            issuer = null;
            for (TlsBackend.Issuer candidate : TlsBackend.Issuer.values()) {
                if (candidate.keyword().equals(text)) {
                    issuer = candidate;
                }
            }
            if (issuer == null) {
                throw scenario.error(value, "certificate: '" + ScenarioParser.oneLine(text) + "' (expected: trusted, self-signed, untrusted or"
                        + " expired)");
            }
        }
        TlsBackend.KeyType keyType = TlsBackend.KeyType.RSA;
        if (entries.containsKey("key")) {
            Node value = entries.get("key").getValueNode();
            String text = scenario.scalar(value, "key", "rsa or ec").getValue();
            keyType = switch (text) {
                case "rsa" -> TlsBackend.KeyType.RSA;
                case "ec" -> TlsBackend.KeyType.EC;
                default -> throw scenario.error(value, "key: '" + ScenarioParser.oneLine(text) + "' (expected: rsa or ec)");
            };
        }
        List<String> names = entries.containsKey("names") ? words(entries.get("names").getValueNode(), "names")
                : List.of("localhost");
        if (names.isEmpty()) {
            throw scenario.error(entries.get("names").getValueNode(), "names: [] (expected: at least one DNS name)");
        }
        List<String> sni = entries.containsKey("sni") ? words(entries.get("sni").getValueNode(), "sni") : List.of();
        TlsVersion min = entries.containsKey("min-version") ? version(entries.get("min-version")) : null;
        TlsVersion max = entries.containsKey("max-version") ? version(entries.get("max-version")) : null;
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw scenario.error(entries.get("max-version").getValueNode(), "max-version: '" + max.keyword() + "' is below"
                    + " min-version " + min.keyword() + " (expected: min-version <= max-version)");
        }
        List<String> alpn = entries.containsKey("alpn") ? words(entries.get("alpn").getValueNode(), "alpn") : List.of();
        boolean clientCertificate = false;
        if (entries.containsKey("client-certificate")) {
            Node value = entries.get("client-certificate").getValueNode();
            String text = scenario.scalar(value, "client-certificate", "required or none").getValue();
            clientCertificate = switch (text) {
                case "required" -> true;
                case "none" -> false;
                default -> throw scenario.error(value, "client-certificate: '" + ScenarioParser.oneLine(text) + "' (expected: required or"
                        + " none)");
            };
        }
        Delay delay = entries.containsKey("delay") ? delay(entries.get("delay").getValueNode()) : Delay.NONE;
        Behaviour then = Behaviour.hang();
        if (entries.containsKey("then")) {
            MappingNode inner = scenario.mapping(entries.get("then").getValueNode(), "then", "one of "
                    + String.join(", ", ScenarioParser.TLS_INNER) + ", e.g. {http: {status: 200}}");
            Map<String, NodeTuple> kinds = scenario.entries(inner, ScenarioParser.TLS_INNER, "behaviour over TLS", ScenarioParser.TLS_INNER);
            if (kinds.isEmpty()) {
                throw scenario.error(inner, "then: nothing (expected: one of " + String.join(", ", ScenarioParser.TLS_INNER) + ")");
            }
            then = onlyBehaviour(inner, kinds, true);
        }
        return new Behaviour.Tls(new TlsBackend(issuer, keyType, names, sni, min, max, alpn, clientCertificate),
                delay, then);
    }

    /** A list of words, or one word. */
    List<String> words(Node node, String name) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue().isEmpty() ? List.of() : List.of(scalar.getValue());
        }
        if (!(node instanceof SequenceNode list)) {
            throw scenario.error(node, name + ": " + ScenarioParser.describe(node) + " (expected: a word or a list of words)");
        }
        List<String> words = new ArrayList<>();
        for (Node item : list.getValue()) {
            String word = scenario.scalar(item, name, "a word").getValue();
            if (word.isEmpty() || ScenarioParser.hasLineBreak(word)) {
                throw scenario.error(item, name + ": '" + ScenarioParser.oneLine(word) + "' (expected: a non-empty word)");
            }
            words.add(word);
        }
        return words;
    }

    TlsVersion version(NodeTuple entry) {
        Node value = entry.getValueNode();
        String name = scenario.key(entry.getKeyNode());
        String text = scenario.scalar(value, name, "SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3").getValue();
        TlsVersion version = TlsVersion.ofKeyword(text);
        if (version == null) {
            throw scenario.error(value, name + ": '" + ScenarioParser.oneLine(text) + "' (expected: SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or"
                    + " TLSv1.3)");
        }
        return version;
    }

    Behaviour flag(Node node, String kind, Behaviour behaviour) {
        String value = scenario.scalar(node, kind, "true").getValue();
        if (!value.equals("true")) {
            throw scenario.error(node, kind + ": '" + ScenarioParser.oneLine(value) + "' (expected: true)");
        }
        return behaviour;
    }

    Delay delayedFlag(Node node, String kind) {
        if (node instanceof ScalarNode scalar) {
            if (!scalar.getValue().equals("true")) {
                throw scenario.error(node, kind + ": '" + ScenarioParser.oneLine(scalar.getValue()) + "' (expected: true or {delay: TIME})");
            }
            return Delay.NONE;
        }
        MappingNode mapping = scenario.mapping(node, kind, "true or {delay: TIME}");
        Map<String, NodeTuple> entries = scenario.entries(mapping, ScenarioParser.DELAY_KEYS, kind + " key", ScenarioParser.DELAY_KEYS);
        return entries.containsKey("delay") ? delay(entries.get("delay").getValueNode()) : Delay.NONE;
    }

    Behaviour.Sequence sequence(Node node, boolean inSequence) {
        if (inSequence) {
            throw scenario.error(node, "sequence inside a sequence (expected: plain behaviours)");
        }
        if (!(node instanceof SequenceNode list) || list.getValue().isEmpty()) {
            throw scenario.error(node, "sequence: " + (node instanceof SequenceNode ? "no step" : ScenarioParser.describe(node))
                    + " (expected: a list of behaviours, e.g. [ {http: {status: 503}}, {http: {status: 200}} ])");
        }
        List<Behaviour> steps = new ArrayList<>();
        for (Node item : list.getValue()) {
            MappingNode step = scenario.mapping(item, "sequence step", "one behaviour, e.g. {http: {status: 503}}");
            steps.add(onlyBehaviour(step, scenario.entries(step, ScenarioParser.BEHAVIOURS, "behaviour", ScenarioParser.BEHAVIOURS), true));
        }
        return new Behaviour.Sequence(steps);
    }

    Delay delay(Node node) {
        String value = scenario.scalar(node, "delay", "a time such as 300ms, or a range such as 100ms..300ms").getValue();
        int dots = value.indexOf("..");
        if (dots < 0) {
            long nanos = scenario.time(node, "delay", false);
            return nanos == 0 ? Delay.NONE : new Delay(nanos, nanos);
        }
        long min = scenario.timeText(node, value.substring(0, dots), "delay");
        long max = scenario.timeText(node, value.substring(dots + 2), "delay");
        if (max < min) {
            throw scenario.error(node, "delay: '" + value + "' (expected: MIN..MAX with MIN <= MAX)");
        }
        return new Delay(min, max);
    }

}
