package io.haprobe.report;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckResult;
import io.haprobe.ServerState;
import io.haprobe.health.HealthCounter;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Builds HAProxy 2.6's health log messages byte for byte (spec §8; {@code server.c srv_update_status},
 * {@code srv_append_status}, {@code check.c set_server_check_status}), without the syslog header: what
 * {@code log stdout format raw} prints.
 *
 * <pre>{@code
 * Server app_backend/web01 is DOWN, reason: Layer7 wrong status, code: 204, info: "No Content", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
 * Health check for server be/s1 failed, reason: Layer7 wrong status, code: 503, info: "Reason503", check duration: 0ms, status: 2/3 UP.
 * backend app_backend has no server available!
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class HaproxyLogFormat {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HaproxyLogFormat() {
    }

    /**
     * Builds the line logged when a server changes operational state (spec §8.1).
     *
     * @param server        who changed; never null
     * @param to            the new state: {@link ServerState#DOWN} (is DOWN), {@link ServerState#NOLB}
     *                      (is stopping) or {@link ServerState#UP}/{@link ServerState#STARTING} (is UP);
     *                      never null
     * @param cause         the check that caused it, printed as {@code , reason: ...}; null when HAProxy prints
     *                      no reason ({@code option log-health-checks} is on)
     * @param counts        the backend's usable servers after the change, and the server's sessions and
     *                      queue; never null
     * @return the message, without a line terminator
     * @throws NullPointerException if {@code server}, {@code to} or {@code counts} is null
     */
    public static String transition(ServerName server, ServerState to, CheckOutcome cause, Counts counts) {
        return transition(server, to, cause, null, counts);
    }

    private static String transition(ServerName server, ServerState to, CheckOutcome cause, String reason,
                                     Counts counts) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(counts, "counts");
        StringBuilder line = new StringBuilder(192);
        appendServer(line, server);
        line.append(" is ").append(switch (to) {
            case DOWN -> "DOWN";
            case NOLB -> "stopping";
            case STARTING, UP -> "UP";
        });
        if (cause != null) {
            appendReason(line, cause);
        } else if (reason != null) {
            line.append(", ").append(reason);
        }
        appendCounts(line, to == ServerState.DOWN, counts);
        return line.toString();
    }

    /**
     * Builds the line logged when the runtime API changes a server's operational state
     * ({@code set server B/S health|agent}, spec §8.1): the reason is printed as {@code , <reason>}, whether or
     * not {@code option log-health-checks} is on.
     *
     * @param server who changed; never null
     * @param to     the new state; never null
     * @param reason the text reason, e.g. {@code changed from CLI}; never null
     * @param counts the backend's usable servers after the change, and the server's sessions and queue; never
     *               null
     * @return the message, without a line terminator
     * @throws NullPointerException if an argument is null
     */
    public static String transitionWithReason(ServerName server, ServerState to, String reason, Counts counts) {
        Objects.requireNonNull(reason, "reason");
        return transition(server, to, null, reason, counts);
    }

    /**
     * Builds the per-check line of {@code option log-health-checks} (spec §8.2), logged when the status or
     * the health changed.
     *
     * @param server  who was checked; never null
     * @param outcome the check's outcome; never null
     * @param after   the health counter after the check; never null
     * @param weight  the server's current user weight; 0 prints {@code DRAIN} on the UP side
     * @return the message, without a line terminator
     * @throws NullPointerException if an argument is null
     */
    public static String healthCheck(ServerName server, CheckOutcome outcome, HealthCounter after, int weight) {
        return check("Health", server, outcome, after, weight);
    }

    /**
     * Builds the per-check line of an agent check under {@code option log-health-checks} (spec §7, §8.2),
     * logged when the agent's status changed, e.g. {@code Agent check for server be/s1 failed, reason: Layer7
     * wrong status, code: 0, info: "via agent : down", check duration: 0ms, status: 0/1 DOWN.}
     *
     * @param server  who was checked; never null
     * @param outcome the agent check's outcome; never null
     * @param after   the agent's health as a counter with rise = fall = 1; never null
     * @param weight  the server's current user weight; 0 prints {@code DRAIN} on the UP side
     * @return the message, without a line terminator
     * @throws NullPointerException if an argument is null
     */
    public static String agentCheck(ServerName server, CheckOutcome outcome, HealthCounter after, int weight) {
        return check("Agent", server, outcome, after, weight);
    }

    /**
     * Builds the line of a server entering forced drain (spec §8.1): the UP form of the counts, or the DOWN
     * form when the server is DOWN.
     *
     * @param server who; never null
     * @param down   true when the server is DOWN
     * @param counts the backend's usable servers after the change; never null
     * @return {@code Server <px>/<srv> enters drain state. ...}
     */
    public static String drainOn(ServerName server, boolean down, Counts counts) {
        StringBuilder line = new StringBuilder(160);
        appendServer(line, server);
        line.append(" enters drain state");
        appendCounts(line, down, counts);
        return line.toString();
    }

    /**
     * Builds the line of a server leaving forced drain (spec §8.1), without counts.
     *
     * @param server who; never null
     * @param up     true when the server is UP, false when DOWN
     * @return {@code Server <px>/<srv> is UP (leaving forced drain).}
     */
    public static String drainOff(ServerName server, boolean up) {
        StringBuilder line = new StringBuilder(96);
        appendServer(line, server);
        return line.append(" is ").append(up ? "UP" : "DOWN").append(" (leaving forced drain).").toString();
    }

    /**
     * Builds the line added after every state or weight update of a server in forced drain (spec §1.5, §8.1).
     *
     * @param server who; never null
     * @return {@code Server <px>/<srv> remains in forced drain mode.}
     */
    public static String drainRemains(ServerName server) {
        StringBuilder line = new StringBuilder(96);
        appendServer(line, server);
        return line.append(" remains in forced drain mode.").toString();
    }

    /**
     * Builds the line of a server entering forced maintenance (spec §1.5, §8.1).
     *
     * @param server  who; never null
     * @param wasDown true when the server was already DOWN: {@code was DOWN and now enters maintenance.}
     * @param counts  the backend's usable servers after the change (ignored when {@code wasDown}); never null
     * @return {@code Server <px>/<srv> is going DOWN for maintenance. ...}
     */
    public static String maintOn(ServerName server, boolean wasDown, Counts counts) {
        StringBuilder line = new StringBuilder(160);
        appendServer(line, server);
        if (wasDown) {
            return line.append(" was DOWN and now enters maintenance.").toString();
        }
        line.append(" is going DOWN for maintenance");
        appendCounts(line, true, counts);
        return line.toString();
    }

    /**
     * Builds the line of a server leaving forced maintenance (spec §1.5, §8.1), without counts.
     *
     * @param server  who; never null
     * @param up      true when the server is UP after it, false when it stays DOWN (agent down)
     * @param drained true when it is still in drain
     * @return {@code Server <px>/<srv> is UP/READY (leaving forced maintenance).}
     */
    public static String maintOff(ServerName server, boolean up, boolean drained) {
        StringBuilder line = new StringBuilder(96);
        appendServer(line, server);
        return line.append(" is ").append(up ? "UP" : "DOWN").append('/').append(drained ? "DRAIN" : "READY")
                .append(" (leaving forced maintenance).").toString();
    }

    private static String check(String kind, ServerName server, CheckOutcome outcome, HealthCounter after,
                                int weight) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(after, "after");
        StringBuilder line = new StringBuilder(192);
        line.append(kind).append(" check for ").append(server.backup() ? "backup server " : "server ")
                .append(server.proxy()).append('/').append(server.server()).append(' ');
        CheckResult result = outcome.result();
        line.append(result == CheckResult.CONDPASS ? "conditionally succeeded"
                : result == CheckResult.PASSED ? "succeeded" : "failed");
        appendReason(line, outcome);
        line.append(", status: ").append(after.fractionNumerator()).append('/').append(after.fractionDenominator())
                .append(' ').append(!after.isGood() ? "DOWN" : weight == 0 ? "DRAIN" : "UP").append('.');
        return line.toString();
    }

    /**
     * Builds the alert logged when a backend loses its last usable server (spec §8.1).
     *
     * @param kindWord {@code backend}, or {@code proxy} for a listen section; never null
     * @param proxy    the section name; never null
     * @return {@code backend <name> has no server available!}
     */
    public static String noServerAvailable(String kindWord, String proxy) {
        return Objects.requireNonNull(kindWord, "kindWord") + ' ' + Objects.requireNonNull(proxy, "proxy")
                + " has no server available!";
    }

    /**
     * Appends HAProxy's reason block: {@code , reason: <desc>[, code: N][, info: "<info>"][, check duration:
     * Nms]}. The code appears only for statuses that carry one, the info only when not empty, with
     * non-printable, non-ASCII, {@code <}, {@code >} and {@code "} written as {@code <XX>}
     * ({@link #appendEscaped}).
     *
     * @param line    where to append; never null
     * @param outcome the outcome; never null
     * @return {@code line}
     */
    public static StringBuilder appendReason(StringBuilder line, CheckOutcome outcome) {
        line.append(", reason: ").append(outcome.status().description());
        if (outcome.status().hasCode()) {
            line.append(", code: ").append(outcome.code());
        }
        if (!outcome.info().isEmpty()) {
            line.append(", info: \"");
            appendEscaped(line, outcome.info());
            line.append('"');
        }
        line.append(", check duration: ").append(outcome.durationMillis()).append("ms");
        return line;
    }

    private static void appendCounts(StringBuilder line, boolean down, Counts counts) {
        Objects.requireNonNull(counts, "counts");
        line.append(". ").append(counts.active()).append(" active and ").append(counts.backup())
                .append(" backup servers ").append(down ? "left." : "online.");
        if (counts.runningOnBackup()) {
            line.append(" Running on backup.");
        }
        if (down) {
            line.append(' ').append(counts.sessions()).append(" sessions active, ").append(counts.requeued())
                    .append(" requeued, ").append(counts.queued()).append(" remaining in queue.");
        } else {
            line.append(' ').append(counts.requeued()).append(" sessions requeued, ").append(counts.queued())
                    .append(" total in queue.");
        }
    }

    private static void appendServer(StringBuilder line, ServerName server) {
        Objects.requireNonNull(server, "server");
        if (server.backup()) {
            line.append("Backup ");
        }
        line.append("Server ").append(server.proxy()).append('/').append(server.server());
    }

    /**
     * Appends a text as HAProxy prints a check's info in its log lines ({@code chunk_asciiencode}-style):
     * printable ASCII is kept, except {@code <}, {@code >} and {@code "}; every other byte is written as
     * {@code <XX>}, two upper-case hex digits. A server's bytes reach haprobe as ISO-8859-1 text, one char per
     * byte, so {@code U+0000..U+00FF} print as that one byte: a reason phrase byte {@code 0xFF} is
     * {@code <FF>}, as HAProxy 2.6.12 prints it (spec §8.1). Characters above {@code U+00FF} can only come
     * from a configuration text (read as UTF-8); they print as their UTF-8 bytes, as HAProxy prints the
     * bytes of its configuration file.
     *
     * @param line where to append; never null
     * @param text the text; never null
     * @return {@code line}
     */
    public static StringBuilder appendEscaped(StringBuilder line, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"') {
                line.append(c);
            } else if (c <= 0xff) {
                appendHex(line, c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                for (byte b : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    appendHex(line, b & 0xff);
                }
                i = end - 1;
            }
        }
        return line;
    }

    private static void appendHex(StringBuilder line, int b) {
        line.append('<').append(HEX[b >> 4]).append(HEX[b & 0xf]).append('>');
    }

    /**
     * Names a server the way log lines do.
     *
     * @param proxy  the backend or listen name; never null
     * @param server the server name; never null
     * @param backup true for a {@code backup} server: lines start with {@code Backup }
     */
    public record ServerName(String proxy, String server, boolean backup) {

        /**
         * Validates the components.
         *
         * @throws NullPointerException if a name is null
         */
        public ServerName {
            Objects.requireNonNull(proxy, "proxy");
            Objects.requireNonNull(server, "server");
        }
    }

    /**
     * The counts a transition line prints.
     *
     * @param active          usable active servers of the backend after the change
     * @param backup          usable backup servers of the backend after the change
     * @param runningOnBackup true when a backup is usable and no active server is: prints
     *                        {@code  Running on backup.}
     * @param sessions        the server's current sessions (DOWN lines)
     * @param requeued        sessions moved out of (DOWN) or into (UP) the server's queue
     * @param queued          the server's queue length
     */
    public record Counts(int active, int backup, boolean runningOnBackup, int sessions, int requeued, int queued) {

        /**
         * Returns the counts of a backend without traffic: the usable servers, and zero sessions and queues.
         *
         * @param active usable active servers
         * @param backup usable backup servers
         * @return the counts, with {@code runningOnBackup} derived
         */
        public static Counts of(int active, int backup) {
            return new Counts(active, backup, active == 0 && backup > 0, 0, 0, 0);
        }

        /**
         * Returns the counts the request model computed for a transition (server.c {@code srv_append_status()}):
         * the usable servers after the change, the server's sessions, what was requeued and what is queued.
         *
         * @param transition the model's transition; never null
         * @return the counts
         * @throws NullPointerException if {@code transition} is null
         */
        public static Counts of(io.haprobe.traffic.Transition transition) {
            return new Counts(transition.active(), transition.backup(), transition.runningOnBackup(),
                    transition.sessions(), transition.requeued(), transition.queued());
        }
    }
}
