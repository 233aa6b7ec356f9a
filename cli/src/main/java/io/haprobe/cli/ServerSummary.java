package io.haprobe.cli;

import io.haprobe.CheckOutcome;
import io.haprobe.ServerState;
import io.haprobe.engine.ServerSnapshot;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-server summary table that {@code haprobe check} and {@code haprobe simulate} print at the end, and
 * the exit code it implies. Columns: {@code backend/server}, the {@code show stat} status, the last check's
 * status tag, code, info and duration.
 *
 * <p>Stateless and thread-safe; printing holds the output's lock so it does not interleave with log lines.
 */
final class ServerSummary {

    /** Exit code when every checked server ended UP (or NOLB). */
    static final int EXIT_ALL_UP = 0;
    /** Exit code for usage and configuration errors. */
    static final int EXIT_USAGE = 1;
    /** Exit code when at least one checked server ended DOWN. */
    static final int EXIT_SOME_DOWN = 2;

    private ServerSummary() {
    }

    /** Returns {@link #EXIT_SOME_DOWN} if a checked server outside maintenance is DOWN, else {@link #EXIT_ALL_UP}. */
    static int exitCode(List<ServerSnapshot> servers) {
        boolean anyDown = servers.stream()
                .anyMatch(s -> s.checked() && !s.maintenance() && s.state() == ServerState.DOWN);
        return anyDown ? EXIT_SOME_DOWN : EXIT_ALL_UP;
    }

    /** Prints a blank line, then the table with columns aligned on two spaces. */
    static void print(List<ServerSnapshot> servers, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"backend/server", "status", "check_status", "code", "info", "duration"});
        for (ServerSnapshot server : servers) {
            CheckOutcome last = server.lastOutcome().orElse(null);
            String status = !server.checked() ? "-" : last == null ? "INI" : last.status().tag();
            String code = last != null && last.status().hasCode() ? Integer.toString(last.code()) : "-";
            String info = last == null || last.info().isEmpty() ? "-" : '"' + last.info() + '"';
            String duration = last == null ? "-" : last.durationMillis() + "ms";
            rows.add(new String[] {server.id(), server.statusText(), status, code, info, duration});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        synchronized (out) {
            out.println();
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(row[i]);
                    if (i < row.length - 1) {
                        line.append(" ".repeat(widths[i] - row[i].length() + 2));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
            out.flush();
        }
    }
}
