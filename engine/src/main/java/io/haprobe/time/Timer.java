package io.haprobe.time;

/**
 * A task that can be armed again and again: a server's next check, a check's deadline, a scripted backend's
 * reply. Arming it is {@link Scheduler#schedule(Runnable, long)} of its task, without a new handle per run; on a
 * {@link VirtualScheduler} or an {@link EventLoopScheduler} it allocates nothing once their timer queues have grown
 * to the number of armed timers. Made by {@link Scheduler#timer(Runnable)}.
 *
 * <p>Threading: arm and cancel it on its scheduler's thread ({@link EventLoopScheduler} hands a call from another
 * thread to its loop).
 */
public interface Timer extends Cancellable {

    /**
     * Runs the timer's task once, {@code delayNanos} from now, as {@link Scheduler#schedule(Runnable, long)}
     * would (in the same order against the scheduler's other tasks). If the timer is already armed, that run is
     * cancelled: a timer runs its task at most once per arming.
     *
     * @param delayNanos the delay in nanoseconds; 0 or negative runs it as soon as possible, after the tasks
     *                   already due
     */
    void schedule(long delayNanos);

    /**
     * Cancels the armed run, if any; the timer may be armed again.
     *
     * @return true if this call prevented a run
     */
    @Override
    boolean cancel();
}
