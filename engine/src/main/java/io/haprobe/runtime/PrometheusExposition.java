package io.haprobe.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import static io.haprobe.runtime.PrometheusExposition.Kind.AGG_CHECK_STATUS;
import static io.haprobe.runtime.PrometheusExposition.Kind.AGG_SERVER_STATUS;
import static io.haprobe.runtime.PrometheusExposition.Kind.BUILD_INFO;
import static io.haprobe.runtime.PrometheusExposition.Kind.CHECK_CODE;
import static io.haprobe.runtime.PrometheusExposition.Kind.CHECK_DURATION;
import static io.haprobe.runtime.PrometheusExposition.Kind.CHECK_STATUS;
import static io.haprobe.runtime.PrometheusExposition.Kind.HTTP_RESPONSES;
import static io.haprobe.runtime.PrometheusExposition.Kind.HTTP_VALUE;
import static io.haprobe.runtime.PrometheusExposition.Kind.INFO;
import static io.haprobe.runtime.PrometheusExposition.Kind.MILLIS_AS_SECONDS;
import static io.haprobe.runtime.PrometheusExposition.Kind.STATUS;
import static io.haprobe.runtime.PrometheusExposition.Kind.VALUE;
import static io.haprobe.runtime.PrometheusExposition.Scope.BACKEND;
import static io.haprobe.runtime.PrometheusExposition.Scope.FRONTEND;
import static io.haprobe.runtime.PrometheusExposition.Scope.PROCESS;
import static io.haprobe.runtime.PrometheusExposition.Scope.SERVER;
import static io.haprobe.runtime.PrometheusExposition.Type.COUNTER;
import static io.haprobe.runtime.PrometheusExposition.Type.GAUGE;

/**
 * Renders {@code show stat} and {@code show info} as HAProxy 2.6.12's built-in Prometheus exporter does
 * ({@code http-request use-service prometheus-exporter}, {@code addons/promex}): the same 187 families in the
 * same order (process, frontend, backend, server), the same {@code # HELP} texts (typos included), {@code # TYPE},
 * label names and order ({@code proxy}, {@code server}, then {@code state} or {@code code}), state label values
 * in HAProxy's order, and HAProxy's number formats ({@code 0.001000} for seconds, {@code NaN} for a value the
 * CSV leaves empty). A pure function of its two texts: the exporter of a running engine is
 * {@code render(engine.showStat(), engine.execute("show info"))}.
 *
 * <p>What each family reads:
 * <table>
 * <caption>sources</caption>
 * <tr><th>families</th><th>source</th></tr>
 * <tr><td>{@code haproxy_process_*}</td><td>the {@code show info} line of the same meaning ({@code Uptime_sec},
 *     {@code Nbthread}, ...); {@code build_info} has the {@code Build info} text as its {@code version} label;
 *     a line {@code show info} lacks is {@code NaN} (HAProxy 2.6.12 prints {@code NaN} for its zlib
 *     families, which {@code show info} does not list either)</td></tr>
 * <tr><td>{@code haproxy_frontend_*}, {@code haproxy_backend_*}, {@code haproxy_server_*}</td><td>the CSV
 *     column of the same meaning, per {@code FRONTEND}, {@code BACKEND} or server row ({@code scur},
 *     {@code weight}, {@code chkfail}, ...); the {@code *_time_*_seconds} families are the millisecond columns
 *     in seconds</td></tr>
 * <tr><td>{@code *_status{state}}</td><td>the {@code status} column: a frontend is {@code UP} unless
 *     {@code STOP}, a backend is {@code UP} when its row says {@code UP}; a server is {@code MAINT}
 *     ({@code MAINT...}), {@code DRAIN} ({@code DRAIN}, {@code DRAIN (agent)}, {@code DRAIN 1/3}), {@code NOLB}
 *     ({@code NOLB}, {@code NOLB 1/3}), {@code UP} ({@code UP}, {@code UP 1/3}, {@code no check}) or
 *     {@code DOWN} (anything else: {@code DOWN}, {@code DOWN 1/2}, {@code DOWN (agent)})</td></tr>
 * <tr><td>{@code haproxy_server_check_status{state}}, {@code check_code}</td><td>{@code check_status}
 *     (a {@code "* "} prefix, check in progress, dropped) and {@code check_code} ({@code 0} when empty); a server
 *     whose {@code check_status} is empty (no check, check disabled or paused in maintenance) has no sample, as
 *     in HAProxy; {@code INI} gives 16 zeros</td></tr>
 * <tr><td>{@code haproxy_server_check_duration_seconds}</td><td>{@code check_duration}; no sample when it is
 *     empty</td></tr>
 * <tr><td>{@code haproxy_backend_agg_*}</td><td>counted over the backend's server rows: their server state, and
 *     their {@code check_status} among the 16 failed-or-passed states</td></tr>
 * </table>
 * The HTTP families ({@code http_responses_total}, {@code http_requests_*}, {@code http_comp_*},
 * {@code http_cache_*}, {@code intercepted_requests_total}) have no sample for a proxy whose {@code mode} is not
 * {@code http}, as in HAProxy.
 *
 * <p>Known differences from HAProxy, all because the CSV does not carry the value: a server paused in
 * maintenance after it was checked has a {@code check_duration_seconds} sample in HAProxy (its last duration)
 * and none here, and counts in its backend's {@code agg_check_status} in HAProxy and not here.
 *
 * <p>Stateless and thread-safe.
 */
public final class PrometheusExposition {

    /** The {@code content-type} of the exposition, HAProxy's: {@value}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4";

    /** The server states of {@code haproxy_server_status} and {@code haproxy_backend_agg_server_status}, in order. */
    static final List<String> SERVER_STATES = List.of("DOWN", "UP", "MAINT", "DRAIN", "NOLB");

    /** The states of {@code haproxy_frontend_status} and {@code haproxy_backend_status}, in order. */
    static final List<String> PROXY_STATES = List.of("DOWN", "UP");

    /** The check states of {@code haproxy_server_check_status}: HAProxy's statuses whose result is failed or
     * passed, in its order. */
    static final List<String> CHECK_STATES = List.of("HANA", "SOCKERR", "L4OK", "L4TOUT", "L4CON", "L6OK",
            "L6TOUT", "L6RSP", "L7TOUT", "L7RSP", "L7OK", "L7OKC", "L7STS", "PROCERR", "PROCTOUT", "PROCOK");

    /** The {@code code} label values of the {@code http_responses_total} families, in order. */
    static final List<String> HTTP_CODES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other");

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    /** Every family HAProxy 2.6.12 exports, in its order. */
    static final List<Family> FAMILIES = List.of(
            f(PROCESS, "nbthread", GAUGE, "Nbthread", INFO,
                    "Number of started threads (global.nbthread)"),
            f(PROCESS, "nbproc", GAUGE, "Nbproc", INFO,
                    "Number of started worker processes (historical, always 1)"),
            f(PROCESS, "relative_process_id", GAUGE, "Process_num", INFO,
                    "Relative worker process number (1)"),
            f(PROCESS, "uptime_seconds", GAUGE, "Uptime_sec", INFO,
                    "How long ago this worker process was started (seconds)"),
            f(PROCESS, "pool_failures_total", COUNTER, "PoolFailed", INFO,
                    "Number of failed pool allocations since this worker was started"),
            f(PROCESS, "max_fds", GAUGE, "Ulimit-n", INFO,
                    "Hard limit on the number of per-process file descriptors"),
            f(PROCESS, "max_sockets", GAUGE, "Maxsock", INFO,
                    "Hard limit on the number of per-process sockets"),
            f(PROCESS, "max_connections", GAUGE, "Maxconn", INFO,
                    "Hard limit on the number of per-process connections (configured or imposed by Ulimit-n)"),
            f(PROCESS, "hard_max_connections", GAUGE, "Hard_maxconn", INFO,
                    "Hard limit on the number of per-process connections (imposed by Memmax_MB or Ulimit-n)"),
            f(PROCESS, "current_connections", GAUGE, "CurrConns", INFO,
                    "Current number of connections on this worker process"),
            f(PROCESS, "connections_total", COUNTER, "CumConns", INFO,
                    "Total number of connections on this worker process since started"),
            f(PROCESS, "requests_total", COUNTER, "CumReq", INFO,
                    "Total number of requests on this worker process since started"),
            f(PROCESS, "max_ssl_connections", GAUGE, "MaxSslConns", INFO,
                    "Hard limit on the number of per-process SSL endpoints (front+back), 0=unlimited"),
            f(PROCESS, "current_ssl_connections", GAUGE, "CurrSslConns", INFO,
                    "Current number of SSL endpoints on this worker process (front+back)"),
            f(PROCESS, "ssl_connections_total", COUNTER, "CumSslConns", INFO,
                    "Total number of SSL endpoints on this worker process since started (front+back)"),
            f(PROCESS, "max_pipes", GAUGE, "Maxpipes", INFO,
                    "Hard limit on the number of pipes for splicing, 0=unlimited"),
            f(PROCESS, "pipes_used_total", COUNTER, "PipesUsed", INFO,
                    "Current number of pipes in use in this worker process"),
            f(PROCESS, "pipes_free_total", COUNTER, "PipesFree", INFO,
                    "Current number of allocated and available pipes in this worker process"),
            f(PROCESS, "current_connection_rate", GAUGE, "ConnRate", INFO,
                    "Number of front connections created on this worker process over the last second"),
            f(PROCESS, "limit_connection_rate", GAUGE, "ConnRateLimit", INFO,
                    "Hard limit for ConnRate (global.maxconnrate)"),
            f(PROCESS, "max_connection_rate", GAUGE, "MaxConnRate", INFO,
                    "Highest ConnRate reached on this worker process since started (in connections per second)"),
            f(PROCESS, "current_session_rate", GAUGE, "SessRate", INFO,
                    "Number of sessions created on this worker process over the last second"),
            f(PROCESS, "limit_session_rate", GAUGE, "SessRateLimit", INFO,
                    "Hard limit for SessRate (global.maxsessrate)"),
            f(PROCESS, "max_session_rate", GAUGE, "MaxSessRate", INFO,
                    "Highest SessRate reached on this worker process since started (in sessions per second)"),
            f(PROCESS, "current_ssl_rate", GAUGE, "SslRate", INFO,
                    "Number of SSL connections created on this worker process over the last second"),
            f(PROCESS, "limit_ssl_rate", GAUGE, "SslRateLimit", INFO,
                    "Hard limit for SslRate (global.maxsslrate)"),
            f(PROCESS, "max_ssl_rate", GAUGE, "MaxSslRate", INFO,
                    "Highest SslRate reached on this worker process since started (in connections per second)"),
            f(PROCESS, "current_frontend_ssl_key_rate", GAUGE, "SslFrontendKeyRate", INFO,
                    "Number of SSL keys created on frontends in this worker process over the last second"),
            f(PROCESS, "max_frontend_ssl_key_rate", GAUGE, "SslFrontendMaxKeyRate", INFO,
                    "Highest SslFrontendKeyRate reached on this worker process since started (in SSL keys per second)"),
            f(PROCESS, "frontend_ssl_reuse", GAUGE, "SslFrontendSessionReuse_pct", INFO,
                    "Percent of frontend SSL connections which did not require a new key"),
            f(PROCESS, "current_backend_ssl_key_rate", GAUGE, "SslBackendKeyRate", INFO,
                    "Number of SSL keys created on backends in this worker process over the last second"),
            f(PROCESS, "max_backend_ssl_key_rate", GAUGE, "SslBackendMaxKeyRate", INFO,
                    "Highest SslBackendKeyRate reached on this worker process since started (in SSL keys per second)"),
            f(PROCESS, "ssl_cache_lookups_total", COUNTER, "SslCacheLookups", INFO,
                    "Total number of SSL session ID lookups in the SSL session cache on this worker since started"),
            f(PROCESS, "ssl_cache_misses_total", COUNTER, "SslCacheMisses", INFO,
                    "Total number of SSL session ID lookups that didn't find a session in the SSL session cache on this worker since started"),
            f(PROCESS, "http_comp_bytes_in_total", COUNTER, "CompressBpsIn", INFO,
                    "Number of bytes submitted to the HTTP compressor in this worker process over the last second"),
            f(PROCESS, "http_comp_bytes_out_total", COUNTER, "CompressBpsOut", INFO,
                    "Number of bytes emitted by the HTTP compressor in this worker process over the last second"),
            f(PROCESS, "limit_http_comp", GAUGE, "CompressBpsRateLim", INFO,
                    "Limit of CompressBpsOut beyond which HTTP compression is automatically disabled"),
            f(PROCESS, "current_zlib_memory", GAUGE, "ZlibMemUsage", INFO,
                    "Amount of memory currently used by HTTP compression on the current worker process (in bytes)"),
            f(PROCESS, "max_zlib_memory", GAUGE, "MaxZlibMemUsage", INFO,
                    "Limit on the amount of memory used by HTTP compression above which it is automatically disabled (in bytes, see global.maxzlibmem)"),
            f(PROCESS, "current_tasks", GAUGE, "Tasks", INFO,
                    "Total number of tasks in the current worker process (active + sleeping)"),
            f(PROCESS, "current_run_queue", GAUGE, "Run_queue", INFO,
                    "Total number of active tasks+tasklets in the current worker process"),
            f(PROCESS, "idle_time_percent", GAUGE, "Idle_pct", INFO,
                    "Percentage of last second spent waiting in the current worker thread"),
            f(PROCESS, "stopping", GAUGE, "Stopping", INFO,
                    "1 if the worker process is currently stopping, otherwise zero"),
            f(PROCESS, "jobs", GAUGE, "Jobs", INFO,
                    "Current number of active jobs on the current worker process (frontend connections, master connections, listeners)"),
            f(PROCESS, "unstoppable_jobs", GAUGE, "Unstoppable Jobs", INFO,
                    "Current number of unstoppable jobs on the current worker process (master connections)"),
            f(PROCESS, "listeners", GAUGE, "Listeners", INFO,
                    "Current number of active listeners on the current worker process"),
            f(PROCESS, "active_peers", GAUGE, "ActivePeers", INFO,
                    "Current number of verified active peers connections on the current worker process"),
            f(PROCESS, "connected_peers", GAUGE, "ConnectedPeers", INFO,
                    "Current number of peers having passed the connection step on the current worker process"),
            f(PROCESS, "dropped_logs_total", COUNTER, "DroppedLogs", INFO,
                    "Total number of dropped logs for current worker process since started"),
            f(PROCESS, "busy_polling_enabled", GAUGE, "BusyPolling", INFO,
                    "1 if busy-polling is currently in use on the worker process, otherwise zero (config.busy-polling)"),
            f(PROCESS, "failed_resolutions", COUNTER, "FailedResolutions", INFO,
                    "Total number of failed DNS resolutions in current worker process since started"),
            f(PROCESS, "bytes_out_total", COUNTER, "TotalBytesOut", INFO,
                    "Total number of bytes emitted by current worker process since started"),
            f(PROCESS, "spliced_bytes_out_total", COUNTER, "TotalSplicdedBytesOut", INFO,
                    "Total number of bytes emitted by current worker process through a kernel pipe since started"),
            f(PROCESS, "bytes_out_rate", GAUGE, "BytesOutRate", INFO,
                    "Number of bytes emitted by current worker process over the last second"),
            f(PROCESS, "recv_logs_total", COUNTER, "CumRecvLogs", INFO,
                    "Total number of log messages received by log-forwarding listeners on this worker process since started"),
            f(PROCESS, "build_info", GAUGE, "Build info", BUILD_INFO,
                    "Build info"),
            f(PROCESS, "max_memory_bytes", GAUGE, "Memmax_bytes", INFO,
                    "Worker process's hard limit on memory usage in byes (-m on command line)"),
            f(PROCESS, "pool_allocated_bytes", GAUGE, "PoolAlloc_bytes", INFO,
                    "Amount of memory allocated in pools (in bytes)"),
            f(PROCESS, "pool_used_bytes", GAUGE, "PoolUsed_bytes", INFO,
                    "Amount of pool memory currently used (in bytes)"),
            f(PROCESS, "start_time_seconds", GAUGE, "Start_time_sec", INFO,
                    "Start time in seconds"),
            f(FRONTEND, "current_sessions", GAUGE, "scur", VALUE,
                    "Number of current sessions on the frontend, backend or server"),
            f(FRONTEND, "max_sessions", GAUGE, "smax", VALUE,
                    "Highest value of current sessions encountered since process started"),
            f(FRONTEND, "limit_sessions", GAUGE, "slim", VALUE,
                    "Frontend/listener/server's maxconn, backend's fullconn"),
            f(FRONTEND, "sessions_total", COUNTER, "stot", VALUE,
                    "Total number of sessions since process started"),
            f(FRONTEND, "bytes_in_total", COUNTER, "bin", VALUE,
                    "Total number of request bytes since process started"),
            f(FRONTEND, "bytes_out_total", COUNTER, "bout", VALUE,
                    "Total number of response bytes since process started"),
            f(FRONTEND, "requests_denied_total", COUNTER, "dreq", VALUE,
                    "Total number of denied requests since process started"),
            f(FRONTEND, "responses_denied_total", COUNTER, "dresp", VALUE,
                    "Total number of denied responses since process started"),
            f(FRONTEND, "request_errors_total", COUNTER, "ereq", VALUE,
                    "Total number of invalid requests since process started"),
            f(FRONTEND, "status", GAUGE, "status", STATUS,
                    "Current status of the service, per state label value."),
            f(FRONTEND, "limit_session_rate", GAUGE, "rate_lim", VALUE,
                    "Limit on the number of sessions accepted in a second (frontend only, 'rate-limit sessions' setting)"),
            f(FRONTEND, "max_session_rate", GAUGE, "rate_max", VALUE,
                    "Highest value of sessions per second observed since the worker process started"),
            f(FRONTEND, "http_responses_total", COUNTER, "hrsp", HTTP_RESPONSES,
                    "Total number of HTTP responses with status 100-199 returned by this object since the worker process started"),
            f(FRONTEND, "http_requests_rate_max", GAUGE, "req_rate_max", HTTP_VALUE,
                    "Highest value of http requests observed since the worker process started"),
            f(FRONTEND, "http_requests_total", COUNTER, "req_tot", HTTP_VALUE,
                    "Total number of HTTP requests processed by this object since the worker process started"),
            f(FRONTEND, "http_comp_bytes_in_total", COUNTER, "comp_in", HTTP_VALUE,
                    "Total number of bytes submitted to the HTTP compressor for this object since the worker process started"),
            f(FRONTEND, "http_comp_bytes_out_total", COUNTER, "comp_out", HTTP_VALUE,
                    "Total number of bytes emitted by the HTTP compressor for this object since the worker process started"),
            f(FRONTEND, "http_comp_bytes_bypassed_total", COUNTER, "comp_byp", HTTP_VALUE,
                    "Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)"),
            f(FRONTEND, "http_comp_responses_total", COUNTER, "comp_rsp", HTTP_VALUE,
                    "Total number of HTTP responses that were compressed for this object since the worker process started"),
            f(FRONTEND, "connections_rate_max", GAUGE, "conn_rate_max", VALUE,
                    "Highest value of connections per second observed since the worker process started"),
            f(FRONTEND, "connections_total", COUNTER, "conn_tot", VALUE,
                    "Total number of new connections accepted on this frontend since the worker process started"),
            f(FRONTEND, "intercepted_requests_total", COUNTER, "intercepted", HTTP_VALUE,
                    "Total number of HTTP requests intercepted on the frontend (redirects/stats/services) since the worker process started"),
            f(FRONTEND, "denied_connections_total", COUNTER, "dcon", VALUE,
                    "Total number of incoming connections blocked on a listener/frontend by a tcp-request connection rule since the worker process started"),
            f(FRONTEND, "denied_sessions_total", COUNTER, "dses", VALUE,
                    "Total number of incoming sessions blocked on a listener/frontend by a tcp-request connection rule since the worker process started"),
            f(FRONTEND, "failed_header_rewriting_total", COUNTER, "wrew", VALUE,
                    "Total number of failed HTTP header rewrites since the worker process started"),
            f(FRONTEND, "http_cache_lookups_total", COUNTER, "cache_lookups", HTTP_VALUE,
                    "Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started"),
            f(FRONTEND, "http_cache_hits_total", COUNTER, "cache_hits", HTTP_VALUE,
                    "Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started"),
            f(FRONTEND, "internal_errors_total", COUNTER, "eint", VALUE,
                    "Total number of internal errors since process started"),
            f(BACKEND, "current_queue", GAUGE, "qcur", VALUE,
                    "Number of current queued connections"),
            f(BACKEND, "max_queue", GAUGE, "qmax", VALUE,
                    "Highest value of queued connections encountered since process started"),
            f(BACKEND, "current_sessions", GAUGE, "scur", VALUE,
                    "Number of current sessions on the frontend, backend or server"),
            f(BACKEND, "max_sessions", GAUGE, "smax", VALUE,
                    "Highest value of current sessions encountered since process started"),
            f(BACKEND, "limit_sessions", GAUGE, "slim", VALUE,
                    "Frontend/listener/server's maxconn, backend's fullconn"),
            f(BACKEND, "sessions_total", COUNTER, "stot", VALUE,
                    "Total number of sessions since process started"),
            f(BACKEND, "bytes_in_total", COUNTER, "bin", VALUE,
                    "Total number of request bytes since process started"),
            f(BACKEND, "bytes_out_total", COUNTER, "bout", VALUE,
                    "Total number of response bytes since process started"),
            f(BACKEND, "requests_denied_total", COUNTER, "dreq", VALUE,
                    "Total number of denied requests since process started"),
            f(BACKEND, "responses_denied_total", COUNTER, "dresp", VALUE,
                    "Total number of denied responses since process started"),
            f(BACKEND, "connection_errors_total", COUNTER, "econ", VALUE,
                    "Total number of failed connections to server since the worker process started"),
            f(BACKEND, "response_errors_total", COUNTER, "eresp", VALUE,
                    "Total number of invalid responses since the worker process started"),
            f(BACKEND, "retry_warnings_total", COUNTER, "wretr", VALUE,
                    "Total number of server connection retries since the worker process started"),
            f(BACKEND, "redispatch_warnings_total", COUNTER, "wredis", VALUE,
                    "Total number of server redispatches due to connection failures since the worker process started"),
            f(BACKEND, "status", GAUGE, "status", STATUS,
                    "Current status of the service, per state label value."),
            f(BACKEND, "weight", GAUGE, "weight", VALUE,
                    "Server's effective weight, or sum of active servers' effective weights for a backend"),
            f(BACKEND, "active_servers", GAUGE, "act", VALUE,
                    "Total number of active UP servers with a non-zero weight"),
            f(BACKEND, "backup_servers", GAUGE, "bck", VALUE,
                    "Total number of backup UP servers with a non-zero weight"),
            f(BACKEND, "check_up_down_total", COUNTER, "chkdown", VALUE,
                    "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started"),
            f(BACKEND, "check_last_change_seconds", GAUGE, "lastchg", VALUE,
                    "How long ago the last server state changed, in seconds"),
            f(BACKEND, "downtime_seconds_total", COUNTER, "downtime", VALUE,
                    "Total time spent in DOWN state, for server or backend"),
            f(BACKEND, "loadbalanced_total", COUNTER, "lbtot", VALUE,
                    "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)"),
            f(BACKEND, "max_session_rate", GAUGE, "rate_max", VALUE,
                    "Highest value of sessions per second observed since the worker process started"),
            f(BACKEND, "http_responses_total", COUNTER, "hrsp", HTTP_RESPONSES,
                    "Total number of HTTP responses with status 100-199 returned by this object since the worker process started"),
            f(BACKEND, "http_requests_total", COUNTER, "req_tot", HTTP_VALUE,
                    "Total number of HTTP requests processed by this object since the worker process started"),
            f(BACKEND, "client_aborts_total", COUNTER, "cli_abrt", VALUE,
                    "Total number of requests or connections aborted by the client since the worker process started"),
            f(BACKEND, "server_aborts_total", COUNTER, "srv_abrt", VALUE,
                    "Total number of requests or connections aborted by the server since the worker process started"),
            f(BACKEND, "http_comp_bytes_in_total", COUNTER, "comp_in", HTTP_VALUE,
                    "Total number of bytes submitted to the HTTP compressor for this object since the worker process started"),
            f(BACKEND, "http_comp_bytes_out_total", COUNTER, "comp_out", HTTP_VALUE,
                    "Total number of bytes emitted by the HTTP compressor for this object since the worker process started"),
            f(BACKEND, "http_comp_bytes_bypassed_total", COUNTER, "comp_byp", HTTP_VALUE,
                    "Total number of bytes that bypassed HTTP compression for this object since the worker process started (CPU/memory/bandwidth limitation)"),
            f(BACKEND, "http_comp_responses_total", COUNTER, "comp_rsp", HTTP_VALUE,
                    "Total number of HTTP responses that were compressed for this object since the worker process started"),
            f(BACKEND, "last_session_seconds", GAUGE, "lastsess", VALUE,
                    "How long ago some traffic was seen on this object on this worker process, in seconds"),
            f(BACKEND, "queue_time_average_seconds", GAUGE, "qtime", MILLIS_AS_SECONDS,
                    "Avg. queue time for last 1024 successful connections."),
            f(BACKEND, "connect_time_average_seconds", GAUGE, "ctime", MILLIS_AS_SECONDS,
                    "Avg. connect time for last 1024 successful connections."),
            f(BACKEND, "response_time_average_seconds", GAUGE, "rtime", MILLIS_AS_SECONDS,
                    "Avg. response time for last 1024 successful connections."),
            f(BACKEND, "total_time_average_seconds", GAUGE, "ttime", MILLIS_AS_SECONDS,
                    "Avg. total time for last 1024 successful connections."),
            f(BACKEND, "failed_header_rewriting_total", COUNTER, "wrew", VALUE,
                    "Total number of failed HTTP header rewrites since the worker process started"),
            f(BACKEND, "connection_attempts_total", COUNTER, "connect", VALUE,
                    "Total number of outgoing connection attempts on this backend/server since the worker process started"),
            f(BACKEND, "connection_reuses_total", COUNTER, "reuse", VALUE,
                    "Total number of reused connection on this backend/server since the worker process started"),
            f(BACKEND, "http_cache_lookups_total", COUNTER, "cache_lookups", HTTP_VALUE,
                    "Total number of HTTP requests looked up in the cache on this frontend/backend since the worker process started"),
            f(BACKEND, "http_cache_hits_total", COUNTER, "cache_hits", HTTP_VALUE,
                    "Total number of HTTP requests not found in the cache on this frontend/backend since the worker process started"),
            f(BACKEND, "max_queue_time_seconds", GAUGE, "qtime_max", MILLIS_AS_SECONDS,
                    "Maximum observed time spent in the queue"),
            f(BACKEND, "max_connect_time_seconds", GAUGE, "ctime_max", MILLIS_AS_SECONDS,
                    "Maximum observed time spent waiting for a connection to complete"),
            f(BACKEND, "max_response_time_seconds", GAUGE, "rtime_max", MILLIS_AS_SECONDS,
                    "Maximum observed time spent waiting for a server response"),
            f(BACKEND, "max_total_time_seconds", GAUGE, "ttime_max", MILLIS_AS_SECONDS,
                    "Maximum observed total request+response time (request+queue+connect+response+processing)"),
            f(BACKEND, "internal_errors_total", COUNTER, "eint", VALUE,
                    "Total number of internal errors since process started"),
            f(BACKEND, "uweight", GAUGE, "uweight", VALUE,
                    "Server's user weight, or sum of active servers' user weights for a backend"),
            f(BACKEND, "agg_server_status", GAUGE, "status", AGG_SERVER_STATUS,
                    "Backend's aggregated gauge of servers' status"),
            f(BACKEND, "agg_server_check_status", GAUGE, "status", AGG_SERVER_STATUS,
                    "Backend's aggregated gauge of servers' state check status"),
            f(BACKEND, "agg_check_status", GAUGE, "check_status", AGG_CHECK_STATUS,
                    "Backend's aggregated gauge of servers' state check status"),
            f(SERVER, "current_queue", GAUGE, "qcur", VALUE,
                    "Number of current queued connections"),
            f(SERVER, "max_queue", GAUGE, "qmax", VALUE,
                    "Highest value of queued connections encountered since process started"),
            f(SERVER, "current_sessions", GAUGE, "scur", VALUE,
                    "Number of current sessions on the frontend, backend or server"),
            f(SERVER, "max_sessions", GAUGE, "smax", VALUE,
                    "Highest value of current sessions encountered since process started"),
            f(SERVER, "limit_sessions", GAUGE, "slim", VALUE,
                    "Frontend/listener/server's maxconn, backend's fullconn"),
            f(SERVER, "sessions_total", COUNTER, "stot", VALUE,
                    "Total number of sessions since process started"),
            f(SERVER, "bytes_in_total", COUNTER, "bin", VALUE,
                    "Total number of request bytes since process started"),
            f(SERVER, "bytes_out_total", COUNTER, "bout", VALUE,
                    "Total number of response bytes since process started"),
            f(SERVER, "responses_denied_total", COUNTER, "dresp", VALUE,
                    "Total number of denied responses since process started"),
            f(SERVER, "connection_errors_total", COUNTER, "econ", VALUE,
                    "Total number of failed connections to server since the worker process started"),
            f(SERVER, "response_errors_total", COUNTER, "eresp", VALUE,
                    "Total number of invalid responses since the worker process started"),
            f(SERVER, "retry_warnings_total", COUNTER, "wretr", VALUE,
                    "Total number of server connection retries since the worker process started"),
            f(SERVER, "redispatch_warnings_total", COUNTER, "wredis", VALUE,
                    "Total number of server redispatches due to connection failures since the worker process started"),
            f(SERVER, "status", GAUGE, "status", STATUS,
                    "Current status of the service, per state label value."),
            f(SERVER, "weight", GAUGE, "weight", VALUE,
                    "Server's effective weight, or sum of active servers' effective weights for a backend"),
            f(SERVER, "check_failures_total", COUNTER, "chkfail", VALUE,
                    "Total number of failed individual health checks per server/backend, since the worker process started"),
            f(SERVER, "check_up_down_total", COUNTER, "chkdown", VALUE,
                    "Total number of failed checks causing UP to DOWN server transitions, per server/backend, since the worker process started"),
            f(SERVER, "check_last_change_seconds", GAUGE, "lastchg", VALUE,
                    "How long ago the last server state changed, in seconds"),
            f(SERVER, "downtime_seconds_total", COUNTER, "downtime", VALUE,
                    "Total time spent in DOWN state, for server or backend"),
            f(SERVER, "queue_limit", GAUGE, "qlimit", VALUE,
                    "Limit on the number of connections in queue, for servers only (maxqueue argument)"),
            f(SERVER, "current_throttle", GAUGE, "throttle", VALUE,
                    "Throttling ratio applied to a server's maxconn and weight during the slowstart period (0 to 100%)"),
            f(SERVER, "loadbalanced_total", COUNTER, "lbtot", VALUE,
                    "Total number of requests routed by load balancing since the worker process started (ignores queue pop and stickiness)"),
            f(SERVER, "max_session_rate", GAUGE, "rate_max", VALUE,
                    "Highest value of sessions per second observed since the worker process started"),
            f(SERVER, "check_status", GAUGE, "check_status", CHECK_STATUS,
                    "Status of last health check, per state label value."),
            f(SERVER, "check_code", GAUGE, "check_code", CHECK_CODE,
                    "layer5-7 code, if available of the last health check."),
            f(SERVER, "check_duration_seconds", GAUGE, "check_duration", CHECK_DURATION,
                    "Total duration of the latest server health check, in seconds."),
            f(SERVER, "http_responses_total", COUNTER, "hrsp", HTTP_RESPONSES,
                    "Total number of HTTP responses with status 100-199 returned by this object since the worker process started"),
            f(SERVER, "client_aborts_total", COUNTER, "cli_abrt", VALUE,
                    "Total number of requests or connections aborted by the client since the worker process started"),
            f(SERVER, "server_aborts_total", COUNTER, "srv_abrt", VALUE,
                    "Total number of requests or connections aborted by the server since the worker process started"),
            f(SERVER, "last_session_seconds", GAUGE, "lastsess", VALUE,
                    "How long ago some traffic was seen on this object on this worker process, in seconds"),
            f(SERVER, "queue_time_average_seconds", GAUGE, "qtime", MILLIS_AS_SECONDS,
                    "Avg. queue time for last 1024 successful connections."),
            f(SERVER, "connect_time_average_seconds", GAUGE, "ctime", MILLIS_AS_SECONDS,
                    "Avg. connect time for last 1024 successful connections."),
            f(SERVER, "response_time_average_seconds", GAUGE, "rtime", MILLIS_AS_SECONDS,
                    "Avg. response time for last 1024 successful connections."),
            f(SERVER, "total_time_average_seconds", GAUGE, "ttime", MILLIS_AS_SECONDS,
                    "Avg. total time for last 1024 successful connections."),
            f(SERVER, "failed_header_rewriting_total", COUNTER, "wrew", VALUE,
                    "Total number of failed HTTP header rewrites since the worker process started"),
            f(SERVER, "connection_attempts_total", COUNTER, "connect", VALUE,
                    "Total number of outgoing connection attempts on this backend/server since the worker process started"),
            f(SERVER, "connection_reuses_total", COUNTER, "reuse", VALUE,
                    "Total number of reused connection on this backend/server since the worker process started"),
            f(SERVER, "idle_connections_current", GAUGE, "srv_icur", VALUE,
                    "Current number of idle connections available for reuse on this server"),
            f(SERVER, "idle_connections_limit", GAUGE, "src_ilim", VALUE,
                    "Limit on the number of available idle connections on this server (server 'pool_max_conn' directive)"),
            f(SERVER, "max_queue_time_seconds", GAUGE, "qtime_max", MILLIS_AS_SECONDS,
                    "Maximum observed time spent in the queue"),
            f(SERVER, "max_connect_time_seconds", GAUGE, "ctime_max", MILLIS_AS_SECONDS,
                    "Maximum observed time spent waiting for a connection to complete"),
            f(SERVER, "max_response_time_seconds", GAUGE, "rtime_max", MILLIS_AS_SECONDS,
                    "Maximum observed time spent waiting for a server response"),
            f(SERVER, "max_total_time_seconds", GAUGE, "ttime_max", MILLIS_AS_SECONDS,
                    "Maximum observed total request+response time (request+queue+connect+response+processing)"),
            f(SERVER, "internal_errors_total", COUNTER, "eint", VALUE,
                    "Total number of internal errors since process started"),
            f(SERVER, "unsafe_idle_connections_current", GAUGE, "idle_conn_cur", VALUE,
                    "Current number of unsafe idle connections"),
            f(SERVER, "safe_idle_connections_current", GAUGE, "safe_conn_cur", VALUE,
                    "Current number of safe idle connections"),
            f(SERVER, "used_connections_current", GAUGE, "used_conn_cur", VALUE,
                    "Current number of connections in use"),
            f(SERVER, "need_connections_current", GAUGE, "need_conn_est", VALUE,
                    "Estimated needed number of connections"),
            f(SERVER, "uweight", GAUGE, "uweight", VALUE,
                    "Server's user weight, or sum of active servers' user weights for a backend"));

    private PrometheusExposition() {
    }

    /**
     * Renders the exposition.
     *
     * @param showStat the reply of {@code show stat} (HAProxy 2.6's CSV, header line first); never null
     * @param showInfo the reply of {@code show info} ({@code Name: value} lines); never null, may be empty (the
     *                 process families are then {@code NaN} and {@code build_info} has no sample)
     * @return the text, each family as {@code # HELP}, {@code # TYPE} and its samples, ending with a line
     *         break; never null
     * @throws NullPointerException if an argument is null
     */
    public static String render(String showStat, String showInfo) {
        Objects.requireNonNull(showStat, "showStat");
        Objects.requireNonNull(showInfo, "showInfo");
        StatsCsv csv = StatsCsv.parse(showStat);
        Map<String, String> info = info(showInfo);
        StringBuilder out = new StringBuilder(128 * 1024);
        for (Family family : FAMILIES) {
            out.append("# HELP ").append(family.name()).append(' ').append(family.help()).append('\n');
            out.append("# TYPE ").append(family.name()).append(' ').append(family.type().text).append('\n');
            for (Sample sample : samples(family, csv, info, false)) {
                out.append(family.name());
                appendLabels(out, sample.labels());
                out.append(' ').append(sample.value()).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The samples of one family, in HAProxy's order.
     *
     * @param everySeries also the series HAProxy leaves out while a server has no check result to show
     *                    ({@code check_status}, {@code check_code}, {@code check_duration_seconds}), as
     *                    {@code NaN}: the meters of {@link HaproxyMeterBinder} exist from the start
     */
    static List<Sample> samples(Family family, StatsCsv csv, Map<String, String> info, boolean everySeries) {
        List<Sample> samples = new ArrayList<>();
        if (family.scope() == PROCESS) {
            String value = info.get(family.source());
            if (family.kind() == BUILD_INFO) {
                if (value != null) {
                    samples.add(new Sample(List.of(new Label("version", value)), "1"));
                }
            } else {
                samples.add(new Sample(List.of(), number(value)));
            }
            return samples;
        }
        List<StatsCsv.Row> rows = new ArrayList<>();
        for (StatsCsv.Row row : csv.rows()) {
            if (row.type() == family.scope().rowType && (!family.kind().httpOnly || row.http())) {
                rows.add(row);
            }
        }
        if (family.kind() == HTTP_RESPONSES) {
            for (String code : HTTP_CODES) {
                for (StatsCsv.Row row : rows) {
                    List<Label> labels = new ArrayList<>(objectLabels(family.scope(), row));
                    labels.add(new Label("code", code));
                    samples.add(new Sample(labels, number(row.get("hrsp_" + code))));
                }
            }
            return samples;
        }
        for (StatsCsv.Row row : rows) {
            rowSamples(family, row, csv, samples, everySeries);
        }
        return samples;
    }

    private static void rowSamples(Family family, StatsCsv.Row row, StatsCsv csv, List<Sample> samples,
                                   boolean everySeries) {
        List<Label> labels = objectLabels(family.scope(), row);
        switch (family.kind()) {
            case VALUE, HTTP_VALUE, INFO -> samples.add(new Sample(labels, number(row.get(family.source()))));
            case MILLIS_AS_SECONDS -> samples.add(new Sample(labels, seconds(row.get(family.source()))));
            case STATUS -> {
                String state = switch (family.scope()) {
                    case SERVER -> serverState(row.get("status"));
                    case FRONTEND -> row.get("status").equals("STOP") ? "DOWN" : "UP";
                    default -> row.get("status").equals("UP") ? "UP" : "DOWN";
                };
                List<String> states = family.scope() == SERVER ? SERVER_STATES : PROXY_STATES;
                stateSamples(labels, states, s -> s.equals(state) ? 1 : 0, samples);
            }
            case CHECK_STATUS -> {
                String status = checkStatus(row);
                if (!status.isEmpty()) {
                    stateSamples(labels, CHECK_STATES, s -> s.equals(status) ? 1 : 0, samples);
                } else if (everySeries) {
                    for (String state : CHECK_STATES) {
                        List<Label> withState = new ArrayList<>(labels);
                        withState.add(new Label("state", state));
                        samples.add(new Sample(withState, "NaN"));
                    }
                }
            }
            case CHECK_CODE -> {
                if (!checkStatus(row).isEmpty()) {
                    String code = row.get("check_code");
                    samples.add(new Sample(labels, code.isEmpty() ? "0" : number(code)));
                } else if (everySeries) {
                    samples.add(new Sample(labels, "NaN"));
                }
            }
            case CHECK_DURATION -> {
                if (!row.get("check_duration").isEmpty() || everySeries) {
                    samples.add(new Sample(labels, seconds(row.get("check_duration"))));
                }
            }
            case AGG_SERVER_STATUS, AGG_CHECK_STATUS -> {
                Map<String, Integer> counts = new HashMap<>();
                for (StatsCsv.Row server : csv.rows()) {
                    if (server.type() == StatsCsv.SERVER && server.proxy().equals(row.proxy())) {
                        String key = family.kind() == AGG_SERVER_STATUS ? serverState(server.get("status"))
                                : checkStatus(server);
                        counts.merge(key, 1, Integer::sum);
                    }
                }
                List<String> states = family.kind() == AGG_SERVER_STATUS ? SERVER_STATES : CHECK_STATES;
                stateSamples(labels, states, s -> counts.getOrDefault(s, 0), samples);
            }
            default -> throw new IllegalStateException("kind: " + family.kind());
        }
    }

    /**
     * Returns the state of {@code haproxy_server_status} for a CSV {@code status} text, as the exporter's
     * {@code promex_srv_status} decides it from the server's state and admin flags.
     */
    static String serverState(String status) {
        if (status.startsWith("MAINT")) {
            return "MAINT";
        }
        if (status.startsWith("DRAIN")) {
            return "DRAIN";
        }
        if (status.startsWith("NOLB")) {
            return "NOLB";
        }
        if (status.equals("no check") || status.equals("UP") || status.startsWith("UP ")) {
            return "UP";
        }
        return "DOWN";
    }

    /** Parses {@code show info}'s {@code Name: value} lines; the first of a name wins. */
    static Map<String, String> info(String showInfo) {
        Map<String, String> info = new LinkedHashMap<>();
        for (String line : showInfo.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                info.putIfAbsent(line.substring(0, colon), line.substring(colon + 2).strip());
            }
        }
        return info;
    }

    /** Appends {@code {a="x",b="y"}}, nothing without labels; values escaped as the text format says. */
    static void appendLabels(StringBuilder out, List<Label> labels) {
        if (labels.isEmpty()) {
            return;
        }
        out.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(labels.get(i).name()).append("=\"");
            String value = labels.get(i).value();
            for (int j = 0; j < value.length(); j++) {
                char c = value.charAt(j);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '"' -> out.append("\\\"");
                    case '\n' -> out.append("\\n");
                    default -> out.append(c);
                }
            }
            out.append('"');
        }
        out.append('}');
    }

    private static String checkStatus(StatsCsv.Row row) {
        String status = row.get("check_status");
        return status.startsWith("* ") ? status.substring(2) : status;
    }

    private static List<Label> objectLabels(Scope scope, StatsCsv.Row row) {
        return scope == SERVER ? List.of(new Label("proxy", row.proxy()), new Label("server", row.name()))
                : List.of(new Label("proxy", row.proxy()));
    }

    private static void stateSamples(List<Label> labels, List<String> states,
                                     java.util.function.ToIntFunction<String> value, List<Sample> samples) {
        for (String state : states) {
            List<Label> withState = new ArrayList<>(labels);
            withState.add(new Label("state", state));
            samples.add(new Sample(withState, Integer.toString(value.applyAsInt(state))));
        }
    }

    /** A CSV or info number as HAProxy prints it, {@code NaN} for an empty or non-numeric field. */
    private static String number(String text) {
        return text != null && NUMBER.matcher(text).matches() ? text : "NaN";
    }

    /** Milliseconds as seconds with six decimals ({@code 1} gives {@code 0.001000}), {@code NaN} if empty. */
    private static String seconds(String millis) {
        if (millis == null || !NUMBER.matcher(millis).matches()) {
            return "NaN";
        }
        return String.format(Locale.ROOT, "%f", Double.parseDouble(millis) / 1000.0);
    }

    private static Family f(Scope scope, String shortName, Type type, String source, Kind kind, String help) {
        return new Family(scope, "haproxy_" + scope.prefix + "_" + shortName, type, source, kind, help);
    }

    /** Where a family's samples come from. */
    enum Scope {
        PROCESS("process", -1), FRONTEND("frontend", StatsCsv.FRONTEND), BACKEND("backend", StatsCsv.BACKEND),
        SERVER("server", StatsCsv.SERVER);

        final String prefix;
        final int rowType;

        Scope(String prefix, int rowType) {
            this.prefix = prefix;
            this.rowType = rowType;
        }
    }

    /** The {@code # TYPE} of a family. */
    enum Type {
        GAUGE("gauge"), COUNTER("counter");

        final String text;

        Type(String text) {
            this.text = text;
        }
    }

    /** How a family's value is computed from its source. */
    enum Kind {
        /** A {@code show info} number. */
        INFO(false),
        /** {@code Build info} as the {@code version} label, value 1. */
        BUILD_INFO(false),
        /** A CSV number. */
        VALUE(false),
        /** A CSV number, only for {@code mode http} proxies. */
        HTTP_VALUE(true),
        /** A CSV number of milliseconds, in seconds. */
        MILLIS_AS_SECONDS(false),
        /** One sample per state. */
        STATUS(false),
        /** One sample per check state, none without a check. */
        CHECK_STATUS(false),
        /** The check's layer 5-7 code. */
        CHECK_CODE(false),
        /** The check's duration in seconds. */
        CHECK_DURATION(false),
        /** One sample per response class, only for {@code mode http} proxies. */
        HTTP_RESPONSES(true),
        /** Servers counted by state. */
        AGG_SERVER_STATUS(false),
        /** Servers counted by check state. */
        AGG_CHECK_STATUS(false);

        final boolean httpOnly;

        Kind(boolean httpOnly) {
            this.httpOnly = httpOnly;
        }
    }

    /**
     * One family.
     *
     * @param scope  process, frontend, backend or server
     * @param name   the full name, e.g. {@code haproxy_server_status}
     * @param type   gauge or counter
     * @param source the {@code show info} name or CSV column it reads
     * @param kind   how its value is computed
     * @param help   HAProxy's HELP text
     */
    record Family(Scope scope, String name, Type type, String source, Kind kind, String help) {
    }

    /** A label, name and value. */
    record Label(String name, String value) {
    }

    /** One sample: labels in order and the value as printed. */
    record Sample(List<Label> labels, String value) {
    }
}
