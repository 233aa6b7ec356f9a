package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The issue's "done" case: a production-style haproxy.cfg with conditional blocks, {@code server-template},
 * {@code setenv}/{@code presetenv}, named defaults, frontends, ACLs and {@code http-request} rules. Real HAProxy
 * 2.6 runs it and says which servers it created ({@code show servers state}); haprobe must create exactly those,
 * in the same backends, with the same addresses and the same ones checked.
 */
@Tag("live")
class ProductionConfigTest {

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void haprobeCreatesExactlyTheServersHaproxyCreates() throws Exception {
        Optional<String> version = HaproxyRun.version();
        if (version.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but haproxy is not installed");
        }
        assumeTrue(version.isPresent(), "haproxy is not installed");
        Path config = dir.resolve("haproxy.cfg");
        try (InputStream in = getClass().getResourceAsStream("/production/haproxy.cfg")) {
            Files.write(config, in.readAllBytes());
        }
        Path socket = dir.resolve("stats.sock");
        Map<String, String> env = Map.of("STATS_SOCKET", socket.toString(), "FE_PORT", String.valueOf(freePort()),
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));

        HaproxyConfig parsed = HaproxyConfig.parse(config, env);
        String state = serversStateOfRealHaproxy(config, socket, env);

        assertThat(serversOf(parsed)).isEqualTo(serversOf(state)).isNotEmpty();
        // what the file's .if blocks, server-template and setenv decide, as HAProxy decided it
        assertThat(serversOf(parsed)).contains("api/api1 127.0.0.1:18081", "api/api3 127.0.0.1:18081",
                "api/api-eu 127.0.0.1:18084", "static/static1 127.0.0.1:18101")
                .noneMatch(s -> s.startsWith("web/web-canary") || s.startsWith("api/api-us")
                        || s.startsWith("static/static-old"));
    }

    /** {@code backend/server address:port} of every server haprobe read. */
    private static TreeSet<String> serversOf(HaproxyConfig config) {
        TreeSet<String> servers = new TreeSet<>();
        for (ProxyConfig proxy : config.proxies()) {
            for (ServerConfig server : proxy.servers()) {
                servers.add(proxy.name() + "/" + server.name() + " " + server.address() + ":" + server.port());
            }
        }
        return servers;
    }

    /** The same from {@code show servers state} format 1: be_name is column 2, srv_name 4, srv_addr 5, port 19. */
    private static TreeSet<String> serversOf(String serversState) {
        TreeSet<String> servers = new TreeSet<>();
        for (String line : serversState.split("\n")) {
            if (line.isBlank() || line.startsWith("#") || line.equals("1")) {
                continue;
            }
            String[] columns = line.trim().split(" ");
            servers.add(columns[1] + "/" + columns[3] + " " + columns[4] + ":" + columns[18]);
        }
        return servers;
    }

    private String serversStateOfRealHaproxy(Path config, Path socket, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("haproxy", "-f", config.toString(), "-db")
                .redirectOutput(dir.resolve("haproxy.stdout").toFile())
                .redirectError(dir.resolve("haproxy.stderr").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process haproxy = builder.start();
        try {
            await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (!haproxy.isAlive()) {
                    throw new IllegalStateException("haproxy exited with " + haproxy.exitValue() + ": "
                            + Files.readString(dir.resolve("haproxy.stderr"), StandardCharsets.ISO_8859_1));
                }
                return Files.exists(socket) && answers(socket);
            });
            return HaproxyRun.command(socket, "show servers state");
        } finally {
            List<ProcessHandle> processes = new ArrayList<>(haproxy.descendants().toList());
            processes.add(haproxy.toHandle());
            processes.forEach(ProcessHandle::destroy);
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                processes.forEach(ProcessHandle::destroyForcibly);
                haproxy.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean answers(Path socket) {
        try {
            return HaproxyRun.command(socket, "show info").contains("Pid:");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
