package io.haprobe.cli;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.health.HealthStep;
import io.haprobe.health.IntervalPolicy;
import io.haprobe.health.ServerHealth;
import io.haprobe.health.Transition;
import io.haprobe.report.HaproxyLogFormat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code haprobe replay}: plays a {@link Trace}'s recorded health check outcomes on virtual time through the pure
 * state machine ({@link ServerHealth}, {@link IntervalPolicy}) with other settings, and returns the lines HAProxy
 * would have logged. Each replayed check takes the recorded check that began nearest to it: when that one was not taken yet
 * and began within 40% of the interval that scheduled the replayed check (at least 5 ms: a live check starts a
 * little late), the replay follows the recording (its end time included); otherwise the outcome is "taken from the
 * nearest" and counted. Recorded checks the new settings skip are counted as unused. Agent checks
 * are not replayed. Pure; deterministic.
 */
final class Replay {

    /**
     * What a replay produced.
     *
     * @param lines       every line HAProxy would have logged, as {@code t=<ms>ms <message>}
     * @param transitions every state change
     * @param checks      replayed health checks
     * @param nearest     how many of them took the nearest recorded outcome (the new settings scheduled them
     *                    between recorded checks, or beyond the recording's last check of that server)
     * @param unused      recorded health checks no replayed check took
     * @param agentChecks recorded agent checks, not replayed
     * @param endStates   each server's state at the end, by {@code backend/server}
     */
    record Result(List<String> lines, List<Timeline> transitions, int checks, int nearest, int unused,
                  int agentChecks, Map<String, ServerState> endStates) {
    }

    /**
     * One state change of a replay.
     *
     * @param timeMs when, milliseconds since the start
     * @param server {@code backend/server}
     * @param from   the state before
     * @param to     the state after
     * @param line   HAProxy's line
     */
    record Timeline(long timeMs, String server, ServerState from, ServerState to, String line) {
    }

    /**
     * The settings a replay overrides ({@code --set}); null keeps each server's recorded value.
     *
     * @param rise        {@code rise}
     * @param fall        {@code fall}
     * @param interMs     {@code inter}, ms
     * @param fastInterMs {@code fastinter}, ms
     * @param downInterMs {@code downinter}, ms
     */
    record Overrides(Integer rise, Integer fall, Long interMs, Long fastInterMs, Long downInterMs) {

        static final Overrides NONE = new Overrides(null, null, null, null, null);
    }

    private static final class Server {
        final Trace.ServerSettings settings;
        final HaproxyLogFormat.ServerName name;
        final IntervalPolicy policy;
        final List<Trace.Check> recorded;
        final boolean[] used;
        ServerHealth health;
        int next;

        Server(Trace.ServerSettings s, Overrides o, List<Trace.Check> recorded) {
            this.settings = s;
            this.name = new HaproxyLogFormat.ServerName(s.backend(), s.server(), s.backup());
            int rise = o.rise() != null ? o.rise() : s.rise();
            int fall = o.fall() != null ? o.fall() : s.fall();
            this.policy = new IntervalPolicy(nanos(o.interMs() != null ? o.interMs() : s.interMs()),
                    nanos(o.fastInterMs() != null ? o.fastInterMs() : s.fastInterMs()),
                    nanos(o.downInterMs() != null ? o.downInterMs() : s.downInterMs()));
            this.recorded = recorded;
            this.used = new boolean[recorded.size()];
            this.health = s.checked() ? ServerHealth.boot(rise, fall, false, s.weight(), false, true)
                    : ServerHealth.boot(rise, fall, false, s.weight(), false, false);
        }
    }

    private record Due(long startMs, long toleranceMs, long seq, Server server) {
    }

    private Replay() {
    }

    /**
     * Replays {@code trace} with {@code overrides}.
     *
     * @return the lines, transitions and counts
     */
    static Result run(Trace trace, Overrides overrides) {
        long endMs = trace.checks().stream().mapToLong(Trace.Check::timeMs).max().orElse(0);
        Map<String, Server> servers = new LinkedHashMap<>();
        for (Trace.ServerSettings s : trace.servers()) {
            List<Trace.Check> recorded = trace.checks().stream()
                    .filter(c -> !c.agent() && c.id().equals(s.id()))
                    .sorted(Comparator.comparingLong(Trace.Check::startMs))
                    .toList();
            servers.put(s.id(), new Server(s, overrides, recorded));
        }
        int agentChecks = (int) trace.checks().stream().filter(Trace.Check::agent).count();
        PriorityQueue<Due> queue = new PriorityQueue<>(
                Comparator.comparingLong(Due::startMs).thenComparingLong(Due::seq));
        long seq = 0;
        for (Server s : servers.values()) {
            if (s.settings.checked() && !s.recorded.isEmpty()) {
                queue.add(new Due(s.recorded.get(0).startMs(), Long.MAX_VALUE, seq++, s));
            }
        }
        List<String> lines = new ArrayList<>();
        List<Timeline> transitions = new ArrayList<>();
        int checks = 0;
        int nearest = 0;
        while (!queue.isEmpty()) {
            Due due = queue.poll();
            if (due.startMs() > endMs) {
                break;
            }
            Server s = due.server();
            int index = nearestIndex(s.recorded, due.startMs());
            Trace.Check pick = s.recorded.get(index);
            boolean follows = index >= s.next && Math.abs(pick.startMs() - due.startMs()) <= due.toleranceMs();
            long atMs;
            if (follows) {
                atMs = pick.timeMs();
            } else {
                nearest++;
                atMs = due.startMs() + pick.outcome().durationMillis();
            }
            s.used[index] = true;
            s.next = Math.max(s.next, index + 1);
            checks++;
            apply(s, pick.outcome(), atMs, servers, lines, transitions);
            long interval = TimeUnit.NANOSECONDS.toMillis(
                    s.policy.intervalNanos(s.health.counter(), s.health.state()));
            queue.add(new Due(atMs + interval, Math.max(5, interval * 2 / 5), seq++, s));
        }
        int unused = 0;
        for (Server s : servers.values()) {
            for (boolean u : s.used) {
                if (!u) {
                    unused++;
                }
            }
        }
        Map<String, ServerState> endStates = new LinkedHashMap<>();
        servers.forEach((id, s) -> endStates.put(id, s.health.state()));
        return new Result(lines, transitions, checks, nearest, unused, agentChecks, endStates);
    }

    private static void apply(Server s, CheckOutcome outcome, long atMs, Map<String, Server> servers,
                              List<String> lines, List<Timeline> transitions) {
        HealthStep step = s.health.apply(outcome);
        boolean logChecks = s.settings.logHealthChecks();
        for (Transition t : step.transitions()) {
            boolean hadUsable = usable(servers, s.settings.backend(), true) + usable(servers, s.settings.backend(),
                    false) > 0;
            s.health = t.after();
            int active = usable(servers, s.settings.backend(), false);
            int backup = usable(servers, s.settings.backend(), true);
            switch (t.kind()) {
                case CHECK -> {
                    if (logChecks && step.reported()) {
                        lines.add(line(atMs, HaproxyLogFormat.healthCheck(s.name, outcome, t.after().counter(),
                                t.after().weight())));
                    }
                }
                case STATE -> {
                    String line = HaproxyLogFormat.transition(s.name, t.after().state(), logChecks ? null : outcome,
                            HaproxyLogFormat.Counts.of(active, backup));
                    lines.add(line(atMs, line));
                    transitions.add(new Timeline(atMs, s.settings.id(), t.before().state(), t.after().state(),
                            line));
                }
                default -> {
                    // a health check alone moves only the counter and the state
                }
            }
            if (hadUsable && active + backup == 0) {
                lines.add(line(atMs, HaproxyLogFormat.noServerAvailable(s.settings.kindWord(),
                        s.settings.backend())));
            }
        }
        s.health = step.after();
    }

    private static int usable(Map<String, Server> servers, String backend, boolean backup) {
        int n = 0;
        for (Server s : servers.values()) {
            if (s.settings.backend().equals(backend) && s.settings.backup() == backup && s.health.usable()) {
                n++;
            }
        }
        return n;
    }

    private static int nearestIndex(List<Trace.Check> recorded, long startMs) {
        int best = 0;
        for (int i = 1; i < recorded.size(); i++) {
            if (Math.abs(recorded.get(i).startMs() - startMs) < Math.abs(recorded.get(best).startMs() - startMs)) {
                best = i;
            }
        }
        return best;
    }

    private static String line(long atMs, String message) {
        return "t=" + atMs + "ms " + message;
    }

    private static long nanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

}
