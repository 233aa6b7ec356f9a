package io.haprobe.benchmarks;

import io.haprobe.config.ConfigValidation;
import io.haprobe.config.HaproxyConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loading a generated haproxy.cfg of {@code servers} servers (issue 16 aims at under 200 ms for 5,000), from text
 * already in memory, so that only the parser is measured, not the disk.
 *
 * <ul>
 *   <li>{@link #parse()}: {@link HaproxyConfig#parse(String, String)}, what the engine's callers run.</li>
 *   <li>{@link #validate()}: {@link HaproxyConfig#validate(String, String, Map)}, what {@code haprobe check} and
 *       {@code haprobe validate} run first: every error and warning {@code haproxy -c} would print, then the
 *       config.</li>
 * </ul>
 *
 * <p>The file: a {@code global} and {@code defaults} section, a frontend, and 50 backends of {@code servers / 50}
 * servers each ({@code option httpchk GET /health}, {@code http-check expect status 200}, {@code balance
 * roundrobin}), each server with {@code check inter 2s fall 3 rise 2 weight 10 maxconn 100}, on 10.x.y.z:8080
 * addresses (IP literals: no name is resolved).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConfigLoadBenchmark {

    private static final int BACKENDS = 50;

    /** Servers in the generated file, spread over 50 backends. */
    @Param("5000")
    public int servers;

    private String text;

    /** Generates the file's text. */
    @Setup
    public void setUp() {
        text = config(servers);
        HaproxyConfig parsed = HaproxyConfig.parse("haproxy.cfg", text);
        int count = parsed.proxies().stream().mapToInt(p -> p.servers().size()).sum();
        if (count != servers) {
            throw new IllegalStateException("servers: " + count + " (expected: " + servers + ")");
        }
    }

    /**
     * Returns the text of a haproxy.cfg of {@code servers} servers spread over 50 backends (see the class
     * comment); {@code haproxy -c -f} accepts it.
     *
     * @param servers the number of servers, {@code >= 50}
     * @return the text
     */
    public static String config(int servers) {
        StringBuilder out = new StringBuilder(servers * 80);
        out.append("global\n    maxconn 20000\n\n")
                .append("defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n")
                .append("    timeout server 30s\n    timeout check 2s\n\n")
                .append("frontend fe\n    bind 127.0.0.1:8080\n    default_backend be0\n\n");
        int perBackend = servers / BACKENDS;
        int n = 0;
        for (int b = 0; b < BACKENDS; b++) {
            out.append("backend be").append(b).append('\n')
                    .append("    balance roundrobin\n")
                    .append("    option httpchk GET /health\n")
                    .append("    http-check expect status 200\n");
            int count = b < BACKENDS - 1 ? perBackend : servers - n;
            for (int s = 0; s < count; s++, n++) {
                out.append("    server s").append(n).append(" 10.").append((n >> 16) & 255).append('.')
                        .append((n >> 8) & 255).append('.').append(n & 255)
                        .append(":8080 check inter 2s fall 3 rise 2 weight 10 maxconn 100\n");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Parses the file.
     *
     * @return the config
     */
    @Benchmark
    public HaproxyConfig parse() {
        return HaproxyConfig.parse("haproxy.cfg", text);
    }

    /**
     * Validates the file as {@code haproxy -c} would, and builds the config.
     *
     * @return the validation
     */
    @Benchmark
    public ConfigValidation validate() {
        return HaproxyConfig.validate("haproxy.cfg", text, Map.of());
    }
}
