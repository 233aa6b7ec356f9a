package io.haprobe.engine;

/**
 * The syslog severity HAProxy gives a health message (spec §8) or a traffic log line, with its syslog number.
 *
 * <p>Immutable and thread-safe.
 */
public enum LogLevel {
    /** 0: "backend X has no server available!". */
    EMERG(0),
    /** 1: a server going DOWN from UP. */
    ALERT(1),
    /** 3: a request's traffic log line that ended in error, with {@code option log-separate-errors}. */
    ERR(3),
    /** 5: UP, NOLB, DOWN from NOLB or drain, per-check lines of {@code option log-health-checks}. */
    NOTICE(5),
    /** 6: a request's traffic log line ({@code option httplog}, {@code option tcplog}). */
    INFO(6);

    private final int severity;

    LogLevel(int severity) {
        this.severity = severity;
    }

    /**
     * Returns the syslog severity number.
     *
     * @return 0 for EMERG, 1 for ALERT, 3 for ERR, 5 for NOTICE, 6 for INFO
     */
    public int severity() {
        return severity;
    }
}
