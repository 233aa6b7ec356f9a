package io.haprobe.conformance;

import io.haprobe.testkit.Scenario;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * Runs real HAProxy 2.6 on a config for a scenario's duration and observes it: its log lines on stdout
 * ({@code log stdout format raw}), the final {@code show stat} and {@code show servers state} from its stats socket,
 * and, through {@code strace -e trace=connect,close,writev,epoll_wait}, the microsecond at which it started and
 * closed each check connection and wrote each log line (HAProxy's own log lines carry no time in raw format, and a
 * pipe adds its own delay), and how late it did so: its poller waits with the timeout of its next timer, so a
 * connect or a write after a wait that ended later than that timeout came that much late (a loaded machine gave
 * HAProxy the CPU late), as opposed to HAProxy having planned it so.
 *
 * <p>The process is stopped by its PID (taken from {@code show info}) when the run ends or fails.
 */
final class HaproxyRun {

    private static final Pattern CONNECT = Pattern.compile("^\\d+\\s+(\\d+)\\.(\\d{6}) connect\\((\\d+), "
            + "\\{sa_family=AF_INET, sin_port=htons\\((\\d+)\\), sin_addr=inet_addr\\(\"127\\.0\\.0\\.1\"\\)\\}, "
            + "\\d+\\) = (.*)$");
    private static final Pattern CLOSE = Pattern.compile("^\\d+\\s+(\\d+)\\.(\\d{6}) close\\((\\d+)\\)");
    private static final Pattern LOG_WRITE = Pattern.compile("^\\d+\\s+(\\d+)\\.(\\d{6}) writev\\(1, ");
    /**
     * The poller's wait: its timeout (ms, -1 for none) is when HAProxy planned to act next; its result (0: the
     * timeout expired) and, with {@code -T}, how long it took.
     */
    private static final Pattern WAIT = Pattern.compile("^\\d+\\s+(\\d+)\\.(\\d{6}) epoll_p?wait\\(\\d+, "
            + "(?:\\[.*?]|0x[0-9a-f]+|NULL), \\d+, (-?\\d+)[^)]*\\) = (-?\\d+).*?(?: <(\\d+)\\.(\\d{6})>)?$");
    /**
     * How much later than {@code timeout + 100 ms} a poller wait may end before HAProxy 2.6 takes it for a jump of
     * the system clock ({@code clock_update_date()} in src/clock.c): it then advances its own clock by the timeout
     * only (by nothing if events ended the wait), so that every timer it has armed fires that much later in real
     * time.
     */
    private static final long CLOCK_JUMP_MARGIN_MICROS = 100_000;
    private static final Pattern PID = Pattern.compile("(?m)^Pid: (\\d+)$");
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * What a run left behind.
     *
     * @param observation  the log lines (ms after the first check connection), the check starts by port role
     * @param showStat     the {@code show stat} answer at the end
     * @param serversState the {@code show servers state} answer at the end
     */
    record Result(Observation observation, String showStat, String serversState) {
    }

    /**
     * A runtime API command sent during the run.
     *
     * @param sentMicros   when it was written to the stats socket, µs of the real-time clock strace prints
     * @param command      the command as the scenario gives it
     * @param reply        HAProxy's whole reply, one char per byte
     * @param showStat     the {@code show stat} answer read right after it
     * @param serversState the {@code show servers state} answer read right after it
     */
    record Sent(long sentMicros, String command, String reply, String showStat, String serversState) {
    }

    private HaproxyRun() {
    }

    /**
     * Runs {@code haproxy -f <dir>/haproxy.cfg -db} under strace for {@code durationNanos} after its stats socket
     * first answers, when {@code start} (which starts the player's phases) is called.
     *
     * @param roles     which series (e.g. {@code be/srv}, {@code be/srv agent}) a connection to each player port
     *                  starts
     * @param grouped   the ports of {@code roles} whose checks open several connections (see {@link #observe})
     * @param players   every port of the player
     * @param normalize turns a player port in a text back into the scenario's port
     * @param commands  the runtime API commands to send, each at its time after the boot (the phases' origin)
     * @param toPlayer  turns a command's ports and addresses into the player's
     */
    static Result run(String config, Path dir, Path statsSocket, long durationNanos, Map<Integer, String> roles,
                      Set<Integer> grouped, Set<Integer> players, UnaryOperator<String> normalize, Runnable start,
                      List<Scenario.Command> commands, UnaryOperator<String> toPlayer)
            throws IOException, InterruptedException {
        Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), config);
        Path trace = dir.resolve("haproxy.strace");
        Path stdout = dir.resolve("haproxy.stdout");
        Path stderr = dir.resolve("haproxy.stderr");
        ProcessBuilder builder = new ProcessBuilder("strace", "-f", "-ttt", "-T", "--seccomp-bpf",
                "-e", "trace=connect,close,writev,epoll_wait,epoll_pwait", "-s", "0", "-o", trace.toString(),
                "haproxy", "-f", cfg.toString(), "-db")
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Process strace = builder.start();
        Optional<ProcessHandle> haproxy = Optional.empty();
        try {
            String info = await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofMillis(5))
                    .until(() -> showInfo(statsSocket, strace, stderr), answer -> answer != null);
            long readyNanos = System.nanoTime();
            // the scripts' phases count from HAProxy's boot (a few ms before its socket answers), not from the
            // process start, which under load can come hundreds of ms earlier; until then phase 0 plays
            start.run();
            Matcher pid = PID.matcher(info);
            if (!pid.find()) {
                throw new IllegalStateException("no Pid in show info: " + info);
            }
            haproxy = ProcessHandle.of(Long.parseLong(pid.group(1)));
            List<Sent> sent = send(statsSocket, readyNanos, durationNanos, commands, toPlayer);
            Files.write(dir.resolve("haproxy.commands"), transcript(sent));
            long deadline = readyNanos + durationNanos;
            await().atMost(Duration.ofNanos(durationNanos).plusSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> System.nanoTime() - deadline >= 0);
            String showStat = command(statsSocket, "show stat");
            String serversState = command(statsSocket, "show servers state");
            Files.writeString(dir.resolve("haproxy.show-stat.csv"), showStat);
            Files.writeString(dir.resolve("haproxy.servers-state"), serversState);
            stop(haproxy, strace);
            Observation.Builder observation = new Observation.Builder("haproxy", normalize);
            observe(Files.readAllLines(trace), Files.readAllLines(stdout), durationNanos, roles, grouped, players,
                    sent, observation);
            observation.stats.putAll(Observation.parseShowStat(normalize.apply(showStat)));
            return new Result(observation.build(), showStat, serversState);
        } finally {
            stop(haproxy, strace);
        }
    }

    /** The HAProxy version line of {@code haproxy -v}, or empty if it cannot be run. */
    static Optional<String> version() {
        try {
            Process process = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Whether {@code strace} can be run. */
    static boolean straceAvailable() {
        try {
            Process process = new ProcessBuilder("strace", "-V").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Reads the trace: the check connections' start and end times and the log lines' write times, relative to the
     * first connection to one of the {@code players} ports, keeping what happened up to {@code durationNanos} after
     * it; and how late HAProxy acted against its own plan, at each check start and log line (see
     * {@link #late}). On a {@code grouped} port a check opens several connections: a connection opened after a
     * wait that ended on network input before its timeout continues the check before it; one that a timer led to
     * starts a check (whose end is then not known).
     */
    static void observe(List<String> trace, List<String> stdout, long durationNanos, Map<Integer, String> roles,
                        Set<Integer> grouped, Set<Integer> players, Observation.Builder observation) {
        observe(trace, stdout, durationNanos, roles, grouped, players, List.of(), observation);
    }

    /**
     * Reads the trace as {@link #observe(List, List, long, Map, Set, Set, Observation.Builder)}, with the commands
     * {@code sent} in between the log lines by the time each was sent.
     */
    static void observe(List<String> trace, List<String> stdout, long durationNanos, Map<Integer, String> roles,
                        Set<Integer> grouped, Set<Integer> players, List<Sent> sent,
                        Observation.Builder observation) {
        // {at, late}, µs
        List<long[]> writes = new ArrayList<>();
        // {start, port, end (-1: not seen), late at start, clock lag at start, clock lag at end}, µs
        List<long[]> connects = new ArrayList<>();
        Map<Integer, Integer> pending = new HashMap<>();
        Map<Integer, long[]> open = new HashMap<>();
        long origin = -1;
        // when the last poller wait's timeout expired (µs; -1: it had none), and how far HAProxy's own clock has
        // fallen behind real time by waits it took for clock jumps (µs)
        long due = -1;
        long clockLag = 0;
        long lagAtLastStart = 0;
        for (String line : trace) {
            Matcher wait = WAIT.matcher(line);
            if (wait.find()) {
                long entered = micros(wait.group(1), wait.group(2));
                long timeoutMillis = Long.parseLong(wait.group(3));
                due = timeoutMillis < 0 ? -1 : entered + timeoutMillis * 1000;
                if (due >= 0 && wait.group(5) != null) {
                    long took = micros(wait.group(5), wait.group(6));
                    if (took > timeoutMillis * 1000 + CLOCK_JUMP_MARGIN_MICROS) {
                        boolean interrupted = !"0".equals(wait.group(4));
                        clockLag += interrupted ? took : took - timeoutMillis * 1000;
                    }
                }
                continue;
            }
            Matcher write = LOG_WRITE.matcher(line);
            if (write.find()) {
                long at = micros(write.group(1), write.group(2));
                // a log line a timer led to (a timeout) came as late as that timer, counting the clock's jumps
                // since the last check started
                writes.add(new long[] {at, late(at, due) + clockLag - lagAtLastStart});
                continue;
            }
            Matcher close = CLOSE.matcher(line);
            if (close.find()) {
                // closing the check's socket ends the check: the next one is due an interval later (spec §2.2)
                int fd = Integer.parseInt(close.group(3));
                long[] check = open.remove(fd);
                if (check != null) {
                    check[2] = micros(close.group(1), close.group(2));
                    check[5] = clockLag;
                }
                pending.remove(fd);
                continue;
            }
            Matcher connect = CONNECT.matcher(line);
            if (!connect.find()) {
                continue;
            }
            int fd = Integer.parseInt(connect.group(3));
            int port = Integer.parseInt(connect.group(4));
            String result = connect.group(5);
            // a refused non-blocking connect is called again to learn its outcome: that call starts nothing
            Integer previous = pending.remove(fd);
            boolean inProgress = result.startsWith("-1 EINPROGRESS");
            boolean completion = !inProgress && previous != null && previous == port;
            if (inProgress) {
                pending.put(fd, port);
            }
            if (!completion && origin < 0 && players.contains(port)) {
                origin = micros(connect.group(1), connect.group(2));
            }
            if (!completion && players.contains(port)) {
                lagAtLastStart = clockLag;
            }
            long at = micros(connect.group(1), connect.group(2));
            boolean continued = grouped.contains(port) && due >= 0 && at < due;
            if (!completion && !continued && roles.containsKey(port)) {
                long[] check = {at, port, -1, late(at, due), clockLag, clockLag};
                connects.add(check);
                if (!grouped.contains(port)) {
                    open.put(fd, check);
                }
            }
        }
        List<String> messages = stdout.stream().filter(line -> !line.isEmpty()).toList();
        if (messages.size() != writes.size()) {
            throw new IllegalStateException("HAProxy wrote " + messages.size() + " log lines but the trace shows "
                    + writes.size() + " writes to stdout");
        }
        if (origin < 0) {
            return;
        }
        double durationMillis = durationNanos / 1e6;
        Map<Integer, long[]> before = new HashMap<>();
        for (long[] connect : connects) {
            // a check starts an interval after the previous one ended on HAProxy's clock: it is late by the wait
            // that led to it and by the clock's jumps since that end
            long[] last = before.put((int) connect[1], connect);
            long late = connect[3] + connect[4] - (last == null ? 0 : last[5]);
            double at = (connect[0] - origin) / 1e3;
            if (at <= durationMillis) {
                observation.checked(roles.get((int) connect[1]), at,
                        connect[2] < 0 ? Double.NaN : (connect[2] - origin) / 1e3, late / 1e3);
            }
        }
        int next = 0;
        for (int i = 0; i < messages.size(); i++) {
            // a command comes before the lines written after it was sent: those it caused, and later ones
            for (; next < sent.size() && sent.get(next).sentMicros() <= writes.get(i)[0]; next++) {
                commanded(sent.get(next), origin, durationMillis, observation);
            }
            double at = (writes.get(i)[0] - origin) / 1e3;
            if (at <= durationMillis) {
                observation.logged(at, messages.get(i), writes.get(i)[1] / 1e3);
            }
        }
        for (; next < sent.size(); next++) {
            commanded(sent.get(next), origin, durationMillis, observation);
        }
    }

    private static void commanded(Sent sent, long origin, double durationMillis, Observation.Builder observation) {
        double at = (sent.sentMicros() - origin) / 1e3;
        if (at <= durationMillis) {
            observation.commanded(at, sent.command(), sent.reply(), sent.showStat(), sent.serversState());
        }
    }

    /**
     * Sends each command at its time after {@code readyNanos}, and right after it reads {@code show stat} and
     * {@code show servers state}; a command after the run's end is not sent.
     */
    private static List<Sent> send(Path socket, long readyNanos, long durationNanos, List<Scenario.Command> commands,
                                   UnaryOperator<String> toPlayer) throws IOException {
        List<Sent> sent = new ArrayList<>();
        for (Scenario.Command command : commands) {
            long due = readyNanos + command.at().toNanos();
            if (command.at().toNanos() > durationNanos) {
                break;
            }
            await().atMost(command.at().plusSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> System.nanoTime() - due >= 0);
            long sentMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            String reply = command(socket, toPlayer.apply(command.command()));
            sent.add(new Sent(sentMicros, command.command(), reply, show(socket, "show stat"),
                    show(socket, "show servers state")));
        }
        return sent;
    }

    /**
     * A show command's answer, asked again (at most twice) if it came empty: once, under load, the socket closed
     * before a word of it, which HAProxy never answers to a show command it runs.
     */
    private static String show(Path socket, String command) throws IOException {
        String answer = command(socket, command);
        for (int again = 0; again < 2 && answer.isEmpty(); again++) {
            answer = command(socket, command);
        }
        return answer;
    }

    /** The commands, replies and answers after them, for the run's artifacts. */
    private static List<String> transcript(List<Sent> sent) {
        List<String> lines = new ArrayList<>();
        for (Sent one : sent) {
            lines.add("> " + one.command() + " (sent at " + one.sentMicros() + " µs)");
            lines.add(one.reply());
            lines.add("> show stat");
            lines.add(one.showStat());
            lines.add("> show servers state");
            lines.add(one.serversState());
        }
        return lines;
    }

    /**
     * Sends one command to the stats socket and returns the whole answer, one char per byte (ISO-8859-1): a
     * check's info holds the server's bytes as they came (a reason phrase byte 0xFF), as haprobe's infos do.
     */
    static String command(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                answer.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String showInfo(Path socket, Process strace, Path stderr) throws IOException {
        if (!strace.isAlive()) {
            throw new IllegalStateException("haproxy exited with status " + strace.exitValue() + ":\n"
                    + Files.readString(stderr));
        }
        if (!Files.exists(socket)) {
            return null;
        }
        try {
            return command(socket, "show info");
        } catch (IOException notYet) {
            return null;
        }
    }

    /** Stops HAProxy by its PID (or, if it never answered, every process strace started), then strace. */
    private static void stop(Optional<ProcessHandle> haproxy, Process strace) throws InterruptedException {
        List<ProcessHandle> processes = new ArrayList<>();
        haproxy.ifPresent(processes::add);
        strace.descendants().forEach(processes::add);
        processes.forEach(ProcessHandle::destroy);
        if (!strace.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            processes.forEach(ProcessHandle::destroyForcibly);
            strace.destroyForcibly();
            strace.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * How late (µs) something done at {@code at} came after the timeout of the poller wait before it, due at
     * {@code due} (-1: none): 0 when network input ended the wait before its timeout.
     */
    private static long late(long at, long due) {
        return due < 0 ? 0 : Math.max(0, at - due);
    }

    private static long micros(String seconds, String micros) {
        return Long.parseLong(seconds) * 1_000_000L + Long.parseLong(micros);
    }
}
