package io.haprobe.cli;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.HealthListener;
import io.haprobe.engine.ServerSnapshot;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * {@code haprobe check --record FILE}: writes a {@link Trace}, the header when created, then one line per
 * completed check as the engine reports it.
 *
 * <p>Thread-safe: the engine's listener writes, the command's thread closes.
 */
final class TraceRecorder implements HealthListener, AutoCloseable {

    private final BufferedWriter writer;
    private final Path file;
    private LongSupplier originNanos = () -> 0L;
    private IOException failure;

    private TraceRecorder(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /**
     * Creates the file; {@link #header} writes its first line before the checks start.
     *
     * @throws IllegalArgumentException if it cannot be written
     */
    static TraceRecorder create(Path file) {
        try {
            return new TraceRecorder(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
            throw new IllegalArgumentException("--record: cannot write " + file + ": " + reason, e);
        }
    }

    /** Writes the header: the config file and the settings of every server of the checked sections. */
    synchronized void header(HaproxyConfig config, List<ServerSnapshot> servers) {
        List<Trace.ServerSettings> settings = servers.stream().map(s -> Trace.ServerSettings.of(config, s)).toList();
        try {
            writeLine(Trace.header(config.file(), settings));
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Sets where t=0 is, in the engine scheduler's nanoseconds (the engine's start). */
    void origin(LongSupplier originNanos) {
        this.originNanos = originNanos;
    }

    @Override
    public void onEvent(HealthEvent event) {
        Trace.Check check;
        if (event instanceof HealthEvent.CheckCompleted c) {
            check = new Trace.Check(millis(c.timeNanos()), c.backend(), c.server(), false, c.outcome());
        } else if (event instanceof HealthEvent.AgentCheckCompleted c) {
            check = new Trace.Check(millis(c.timeNanos()), c.backend(), c.server(), true, c.outcome());
        } else {
            return;
        }
        synchronized (this) {
            if (failure == null) {
                try {
                    writeLine(check.toJson().toString());
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("--record: writing " + file + ": " + failure.getMessage(), failure);
        }
    }

    private long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos - originNanos.getAsLong());
    }

    private void writeLine(String line) throws IOException {
        writer.write(line);
        writer.newLine();
        writer.flush();
    }
}
