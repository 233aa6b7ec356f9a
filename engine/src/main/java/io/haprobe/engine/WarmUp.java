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
 * A live run's warm-up: HTTP health checks of {@value #SERVERS} servers at {@code inter 100ms} (then of
 * {@value #SETTLE_SERVERS}) against haprobe's own {@link LoopbackResponder}, on the event loops of the run's
 * transport, for a while before the run's engine starts. A cold JVM interprets and compiles the check path during
 * its first checks, and a loop that has just started allocates the objects its checks keep for the rest of the run
 * (the threads' {@link CheckLoop.CommonHealths}, the outcomes the threads' drivers share, the pooled buffers) while
 * thousands of first checks are due: with 100,000 servers those first seconds started checks tens of milliseconds
 * late. After a warm-up, that work is done before the first planned check of a real server (benchmarks/README.md,
 * "100,000 servers live").
 *
 * <p>No HAProxy counterpart: HAProxy is compiled ahead of time. The warm-up's checks go to {@code 127.0.0.1} only,
 * to a port of haprobe's own; none reaches a server of the config, and none is reported: the warm-up's engine has no
 * listener of the caller's, and it is closed before the run's engine starts.
 *
 * <p>Threading: {@link #run} blocks its caller, which must not be one of the transport's event loops.
 */
public final class WarmUp {

    /**
     * How many servers the warm-up checks first: at {@code inter 100ms}, 10,000 checks a second, within what two
     * cores check on loopback. Twice as many saturated them: the checks took 20 to 250 ms, so the states
     * the threads keep for their steady servers ({@link CheckLoop.CommonHealths}, below 64 ms) were not those of the
     * run's 0 and 1 ms checks, and the run made its own, young, for every server to point to.
     */
    public static final int SERVERS = 1_000;

    /** How many servers the last {@value #SETTLE_MILLIS} ms of a warm-up check: 1,000 checks a second. */
    static final int SETTLE_SERVERS = 100;
    /** How long the last, quiet part of a warm-up lasts at most (half of a shorter warm-up), ms: 3 rounds. */
    private static final long SETTLE_MILLIS = 300;
    /** How long the checks under way at the warm-up's end get to end before the responder closes, ms. */
    private static final long DRAIN_MILLIS = 100;

    private WarmUp() {
    }

    /**
     * Checks {@value #SERVERS} servers of a {@link LoopbackResponder} of its own, {@code option httpchk GET /} at
     * {@code inter 100ms}, on {@code transport}'s event loops for {@code duration}, then stops them and the
     * responder (100 ms later, once the checks under way have ended). The last 300 ms (half of a shorter warm-up) check
     * only {@value #SETTLE_SERVERS} servers, in an engine of their own. The transport is left open, for the run.
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
        for (Scheduler loop : transport.schedulers()) {
            if (loop.inSchedulerThread()) {
                // waiting here would block the loop that must end the wait
                throw new IllegalStateException("WarmUp.run must not be called from one of the transport's loops");
            }
        }
        if (millis <= 0) {
            return 0;
        }
        AtomicLong checks = new AtomicLong();
        try (LoopbackResponder responder = LoopbackResponder.start()) {
            // SERVERS servers for the JIT, then a few, the loops nearly idle: their checks take what the run's take
            // on loopback (0 to 2 ms), and the states they leave in the threads' tables (CheckLoop.CommonHealths)
            // and the outcomes the threads share (CheckDriver) are those of the run's first checks, made before the
            // collection that precedes the run; a busy loop's checks took 5 to 60 ms, and the run's first round made
            // its own, young states for 50,000 old checkers a loop to point to (each young pause scanned their cards)
            long settle = Math.min(SETTLE_MILLIS, millis / 2);
            checkFor(transport, config(responder.address(), SERVERS), millis - settle, checks);
            checkFor(transport, config(responder.address(), SETTLE_SERVERS), settle, checks);
            // the checks under way end against the responder, as passes (their results are dropped), before it
            // closes: were they to fail, their outcomes would replace the passes the threads share
            awaitMillis(transport, DRAIN_MILLIS);
        }
        return checks.get();
    }

    /** Runs {@code config}'s checks on {@code transport} for {@code millis}, counting those that complete. */
    private static void checkFor(NettyProbeTransport transport, HaproxyConfig config, long millis, AtomicLong checks)
            throws InterruptedException {
        if (millis <= 0) {
            return;
        }
        HealthCheckEngine engine = HealthCheckEngine.builder(config)
                .transport(transport)
                .listener(event -> {
                    if (event instanceof HealthEvent.CheckCompleted) {
                        checks.incrementAndGet();
                    }
                })
                .build();
        try {
            engine.start();
            awaitMillis(transport, millis);
        } finally {
            // the events of the checks that ended before are delivered before close() returns
            engine.close();
        }
    }

    /** Waits {@code millis} as timed by the transport's scheduler. */
    private static void awaitMillis(NettyProbeTransport transport, long millis) throws InterruptedException {
        Scheduler scheduler = transport.scheduler();
        CountDownLatch over = new CountDownLatch(1);
        scheduler.schedule(over::countDown, TimeUnit.MILLISECONDS.toNanos(millis));
        over.await();
    }

    /** The warm-up's config: {@code servers} servers of one backend, all at {@code address}. */
    static HaproxyConfig config(InetSocketAddress address, int servers) {
        StringBuilder text = new StringBuilder(64 * servers)
                .append("defaults\n")
                .append("    mode http\n")
                .append("    timeout connect 1s\n")
                .append("    timeout check 1s\n")
                .append("backend haprobe-warmup\n")
                .append("    option httpchk GET /\n")
                .append("    default-server inter 100ms\n");
        String target = address.getAddress().getHostAddress() + ':' + address.getPort();
        for (int i = 1; i <= servers; i++) {
            text.append("    server w").append(i).append(' ').append(target).append(" check\n");
        }
        return HaproxyConfig.parse("(haprobe warm-up)", text.toString());
    }
}
