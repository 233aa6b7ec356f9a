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
