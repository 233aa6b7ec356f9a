package io.haprobe.engine;

import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.netty.util.internal.ThreadExecutorMap;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands the engine's {@link HealthEvent}s to its {@link HealthListener}s, isolated from the checks: events queue
 * up in emission order and one task on the listener executor delivers all those queued (a batch: one hand-off to
 * the listener thread, not one per check), calling every listener in the order they were added; a listener that
 * throws is logged and skipped, and a slow one delays only later events, never a check. An event emitted on a Netty
 * event loop starts its batch only at the end of the loop's current iteration (a tail task), so that the checks
 * ending in one iteration (one {@code epoll_wait}'s worth) wake the listener thread once, not once each: at 20,000
 * checks a second, the hand-off per check (a futex wake of the listener thread, its wait, two context switches) cost
 * more than the listeners. (Only a {@code SingleThreadIoEventLoop}, the transport's loops: other executors hand each
 * batch over at once.)
 *
 * <p>The executor is the one given to {@link HealthCheckEngine.Builder#listenerExecutor}, which the caller owns,
 * or else a single daemon thread of the dispatcher's own ({@code haprobe-events}), drained by {@link #close()}.
 *
 * <p>Threading: {@link #emit} is called on the engine's event loops, several at once (a lock-free
 * multi-producer queue keeps the order in which the calls happened), and {@link #close()} from any other thread; listeners run on the
 * listener executor, one batch at a time. The listener list is immutable. With {@link #CALLER_THREAD} (a
 * simulation) every call is on the one thread that emits, and events skip the queue.
 */
final class ListenerDispatcher {

    private static final System.Logger LOGGER = System.getLogger(HealthCheckEngine.class.getName());
    private static final long DRAIN_SECONDS = 10;

    /**
     * The executor of an engine whose events are emitted and delivered on one thread, the caller's (a
     * {@link Simulation}): it runs a batch at once, as {@code Runnable::run} would, and the dispatcher given it
     * delivers each event straight from {@link #emit} without the cross-thread queue, in the same order.
     */
    static final Executor CALLER_THREAD = Runnable::run;

    private final List<HealthListener> listeners;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    /**
     * Many producers (the event loops, under a section's monitor), one consumer at a time (the delivery task,
     * serialized by {@link #delivering}); an array-chunked queue, so queueing an event allocates no node.
     */
    private final Queue<HealthEvent> pending = PlatformDependent.newMpscQueue();
    /**
     * True while a delivery task is armed (at the end of a loop's iteration), queued or running: emits in between
     * only queue their event.
     */
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final Runnable deliverPending = this::deliverPending;
    /** The tail task of an event loop that hands the batch to the listener executor. */
    private final Runnable submitPending = this::submit;
    /** Set by {@link #close()}: a batch the executor rejects from then on is left to close's final delivery. */
    private volatile boolean closing;
    /** Whether the executor is {@link #CALLER_THREAD}: then emits and deliveries are all on one thread. */
    private final boolean direct;
    /** With {@link #direct}: events emitted by a listener while an event is delivered, delivered after it. */
    private final ArrayDeque<HealthEvent> reentrant = new ArrayDeque<>();
    /** With {@link #direct}: an event is being delivered. */
    private boolean deliveringDirect;

    /**
     * Creates a dispatcher.
     *
     * @param listeners the listeners, in calling order; never null, may be empty
     * @param executor  where listeners run, owned by the caller; null for a thread of the dispatcher's own
     */
    ListenerDispatcher(List<HealthListener> listeners, Executor executor) {
        this.listeners = List.copyOf(listeners);
        this.ownedExecutor = executor == null ? Executors.newSingleThreadExecutor(ListenerDispatcher::newThread)
                : null;
        this.executor = executor != null ? executor : ownedExecutor;
        this.direct = executor == CALLER_THREAD;
    }

    /**
     * Queues {@code event} for every listener; does nothing without listeners. The event joins the batch that the
     * listener executor is about to deliver, or starts a new one. If the executor rejects the batch (an executor of
     * the caller's, shut down before the engine was closed), its events are dropped by design: a one-line debug
     * message, no exception and no trace.
     *
     * @param event the event; never null
     */
    void emit(HealthEvent event) {
        if (listeners.isEmpty()) {
            return;
        }
        if (direct) {
            emitDirect(event);
            return;
        }
        pending.add(event);
        if (delivering.compareAndSet(false, true)) {
            EventExecutor current = ThreadExecutorMap.currentExecutor();
            // an I/O loop runs its tail tasks at the end of every iteration (not every SingleThreadEventLoop does)
            if (current instanceof SingleThreadIoEventLoop loop) {
                try {
                    // once the loop has handled this iteration's events: the checks ending meanwhile join the batch
                    loop.executeAfterEventLoopIteration(submitPending);
                    return;
                } catch (RejectedExecutionException shuttingDown) {
                    // the loop no longer takes tasks: hand the batch over now
                }
            }
            submit();
        }
    }

    /**
     * Delivers {@code event} at once on the emitting thread, as the queue and {@link #CALLER_THREAD} would: an
     * event a listener emits meanwhile waits until the one being delivered reached every listener.
     */
    private void emitDirect(HealthEvent event) {
        if (deliveringDirect) {
            reentrant.add(event);
            return;
        }
        deliveringDirect = true;
        try {
            deliver(event);
            HealthEvent next;
            while ((next = reentrant.poll()) != null) {
                deliver(next);
            }
        } finally {
            deliveringDirect = false;
        }
    }

    private void submit() {
        try {
            executor.execute(deliverPending);
        } catch (RejectedExecutionException e) {
            if (closing) {
                // close() queued a final delivery of its own, which may be draining the queue right now
                delivering.set(false);
                return;
            }
            int dropped = pending.size();
            pending.clear();
            delivering.set(false);
            LOGGER.log(System.Logger.Level.DEBUG, () -> "listener executor shut down, " + dropped
                    + " event(s) dropped");
        }
    }

    /** Delivers every queued event, in order, until the queue is empty and no other delivery is due. */
    private void deliverPending() {
        while (true) {
            HealthEvent event;
            while ((event = pending.poll()) != null) {
                deliver(event);
            }
            delivering.set(false);
            // an emit between the last poll and the reset queued its event without starting a delivery
            if (pending.isEmpty() || !delivering.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /**
     * Delivers the events queued so far and stops the dispatcher's own thread, waiting at most 10 seconds for the
     * final delivery (slow listeners), then at most 10 more for a batch an event loop handed over after it (a
     * warning is logged when either wait runs out); an executor given by the caller is neither shut down nor waited
     * for. Must not be called on the listener executor.
     *
     * <p>The executor is shut down only once the final delivery has run: a {@code ThreadPoolExecutor} shut down
     * while an event loop's hand-over is still starting the executor's first thread can leave the final delivery
     * queued with no thread to run it (the loop's start fails on the shutdown, and the task queued meanwhile
     * counted on that thread), and close() then waited its 10 seconds and dropped the events.
     */
    void close() {
        if (ownedExecutor == null) {
            return;
        }
        closing = true;
        // a final delivery, after those already queued: a batch an event loop armed for the end of its iteration
        // may not be handed over before the executor shuts down
        Future<?> finalDelivery;
        try {
            finalDelivery = ownedExecutor.submit(deliverPending);
        } catch (RejectedExecutionException alreadyClosed) {
            return;
        }
        try {
            finalDelivery.get(DRAIN_SECONDS, TimeUnit.SECONDS);
            ownedExecutor.shutdown();
            // the thread that ran the final delivery ends once a batch handed over after it is delivered
            if (!ownedExecutor.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                LOGGER.log(System.Logger.Level.WARNING, "listeners still busy 10 s after close()");
            }
        } catch (TimeoutException slow) {
            LOGGER.log(System.Logger.Level.WARNING, "listeners still busy 10 s after close()");
        } catch (ExecutionException unexpected) {
            // deliver() catches what a listener throws: only an error of the dispatcher itself gets here
            LOGGER.log(System.Logger.Level.WARNING, "final delivery of health events failed", unexpected.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ownedExecutor.shutdown();
        }
    }

    private void deliver(HealthEvent event) {
        for (int i = 0; i < listeners.size(); i++) { // no iterator per event
            HealthListener listener = listeners.get(i);
            try {
                listener.onEvent(event);
            } catch (Throwable t) {
                LOGGER.log(System.Logger.Level.WARNING, "health listener " + listener + " failed on " + event, t);
            }
        }
    }

    private static Thread newThread(Runnable task) {
        Thread thread = new Thread(task, "haprobe-events");
        thread.setDaemon(true);
        return thread;
    }
}
