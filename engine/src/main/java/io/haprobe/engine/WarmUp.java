package io.haprobe.engine;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.LoopbackResponder;
import io.haprobe.transport.NettyProbeTransport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live run's warm-up: HTTP health checks of {@value #SERVERS} servers at {@code inter 100ms} against haprobe's own
 * {@link LoopbackResponder}, on the event loops of the run's transport, for a while before the run's engine starts.
 * A cold JVM interprets and compiles the check path during its first checks, and a loop that has just started
 * allocates the objects its checks keep for the rest of the run (the threads' {@link CheckLoop.CommonHealths}, the
 * pooled buffers, the timer lanes' arrays) while thousands of first checks are due: with 100,000 servers those
 * first seconds started checks tens of milliseconds late. After a warm-up, that work is done before the first
 * planned check of a real server (benchmarks/README.md, "100,000 servers live").
 *
 * <p>No HAProxy counterpart: HAProxy is compiled ahead of time. The warm-up's checks go to {@code 127.0.0.1} only,
 * to a port of haprobe's own; none reaches a server of the config, and none is reported: the warm-up's engine has no
 * listener of the caller's, and it is closed before the run's engine starts.
 *
 * <p>Threading: {@link #run} blocks its caller, which must not be one of the transport's event loops.
 */
public final class WarmUp {

    /** How many servers the warm-up checks: at {@code inter 100ms}, 20,000 checks a second. */
    public static final int SERVERS = 2_000;

    private WarmUp() {
    }

    /**
     * Checks {@value #SERVERS} servers of a {@link LoopbackResponder} of its own, {@code option httpchk GET /} at
     * {@code inter 100ms}, on {@code transport}'s event loops for {@code duration}, then stops them and the
     * responder. The transport is left open, for the run.
     *
     * @param transport the run's transport; never null; left open
     * @param duration  how long to check, at least 1 ms to do anything; zero or negative for no warm-up
     * @return how many checks completed (they all passed on a machine that is not overloaded); 0 for no warm-up
     * @throws NullPointerException  if an argument is null
     * @throws InterruptedException  if the calling thread is interrupted while it waits (the warm-up is stopped first)
     * @throws IllegalStateException if called from one of the transport's event loops
     */
    public static long run(NettyProbeTransport transport, Duration duration) throws InterruptedException {
        Objects.requireNonNull(transport, "transport");
        long millis = Objects.requireNonNull(duration, "duration").toMillis();
        if (millis <= 0) {
            return 0;
        }
        AtomicLong checks = new AtomicLong();
        try (LoopbackResponder responder = LoopbackResponder.start()) {
            HealthCheckEngine engine = HealthCheckEngine.builder(config(responder.address()))
                    .transport(transport)
                    .listener(event -> {
                        if (event instanceof HealthEvent.CheckCompleted) {
                            checks.incrementAndGet();
                        }
                    })
                    .build();
            try {
                engine.start();
                Scheduler scheduler = transport.scheduler();
                CountDownLatch over = new CountDownLatch(1);
                scheduler.schedule(over::countDown, TimeUnit.MILLISECONDS.toNanos(millis));
                over.await();
            } finally {
                // the events of the checks that ended before are delivered before close() returns
                engine.close();
            }
        }
        return checks.get();
    }

    /** The warm-up's config: {@value #SERVERS} servers of one backend, all at {@code address}. */
    static HaproxyConfig config(InetSocketAddress address) {
        StringBuilder text = new StringBuilder(64 * SERVERS)
                .append("defaults\n")
                .append("    mode http\n")
                .append("    timeout connect 1s\n")
                .append("    timeout check 1s\n")
                .append("backend haprobe-warmup\n")
                .append("    option httpchk GET /\n")
                .append("    default-server inter 100ms\n");
        String target = address.getAddress().getHostAddress() + ':' + address.getPort();
        for (int i = 1; i <= SERVERS; i++) {
            text.append("    server w").append(i).append(' ').append(target).append(" check\n");
        }
        return HaproxyConfig.parse("(haprobe warm-up)", text.toString());
    }
}
