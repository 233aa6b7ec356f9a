package io.haprobe.traffic;

import io.haprobe.config.Balancing;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scenario captured from real HAProxy 2.6.12 by {@code src/test/resources/traffic/capture-picks.py}: the
 * configuration it ran ({@code <name>.cfg}) and each step ({@code <name>.picks}), replayed here through a
 * {@link LoadBalancer} built from the same configuration by haprobe's own parser.
 */
final class CapturedPicks {

    private static final Pattern ID = Pattern.compile("^\\s*server\\s+(\\S+)\\s.*\\bid\\s+(\\d+)", Pattern.MULTILINE);

    final String name;
    final Balancing balancing;
    final List<TestServer> servers = new ArrayList<>();
    private final Map<String, Integer> initialWeights = new LinkedHashMap<>();
    final LoadBalancer balancer;
    private final List<String> steps;

    private CapturedPicks(String name) {
        this.name = name;
        String cfg = resource(name + ".cfg");
        ProxyConfig backend = HaproxyConfig.parse(name + ".cfg", cfg).proxies().stream()
                .filter(p -> p.name().equals("be")).findFirst().orElseThrow();
        balancing = backend.balancing();
        Map<String, Integer> ids = new LinkedHashMap<>();
        Matcher m = ID.matcher(cfg);
        while (m.find()) {
            ids.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        // HAProxy gives servers without an id the next number not taken, in declaration order
        Set<Integer> taken = new HashSet<>(ids.values());
        int next = 1;
        for (ServerConfig server : backend.servers()) {
            Integer id = ids.get(server.name());
            if (id == null) {
                while (taken.contains(next)) {
                    next++;
                }
                id = next++;
            }
            int weight = server.traffic().weight();
            initialWeights.put(server.name(), weight);
            TestServer s = new TestServer(server.name(), servers.size(), id, server.traffic().backup(), scaled(weight));
            s.maxConn = server.traffic().maxConn();
            servers.add(s);
        }
        boolean allBackups = cfg.contains("option allbackups");
        balancer = LoadBalancer.of(balancing, servers, allBackups, new SplittableRandom(1));
        steps = resource(name + ".picks").lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    }

    static CapturedPicks load(String name) {
        return new CapturedPicks(name);
    }

    /**
     * Replays every step, one request after the other: a {@code pick} is taken and released before the next
     * step, as the sequential client's was; a {@code hold} keeps its connection until its {@code release}
     * step. Returns the expected and the actual picks as two parallel lists of lines.
     */
    List<List<String>> replay() {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        List<TestServer> held = new ArrayList<>();
        for (String step : steps) {
            if (step.startsWith("release ")) {
                TestServer s = held.get(Integer.parseInt(step.substring(8)));
                s.served--;
                balancer.released(s);
                expected.add(step);
                actual.add(step);
                continue;
            }
            if (step.startsWith("cmd ")) {
                command(step.substring(4));
                expected.add(step);
                actual.add(step);
                continue;
            }
            int arrow = step.lastIndexOf(" -> ");
            String description = step.substring(0, arrow);
            expected.add(step);
            LbServer picked = balancer.pick(request(description), null);
            actual.add(description + " -> " + (picked == null ? "(none)" : ((TestServer) picked).name));
            if (picked != null) {
                TestServer s = (TestServer) picked;
                s.served++;
                balancer.taken(s);
                if (step.startsWith("hold ")) {
                    held.add(s); // its server keeps it until a "release" step
                } else {
                    s.served--;
                    balancer.released(s);
                }
            }
        }
        return List.of(expected, actual);
    }

    private int scaled(int weight) {
        return balancing.staticWeights() ? weight : weight * 16;
    }

    private void command(String command) {
        String[] words = command.split(" ");
        TestServer server = server(words[2].substring(words[2].indexOf('/') + 1));
        if (command.startsWith("set server ") && words[3].equals("state")) {
            server.up = words[4].equals("ready"); // maint and drain both stop new traffic
        } else if (command.startsWith("set weight ") && words[3].endsWith("%")) {
            int percent = Integer.parseInt(words[3].substring(0, words[3].length() - 1));
            server.eweight = scaled(initialWeights.get(server.name) * percent / 100);
        } else if (command.startsWith("set weight ")) {
            server.eweight = scaled(Integer.parseInt(words[3]));
        } else {
            throw new IllegalArgumentException("unknown command: " + command);
        }
        balancer.update(server);
    }

    TestServer server(String name) {
        return servers.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
    }

    private static Request request(String description) {
        String[] words = description.split(" ");
        InetAddress source = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 3; i < words.length; i++) {
            if (words[i].startsWith("src=")) {
                try {
                    source = InetAddress.getByName(words[i].substring(4));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException(e);
                }
            } else if (words[i].startsWith("hdr:")) {
                int eq = words[i].indexOf('=');
                headers.put(words[i].substring(4, eq),
                        words[i].substring(eq + 1).replace("%20", " ").replace("%25", "%"));
            }
        }
        return new Request(words[1], words[2], headers, source);
    }

    private static String resource(String file) {
        try (InputStream in = CapturedPicks.class.getResourceAsStream("/traffic/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource traffic/" + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
