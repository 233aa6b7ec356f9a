package io.haprobe.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * What real HAProxy 2.6 concludes when its check deadline passes while the process cannot run and the server's
 * whole answer is already in the socket: the backend, on reading the check's request, stops HAProxy
 * ({@code SIGSTOP}), writes its 200 answer, waits until the check's deadline is past (by {@value #MARGIN_NANOS} ns),
 * then lets HAProxy go on ({@code SIGCONT}). HAProxy's poller then returns with the socket readable and its clock ({@code now_ms}) past the
 * deadline ({@code wake_expired_tasks()} wakes the check task); its I/O tasklet, woken by the poller, runs first
 * (urgent tasklet queue) and reads the answer, so the check is {@code L7OK} with a duration of at least the
 * deadline, not {@code L7TOUT} (src/check.c {@code process_chk_conn} reports an expiry without reading). haprobe's channel-free live path concludes the same
 * ({@code io.haprobe.internal.DeadlineAfterBusyLoopTest} in the engine, with its loop held busy instead of
 * stopped).
 *
 * <p>The deadline: {@code timeout connect} and {@code timeout check} both 300 ms, {@code inter} 10 s: 300 ms after
 * the start or after the connect (spec §2.4, §2.6), whichever 2.6.12 applies. HAProxy runs in the foreground
 * ({@code -db}, one thread) and is stopped by its PID.
 */
class HaproxyDeadlineAfterStopTest {

    private static final long DEADLINE_NANOS = 300_000_000L;
    /**
     * How long after the deadline HAProxy is resumed: less than the 100 ms past its poller's planned wake-up
     * beyond which 2.6 takes the late return for a jump of the system clock and, as events ended the wait, does
     * not advance its own clock at all ({@code clock_update_date()} in src/clock.c, see {@link HaproxyRun}): the
     * deadline would then not have passed for HAProxy.
     */
    private static final long MARGIN_NANOS = 40_000_000L;

    @TempDir
    Path dir;

    @Test
    void anAnswerInTheSocketWhenTheStoppedHaproxyResumesPastTheDeadlineIsL7ok() throws Exception {
        assumeThat(HaproxyRun.version()).as("haproxy -v").hasValueSatisfying(v -> assertThat(v).contains(" 2.6"));
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Path socket = dir.resolve("stats.sock");
            String cfg = "global\n    nbthread 1\n    stats socket " + socket + " level admin\n"
                    + "defaults\n    mode http\n    timeout connect 300ms\n    timeout check 300ms\n"
                    + "    timeout client 5s\n    timeout server 5s\n"
                    + "backend be\n    option httpchk GET /health\n"
                    + "    server s1 127.0.0.1:" + listener.getLocalPort() + " check inter 10s\n";
            Path config = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
            Process haproxy = new ProcessBuilder("haproxy", "-f", config.toString(), "-db")
                    .redirectOutput(dir.resolve("haproxy.out").toFile())
                    .redirectError(dir.resolve("haproxy.err").toFile()).start();
            long pid = haproxy.pid();
            CompletableFuture<Long> resumed = new CompletableFuture<>();
            Thread backend = new Thread(() -> {
                try (Socket check = listener.accept()) {
                    readRequest(check);
                    long pastDeadline = System.nanoTime() + DEADLINE_NANOS + MARGIN_NANOS;
                    signal("STOP", pid);
                    try {
                        check.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                        check.getOutputStream().flush();
                        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                                .until(() -> System.nanoTime() - pastDeadline > 0);
                    } finally {
                        signal("CONT", pid);
                    }
                    resumed.complete(System.nanoTime());
                    InputStream in = check.getInputStream();
                    while (in.read() >= 0) {
                        // until HAProxy closes
                    }
                } catch (Exception e) {
                    resumed.completeExceptionally(e);
                }
            }, "stopping-backend");
            backend.setDaemon(true);
            backend.start();
            try {
                resumed.get(30, TimeUnit.SECONDS);
                Map<String, String> row = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> Observation.parseShowStat(HaproxyRun.command(socket, "show stat"),
                                List.of("check_status", "check_duration")).get("be/s1"),
                                r -> r != null && !r.get("check_status").isEmpty()
                                        && !r.get("check_status").equals("INI"));

                assertThat(row.get("check_status")).as("HAProxy's verdict").isEqualTo("L7OK");
                assertThat(Long.parseLong(row.get("check_duration"))).as("check_duration (ms)")
                        .isGreaterThanOrEqualTo(DEADLINE_NANOS / 1_000_000);
            } finally {
                signal("CONT", pid);
                haproxy.destroy();
                if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                    haproxy.destroyForcibly();
                }
            }
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }

    private static void readRequest(Socket socket) throws IOException {
        StringBuilder text = new StringBuilder();
        InputStream in = socket.getInputStream();
        int b;
        while ((b = in.read()) >= 0) {
            text.append((char) b);
            if (text.toString().endsWith("\r\n\r\n")) {
                return;
            }
        }
    }
}
