package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.health.HealthCounter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Listeners are isolated from the checks and from each other, and run on the executor they were given. */
class ListenerDispatcherTest {

    private static final HealthEvent EVENT = new HealthEvent.CheckCompleted(0, "be", "s1",
            CheckOutcome.of(CheckStatus.L4OK, 0, "", 0), HealthCounter.initial(2, 3),
            HealthCounter.initial(2, 3).afterSuccess(), null);

    @Test
    void callsEveryListenerInOrderEvenAfterOneThrows() {
        List<String> calls = new ArrayList<>();
        ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(
                event -> calls.add("first"),
                event -> {
                    throw new IllegalStateException("listener bug");
                },
                event -> calls.add("third")), Runnable::run);

        dispatcher.emit(EVENT);
        dispatcher.emit(EVENT);

        assertThat(calls).containsExactly("first", "third", "first", "third");
    }

    @Test
    void withoutListenersTheExecutorIsNotUsed() {
        List<Runnable> tasks = new ArrayList<>();
        ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(), tasks::add);

        dispatcher.emit(EVENT);

        assertThat(tasks).isEmpty();
    }

    @Test
    void anEventTheExecutorRejectsIsDroppedWithoutThrowing() {
        List<HealthEvent> delivered = new ArrayList<>();
        ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(delivered::add), task -> {
            throw new RejectedExecutionException("shut down");
        });

        dispatcher.emit(EVENT);

        assertThat(delivered).isEmpty();
    }

    @Test
    void closeLeavesTheCallersExecutorRunning() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            new ListenerDispatcher(List.of(event -> { }), executor).close();

            assertThat(executor.isShutdown()).isFalse();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void closeDeliversTheEventsQueuedOnItsOwnThread() {
        List<String> threads = new CopyOnWriteArrayList<>();
        ListenerDispatcher dispatcher = new ListenerDispatcher(
                List.of(event -> threads.add(Thread.currentThread().getName())), null);
        dispatcher.emit(EVENT);
        dispatcher.emit(EVENT);

        dispatcher.close();

        assertThat(threads).containsExactly("haprobe-events", "haprobe-events");
    }

    @Test
    void theEventsOfOneLoopIterationReachTheExecutorAsOneBatchAfterIt() throws Exception {
        List<Runnable> tasks = new CopyOnWriteArrayList<>();
        List<HealthEvent> delivered = new ArrayList<>();
        HealthEvent second = new HealthEvent.CheckCompleted(1, "be", "s2", CheckOutcome.of(CheckStatus.L4OK, 0, "", 0),
                HealthCounter.initial(2, 3), HealthCounter.initial(2, 3).afterSuccess(), null);
        ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(delivered::add), tasks::add);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = group.next();
        try {
            List<Integer> duringTheTask = loop.submit(() -> {
                dispatcher.emit(EVENT);
                int afterFirst = tasks.size();
                dispatcher.emit(second);
                dispatcher.emit(EVENT);
                return List.of(afterFirst, tasks.size());
            }).get();

            // nothing handed over while the loop's iteration runs, one batch once it ends
            assertThat(duringTheTask).containsExactly(0, 0);
            await().atMost(Duration.ofSeconds(5)).until(() -> tasks.size() == 1);
            tasks.get(0).run();
            assertThat(delivered).containsExactly(EVENT, second, EVENT);
            assertThat(tasks).hasSize(1);
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anExecutorThatIsNoIoLoopHandsEachBatchOverAtOnce() throws Exception {
        List<Runnable> tasks = new CopyOnWriteArrayList<>();
        ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(event -> { }), tasks::add);
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            int duringTheTask = loop.submit(() -> {
                dispatcher.emit(EVENT);
                return tasks.size();
            }).get();

            assertThat(duringTheTask).isEqualTo(1);
        } finally {
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void closeDeliversABatchALoopHasNotHandedOverYet() throws Exception {
        List<HealthEvent> delivered = new CopyOnWriteArrayList<>();
        ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(delivered::add), null);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = group.next();
        CountDownLatch emitted = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        try {
            loop.execute(() -> {
                dispatcher.emit(EVENT);
                emitted.countDown();
                // the loop's iteration goes on past close(): its batch is armed, not handed over
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            emitted.await();

            dispatcher.close();
            closed.countDown();

            assertThat(delivered).containsExactly(EVENT);
        } finally {
            closed.countDown();
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void closeRacingALoopsHandOverDeliversTheEventsAtOnce() throws Exception {
        // a ThreadPoolExecutor shut down while the loop's hand-over starts its first thread could strand close()'s
        // final delivery with no thread to run it: close() then waited 10 s and the events were lost
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = group.next();
        try {
            for (int round = 0; round < 200; round++) {
                List<HealthEvent> delivered = new CopyOnWriteArrayList<>();
                ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(delivered::add), null);
                CountDownLatch emitted = new CountDownLatch(1);
                // the batch is handed over at the end of the loop's iteration, while close() runs here
                loop.execute(() -> {
                    dispatcher.emit(EVENT);
                    emitted.countDown();
                });
                emitted.await();
                long begin = System.nanoTime();
                dispatcher.close();
                long tookMillis = (System.nanoTime() - begin) / 1_000_000;

                assertThat(delivered).as("round %d", round).containsExactly(EVENT);
                assertThat(tookMillis).as("close() in round %d, ms", round).isLessThan(5_000);
            }
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
