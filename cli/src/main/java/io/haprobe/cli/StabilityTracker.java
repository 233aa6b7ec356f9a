package io.haprobe.cli;

import io.haprobe.CheckResult;
import io.haprobe.ServerState;
import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.HealthListener;
import io.haprobe.engine.ServerSnapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --until-stable}: tells when every checked server has had {@code max(rise, fall)} health checks since its
 * last transition (or since the start), all with the same result, so that its state is what HAProxy would settle
 * on: a server whose checks just started failing ({@code UP 1/3}) is not stable until it has gone DOWN and failed
 * {@code max(rise, fall)} more, and a server that fails one check in two never is (the run then lasts
 * {@code --duration}). Fed by the engine's
 * events; also counts UP and DOWN servers for the progress line.
 *
 * <p>Thread-safe: the engine's listener feeds it on one thread, the progress line reads it on another.
 */
final class StabilityTracker implements HealthListener {

    private final Map<String, Server> servers = new HashMap<>();
    private int total;
    private long stableAtNanos = -1;

    private static final class Server {
        final int needed;
        int checksSinceTransition;
        CheckResult lastResult;
        ServerState state;

        Server(int needed, ServerState state) {
            this.needed = needed;
            this.state = state;
        }
    }

    /**
     * Tracks the servers with {@code check} that are not in maintenance (their check is paused); called once,
     * before the checks start.
     *
     * @param snapshots every server at the start
     */
    synchronized void track(List<ServerSnapshot> snapshots) {
        for (ServerSnapshot s : snapshots) {
            if (s.checked() && !s.maintenance()) {
                servers.put(s.id(), new Server(Math.max(s.rise(), s.fall()), s.state()));
            }
        }
        total = servers.size();
    }

    @Override
    public synchronized void onEvent(HealthEvent event) {
        if (event instanceof HealthEvent.CheckCompleted check) {
            Server s = servers.get(check.backend() + '/' + check.server());
            if (s != null) {
                CheckResult result = check.outcome().result();
                if (check.before().isGood() != check.after().isGood()) {
                    // this check makes the transition: the count starts after it
                    s.checksSinceTransition = 0;
                } else {
                    s.checksSinceTransition = result == s.lastResult ? s.checksSinceTransition + 1 : 1;
                }
                s.lastResult = result;
            }
        } else if (event instanceof HealthEvent.StateChanged change) {
            Server s = servers.get(change.backend() + '/' + change.server());
            if (s != null) {
                s.checksSinceTransition = 0;
                s.state = change.to();
            }
        } else if (event instanceof HealthEvent.AdminStateChanged change) {
            Server s = servers.get(change.backend() + '/' + change.server());
            if (s != null) {
                s.checksSinceTransition = 0;
                s.state = change.to();
            }
        }
        if (stableAtNanos < 0 && stableNow()) {
            stableAtNanos = event.timeNanos();
            notifyAll();
        }
    }

    /** Tells whether every tracked server has had its checks since its last transition. */
    synchronized boolean stable() {
        return stableAtNanos >= 0;
    }

    /** Returns the scheduler time of the event that made the run stable, or -1. */
    synchronized long stableAtNanos() {
        return stableAtNanos;
    }

    /** Waits until stable or {@code millis} have passed; returns whether it is stable. */
    synchronized boolean awaitStable(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (stableAtNanos < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        return true;
    }

    /**
     * Returns the progress line without a line terminator: {@code 3/5 servers checked enough, 2 UP, 1 DOWN,
     * 12s left}.
     *
     * @param millisLeft milliseconds left before {@code --duration}
     */
    synchronized String progress(long millisLeft) {
        int settled = 0;
        int up = 0;
        int down = 0;
        for (Server s : servers.values()) {
            if (s.checksSinceTransition >= s.needed) {
                settled++;
            }
            if (s.state == ServerState.DOWN) {
                down++;
            } else {
                up++;
            }
        }
        return settled + "/" + total + " servers checked enough, " + up + " UP, " + down + " DOWN, "
                + Math.max(0, (millisLeft + 999) / 1000) + "s left";
    }

    private boolean stableNow() {
        for (Server s : servers.values()) {
            if (s.checksSinceTransition < s.needed) {
                return false;
            }
        }
        return true;
    }
}
