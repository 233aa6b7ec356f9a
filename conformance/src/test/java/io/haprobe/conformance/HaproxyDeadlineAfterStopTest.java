package io.haprobe.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * then lets HAProxy go on ({@code SIGCONT}).
 *
 * <p>Observed on 2.6.12: {@code L7TOUT}, the check's duration past the deadline, in every attempt made from this
 * JVM (a shell's kill); {@code L7OK} with the same duration in some attempts from a faster signaller (Python's
 * {@code os.kill}). The rule behind both: once resumed, HAProxy's {@code epoll_wait} either fails with
 * {@code EINTR} (stop signals interrupt it, signal(7)) and reports nothing, its clock ({@code now_ms}) now past the
 * deadline, so {@code wake_expired_tasks()} runs the check task, which reports the expiry without reading
 * (src/check.c {@code process_chk_conn}); or the wait had taken the answer's event before the stop, and the I/O
 * tasklet the poller woke runs first (urgent tasklet queue) and judges the answer. So a deadline is judged against
 * the clock of the poller's last return, and an answer that poll did not report does not save the check. haprobe's
 * side: {@code io.haprobe.internal.DeadlineAfterBusyLoopTest} (engine).
 *
 * <p>The deadline: {@code timeout connect} and {@code timeout check} both 300 ms, {@code inter} 10 s: 300 ms after
 * the start or after the connect (spec §2.4, §2.6), whichever 2.6.12 applies. HAProxy runs in the foreground
 * ({@code -db}, one thread) and is stopped by its PID. An attempt tells nothing, and is made again with a new
 * HAProxy (at most {@value #ATTEMPTS} times, then the test is skipped), when the loaded machine ran the backend too
 * late: HAProxy had already timed the check out and closed the connection when it was stopped, or it was resumed so
 * late past its poller's planned wake-up that it took it for a jump of the system clock and did not advance its own
 * clock (the check then lasted less than the deadline for HAProxy).
 */
class HaproxyDeadlineAfterStopTest {

    private static final long DEADLINE_NANOS = 300_000_000L;
    /**
     * How long after the deadline HAProxy is resumed: less than the 100 ms past its poller's planned wake-up
     * beyond which 2.6 takes the late return for a jump of the system clock and, as the wait was interrupted, does
     * not advance its own clock at all ({@code clock_update_date()} in src/clock.c, see {@link HaproxyRun}).
     */
    private static final long MARGIN_NANOS = 40_000_000L;
    private static final int ATTEMPTS = 5;

    @TempDir
    Path dir;

    @Test
    void aStoppedHaproxyResumedPastTheDeadlineJudgesTheAnswerOnlyIfItsPollReportsIt() throws Exception {
        assumeThat(HaproxyRun.version()).as("haproxy -v").hasValueSatisfying(v -> assertThat(v).contains(" 2.6"));
        List<Map<String, String>> conclusive = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS && conclusive.isEmpty(); attempt++) {
            Map<String, String> row = attempt(attempt);
            if (row != null && Long.parseLong(row.get("check_duration")) >= DEADLINE_NANOS / 1_000_000) {
                conclusive.add(row);
            }
        }
        assumeThat(conclusive).as("an attempt on time for HAProxy's deadline").isNotEmpty();
        // L7TOUT (every attempt on this machine from Java): the resumed epoll_wait failed with EINTR (signal(7):
        // stop signals interrupt it) and reported nothing, the clock past the deadline, so the expired check task,
        // which reads nothing, reported the timeout. L7OK (now and then when the stop comes from a faster signaller
        // than a shell's kill): the wait had taken the answer's event before the stop, and its I/O tasklet ran first.
        assertThat(conclusive.get(0).get("check_status")).as("HAProxy's verdict (%s)", conclusive.get(0))
                .isIn("L7TOUT", "L7OK");
    }

    /** One HAProxy run; its server's {@code check_status} and {@code check_duration}, or null if inconclusive. */
    private Map<String, String> attempt(int attempt) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            Path socket = dir.resolve("stats" + attempt + ".sock");
            String cfg = "global\n    nbthread 1\n    stats socket " + socket + " level admin\n"
                    + "defaults\n    mode http\n    timeout connect 300ms\n    timeout check 300ms\n"
                    + "    timeout client 5s\n    timeout server 5s\n"
                    + "backend be\n    option httpchk GET /health\n"
                    + "    server s1 127.0.0.1:" + port + " check inter 10s\n";
            Path config = Files.writeString(dir.resolve("haproxy" + attempt + ".cfg"), cfg);
            Process haproxy = new ProcessBuilder("haproxy", "-f", config.toString(), "-db")
                    .redirectOutput(dir.resolve("haproxy" + attempt + ".out").toFile())
                    .redirectError(dir.resolve("haproxy" + attempt + ".err").toFile()).start();
            long pid = haproxy.pid();
            CompletableFuture<Boolean> resumed = new CompletableFuture<>();
            Thread backend = new Thread(() -> {
                try (SocketChannel check = listener.accept()) {
                    readRequest(check);
                    long pastDeadline = System.nanoTime() + DEADLINE_NANOS + MARGIN_NANOS;
                    signal("STOP", pid);
                    boolean open;
                    try {
                        check.configureBlocking(false);
                        open = check.read(ByteBuffer.allocate(1)) == 0; // -1 or an RST: HAProxy gave up already
                        check.write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1)));
                        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                                .until(() -> System.nanoTime() - pastDeadline > 0);
                    } catch (IOException reset) {
                        open = false;
                    } finally {
                        signal("CONT", pid);
                    }
                    resumed.complete(open);
                } catch (Exception e) {
                    resumed.completeExceptionally(e);
                }
            }, "stopping-backend");
            backend.setDaemon(true);
            backend.start();
            try {
                if (!resumed.get(30, TimeUnit.SECONDS)) {
                    return null;
                }
                return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> Observation.parseShowStat(HaproxyRun.command(socket, "show stat"),
                                List.of("check_status", "check_duration")).get("be/s1"),
                                r -> r != null && !r.get("check_status").isEmpty()
                                        && !r.get("check_status").equals("INI"));
            } finally {
                signal("CONT", pid);
                haproxy.destroy();
                if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                    haproxy.destroyForcibly();
                }
                backend.join(10_000);
            }
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        // the shell's own kill: a fresh machine may lack procps' kill(1)
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }

    private static void readRequest(SocketChannel check) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(1);
        while (!text.toString().endsWith("\r\n\r\n") && check.read(buffer.clear()) > 0) {
            text.append((char) buffer.get(0));
        }
    }
}
