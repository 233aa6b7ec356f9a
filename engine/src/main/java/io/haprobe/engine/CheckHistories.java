package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckResult;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.diagnosis.ServerHistory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the diagnoses need of a run's checks, taken event by event as the checks complete, so that a run need not
 * keep its checks to be diagnosed: per server, the whole run's {@link ServerHistory} (for the diagnosis of a
 * server not UP at the end, {@link Diagnoses#diagnose}) and one per DOWN transition, from the previous time the
 * server left DOWN (or the start) until it leaves DOWN again (for {@link Diagnoses#transitions}). Memory grows
 * with servers and DOWN transitions, never with checks.
 *
 * <p>A {@link Simulation} feeds one as its engine emits events, whatever its timeline keeps; a live run's
 * diagnoses build one from its timeline ({@link #of(Timeline)}). Both give the same histories for the same
 * events.
 *
 * <p>Not thread-safe: fed and read on one thread (the simulation's, or the diagnosing caller's).
 */
final class CheckHistories {

    /** Backend name, then server name. */
    private final Map<String, Map<String, Server>> servers = new HashMap<>();
    /**
     * A server's state by the instance of its name in the events, in front of {@link #servers}: the first server
     * met under each instance (another backend's server of the same name, or an equal name in another instance,
     * goes through {@link #servers}).
     */
    private final Map<String, Server> byNameInstance = new IdentityHashMap<>();
    /** Every DOWN transition so far, in the order they happened. */
    private final List<Episode> downs = new ArrayList<>();

    /**
     * Returns the histories of a timeline's events.
     *
     * @param timeline the run's events, at least every {@link HealthEvent.CheckCompleted} and
     *                 {@link HealthEvent.StateChanged}
     * @return new histories
     */
    static CheckHistories of(Timeline timeline) {
        CheckHistories histories = new CheckHistories();
        for (HealthEvent event : timeline.events()) {
            histories.add(event, timeline.millisOf(event));
        }
        return histories;
    }

    /**
     * Takes the next event of the run; only checks ({@link HealthEvent.CheckCompleted}) and state changes
     * ({@link HealthEvent.StateChanged}) count, the rest is ignored.
     *
     * @param event  the event
     * @param millis its time since the run's start, milliseconds (as {@link Timeline#millisOf})
     */
    void add(HealthEvent event, long millis) {
        if (event instanceof HealthEvent.CheckCompleted check) {
            server(check.backend(), check.server()).check(millis, check.outcome());
        } else if (event instanceof HealthEvent.StateChanged change) {
            server(change.backend(), change.server()).stateChanged(millis, change);
        }
    }

    /**
     * Makes the state of a server the run will check now, ahead of its first event: a live run's recorder makes them
     * all while the engine is built, rather than at their first checks, when thousands of servers would have theirs
     * made within one {@code inter} of a running loop. Changes no history; idempotent.
     *
     * @param backend the backend's name, the instance its events will carry
     * @param server  the server's name, the instance its events will carry
     */
    void expect(String backend, String server) {
        server(backend, server);
    }

    /**
     * Returns the whole run's history of one server so far: every check, and the last time it left UP.
     *
     * @param backend the backend's name
     * @param server  the server's name
     * @return the history; empty (no check, never UP) for a server no event named
     */
    ServerHistory history(String backend, String server) {
        Server state = servers.getOrDefault(backend, Map.of()).get(server);
        if (state == null) {
            return ServerHistory.builder().build();
        }
        state.flush();
        return state.whole.lastUpMillis(state.lastUpMillis).build();
    }

    /**
     * Returns every DOWN transition so far, in the order they happened, with the history around it.
     *
     * @return the transitions; a new list
     */
    List<Down> downs() {
        for (Map<String, Server> section : servers.values()) {
            for (Server server : section.values()) {
                server.flush();
            }
        }
        List<Down> result = new ArrayList<>(downs.size());
        for (Episode episode : downs) {
            result.add(new Down(episode.backend, episode.server, episode.downAtMillis, episode.recoveredAtMillis,
                    episode.history != null ? episode.history : episode.builder.build()));
        }
        return result;
    }

    /**
     * Takes a completed health check of {@code checker}, as {@link #add} takes its event, found through the server
     * itself (its {@link ServerChecker#historySlot()}) rather than by name: the histories of a simulation.
     *
     * @param checker the server the check is about; never null
     * @param outcome what the check reported; never null
     * @param millis  its time since the run's start, milliseconds
     */
    void check(ServerChecker checker, CheckOutcome outcome, long millis) {
        Server state;
        if (checker.historyOwner() == this) {
            if (quietPass(outcome)) {
                // a run of passes is counted on the server itself until something else comes (Server.pull)
                if (checker.historyPasses == 0) {
                    checker.historyPassMillis = millis;
                    checker.historyPassOutcome = outcome;
                }
                checker.historyPasses++;
                return;
            }
            state = (Server) checker.historySlot();
        } else {
            if (checker.historySlot() instanceof Server previous) {
                previous.pull(); // the passes counted for other histories go to them first
                previous.checker = null;
            }
            state = server(checker.section().name(), checker.name());
            checker.historySlot(state);
            checker.historyOwner(this);
            state.checker = checker;
        }
        state.check(millis, outcome);
    }

    /** Whether {@code outcome} is a pass that, after a first one, changes nothing in a builder but its count. */
    private static boolean quietPass(CheckOutcome outcome) {
        CheckResult result = outcome.result();
        return (result == CheckResult.PASSED || result == CheckResult.CONDPASS)
                && outcome.status() != CheckStatus.L4TOUT && outcome.status() != CheckStatus.L4CON;
    }

    private Server server(String backend, String server) {
        // by the name's instance first: a server's events all carry the same strings, and an identity table
        // keeps the key beside its value (the equal-names table below costs a node more per lookup)
        Server cached = byNameInstance.get(server);
        if (cached != null && cached.backend.equals(backend)) {
            return cached;
        }
        Server state = byName(backend, server);
        if (cached == null) {
            byNameInstance.put(server, state);
        }
        return state;
    }

    private Server byName(String backend, String server) {
        // get before put: a lambda capturing the names would be allocated on every check
        Map<String, Server> section = servers.get(backend);
        if (section == null) {
            section = new HashMap<>();
            servers.put(backend, section);
        }
        Server state = section.get(server);
        if (state == null) {
            state = new Server(backend, server);
            section.put(server, state);
        }
        return state;
    }

    /**
     * One DOWN transition and its history.
     *
     * @param backend           the backend's name
     * @param server            the server's name
     * @param downAtMillis      when it went DOWN, since the run's start
     * @param recoveredAtMillis when it left DOWN again, or -1
     * @param history           the checks from the previous time it left DOWN (or the start) until it left DOWN
     *                          again (or now); {@link ServerHistory#lastUpMillis()} is {@code downAtMillis} when
     *                          it was UP before, else -1
     */
    record Down(String backend, String server, long downAtMillis, long recoveredAtMillis, ServerHistory history) {
    }

    /** One server's state. */
    private final class Server {
        private final String backend;
        private final String name;
        /** The whole run's checks. */
        private final ServerHistory.Builder whole = ServerHistory.builder();
        /** Whether a check passed since the last DOWN transition (or the start). */
        private boolean passedSinceDown;
        private long lastUpMillis = -1;
        /**
         * The checks since the server last left DOWN; null until its first DOWN transition, while they are
         * {@link #whole}'s (most servers of a long run never go DOWN: one builder each, not two).
         */
        private Episode episode;
        /**
         * Passed checks not yet given to the builders ({@link #flush}), besides those still counted on the
         * {@link #checker} ({@link #pull}). {@link #pendingMillis} and {@link #pendingOutcome} are the first one's.
         */
        private long pendingPasses;
        private long pendingMillis;
        private CheckOutcome pendingOutcome;
        /** The server whose checks come through {@link #check(ServerChecker, CheckOutcome, long)}; else null. */
        private ServerChecker checker;

        Server(String backend, String name) {
            this.backend = backend;
            this.name = name;
        }

        /** Takes the passes counted on {@link #checker} since the last pull into this server's pending run. */
        void pull() {
            ServerChecker c = checker;
            if (c == null || c.historyPasses == 0) {
                return;
            }
            if (pendingPasses == 0) {
                pendingMillis = c.historyPassMillis;
                pendingOutcome = c.historyPassOutcome;
            }
            pendingPasses += c.historyPasses;
            c.historyPasses = 0;
            c.historyPassOutcome = null;
        }

        void check(long millis, CheckOutcome outcome) {
            pull();
            CheckResult result = outcome.result();
            boolean passed = result == CheckResult.PASSED || result == CheckResult.CONDPASS;
            if (passed && outcome.status() != CheckStatus.L4TOUT && outcome.status() != CheckStatus.L4CON) {
                // a run of passes after the first changes nothing in a builder but its count (no alternation, no
                // failure, the same failing-since): kept here until something else comes
                if (pendingPasses == 0) {
                    pendingMillis = millis;
                    pendingOutcome = outcome;
                }
                pendingPasses++;
                return;
            }
            flush();
            apply(millis, outcome, passed);
        }

        /** Gives the builders the passes kept since the last other check or state change. */
        void flush() {
            pull();
            long passes = pendingPasses;
            if (passes == 0) {
                return;
            }
            pendingPasses = 0;
            CheckOutcome outcome = pendingOutcome;
            pendingOutcome = null;
            apply(pendingMillis, outcome, true);
            // the later passes came at or after the first: in the builders they count, and at most clear the
            // failing-since the first cleared already, whatever their times
            ServerHistory.Builder current = episode == null ? null : episode.builder;
            for (long i = 1; i < passes; i++) {
                whole.check(pendingMillis, outcome);
                if (current != null) {
                    current.check(pendingMillis, outcome);
                }
            }
        }

        private void apply(long millis, CheckOutcome outcome, boolean passed) {
            whole.check(millis, outcome);
            passedSinceDown |= passed;
            if (episode != null) {
                episode.builder.check(millis, outcome);
                if (episode.downAtMillis < 0) {
                    episode.passed |= passed;
                }
            }
        }

        void stateChanged(long millis, HealthEvent.StateChanged change) {
            flush();
            if (episode == null) {
                if (change.to() != ServerState.DOWN) {
                    return; // before the first DOWN transition only that one opens an episode
                }
                // the first episode began at the start: its checks so far are the whole run's
                episode = new Episode(backend, name, false, whole.copy());
                episode.passed = passedSinceDown;
            }
            if (change.to() == ServerState.DOWN) {
                if (passedSinceDown) {
                    lastUpMillis = millis;
                }
                passedSinceDown = false;
            }
            if (change.to() == ServerState.DOWN && episode.downAtMillis < 0) {
                episode.downAtMillis = millis;
                episode.builder.downAt(millis).lastUpMillis(episode.cameUp || episode.passed ? millis : -1);
                downs.add(episode);
            } else if (change.from() == ServerState.DOWN && change.to() != ServerState.DOWN
                    && episode.downAtMillis >= 0) {
                episode.recoveredAtMillis = millis;
                episode.history = episode.builder.build();
                episode.builder = null;
                episode = new Episode(backend, name, true, ServerHistory.builder());
            }
        }
    }

    /** One server's checks from the time it left DOWN (or the start) until it leaves DOWN again. */
    private static final class Episode {
        private final String backend;
        private final String server;
        /** Whether the episode began with the server leaving DOWN (it was UP at the episode's start). */
        private final boolean cameUp;
        private ServerHistory.Builder builder;
        /** The history once the server left DOWN again; null until then. */
        private ServerHistory history;
        /** Whether a check passed before the DOWN transition. */
        private boolean passed;
        private long downAtMillis = -1;
        private long recoveredAtMillis = -1;

        Episode(String backend, String server, boolean cameUp, ServerHistory.Builder builder) {
            this.backend = backend;
            this.server = server;
            this.cameUp = cameUp;
            this.builder = builder;
        }
    }
}
