package io.haprobe.conformance;

import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsSupport;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * haprobe's live transport, recording when each task of its scheduler was due and when it ran: the live side's
 * counterpart of the poller waits {@link HaproxyRun} reads in HAProxy's trace. A task due at {@code t} that starts
 * at {@code t + x} (the machine gave the event loop its CPU late, or the JVM paused) made whatever it did, a check
 * start or a timeout and its log line, {@code x} late against the engine's plan. Only the recording is added: tasks
 * run on the wrapped transport's event loop as they would.
 *
 * <p>Thread-safe: tasks are recorded on the event loop thread, {@link #runAt} reads from any thread.
 */
final class TimedTransport implements ProbeTransport {

    /**
     * One task run, scheduler nanoseconds.
     *
     * @param dueNanos   when it was due
     * @param startNanos when it started
     * @param endNanos   when it ended
     */
    record TaskRun(long dueNanos, long startNanos, long endNanos) {

        /** How late the task started, ns, at least 0. */
        long lateNanos() {
            return Math.max(0, startNanos - dueNanos);
        }
    }

    private final NettyProbeTransport transport = NettyProbeTransport.create();
    private final Scheduler scheduler = new TimedScheduler();
    /** The task runs, in the order they ended. */
    private final List<TaskRun> runs = new ArrayList<>();

    /**
     * How late the task running at {@code nanos} had started after it was due, ms; 0 if no task was running then
     * (the engine was handling network input).
     */
    double lateMillisAt(long nanos) {
        TaskRun run = runAt(nanos);
        return run == null ? 0 : run.lateNanos() / 1e6;
    }

    /** The task that was running at {@code nanos}, or null if none was (the engine was handling network input). */
    TaskRun runAt(long nanos) {
        synchronized (runs) {
            for (int i = runs.size() - 1; i >= 0; i--) {
                TaskRun run = runs.get(i);
                if (run.startNanos() <= nanos && nanos <= run.endNanos()) {
                    return run;
                }
                if (run.endNanos() < nanos) {
                    return null;
                }
            }
            return null;
        }
    }
    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public InetSocketAddress resolve(String host, int port) throws UnknownHostException {
        return transport.resolve(host, port);
    }

    @Override
    public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
        return transport.connect(target, handler);
    }

    @Override
    public TlsClient tlsClient(TlsSupport support, TlsClientSpec spec) {
        return transport.tlsClient(support, spec);
    }

    @Override
    public void close() {
        transport.close();
    }

    private Runnable timed(Runnable task, long dueNanos) {
        Objects.requireNonNull(task, "task");
        return () -> {
            long start = scheduler.nanoTime();
            try {
                task.run();
            } finally {
                TaskRun run = new TaskRun(dueNanos, start, scheduler.nanoTime());
                synchronized (runs) {
                    runs.add(run);
                }
            }
        };
    }

    /** The wrapped transport's scheduler, each task timed. */
    private final class TimedScheduler implements Scheduler {

        private final Scheduler live = transport.scheduler();

        @Override
        public long nanoTime() {
            return live.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return live.currentTimeMillis();
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            return live.schedule(timed(task, live.nanoTime() + Math.max(0, delayNanos)), delayNanos);
        }

        @Override
        public void execute(Runnable task) {
            live.execute(timed(task, live.nanoTime()));
        }

        @Override
        public boolean inSchedulerThread() {
            return live.inSchedulerThread();
        }
    }
}
