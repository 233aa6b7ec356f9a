package io.haprobe.testkit;

import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.engine.HealthEvent;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.ServerScript;
import io.haprobe.time.Cancellable;
import io.haprobe.time.Scheduler;
import io.haprobe.transport.CheckTarget;
import io.haprobe.transport.NettyProbeTransport;
import io.haprobe.transport.ProbeTransport;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HealthCheckEngine#close()} while a check finishes, on real sockets: the events the check produces are
 * delivered (or dropped by design), never rejected by a listener executor already shut down with a trace.
 */
@Tag("live")
class EngineCloseLiveTest {

    private static final Duration AT_MOST = Duration.ofSeconds(10);
    private static final String SERVER = "app_backend/web01";

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler warningCollector = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue() || record.getThrown() != null) {
                warnings.add(record.getMessage() + " " + record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private LoopbackBackends backends;
    private NettyProbeTransport live;

    @AfterEach
    void tearDown() {
        Logger.getLogger("").removeHandler(warningCollector);
        if (live != null) {
            live.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    @Test
    void aCheckFinishingWhileTheEngineClosesHasItsLineDeliveredNotRejected() throws InterruptedException {
        Logger.getLogger("").addHandler(warningCollector);
        backends = LoopbackBackends.builder().script(SERVER, ServerScript.of(Behaviour.http(503))).bind();
        backends.start();
        live = NettyProbeTransport.create();
        GatedTransport transport = new GatedTransport(live);
        List<HealthEvent> events = new CopyOnWriteArrayList<>();
        HealthCheckEngine engine = HealthCheckEngine.builder(HaproxyConfig.parse("test.cfg", """
                        backend app_backend
                            option httpchk GET /health
                            server web01 127.0.0.1:%d check inter 10s fall 1
                        """.formatted(backends.port(SERVER))))
                .transport(transport)
                .listener(events::add)
                .build();
        engine.start();

        // the check's result is being logged on the event loop; close() starts right then
        assertThat(transport.gateReached.await(AT_MOST.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(engine::close, "closer");
        transport.closer.set(closer);
        closer.start();
        closer.join(AT_MOST.toMillis());

        assertThat(closer.isAlive()).isFalse();
        assertThat(events).anySatisfy(event -> assertThat(event).isInstanceOfSatisfying(
                HealthEvent.StateChanged.class, changed -> assertThat(changed.to()).isEqualTo(ServerState.DOWN)));
        assertThat(warnings).isEmpty();
    }

    /**
     * A live transport whose scheduler holds the event loop the first time the engine's transition log reads the
     * clock (a check's result is about to become events), until the closing thread waits or is done.
     */
    private static final class GatedTransport implements ProbeTransport {

        final CountDownLatch gateReached = new CountDownLatch(1);
        final AtomicReference<Thread> closer = new AtomicReference<>();
        private final AtomicBoolean gateUsed = new AtomicBoolean();
        private final ProbeTransport delegate;
        private final Scheduler scheduler;

        GatedTransport(ProbeTransport delegate) {
            this.delegate = delegate;
            Scheduler live = delegate.scheduler();
            this.scheduler = new Scheduler() {
                @Override
                public long nanoTime() {
                    if (live.inSchedulerThread() && calledByTransitionLog() && gateUsed.compareAndSet(false, true)) {
                        gateReached.countDown();
                        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(1)).until(() -> closer.get() != null
                                && EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING,
                                Thread.State.TERMINATED).contains(closer.get().getState()));
                    }
                    return live.nanoTime();
                }

                @Override
                public long currentTimeMillis() {
                    return live.currentTimeMillis();
                }

                @Override
                public Cancellable schedule(Runnable task, long delayNanos) {
                    return live.schedule(task, delayNanos);
                }

                @Override
                public void execute(Runnable task) {
                    live.execute(task);
                }

                @Override
                public boolean inSchedulerThread() {
                    return live.inSchedulerThread();
                }
            };
        }

        private static boolean calledByTransitionLog() {
            return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    frame -> frame.getClassName().equals("io.haprobe.engine.TransitionLog")));
        }

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public ChannelFuture connect(CheckTarget target, ChannelHandler handler) {
            return delegate.connect(target, handler);
        }

        @Override
        public void close() {
            // the test closes the live transport
        }
    }
}
