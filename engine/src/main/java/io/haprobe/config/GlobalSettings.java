package io.haprobe.config;

import java.util.List;

/**
 * The settings of the {@code global} section that change how checks run.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code spreadChecks}</td><td>0</td><td>{@code spread-checks} (CFG §3.2)</td>
 *       <td>percent 0..50 of random jitter added to each interval after the first check (spec §2.2)</td></tr>
 *   <tr><td>{@code maxSpreadChecksNanos}</td><td>0 (no cap)</td><td>{@code max-spread-checks}</td>
 *       <td>cap on the window over which first checks are spread at boot (spec §2.3)</td></tr>
 *   <tr><td>{@code node}</td><td>null (the host name)</td><td>{@code node}</td>
 *       <td>the name {@code http-check send-state} reports (spec §4.4)</td></tr>
 *   <tr><td>{@code sslServerVerifyRequired}</td><td>true</td><td>{@code ssl-server-verify required|none}</td>
 *       <td>the {@code verify} of servers that do not say (spec §6.2)</td></tr>
 *   <tr><td>{@code caBase}</td><td>null</td><td>{@code ca-base}</td><td>directory of relative {@code ca-file}
 *       paths</td></tr>
 *   <tr><td>{@code crtBase}</td><td>null</td><td>{@code crt-base}</td><td>directory of relative {@code crt}
 *       paths</td></tr>
 *   <tr><td>{@code bufferSize}</td><td>16384</td><td>{@code tune.bufsize}</td><td>bytes of a check's buffer:
 *       a {@code tcp-check send} string must be shorter, an HTTP check request must fit as HTX (spec §5.2);
 *       HAProxy rounds the value up to a multiple of 16</td></tr>
 *   <tr><td>{@code nbthread}</td><td>0 (not set: one thread per processor)</td><td>{@code nbthread}</td>
 *       <td>how many threads run the checks: a live engine's event loops, unless the caller asks for a number
 *       ({@code haprobe check --threads}); the parser refuses what 2.6.12 refuses (outside 1..64, not an
 *       integer, a second argument) with its message</td></tr>
 *   <tr><td>{@code maxConn}</td><td>0 (not set: derived from the descriptor limit, {@link
 *       #effectiveMaxConn(long, int)})</td><td>{@code maxconn}</td><td>the process's connection limit: the
 *       {@code maxconn} of a frontend without its own ({@code show stat}'s {@code slim}), {@code show info}'s
 *       Maxconn, and the default {@code fullconn} of backends</td></tr>
 *   <tr><td>{@code ulimitN}</td><td>0 (not set: HAProxy sets its descriptor limit to what it counts on,
 *       {@code HaproxyConfig#maxSock})</td><td>{@code ulimit-n}</td><td>the descriptor limit HAProxy sets for
 *       itself: {@code show info}'s Ulimit-n. 2.6.12 derives Maxconn and Maxsock from the limit it boots with
 *       whether or not this is set, and a value below that limit is reported but not applied, so it changes no
 *       check (measured: {@code ulimit-n 40} showed Ulimit-n 40 while the process, limit 20000 in
 *       {@code /proc/PID/limits}, held 72 descriptors and 60 checks timed out as L7TOUT, none failing to open a
 *       socket). A value above the hard limit makes 2.6.12 refuse to start ("Cannot raise FD limit"); haprobe,
 *       which does not read the host's limit for this, does not report that</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param spreadChecks         jitter percent, 0 to 50; 0 disables the jitter
 * @param maxSpreadChecksNanos    the boot spreading cap in nanoseconds (whole milliseconds); 0 means no cap
 * @param node                    the {@code node} name, or null for the machine's host name
 * @param sslServerVerifyRequired {@code ssl-server-verify}: true for {@code required} (HAProxy's default)
 * @param caBase                  {@code ca-base}, or null
 * @param crtBase                 {@code crt-base}, or null
 * @param bufferSize              {@code tune.bufsize} as HAProxy uses it (rounded up to a multiple of 16), bytes,
 *                                {@code >= 1}
 * @param statsSockets            the addresses of the {@code stats socket} lines, as written (a path, or
 *                                {@code ipv4@127.0.0.1:9999}...), in file order: the real HAProxy's sockets, which
 *                                haprobe never opens; never null
 * @param nbthread                {@code nbthread}, 1 to 64 (HAProxy 2.6's {@code MAX_THREADS}); 0 when not set
 * @param maxConn                 {@code maxconn}, {@code >= 0}; 0 when not set (or set to 0, or to text without
 *                                digits, which 2.6.12 reads as not set)
 * @param ulimitN                 {@code ulimit-n}, {@code >= 0}; 0 when not set (or set to 0, or to text without
 *                                digits, which 2.6.12 reads as not set)
 */
public record GlobalSettings(int spreadChecks, long maxSpreadChecksNanos, String node, boolean sslServerVerifyRequired,
                             String caBase, String crtBase, int bufferSize, List<String> statsSockets,
                             int nbthread, int maxConn, int ulimitN) {

    /**
     * The descriptors HAProxy 2.6.12 sets aside whatever the configuration (standard streams, logs, its own
     * needs), before the listeners, the checks and the threads: measured, see {@link #effectiveMaxConn(long, int)}.
     */
    public static final int FIXED_RESERVED_DESCRIPTORS = 20;

    /** The most threads HAProxy 2.6 accepts in {@code nbthread} ({@code MAX_THREADS} of its Debian build). */
    public static final int MAX_THREADS = 64;

    /** HAProxy's default {@code tune.bufsize}, bytes. */
    public static final int DEFAULT_BUFFER_SIZE = 16384;

    /** The settings of an empty or missing {@code global} section. */
    public static final GlobalSettings DEFAULT = new GlobalSettings(0, 0);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if {@code spreadChecks} is outside 0..50, the cap is negative,
     *                                  {@code bufferSize} is below 1, {@code nbthread} is outside 0..64 or
     *                                  {@code maxConn} or {@code ulimitN} is negative
     */
    public GlobalSettings {
        if (spreadChecks < 0 || spreadChecks > 50) {
            throw new IllegalArgumentException("spreadChecks: " + spreadChecks + " (expected: 0..50)");
        }
        if (maxSpreadChecksNanos < 0) {
            throw new IllegalArgumentException("maxSpreadChecksNanos: " + maxSpreadChecksNanos + " (expected: >= 0)");
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize: " + bufferSize + " (expected: >= 1)");
        }
        if (nbthread < 0 || nbthread > MAX_THREADS) {
            throw new IllegalArgumentException("nbthread: " + nbthread + " (expected: 0..64)");
        }
        if (maxConn < 0) {
            throw new IllegalArgumentException("maxConn: " + maxConn + " (expected: >= 0)");
        }
        if (ulimitN < 0) {
            throw new IllegalArgumentException("ulimitN: " + ulimitN + " (expected: >= 0)");
        }
        statsSockets = List.copyOf(statsSockets);
    }

    /**
     * Creates settings without {@code stats socket} lines, {@code nbthread}, {@code maxconn} or {@code ulimit-n}.
     *
     * @param spreadChecks            jitter percent, 0 to 50
     * @param maxSpreadChecksNanos    the boot spreading cap in nanoseconds; 0 means no cap
     * @param node                    the {@code node} name, or null
     * @param sslServerVerifyRequired {@code ssl-server-verify required}
     * @param caBase                  {@code ca-base}, or null
     * @param crtBase                 {@code crt-base}, or null
     * @param bufferSize              {@code tune.bufsize}, bytes
     * @throws IllegalArgumentException as the canonical constructor
     */
    public GlobalSettings(int spreadChecks, long maxSpreadChecksNanos, String node, boolean sslServerVerifyRequired,
                          String caBase, String crtBase, int bufferSize) {
        this(spreadChecks, maxSpreadChecksNanos, node, sslServerVerifyRequired, caBase, crtBase, bufferSize,
                List.of(), 0, 0, 0);
    }

    /**
     * Creates settings without a {@code node} name, with HAProxy's SSL defaults ({@code ssl-server-verify
     * required}, no {@code ca-base} or {@code crt-base}) and the default {@code tune.bufsize}.
     *
     * @param spreadChecks         jitter percent, 0 to 50
     * @param maxSpreadChecksNanos the boot spreading cap in nanoseconds; 0 means no cap
     * @throws IllegalArgumentException as the canonical constructor
     */
    public GlobalSettings(int spreadChecks, long maxSpreadChecksNanos) {
        this(spreadChecks, maxSpreadChecksNanos, null, true, null, null, DEFAULT_BUFFER_SIZE);
    }

    /**
     * Returns the process's connection limit as HAProxy 2.6.12 runs with it ({@code show info}'s Maxconn and
     * Hard_maxconn, the {@code slim} of a frontend without {@code maxconn}): {@link #maxConn()} when set, else the
     * limit HAProxy derives from the descriptors it may open. Without {@code global maxconn} (and without
     * {@code -m} or {@code fd-hard-limit}), HAProxy 2.6.12 takes the larger of the soft and the hard
     * {@code RLIMIT_NOFILE} it booted with ({@code ulimit -n}), sets some descriptors aside, and gives each
     * connection two of the rest (one to the client, one to the server):
     * {@code (fdLimit - reservedDescriptors) / 2}, rounded down. Measured with {@code show info} on 2.6.12 for
     * limits of 1024, 4096 and 20000 descriptors (20000, the hard limit of the machine it was measured on, is the
     * highest that could be tried); see {@code HaproxyConfig#effectiveMaxConn(long, int)} for what is set aside.
     *
     * @param fdLimit             the descriptor limit HAProxy boots with ({@code ulimit -n}, the larger of soft
     *                            and hard), {@code >= 1}; unused when {@code maxconn} is set
     * @param reservedDescriptors the descriptors set aside, {@code >= 0}
     * @return the limit, {@code >= 1}
     * @throws IllegalArgumentException if {@code fdLimit} is below 1 or {@code reservedDescriptors} is negative
     */
    public int effectiveMaxConn(long fdLimit, int reservedDescriptors) {
        if (fdLimit < 1) {
            throw new IllegalArgumentException("fdLimit: " + fdLimit + " (expected: >= 1)");
        }
        if (reservedDescriptors < 0) {
            throw new IllegalArgumentException("reservedDescriptors: " + reservedDescriptors + " (expected: >= 0)");
        }
        if (maxConn > 0) {
            return maxConn;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (fdLimit - reservedDescriptors) / 2));
    }
}
