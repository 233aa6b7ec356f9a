package io.haprobe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.config.CheckTiming;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import io.haprobe.engine.ServerSnapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A check trace ({@code haprobe check --record trace.jsonl}), one JSON object per line: first a header with the
 * config file and each server's settings, then one line per completed check, in order:
 *
 * <pre>{@code
 * {"haprobe_trace":1,"config":"haproxy.cfg","servers":[{"backend":"app","server":"web1","address":"127.0.0.1:8080",
 *   "backup":false,"weight":1,"rise":2,"fall":3,"inter_ms":2000,"fastinter_ms":0,"downinter_ms":0,
 *   "log_health_checks":false}]}
 * {"time_ms":1012,"backend":"app","server":"web1","kind":"health","status":"L4CON","code":null,
 *   "info":"Connection refused","duration_ms":0}
 * }</pre>
 *
 * <p>{@code time_ms} is when the check ended, since the start; it began {@code duration_ms} earlier. Immutable.
 *
 * @param config  the config file the run checked
 * @param servers each server's settings
 * @param checks  every completed check, in order
 */
record Trace(String config, List<ServerSettings> servers, List<Check> checks) {

    /** The header's format number. */
    static final int FORMAT = 1;

    static final ObjectMapper MAPPER = new ObjectMapper();

    Trace {
        servers = List.copyOf(servers);
        checks = List.copyOf(checks);
    }

    /**
     * One server's settings, as the header stores them: what a replay needs.
     *
     * @param backend         the backend or listen section
     * @param server          the server name
     * @param address         where checks connect, {@code host:port}
     * @param backup          {@code backup}
     * @param weight          {@code weight}
     * @param rise            {@code rise}
     * @param fall            {@code fall}
     * @param interMs         {@code inter}, milliseconds
     * @param fastInterMs     {@code fastinter}, milliseconds, 0 when unset
     * @param downInterMs     {@code downinter}, milliseconds, 0 when unset
     * @param logHealthChecks the section's {@code option log-health-checks}
     * @param kindWord        {@code backend}, or {@code proxy} for a listen section
     * @param checked         whether the server has {@code check} (without, it counts as always UP)
     */
    record ServerSettings(String backend, String server, String address, boolean backup, int weight, int rise,
                          int fall, long interMs, long fastInterMs, long downInterMs, boolean logHealthChecks,
                          String kindWord, boolean checked) {

        String id() {
            return backend + '/' + server;
        }

        /** Returns the settings of {@code snapshot}'s server in {@code config}. */
        static ServerSettings of(HaproxyConfig config, ServerSnapshot snapshot) {
            for (ProxyConfig proxy : config.proxies()) {
                if (!proxy.name().equals(snapshot.backend())) {
                    continue;
                }
                for (ServerConfig server : proxy.servers()) {
                    if (server.name().equals(snapshot.server())) {
                        CheckTiming t = server.timing();
                        return new ServerSettings(proxy.name(), server.name(), snapshot.checkTarget(),
                                snapshot.backup(), snapshot.weight(), t.rise(), t.fall(), ms(t.interNanos()),
                                ms(t.fastInterNanos()), ms(t.downInterNanos()), proxy.logHealthChecks(),
                                proxy.kindWord(), snapshot.checked());
                    }
                }
            }
            throw new IllegalStateException("no server " + snapshot.id() + " in " + config.file());
        }

        ObjectNode toJson() {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("backend", backend);
            n.put("server", server);
            n.put("address", address);
            n.put("backup", backup);
            n.put("weight", weight);
            n.put("rise", rise);
            n.put("fall", fall);
            n.put("inter_ms", interMs);
            n.put("fastinter_ms", fastInterMs);
            n.put("downinter_ms", downInterMs);
            n.put("log_health_checks", logHealthChecks);
            n.put("section", kindWord);
            n.put("checked", checked);
            return n;
        }

        static ServerSettings fromJson(JsonNode n) {
            return new ServerSettings(text(n, "backend"), text(n, "server"), n.path("address").asText(""),
                    n.path("backup").asBoolean(false), n.path("weight").asInt(1), n.path("rise").asInt(2),
                    n.path("fall").asInt(3), n.path("inter_ms").asLong(2000), n.path("fastinter_ms").asLong(0),
                    n.path("downinter_ms").asLong(0), n.path("log_health_checks").asBoolean(false),
                    n.path("section").asText("backend"), n.path("checked").asBoolean(true));
        }
    }

    /**
     * One completed check.
     *
     * @param timeMs  when it ended, milliseconds since the start
     * @param backend the backend
     * @param server  the server
     * @param agent   true for an agent check, false for a health check
     * @param outcome its outcome
     */
    record Check(long timeMs, String backend, String server, boolean agent, CheckOutcome outcome) {

        String id() {
            return backend + '/' + server;
        }

        /** Returns when the check began, milliseconds since the start. */
        long startMs() {
            return timeMs - outcome.durationMillis();
        }

        ObjectNode toJson() {
            ObjectNode n = MAPPER.createObjectNode();
            n.put("time_ms", timeMs);
            n.put("backend", backend);
            n.put("server", server);
            n.put("kind", agent ? "agent" : "health");
            n.put("status", outcome.status().tag());
            if (outcome.status().hasCode()) {
                n.put("code", outcome.code());
            } else {
                n.putNull("code");
            }
            n.put("info", outcome.info());
            n.put("duration_ms", outcome.durationMillis());
            return n;
        }

        static Check fromJson(JsonNode n) {
            CheckStatus status = CheckStatus.ofTag(text(n, "status"));
            CheckOutcome outcome = CheckOutcome.of(status, n.path("code").asInt(0), n.path("info").asText(""),
                    TimeUnit.MILLISECONDS.toNanos(n.path("duration_ms").asLong(0)));
            return new Check(n.path("time_ms").asLong(), text(n, "backend"), text(n, "server"),
                    "agent".equals(n.path("kind").asText("health")), outcome);
        }
    }

    /** Returns the header line's JSON. */
    static String header(String config, List<ServerSettings> servers) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("haprobe_trace", FORMAT);
        n.put("config", config);
        servers.forEach(s -> n.withArray("servers").add(s.toJson()));
        return n.toString();
    }

    /**
     * Reads a trace file.
     *
     * @throws IllegalArgumentException if it cannot be read or is not a trace, naming the file and line
     */
    static Trace read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + ":1: empty (expected: a trace from haprobe check --record)");
        }
        String config = null;
        List<ServerSettings> servers = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = MAPPER.readTree(line);
                if (i == 0) {
                    if (n.path("haprobe_trace").asInt(0) != FORMAT) {
                        throw new IllegalArgumentException("not a haprobe trace header (expected: "
                                + "{\"haprobe_trace\":1,...} from haprobe check --record)");
                    }
                    config = n.path("config").asText("");
                    for (JsonNode s : n.path("servers")) {
                        servers.add(ServerSettings.fromJson(s));
                    }
                } else {
                    checks.add(Check.fromJson(n));
                }
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new Trace(config, servers, checks);
    }

    private static String text(JsonNode n, String field) {
        JsonNode value = n.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' missing");
        }
        return value.asText();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
