package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.health.HealthCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

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
}
