package io.haprobe.config;

import java.util.List;
import java.util.Objects;

/**
 * How a frontend logs its requests (CFG §4.2 "log", "option httplog", §8): where the lines go and in which format,
 * after its {@code defaults} section and {@code log global} were applied. haprobe builds HAProxy 2.6's
 * {@code option httplog} line only; a frontend that logs in another format ({@code option tcplog},
 * {@code option httplog clf}, a custom {@code log-format}) is warned about when parsed and logs nothing in a
 * simulation.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code format}</td><td>{@link Format#NONE}</td><td>{@code option httplog [clf]},
 *       {@code option tcplog}, {@code log-format}</td><td>the line's format; {@code no option httplog} is
 *       {@link Format#NONE}</td></tr>
 *   <tr><td>{@code targets}</td><td>empty (nothing is logged)</td><td>{@code log <target> <facility> [level]},
 *       {@code log global}, {@code no log}</td><td>where lines go, in order; {@code log global} adds the global
 *       section's targets, {@code no log} drops every target</td></tr>
 *   <tr><td>{@code dontLogNormal}</td><td>false</td><td>{@code option dontlog-normal}</td><td>only requests that
 *       ended with an error or a 5xx are logged</td></tr>
 *   <tr><td>{@code logSeparateErrors}</td><td>false</td><td>{@code option log-separate-errors}</td><td>those
 *       requests are logged at level {@code err} instead of {@code info}</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param format            the line's format; never null
 * @param targets           where lines go; never null, empty when nothing is logged
 * @param dontLogNormal     {@code option dontlog-normal}
 * @param logSeparateErrors {@code option log-separate-errors}
 */
public record TrafficLog(Format format, List<Target> targets, boolean dontLogNormal, boolean logSeparateErrors) {

    /** A frontend that logs nothing: no format, no target. */
    public static final TrafficLog NONE = new TrafficLog(Format.NONE, List.of(), false, false);

    /** The syslog level names in severity order, 0 ({@code emerg}) to 7 ({@code debug}). */
    private static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug");

    /**
     * Validates the components and copies the list.
     *
     * @throws NullPointerException if {@code format} or {@code targets} is null
     */
    public TrafficLog {
        Objects.requireNonNull(format, "format");
        targets = List.copyOf(targets);
    }

    /**
     * Returns whether a simulation builds this frontend's {@code option httplog} lines: the format is
     * {@link Format#HTTPLOG} and there is at least one target.
     *
     * @return true when requests are logged
     */
    public boolean httplog() {
        return format == Format.HTTPLOG && !targets.isEmpty();
    }

    /**
     * Returns whether a line at {@code severity} reaches at least one target (each target takes the lines up to
     * its level, every line without one).
     *
     * @param severity the syslog severity, 0 ({@code emerg}) to 7 ({@code debug}); {@code info} is 6, {@code err}
     *                 is 3
     * @return true when some target takes it
     */
    public boolean sends(int severity) {
        for (Target target : targets) {
            if (severity <= target.maxSeverity()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the severity of a syslog level name.
     *
     * @param level {@code emerg} .. {@code debug}; never null
     * @return 0 to 7, or -1 for an unknown name
     */
    static int severity(String level) {
        return LEVELS.indexOf(level);
    }

    /** The formats of a frontend's traffic log lines. */
    public enum Format {
        /** No format: HAProxy logs nothing per request (no {@code option httplog}, {@code tcplog}, {@code log-format}). */
        NONE,
        /** {@code option httplog}: the line haprobe builds ({@code io.haprobe.report.HttpLog}). */
        HTTPLOG,
        /** {@code option httplog clf}: not modelled. */
        HTTPLOG_CLF,
        /** {@code option tcplog}: not modelled. */
        TCPLOG,
        /** A custom {@code log-format}: not modelled. */
        CUSTOM
    }

    /**
     * One {@code log} target of a frontend (or of the global section, through {@code log global}).
     *
     * @param address  the target as written: {@code 127.0.0.1:514}, {@code /dev/log}, {@code stdout}, ...; never
     *                 null
     * @param facility the syslog facility, e.g. {@code local0}; never null
     * @param level    the highest level it takes, e.g. {@code info}, or null for every level
     */
    public record Target(String address, String facility, String level) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException     if {@code address} or {@code facility} is null
         * @throws IllegalArgumentException if {@code level} is not a syslog level name
         */
        public Target {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(facility, "facility");
            if (level != null && severity(level) < 0) {
                throw new IllegalArgumentException("level: '" + level + "' (expected: emerg, alert, crit, err, "
                        + "warning, notice, info or debug)");
            }
        }

        /**
         * Returns the highest severity number this target takes.
         *
         * @return 0 to 7; 7 when no level was given
         */
        public int maxSeverity() {
            return level == null ? 7 : severity(level);
        }
    }
}
