package io.haprobe.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The traffic table {@code haprobe simulate} prints under the server summary when the scenario has
 * {@code traffic:}: per server and per backend that received requests, {@code show stat}'s own counters
 * ({@code stot}, {@code smax}, {@code qmax}, {@code hrsp_2xx}, {@code hrsp_5xx}, {@code econ}, {@code wredis}) and
 * the 503s the clients got (HAProxy's own: no server, queue timeout or overflow, connect retries exhausted), counted
 * on the server that was assigned, else on the backend.
 */
final class TrafficSummary {

    private static final List<String> COUNTERS = List.of("stot", "smax", "qmax", "hrsp_2xx", "hrsp_5xx", "econ",
            "wredis");

    private TrafficSummary() {
    }

    /**
     * Prints the table, or nothing when no request ended.
     *
     * @param showStat    the final {@code show stat} CSV
     * @param ended       how many requests ended ({@link io.haprobe.engine.Simulation#requestsEnded()})
     * @param served503   the 503s the clients got by {@code backend/server} and {@code backend/BACKEND}
     *                    ({@link io.haprobe.engine.Simulation#replies503()})
     * @param out         where to print
     */
    static void print(String showStat, long ended, Map<String, Long> served503, PrintWriter out) {
        if (ended == 0) {
            return;
        }
        String[] lines = showStat.split("\n");
        List<String> header = List.of(lines[0].substring(2).split(",", -1));
        List<String[]> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>(List.of("backend/server"));
        columns.addAll(COUNTERS);
        columns.add("503s");
        rows.add(columns.toArray(String[]::new));
        List<String[]> section = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length < header.size()) {
                continue;
            }
            String type = f[header.indexOf("type")];
            if (type.equals("0")) {
                continue;
            }
            String[] row = new String[columns.size()];
            row[0] = f[0] + '/' + f[1];
            for (int c = 0; c < COUNTERS.size(); c++) {
                String value = f[header.indexOf(COUNTERS.get(c))];
                row[c + 1] = value.isEmpty() ? "-" : value;
            }
            row[row.length - 1] = Long.toString(served503.getOrDefault(row[0], 0L));
            section.add(row);
            if (type.equals("1")) {
                // a backend's row closes its section: keep the section only if the backend got traffic
                if (!f[header.indexOf("stot")].equals("0")) {
                    rows.addAll(section);
                }
                section.clear();
            }
        }
        Tables.print(rows, out);
    }
}
