package io.haprobe.live;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A strict, scripted TCP backend on {@code 127.0.0.1} (ephemeral port) for live check tests, on plain
 * {@code java.net} sockets and its own daemon threads.
 *
 * <p>Each accepted connection plays one {@link Behaviour}: connection {@code i} plays the {@code i}-th
 * behaviour given to {@link #start(Behaviour...)}, and the last one repeats. Every connection records the
 * exact request bytes it read and how the checker closed it: {@link CheckerClose#RST} when a read failed
 * with {@code Connection reset}, {@link CheckerClose#FIN} when a read returned end of stream (spec §13).
 *
 * <p>Strict: bytes that arrive after the request head are a violation, and so is a connection the checker
 * still holds open when the backend is closed. {@link #close()} closes every socket and thread it started
 * and throws an {@link AssertionError} listing the violations.
 *
 * <p>Thread-safe: the test thread reads {@link #connections()} while the backend's threads fill it.
 */
final class ScriptedBackend implements AutoCloseable {

    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] PROXY_V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
            0x0A};
    private static final Duration TEARDOWN_WAIT = Duration.ofSeconds(2);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final ServerSocket listener;
    private final List<Behaviour> script;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService threads;
    private final AtomicInteger handlersRunning = new AtomicInteger();

    private ScriptedBackend(ServerSocket listener, List<Behaviour> script) {
        this.listener = listener;
        this.script = script;
        String name = "scripted-backend-" + IDS.incrementAndGet() + "-" + listener.getLocalPort();
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts a backend that accepts connections and plays {@code script} on them, the last behaviour
     * repeating.
     *
     * @param script one behaviour per connection, in order; at least one
     * @return the running backend
     * @throws IOException if the listener cannot be bound
     */
    static ScriptedBackend start(Behaviour... script) throws IOException {
        if (script.length == 0) {
            throw new IllegalArgumentException("script: empty (expected: at least one behaviour)");
        }
        ScriptedBackend backend = new ScriptedBackend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                List.of(script));
        backend.threads.execute(backend::acceptLoop);
        return backend;
    }

    /**
     * Returns the port the backend listens on.
     *
     * @return the TCP port on 127.0.0.1
     */
    int port() {
        return listener.getLocalPort();
    }

    /**
     * Returns the connections accepted so far, in accept order. A connection's request and close fields are
     * filled in while it runs; a finished connection is a final value.
     *
     * @return a snapshot of the connections
     */
    List<Connection> connections() {
        return List.copyOf(connections);
    }

    /**
     * Returns the connections that have finished: the checker closed them (or the backend gave up on them).
     *
     * @return a snapshot of the finished connections, in accept order
     */
    List<Connection> finishedConnections() {
        return connections.stream().filter(Connection::finished).toList();
    }

    /**
     * Stops accepting, waits up to 2 s for the checker to close every connection it opened, closes every
     * socket and thread of the backend, and fails if the script was violated.
     *
     * @throws AssertionError if unexpected bytes arrived or the checker left a connection open
     */
    @Override
    public void close() {
        closing.countDown();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listener cannot fail in a way that matters to the test
        }
        long deadline = System.nanoTime() + TEARDOWN_WAIT.toNanos();
        synchronized (handlersRunning) {
            while (handlersRunning.get() > 0 && System.nanoTime() < deadline) {
                try {
                    handlersRunning.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (Connection connection : connections) {
            if (!connection.finished()) {
                violations.add("connection #" + connection.index() + " still open at teardown: the checker did not"
                        + " close it");
            }
        }
        closeSockets();
        threads.shutdownNow();
        try {
            if (!threads.awaitTermination(TEARDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                violations.add("backend threads still running at teardown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!violations.isEmpty()) {
            throw new AssertionError("scripted backend on port " + port() + " was used wrongly: " + violations);
        }
    }

    private void acceptLoop() {
        int index = 0;
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.add(socket);
            Connection connection = new Connection(index, script.get(Math.min(index, script.size() - 1)));
            connections.add(connection);
            index++;
            handlersRunning.incrementAndGet();
            threads.execute(() -> {
                try {
                    connection.play(socket);
                } finally {
                    closeQuietly(socket);
                    synchronized (handlersRunning) {
                        handlersRunning.decrementAndGet();
                        handlersRunning.notifyAll();
                    }
                }
            });
        }
    }

    private void closeSockets() {
        closeQuietly(listener);
        accepted.forEach(ScriptedBackend::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // teardown: the socket is gone either way
        }
    }

    private static int indexOf(byte[] bytes, int length, byte[] pattern) {
        return indexOf(bytes, 0, length, pattern);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && indexOf(bytes, 0, prefix.length, prefix) == 0;
    }

    private static int indexOf(byte[] bytes, int from, int length, byte[] pattern) {
        outer:
        for (int i = from; i + pattern.length <= length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** How the checker ended a connection, as the backend's next read saw it. */
    enum CheckerClose {
        /** A read returned end of stream: the checker sent a FIN. */
        FIN,
        /** A read failed with {@code Connection reset}: the checker sent an RST (SO_LINGER 0). */
        RST,
        /** The backend closed first and did not read again, or the connection is still open. */
        UNKNOWN
    }

    /** What the backend does with one accepted connection. */
    enum Action {
        /** Read the request head, then write the answer (after the delay), then wait for the checker's close. */
        ANSWER,
        /** Read the request head, then wait for the checker's close without answering. */
        HANG,
        /** Close at once without reading (a FIN, or an RST if the request already arrived unread). */
        CLOSE_AT_ONCE,
        /** Reset at once without reading: close with SO_LINGER 0. */
        RESET_AT_ONCE,
        /** Read the request head, then send a FIN (shutdown output) and wait for the checker's close. */
        READ_THEN_CLOSE,
        /**
         * Play the {@link Behaviour#steps()} in order (write bytes, read an exact number of bytes), then wait for
         * the checker's close, after sending a FIN first when {@link Behaviour#closeAfter()} is set.
         */
        DIALOGUE
    }

    /**
     * One step of a {@link Action#DIALOGUE}: write bytes, or read a number of bytes (compared with the expected
     * ones when given: a difference is a violation).
     *
     * @param write    true to write {@code bytes}, false to read
     * @param bytes    the bytes to write, or the bytes expected (empty: read {@code count} bytes, any value)
     * @param count    how many bytes to read
     */
    record Step(boolean write, byte[] bytes, int count) {

        /**
         * Writes {@code text} (ISO-8859-1).
         *
         * @param text the bytes as text
         * @return the step
         */
        static Step write(String text) {
            return write(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /**
         * Writes {@code bytes}.
         *
         * @param bytes the bytes
         * @return the step
         */
        static Step write(byte[] bytes) {
            return new Step(true, bytes, bytes.length);
        }

        /**
         * Reads exactly the bytes of {@code text} (ISO-8859-1); others are a violation.
         *
         * @param text the expected bytes as text
         * @return the step
         */
        static Step read(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            return new Step(false, bytes, bytes.length);
        }

        /**
         * Reads {@code count} bytes, whatever they are.
         *
         * @param count how many
         * @return the step
         */
        static Step read(int count) {
            return new Step(false, new byte[0], count);
        }
    }

    /**
     * One scripted connection behaviour.
     *
     * @param action what to do
     * @param answer the bytes to answer with ({@link Action#ANSWER} only), else empty
     * @param delay  how long to wait before answering, {@link Duration#ZERO} for no wait
     */
    record Behaviour(Action action, byte[] answer, Duration delay, List<Step> steps, boolean closeAfter) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a component is null
         */
        Behaviour {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(delay, "delay");
            steps = List.copyOf(steps);
        }

        /** Creates a behaviour without dialogue steps. */
        Behaviour(Action action, byte[] answer, Duration delay) {
            this(action, answer, delay, List.of(), false);
        }

        /**
         * Plays {@code steps}, then keeps the connection open until the checker closes it.
         *
         * @param steps the writes and reads, in order
         * @return the behaviour
         */
        static Behaviour dialogue(Step... steps) {
            return new Behaviour(Action.DIALOGUE, new byte[0], Duration.ZERO, List.of(steps), false);
        }

        /**
         * Plays {@code steps}, then closes its side (a FIN) and waits for the checker's close.
         *
         * @param steps the writes and reads, in order
         * @return the behaviour
         */
        static Behaviour dialogueThenClose(Step... steps) {
            return new Behaviour(Action.DIALOGUE, new byte[0], Duration.ZERO, List.of(steps), true);
        }

        /**
         * Answers {@code text} (ISO-8859-1) once the request head is read.
         *
         * @param text the raw answer, e.g. {@code "HTTP/1.0 200 OK\r\n\r\n"}
         * @return the behaviour
         */
        static Behaviour answer(String text) {
            return answerAfter(Duration.ZERO, text);
        }

        /**
         * Answers {@code text} (ISO-8859-1) {@code delay} after the request head is read.
         *
         * @param delay how long to wait before answering
         * @param text  the raw answer
         * @return the behaviour
         */
        static Behaviour answerAfter(Duration delay, String text) {
            return new Behaviour(Action.ANSWER, text.getBytes(StandardCharsets.ISO_8859_1), delay);
        }

        /**
         * Writes {@code text} (ISO-8859-1) right after the accept, without reading: an agent answering a checker
         * that sends nothing ({@code agent-check} without {@code agent-send}).
         *
         * @param text the raw reply, e.g. {@code "up\n"}
         * @return the behaviour
         */
        static Behaviour reply(String text) {
            return dialogue(Step.write(text));
        }

        /**
         * Reads the request head and never answers.
         *
         * @return the behaviour
         */
        static Behaviour hang() {
            return new Behaviour(Action.HANG, new byte[0], Duration.ZERO);
        }

        /**
         * Closes right after the accept, before reading anything.
         *
         * @return the behaviour
         */
        static Behaviour closeAtOnce() {
            return new Behaviour(Action.CLOSE_AT_ONCE, new byte[0], Duration.ZERO);
        }

        /**
         * Resets right after the accept (SO_LINGER 0), before reading anything.
         *
         * @return the behaviour
         */
        static Behaviour resetAtOnce() {
            return new Behaviour(Action.RESET_AT_ONCE, new byte[0], Duration.ZERO);
        }

        /**
         * Reads the request head, then closes its side without answering.
         *
         * @return the behaviour
         */
        static Behaviour readThenClose() {
            return new Behaviour(Action.READ_THEN_CLOSE, new byte[0], Duration.ZERO);
        }
    }

    /**
     * One accepted connection: what it read and how the checker closed it.
     */
    final class Connection {

        private final int index;
        private final Behaviour behaviour;
        private final ByteArrayOutputStream request = new ByteArrayOutputStream();
        private volatile CheckerClose checkerClose = CheckerClose.UNKNOWN;
        private volatile boolean finished;

        private Connection(int index, Behaviour behaviour) {
            this.index = index;
            this.behaviour = behaviour;
        }

        /**
         * Returns the position of this connection in accept order, from 0.
         *
         * @return the index
         */
        int index() {
            return index;
        }

        /**
         * Returns the request bytes read so far, as ISO-8859-1 text.
         *
         * @return the request, empty if the checker sent nothing
         */
        String request() {
            synchronized (request) {
                return request.toString(StandardCharsets.ISO_8859_1);
            }
        }

        /**
         * Returns how the checker closed the connection.
         *
         * @return FIN, RST, or UNKNOWN while open or when the backend closed without reading again
         */
        CheckerClose checkerClose() {
            return checkerClose;
        }

        /**
         * Tells whether the connection is over.
         *
         * @return true once the backend is done with it
         */
        boolean finished() {
            return finished;
        }

        @Override
        public String toString() {
            return "#" + index + " " + behaviour.action() + " request=" + request().replace("\r\n", "\\r\\n")
                    + " close=" + checkerClose + (finished ? "" : " (open)");
        }

        private void play(Socket socket) {
            try {
                switch (behaviour.action()) {
                    case CLOSE_AT_ONCE -> socket.close();
                    case RESET_AT_ONCE -> {
                        socket.setSoLinger(true, 0);
                        socket.close();
                    }
                    case HANG -> {
                        if (readHead(socket)) {
                            awaitCheckerClose(socket);
                        }
                    }
                    case READ_THEN_CLOSE -> {
                        if (readHead(socket)) {
                            socket.shutdownOutput();
                            awaitCheckerClose(socket);
                        }
                    }
                    case ANSWER -> {
                        if (readHead(socket) && !delayed() && write(socket, behaviour.answer())) {
                            awaitCheckerClose(socket);
                        }
                    }
                    case DIALOGUE -> {
                        if (playSteps(socket)) {
                            if (behaviour.closeAfter()) {
                                socket.shutdownOutput();
                            }
                            awaitCheckerClose(socket);
                        }
                    }
                }
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    violations.add("connection #" + index + ": " + e);
                }
            } finally {
                finished = true;
            }
        }

        /** Plays the dialogue steps; false if the checker closed or reset the connection first. */
        private boolean playSteps(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            for (Step step : behaviour.steps()) {
                if (step.write()) {
                    if (!write(socket, step.bytes())) {
                        return false;
                    }
                    continue;
                }
                byte[] got = new byte[step.count()];
                int filled = 0;
                while (filled < got.length) {
                    int n = read(in, got, filled, got.length - filled);
                    if (n < 0) {
                        return false;
                    }
                    synchronized (request) {
                        request.write(got, filled, n);
                    }
                    filled += n;
                }
                if (step.bytes().length > 0 && !java.util.Arrays.equals(step.bytes(), got)) {
                    violations.add("connection #" + index + ": expected to read "
                            + new String(step.bytes(), StandardCharsets.ISO_8859_1) + " but got "
                            + new String(got, StandardCharsets.ISO_8859_1));
                }
            }
            return true;
        }

        /** Waits out the delay; returns true if the backend is closing meanwhile. */
        private boolean delayed() {
            if (behaviour.delay().isZero()) {
                return false;
            }
            try {
                return closing.await(behaviour.delay().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        /** Writes the answer; false if the checker had already reset the connection (it gave up waiting). */
        private boolean write(Socket socket, byte[] answer) throws IOException {
            try {
                socket.getOutputStream().write(answer);
                socket.getOutputStream().flush();
                return true;
            } catch (SocketException e) {
                if (e.getMessage() != null && (e.getMessage().contains("Connection reset")
                        || e.getMessage().contains("Broken pipe"))) {
                    checkerClose = CheckerClose.RST;
                    return false;
                }
                throw e;
            }
        }

        /** Reads up to the end of the request head; false if the checker closed first. */
        private boolean readHead(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            byte[] seen = new byte[0];
            while (true) {
                int n = read(in, buffer);
                if (n < 0) {
                    return false;
                }
                synchronized (request) {
                    request.write(buffer, 0, n);
                    seen = request.toByteArray();
                }
                // a PROXY v2 header opens with CRLF CRLF too: the request head is what follows its 16 bytes
                int from = startsWith(seen, PROXY_V2_SIGNATURE) ? Math.min(16, seen.length) : 0;
                int end = indexOf(seen, from, seen.length, HEAD_END);
                if (end >= 0) {
                    if (end + HEAD_END.length != seen.length) {
                        violations.add("connection #" + index + ": unexpected bytes after the request head: "
                                + new String(seen, end + HEAD_END.length, seen.length - end - HEAD_END.length,
                                StandardCharsets.ISO_8859_1));
                    }
                    return true;
                }
            }
        }

        /** Reads until the checker closes; any byte read is a violation. */
        private void awaitCheckerClose(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (true) {
                int n = read(in, buffer);
                if (n < 0) {
                    return;
                }
                violations.add("connection #" + index + ": unexpected bytes after the request: "
                        + new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        }

        /** One read; -1 once the checker closed, with {@link #checkerClose} set. */
        private int read(InputStream in, byte[] buffer) throws IOException {
            return read(in, buffer, 0, buffer.length);
        }

        /** One read into part of {@code buffer}; -1 once the checker closed, with {@link #checkerClose} set. */
        private int read(InputStream in, byte[] buffer, int offset, int count) throws IOException {
            try {
                int n = in.read(buffer, offset, count);
                if (n < 0) {
                    checkerClose = CheckerClose.FIN;
                }
                return n;
            } catch (SocketException e) {
                if (e.getMessage() != null && e.getMessage().contains("Connection reset")) {
                    checkerClose = CheckerClose.RST;
                    return -1;
                }
                throw e;
            }
        }
    }
}
