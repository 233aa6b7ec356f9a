package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The process's {@code maxconn} of a live engine against the real HAProxy 2.6.12 on the same configuration, started
 * here by the same user (so with the same descriptor limit and processors): {@code show info}'s Maxconn and
 * Hard_maxconn, and {@code slim} of the FRONTEND rows (a frontend's {@code maxconn}, else the process's) and of
 * the BACKEND rows (their {@code fullconn}, by default 10% of the frontends' that reach them), with Maxsock,
 * Ulimit-n and Nbthread. With
 * {@code global maxconn} HAProxy takes it as it is; without, it derives it from {@code ulimit -n}, the listeners,
 * the checks and the threads ({@code HaproxyConfig#effectiveMaxConn}), which haprobe must reproduce exactly.
 */
@Tag("live")
class GlobalMaxConnFidelityTest {

    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void withoutGlobalMaxconnBothDeriveTheSameLimitFromTheDescriptorLimit() throws Exception {
        assertSameLimits("""
                global
                    stats socket %SOCKET% level admin
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:%PORT1%
                    bind 127.0.0.1:%PORT2%
                    default_backend app
                frontend small
                    bind 127.0.0.1:%PORT3%
                    maxconn 500
                    default_backend app
                backend app
                    server s1 127.0.0.1:%DEAD% check inter 60s
                    server s2 127.0.0.1:%DEAD% check inter 60s agent-check agent-port %DEAD%
                    server s3 127.0.0.1:%DEAD%
                backend alone
                    server a1 127.0.0.1:%DEAD% check inter 60s
                """);
    }

    @Test
    void withNbthreadTheThreadsCountAsHaproxyCountsThem() throws Exception {
        assertSameLimits("""
                global
                    nbthread 3
                    stats socket %SOCKET% level admin
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                listen ls
                    bind 127.0.0.1:%PORT1%
                    server l1 127.0.0.1:%DEAD% check inter 60s
                """);
    }

    @Test
    void globalMaxconnIsTakenAsItIs() throws Exception {
        TreeMap<String, String> limits = assertSameLimits("""
                global
                    maxconn 3000
                    stats socket %SOCKET% level admin
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:%PORT1%
                    default_backend app
                backend app
                    server s1 127.0.0.1:%DEAD% check inter 60s
                """);

        assertThat(limits).containsEntry("Maxconn", "3000").containsEntry("fe/FRONTEND slim", "3000")
                .containsEntry("app/BACKEND slim", "300");
    }

    @Test
    void ulimitNIsTheLimitHaproxySetsWhileMaxsockStays() throws Exception {
        TreeMap<String, String> limits = assertSameLimits("""
                global
                    maxconn 100
                    ulimit-n 150
                    stats socket %SOCKET% level admin
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 5s
                    timeout server 5s
                frontend fe
                    bind 127.0.0.1:%PORT1%
                    default_backend app
                backend app
                    server s1 127.0.0.1:%DEAD% check inter 60s agent-check agent-port %DEAD%
                """);

        assertThat(limits).containsEntry("Ulimit-n", "150");
    }

    /** Runs both on the config and compares; returns HAProxy's limits. */
    private TreeMap<String, String> assertSameLimits(String template) throws Exception {
        Optional<String> version = HaproxyRun.version();
        assumeTrue(version.isPresent(), "haproxy is not installed");
        Path socket = dir.resolve("stats.sock");
        String text = template.replace("%SOCKET%", socket.toString()).replace("%PORT1%", freePort())
                .replace("%PORT2%", freePort()).replace("%PORT3%", freePort()).replace("%DEAD%", freePort());
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, text);

        TreeMap<String, String> haproxy = limitsOfRealHaproxy(config, socket);
        TreeMap<String, String> haprobe;
        try (HealthCheckEngine engine = HealthCheckEngine.builder(HaproxyConfig.parse(config)).build()) {
            haprobe = limits(engine.execute("show info"), engine.showStat());
        }

        assertThat(haprobe).isEqualTo(haproxy);
        assertThat(haproxy).containsKeys("Maxconn", "Hard_maxconn", "Maxsock", "Ulimit-n", "Nbthread")
                .hasSizeGreaterThan(6);
        return haproxy;
    }

    private TreeMap<String, String> limitsOfRealHaproxy(Path config, Path socket) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("haproxy", "-f", config.toString(), "-db")
                .redirectOutput(dir.resolve("haproxy.stdout").toFile())
                .redirectError(dir.resolve("haproxy.stderr").toFile());
        Process haproxy = builder.start();
        try {
            await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (!haproxy.isAlive()) {
                    throw new IllegalStateException("haproxy exited with " + haproxy.exitValue() + ": "
                            + Files.readString(dir.resolve("haproxy.stderr"), StandardCharsets.ISO_8859_1));
                }
                return Files.exists(socket) && answers(socket);
            });
            return limits(HaproxyRun.command(socket, "show info"), HaproxyRun.command(socket, "show stat"));
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

    /**
     * Maxconn, Hard_maxconn, Maxsock, Ulimit-n and Nbthread of {@code show info}, {@code slim} of each FRONTEND and
     * BACKEND row.
     */
    private static TreeMap<String, String> limits(String showInfo, String showStat) {
        TreeMap<String, String> limits = new TreeMap<>();
        for (String line : showInfo.split("\n")) {
            if (line.startsWith("Maxconn: ") || line.startsWith("Hard_maxconn: ") || line.startsWith("Maxsock: ")
                    || line.startsWith("Ulimit-n: ") || line.startsWith("Nbthread: ")) {
                limits.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 2).strip());
            }
        }
        String[] lines = showStat.split("\n");
        List<String> columns = List.of(lines[0].substring(2).split(",", -1));
        int slim = columns.indexOf("slim");
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",", -1);
            if (fields.length > slim && (fields[1].equals("FRONTEND") || fields[1].equals("BACKEND"))) {
                limits.put(fields[0] + "/" + fields[1] + " slim", fields[slim]);
            }
        }
        return limits;
    }

    private static boolean answers(Path socket) {
        try {
            return HaproxyRun.command(socket, "show info").contains("Pid:");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static String freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return Integer.toString(probe.getLocalPort());
        }
    }
}
