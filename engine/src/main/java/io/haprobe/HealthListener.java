package io.haprobe;

/**
 * Receives the {@link HealthEvent}s of a {@link HealthCheckEngine}, in the order they happen.
 *
 * <p>Threading: called on the engine's event loop thread, one event at a time. An implementation must be
 * fast, must not block and must not call back into the engine's lifecycle methods ({@code start},
 * {@code close}); hand heavy work to another thread. An exception it throws is caught and logged; it
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
