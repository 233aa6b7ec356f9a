package io.haprobe.engine;

/**
 * Receives the {@link HealthEvent}s of a {@link HealthCheckEngine}, in the order they happen.
 *
 * <p>Threading: called on the engine's listener executor (by default a thread of the engine's,
 * {@code haprobe-events}), one event at a time, in order; see
 * {@link HealthCheckEngine.Builder#listenerExecutor}. A slow listener delays later events, never the checks.
 * It must not call {@link HealthCheckEngine#close()}. An exception it throws is caught and logged; it
 * neither stops the checks nor keeps the event from the other listeners.
 *
 * <p>Around {@link HealthCheckEngine#close()}: every event produced before the engine's event loop takes the
 * stop, a check finishing during {@code close()} included, reaches the listener before {@code close()} returns
 * (on the engine's own listener thread); a check result that reaches the loop after the stop produces no
 * event. An event is never rejected with an exception; with an executor of the caller's that is shut down
 * first, the events it refuses are dropped.
 *
 * <pre>{@code
 * HealthListener printer = event -> {
 *     if (event.logMessage() != null) {
 *         System.out.println(event.logMessage());
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface HealthListener {

    /**
     * Handles one event.
     *
     * @param event the event; never null
     */
    void onEvent(HealthEvent event);
}
