package io.haprobe.cli;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.config.ConfigException;
import io.haprobe.config.SourceLocation;
import io.haprobe.engine.ServerSnapshot;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-server summary table that {@code haprobe check} and {@code haprobe simulate} print at the end, and
 * the exit code it implies. Columns: {@code backend/server}, the {@code show stat} status, the last check's
 * status tag, code, info and duration. A server that never completed a check reads {@code not checked}
 * instead of its boot state ({@code UP 1/3 INI}), which would pass for a verdict.
 *
 * <p>Stateless and thread-safe; printing holds the output's lock so it does not interleave with log lines.
 */
final class ServerSummary {

    /** Exit code when every checked server ended UP (or NOLB). */
    static final int EXIT_ALL_UP = 0;
    /** Exit code for usage and configuration errors. */
    static final int EXIT_USAGE = 1;
    /** Exit code when at least one checked server ended DOWN; it wins over {@link #EXIT_NOT_CHECKED}. */
    static final int EXIT_SOME_DOWN = 2;
    /** Exit code when no server ended DOWN but at least one never completed a check: nothing is known of it. */
    static final int EXIT_NOT_CHECKED = 3;

    private ServerSummary() {
    }

    /**
     * Returns {@link #EXIT_SOME_DOWN} if a checked server outside maintenance is DOWN, else
     * {@link #EXIT_NOT_CHECKED} if one never completed a check, else {@link #EXIT_ALL_UP}. A DOWN server wins: it
     * is a finding, where a server not checked is only the absence of one.
     */
    static int exitCode(List<ServerSnapshot> servers) {
        boolean anyDown = servers.stream()
                .anyMatch(s -> s.checked() && !s.maintenance() && s.state() == ServerState.DOWN);
        if (anyDown) {
            return EXIT_SOME_DOWN;
        }
        return servers.stream().anyMatch(ServerSummary::notChecked) ? EXIT_NOT_CHECKED : EXIT_ALL_UP;
    }

    /**
     * Tells whether a server has {@code check}, is not in maintenance (where HAProxy pauses its check) and has
     * not completed one health check: its boot state ({@code UP 1/3}) says nothing about the real server.
     */
    static boolean notChecked(ServerSnapshot server) {
        return server.checked() && !server.maintenance() && server.lastOutcome().isEmpty();
    }

    /**
     * Refuses a run with nothing to check: no server of the chosen sections has {@code check} or
     * {@code agent-check}.
     *
     * @throws ConfigException at {@code file:1:1}, naming the sections
     */
    static void requireServersToCheck(List<ServerSnapshot> servers, String file, List<String> backends) {
        if (servers.stream().anyMatch(s -> s.checked() || s.agentChecked())) {
            return;
        }
        String where = backends.isEmpty() ? "" : " in " + String.join(", ", backends);
        throw new ConfigException(new SourceLocation(file, 1, 1), "no server to check" + where
                + " (expected: a server line with 'check' in a backend or listen section)");
    }

    /**
     * Explains on {@code err} why servers read {@code not checked}: the run ended before HAProxy's spreading of
     * the first checks reached them, or their checks did not complete in time. Prints nothing when every server
     * was checked.
     *
     * @param runMillis      how long the run lasted, milliseconds
     * @param lastFirstCheck when the last first check was planned, after the start
     */
    static void hintNotChecked(List<ServerSnapshot> servers, long runMillis, Duration lastFirstCheck,
                               PrintWriter err) {
        long count = servers.stream().filter(ServerSummary::notChecked).count();
        if (count == 0) {
            return;
        }
        String what = count == 1 ? "1 server not checked: " : count + " servers not checked: ";
        long plannedMillis = lastFirstCheck.toMillis();
        if (runMillis < plannedMillis) {
            err.println("haprobe: " + what + "the run lasted " + runMillis + "ms, " + (plannedMillis - runMillis)
                    + "ms short of the first check of the last server, planned at " + plannedMillis
                    + "ms (HAProxy spreads the first checks over inter); make --duration longer");
        } else {
            err.println("haprobe: " + what + "no check of theirs completed within the run's " + runMillis
                    + "ms (a check lasts up to timeout connect, then timeout check); make --duration longer");
        }
        err.flush();
    }

    /** Prints a blank line, then the table with columns aligned on two spaces. */
    static void print(List<ServerSnapshot> servers, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"backend/server", "status", "check_status", "code", "info", "duration"});
        for (ServerSnapshot server : servers) {
            CheckOutcome last = server.lastOutcome().orElse(null);
            String status = last != null ? last.status().tag()
                    : server.checked() && server.maintenance() ? "INI" : "-";
            String code = last != null && last.status().hasCode() ? Integer.toString(last.code()) : "-";
            String info = last == null || last.info().isEmpty() ? "-" : '"' + last.info() + '"';
            String duration = last == null ? "-" : last.durationMillis() + "ms";
            String statusText = notChecked(server) ? "not checked" : server.statusText();
            rows.add(new String[] {server.id(), statusText, status, code, info, duration});
        }
        Tables.print(rows, out);
    }
}
