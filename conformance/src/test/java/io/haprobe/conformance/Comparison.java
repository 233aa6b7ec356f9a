package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyConfig;
import io.haprobe.config.ServerConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Compares what a haprobe side concluded with what HAProxy concluded, after both aligned t=0 on their first
 * check:
 * <ul>
 *   <li>per server (or backend), the ordered log lines: equal text with {@code check duration} masked, each line's
 *       time and duration within the tolerance;</li>
 *   <li>per check series (a server's health check, its agent), the first check's start and each interval from a
 *       check's end to the next one's start within the tolerance (intervals, so that differences in check
 *       durations do not add up over a run);</li>
 *   <li>the final {@code show stat} columns of {@link Observation#COLUMNS}, equal;</li>
 *   <li>the runtime API commands, in order: each reply equal, and right after each the {@code show stat} columns
 *       of {@link Observation#COMMAND_COLUMNS} and the {@code show servers state} columns of
 *       {@link Observation#STATE_COLUMNS} equal. A command and its reply's lines are also log lines of the server it
 *       names, so their order against the lines they cause and their times are compared as above.</li>
 * </ul>
 * The tolerance of a server is 10 ms + 1% of its {@code inter} (of {@code agent-inter} for its agent); a backend's
 * is the largest of its servers'. Two real-time effects are taken out before comparing:
 * <ul>
 *   <li>HAProxy's start-up lag: its first check (boot spread offset 0) runs when its event loop first turns, a few
 *       ms after the boot instant from which the other checks' offsets count. When a series other than the first
 *       starts earlier relative to the other side than the first one does, by at most {@value #MAX_START_LAG_MILLIS}
 *       ms, the expected side's time axis is shifted by that lag;</li>
 *   <li>timer lag: a real check's next start comes up to 1 ms (HAProxy's millisecond ticks) plus 0.1% of the
 *       interval (the kernel's timer slack for epoll) after the ideal one, and this adds up from check to check,
 *       which a simulation on ideal time does not do; nor do a real run's check durations (a TLS handshake takes
 *       milliseconds, a simulated one none). A log line's time is therefore allowed the larger of
 *       {@code k × (1 ms + 0.1% of inter)}, k being how many checks of its server started before it, and the
 *       measured distance between the two sides' starts of the check before it. Each gap between check starts is
 *       compared on its own, with no such allowance, so a wrong interval still shows.</li>
 *   <li>measured stalls: a check start, and a log line a timer led to (a timeout), may be as late as the timer
 *       that led to it fired late, measured on its own side ({@link Observation#checkLates()},
 *       {@link Observation.LogLine#lateMillis()}: HAProxy's poller waits in its trace, haprobe live's scheduler
 *       tasks); a check duration as well, by the line's. Virtual time measures none.</li>
 * </ul>
 * What was concluded (text, order, how many checks, {@code show stat}) is told apart from when
 * ({@link Outcome}): only the latter may be decided by a second attempt (see {@link ScenarioRun#retry}).
 */
final class Comparison {

    private static final int MAX_PER_SUBJECT = 4;
    private static final double MAX_START_LAG_MILLIS = 50;
    private static final String AGENT = " agent";

    private final Map<String, Double> tolerances = new HashMap<>();
    private final Map<String, Double> lagPerCheck = new HashMap<>();
    private final double defaultTolerance;

    /** The tolerances of {@code config}'s servers and backends. */
    Comparison(HaproxyConfig config) {
        double widest = 10;
        for (ProxyConfig proxy : config.proxies()) {
            double backend = 10;
            for (ServerConfig server : proxy.servers()) {
                String id = proxy.name() + '/' + server.name();
                double health = tolerance(server.timing().interNanos());
                tolerances.put(id, health);
                tolerances.put(id + AGENT, tolerance(server.agent().interNanos()));
                lagPerCheck.put(id, 1 + 0.001 * server.timing().interNanos() / TimeUnit.MILLISECONDS.toNanos(1));
                backend = Math.max(backend, health);
            }
            tolerances.put(proxy.name(), backend);
            widest = Math.max(widest, backend);
        }
        defaultTolerance = widest;
    }

    /** The tolerance of a server, agent series or backend, ms. */
    double tolerance(String subject) {
        return tolerances.getOrDefault(subject, defaultTolerance);
    }

    /**
     * Every difference of {@code actual} from {@code expected}, each as one readable line: {@link #compare}'s
     * conclusions, then its timings.
     *
     * @param series the check series whose starts both sides observed unambiguously
     */
    List<String> differences(Observation expected, Observation actual, Set<String> series) {
        return compare(expected, actual, series).all();
    }

    /**
     * Compares {@code actual} with {@code expected}: what they concluded (log lines' text and order, which checks
     * ran, the final {@code show stat}) and when (each line's time and check duration, each check's start and
     * interval), and how close the closest timing came to its tolerance.
     *
     * @param series the check series whose starts both sides observed unambiguously
     */
    Outcome compare(Observation expected, Observation actual, Set<String> series) {
        Outcome.Builder out = new Outcome.Builder();
        if (expected.stats().isEmpty() || expected.checkStarts().isEmpty() && expected.lines().isEmpty()) {
            // a run that saw nothing must not pass for one that agreed
            out.conclusion(expected.side() + " observed nothing (show stat rows: " + expected.stats().size()
                    + ", checks: " + expected.checkStarts().size() + ", log lines: " + expected.lines().size() + ")");
        }
        Set<String> subjects = new TreeSet<>(expected.lines().keySet());
        subjects.addAll(actual.lines().keySet());
        double shift = startLag(expected, actual, series);
        for (String subject : subjects) {
            logDifferences(subject, expected, actual, shift, out);
        }
        for (String key : series) {
            startDifferences(key, expected, actual, shift, out);
        }
        expected.stats().forEach((server, columns) -> {
            Map<String, String> other = actual.stats().get(server);
            if (other == null) {
                out.conclusion(server + " show stat: no row on " + actual.side());
                return;
            }
            columns.forEach((column, value) -> {
                if (value != null && !value.equals(other.get(column))) {
                    out.conclusion(server + " show stat " + column + ": " + expected.side() + " '" + value + "', "
                            + actual.side() + " '" + other.get(column) + "'");
                }
            });
        });
        commandDifferences(expected, actual, out);
        return out.build();
    }

    /**
     * The runtime API commands: the same commands in the same order, each with the same reply, and right after
     * each the same {@code show stat} and {@code show servers state} columns (their times are compared with the
     * log lines).
     */
    private static void commandDifferences(Observation expected, Observation actual, Outcome.Builder out) {
        List<Observation.Command> want = expected.commands();
        List<Observation.Command> got = actual.commands();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String where = "command " + (i + 1) + ": ";
            if (i >= got.size()) {
                out.conclusion(where + actual.side() + " did not run '" + want.get(i).command() + "'");
                continue;
            }
            if (i >= want.size()) {
                out.conclusion(where + expected.side() + " did not run '" + got.get(i).command() + "'");
                continue;
            }
            Observation.Command w = want.get(i);
            Observation.Command g = got.get(i);
            where += "'" + w.command() + "' ";
            if (!w.command().equals(g.command())) {
                out.conclusion(where + "on " + expected.side() + ", '" + g.command() + "' on " + actual.side());
                continue;
            }
            Map<String, Map<String, String>> shown = Observation.showColumns(w.command(), w.reply());
            if (shown != null) {
                Map<String, Map<String, String>> other;
                try {
                    other = Observation.showColumns(g.command(), g.reply());
                } catch (IllegalArgumentException e) {
                    out.conclusion(where + "replied " + quote(g.reply()) + " on " + actual.side());
                    continue;
                }
                columnDifferences(where + "replied", shown, other, expected, actual, out);
            } else if (!w.reply().equals(g.reply())) {
                out.conclusion(where + "replied " + quote(w.reply()) + " on " + expected.side() + ", "
                        + quote(g.reply()) + " on " + actual.side());
            }
            columnDifferences(where + "then show stat", w.stat(), g.stat(), expected, actual, out);
            columnDifferences(where + "then show servers state", w.serversState(), g.serversState(), expected,
                    actual, out);
        }
    }

    private static void columnDifferences(String where, Map<String, Map<String, String>> want,
                                          Map<String, Map<String, String>> got, Observation expected,
                                          Observation actual, Outcome.Builder out) {
        want.forEach((server, columns) -> {
            Map<String, String> other = got.get(server);
            if (other == null) {
                out.conclusion(where + " " + server + ": no row on " + actual.side());
                return;
            }
            columns.forEach((column, value) -> {
                if (value != null && !value.equals(other.get(column))) {
                    out.conclusion(where + " " + server + " " + column + ": " + expected.side() + " '" + value
                            + "', " + actual.side() + " '" + other.get(column) + "'");
                }
            });
        });
    }

    private static String quote(String reply) {
        return '"' + reply.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r") + '"';
    }

    /** How much later than its boot instant {@code expected}'s first check ran, ms (0 if it did not show). */
    private static double startLag(Observation expected, Observation actual, Set<String> series) {
        double lag = 0;
        for (String key : series) {
            List<Double> want = expected.checkStarts().get(key);
            List<Double> got = actual.checkStarts().get(key);
            if (want != null && got != null && !want.isEmpty() && !got.isEmpty()) {
                lag = Math.max(lag, got.get(0) - want.get(0));
            }
        }
        return lag <= MAX_START_LAG_MILLIS ? lag : 0;
    }

    /** The timer lag allowed for a line about {@code subject} at {@code atMillis} (see the class comment). */
    private double timerLag(String subject, double atMillis, Observation expected, Observation actual) {
        double lag = timerLag(subject, atMillis, expected.checkStarts());
        // a series HAProxy's trace cannot tell apart (several connections per check) is counted on the other side
        return lag > 0 ? lag : timerLag(subject, atMillis, actual.checkStarts());
    }

    private double timerLag(String subject, double atMillis, Map<String, List<Double>> checkStarts) {
        double lag = 0;
        for (Map.Entry<String, List<Double>> series : checkStarts.entrySet()) {
            if (!isAbout(series.getKey(), subject)) {
                continue;
            }
            String server = series.getKey().endsWith(AGENT)
                    ? series.getKey().substring(0, series.getKey().length() - AGENT.length()) : series.getKey();
            long started = series.getValue().stream().filter(start -> start < atMillis).count();
            lag = Math.max(lag, started * lagPerCheck.getOrDefault(server, 3.0));
        }
        return lag;
    }

    /**
     * How far apart the two sides' starts of the check before a line about {@code subject} at {@code atMillis}
     * are, ms: what the check durations of a real run (a TLS handshake takes milliseconds, a simulated one none)
     * added up to by then, each gap having been compared on its own.
     */
    private static double drift(String subject, double atMillis, Observation expected, Observation actual,
                                double shift) {
        double drift = 0;
        for (Map.Entry<String, List<Double>> series : expected.checkStarts().entrySet()) {
            String key = series.getKey();
            if (!isAbout(key, subject)) {
                continue;
            }
            List<Double> got = actual.checkStarts().getOrDefault(key, List.of());
            int k = (int) series.getValue().stream().filter(start -> start < atMillis).count();
            if (k > 0 && got.size() >= k) {
                drift = Math.max(drift, Math.abs(series.getValue().get(k - 1) + shift - got.get(k - 1)));
            }
        }
        return drift;
    }

    /**
     * How late the expected side's checks of {@code subject} run behind the actual side's because their first one
     * was due before the expected side's start-up lag {@code shift} ended, ms.
     */
    private static double late(String subject, Observation actual, double shift) {
        double late = 0;
        for (Map.Entry<String, List<Double>> series : actual.checkStarts().entrySet()) {
            if (isAbout(series.getKey(), subject) && !series.getValue().isEmpty()) {
                late = Math.max(late, shift - series.getValue().get(0));
            }
        }
        return late;
    }

    /**
     * Whether a check series ({@code be/srv} or {@code be/srv agent}) belongs to a log subject: that server, or
     * the backend ({@code be}) of a {@code no server available} line.
     */
    private static boolean isAbout(String series, String subject) {
        return series.equals(subject) || series.startsWith(subject + '/') || series.equals(subject + AGENT);
    }

    private void logDifferences(String subject, Observation expected, Observation actual, double shift,
                                Outcome.Builder out) {
        List<Observation.LogLine> want = expected.lines().getOrDefault(subject, List.of());
        List<Observation.LogLine> got = actual.lines().getOrDefault(subject, List.of());
        int reported = 0;
        for (int i = 0; i < Math.max(want.size(), got.size()) && reported < MAX_PER_SUBJECT; i++) {
            String where = subject + " log line " + (i + 1) + ": ";
            if (i >= got.size()) {
                out.conclusion(where + actual.side() + " did not log " + describe(expected.side(), want.get(i)));
                reported++;
                continue;
            }
            if (i >= want.size()) {
                out.conclusion(where + expected.side() + " did not log " + describe(actual.side(), got.get(i)));
                reported++;
                continue;
            }
            Observation.LogLine w = want.get(i);
            Observation.LogLine g = got.get(i);
            if (!w.text().equals(g.text())) {
                out.conclusion(where + describe(expected.side(), w) + " but " + describe(actual.side(), g));
                reported++;
                continue;
            }
            double tolerance = tolerance(subject);
            // a line a timer led to (a timeout) came as late as that timer fired on its side, measured there
            double stall = Math.max(w.lateMillis(), g.lateMillis());
            double allowed = tolerance + stall + late(subject, actual, shift)
                    + Math.max(timerLag(subject, w.atMillis(), expected, actual),
                    drift(subject, w.atMillis(), expected, actual, shift));
            double off = Math.abs(w.atMillis() + shift - g.atMillis());
            out.measured(where + "time", off, allowed, stall);
            if (off > allowed) {
                out.timing(where + String.format(Locale.ROOT, "logged at %.1fms by %s (%.1fms after its start-up"
                                + " lag), at %.1fms by %s (allowed: %.0fms): %s", w.atMillis(), expected.side(),
                        w.atMillis() + shift, g.atMillis(), actual.side(), allowed, w.raw()));
                reported++;
                continue;
            }
            if (w.durationMillis() < 0) {
                continue;
            }
            long durationOff = Math.abs(w.durationMillis() - g.durationMillis());
            out.measured(where + "check duration", durationOff, tolerance + stall, stall);
            if (durationOff > tolerance + stall) {
                out.timing(where + String.format(Locale.ROOT, "check duration %dms on %s, %dms on %s (allowed:"
                                + " %.0fms)", w.durationMillis(), expected.side(), g.durationMillis(), actual.side(),
                        tolerance + stall));
                reported++;
            }
        }
    }

    private void startDifferences(String key, Observation expected, Observation actual, double shift,
                                  Outcome.Builder out) {
        List<Double> want = expected.checkStarts().getOrDefault(key, List.of());
        List<Double> got = actual.checkStarts().getOrDefault(key, List.of());
        double tolerance = tolerance(key);
        // a check still running at the end has started on HAProxy's trace but not completed on haprobe's side
        if (Math.abs(want.size() - got.size()) > 1) {
            out.conclusion(key + " checks: " + want.size() + " started on " + expected.side() + ", " + got.size()
                    + " on " + actual.side() + " (" + expected.side() + " " + starts(want) + ", " + actual.side()
                    + " " + starts(got) + ")");
            return;
        }
        if (want.isEmpty() || got.isEmpty()) {
            return;
        }
        // a check due before the expected side's event loop first turned ran when it turned
        List<Double> wantLates = expected.checkLates().getOrDefault(key, List.of());
        List<Double> gotLates = actual.checkLates().getOrDefault(key, List.of());
        double firstOff = Math.abs(want.get(0) + shift - Math.max(got.get(0), shift));
        double firstStall = Math.max(late(wantLates, 0), late(gotLates, 0));
        out.measured(key + " first check", firstOff, tolerance + firstStall, firstStall);
        if (firstOff > tolerance + firstStall) {
            out.timing(String.format(Locale.ROOT, "%s first check at %.1fms on %s (%.1fms after its start-up lag),"
                            + " at %.1fms on %s (allowed: %.0fms)", key, want.get(0), expected.side(),
                    want.get(0) + shift, got.get(0), actual.side(), tolerance + firstStall));
            return;
        }
        // the interval runs from the end of a check to the start of the next (spec §2.2): compared so, a check's
        // own duration (a handshake on a busy machine) does not count against the schedule
        List<Double> wantEnds = expected.checkEnds().getOrDefault(key, List.of());
        List<Double> gotEnds = actual.checkEnds().getOrDefault(key, List.of());
        for (int i = 1; i < Math.min(want.size(), got.size()); i++) {
            double w = want.get(i) - endOrStart(wantEnds, want, i - 1);
            double g = got.get(i) - endOrStart(gotEnds, got, i - 1);
            // a check that started late, as measured on its side, made its interval that much longer
            double stall = Math.max(late(wantLates, i), late(gotLates, i));
            out.measured(key + " check " + (i + 1) + " interval", Math.abs(w - g), tolerance + stall, stall);
            if (Math.abs(w - g) > tolerance + stall) {
                out.timing(String.format(Locale.ROOT, "%s check %d started %.1fms after the one before ended on"
                                + " %s, %.1fms on %s (allowed: %.0fms; starts on %s %s, on %s %s)", key, i + 1, w,
                        expected.side(), g, actual.side(), tolerance + stall, expected.side(), starts(want),
                        actual.side(), starts(got)));
                return;
            }
        }
    }

    private static double late(List<Double> lates, int i) {
        return i < lates.size() ? lates.get(i) : 0;
    }

    private static double endOrStart(List<Double> ends, List<Double> starts, int i) {
        return i < ends.size() && !Double.isNaN(ends.get(i)) ? ends.get(i) : starts.get(i);
    }

    private static String describe(String side, Observation.LogLine line) {
        return String.format(Locale.ROOT, "%s at %.1fms \"%s\"", side, line.atMillis(), line.raw());
    }

    private static String starts(List<Double> starts) {
        StringBuilder text = new StringBuilder("[");
        for (double start : starts) {
            text.append(text.length() > 1 ? ", " : "").append(Math.round(start));
        }
        return text.append("]").toString();
    }

    private static double tolerance(long interNanos) {
        return 10 + 0.01 * interNanos / TimeUnit.MILLISECONDS.toNanos(1);
    }

    /**
     * What one comparison found.
     *
     * @param conclusions differences in what the sides concluded: a log line's text, its order or absence, how many
     *                    checks ran, a final {@code show stat} column
     * @param timings     differences in when, beyond the tolerance: a log line's time or check duration, a check
     *                    series' first start or an interval
     * @param margins     every timing comparison made, in the order made
     */
    record Outcome(List<String> conclusions, List<String> timings, List<Margin> margins) {

        Outcome {
            conclusions = List.copyOf(conclusions);
            timings = List.copyOf(timings);
            margins = List.copyOf(margins);
        }

        /** The timing comparison that used the largest share of its allowance, or null if none was made. */
        Margin closest() {
            return margins.stream().max(java.util.Comparator.comparingDouble(Margin::used)).orElse(null);
        }

        /** The conclusions, then the timings. */
        List<String> all() {
            List<String> all = new ArrayList<>(conclusions);
            all.addAll(timings);
            return all;
        }

        /** Whether the sides agreed on everything, timings included. */
        boolean agrees() {
            return conclusions.isEmpty() && timings.isEmpty();
        }

        /** Collects one comparison's findings. */
        static final class Builder {

            private final List<String> conclusions = new ArrayList<>();
            private final List<String> timings = new ArrayList<>();
            private final List<Margin> margins = new ArrayList<>();

            void conclusion(String difference) {
                conclusions.add(difference);
            }

            void timing(String difference) {
                timings.add(difference);
            }

            void measured(String what, double offMillis, double allowedMillis, double stallMillis) {
                margins.add(new Margin(what, offMillis, allowedMillis, stallMillis));
            }

            Outcome build() {
                return new Outcome(conclusions, timings, margins);
            }
        }
    }

    /**
     * One timing comparison.
     *
     * @param what          which time was compared, e.g. {@code be/s1 log line 2: time}
     * @param offMillis     how far apart the two sides were, ms
     * @param allowedMillis how far apart they were allowed to be, ms
     * @param stallMillis   how much of that allowance was a timer's lateness measured on one side, ms
     */
    record Margin(String what, double offMillis, double allowedMillis, double stallMillis) {

        /** The share of the allowance used: 1 is exactly at the tolerance, above 1 a difference. */
        double used() {
            return allowedMillis <= 0 ? (offMillis > 0 ? Double.POSITIVE_INFINITY : 0) : offMillis / allowedMillis;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %.1fms of %.0fms (%.0f%%%s)", what, offMillis, allowedMillis,
                    100 * used(), stallMillis > 0 ? String.format(Locale.ROOT, "; measured stall %.1fms",
                            stallMillis) : "");
        }
    }
}
