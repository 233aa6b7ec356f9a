package io.haprobe.engine;

import io.haprobe.CheckOutcome;
import io.haprobe.CheckStatus;
import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.config.ProxyDeclaration;
import io.haprobe.config.ServerConfig;
import io.haprobe.health.AgentHealth;
import io.haprobe.health.ServerHealth;
import io.haprobe.traffic.BackendTraffic;
import io.haprobe.traffic.FrontendTraffic;
import io.haprobe.traffic.ServerTraffic;
import io.haprobe.traffic.TrafficCounters;
import io.haprobe.time.Scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The runtime API's reports in HAProxy 2.6.12's formats (spec §10.1, §10.2): {@code show stat} (the CSV, header
 * byte for byte, a {@code FRONTEND} row per frontend or listen section, a row per server, a {@code BACKEND} row
 * per backend or listen section, each field filled or left empty as stats.c does), {@code show servers state}
 * (format version 1) and {@code show info}.
 *
 * <p>What haprobe does not model is printed as HAProxy prints it with no traffic: session, byte, queue and
 * response counters are 0 until the traffic model counts them; {@code slim} of a frontend and of a backend
 * ({@code maxconn}, {@code fullconn}) and {@code show info}'s Maxconn and Hard_maxconn follow the process's
 * {@code maxconn} ({@code CheckPlanner.globalMaxConn}: {@code global maxconn}, else derived from the descriptor
 * limit as 2.6.12 does), its Nbthread, Maxsock and Ulimit-n the threads and descriptors 2.6.12 runs this
 * configuration with ({@link ProcessLimits}); the module counters
 * ({@code ssl_*}, {@code h2_*}, {@code h1_*}) are 0, where HAProxy's {@code h1_*} of a backend also count its
 * health checks' own connections. Proxies are numbered from 2 in declaration order ({@code iid}): HAProxy gives
 * number 1 to its stats socket's own proxy.
 *
 * <p>Threading: runs on the engine's event loop (reads the checkers' state there).
 */
final class StatsReport {

    /** {@code show stat}'s first line, 2.6.12 with its SSL, HTTP/2 and HTTP/1 modules, without the newline. */
    static final String HEADER = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,"
            + "wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,"
            + "tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,"
            + "hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,"
            + "comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,"
            + "agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,"
            + "agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,"
            + "reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,"
            + "idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,"
            + "agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,"
            + "h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,"
            + "h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,"
            + "h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,"
            + "h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,"
            + "h1_spliced_bytes_in,h1_spliced_bytes_out,";

    /** The column names of {@link #HEADER}, in order. */
    static final List<String> COLUMNS = List.of(HEADER.substring(2, HEADER.length() - 1).split(","));

    /**
     * The index in {@link #COLUMNS} of each column name, its first occurrence as {@link List#indexOf} finds it: a
     * row of a 10,000-server {@code show stat} sets about 60 fields by name, and a linear search of the 100-odd
     * names each time was most of the report's time.
     */
    private static final Map<String, Integer> COLUMN_INDEX = columnIndex();

    /** The line of {@code show servers state}'s header, without the newline. */
    static final String SERVERS_STATE_HEADER = "# be_id be_name srv_id srv_name srv_addr srv_op_state "
            + "srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result "
            + "srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port "
            + "srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port";

    /** The lines of {@code help} for the commands haprobe serves, in HAProxy 2.6.12's words and order. */
    static final List<String> HELP_LINES = List.of(
            "  disable agent                           : disable agent checks",
            "  disable health                          : disable health checks",
            "  disable server (DEPRECATED)             : disable a server for maintenance (use 'set server' instead)",
            "  enable agent                            : enable agent checks",
            "  enable health                           : enable health checks",
            "  enable server  (DEPRECATED)             : enable a disabled server (use 'set server' instead)",
            "  get weight <bk>/<srv>                   : report a server's current weight",
            "  set server <bk>/<srv> [opts]            : change a server's state, weight, address or ssl",
            "  set weight <bk>/<srv>  (DEPRECATED)     : change a server's weight (use 'set server' instead)",
            "  show backend                            : list backends in the current running config",
            "  show info [desc|json|typed|float]*      : report information about the running process",
            "  show servers state [<backend>]          : dump volatile server information (all or for a single "
                    + "backend)",
            "  show stat [desc|json|no-maint|typed|up]*: report counters for each proxy and server",
            "  show version                            : show version of the current process",
            "  help [<command>]                        : list matching or all commands",
            "  prompt                                  : toggle interactive mode with prompt",
            "  quit                                    : disconnect");

    /**
     * The commands of HAProxy 2.6.12's runtime API that haprobe does not serve (its {@code help}, first words):
     * they are refused by name rather than answered as unknown.
     */
    static final List<String> NOT_SERVED = List.of(
            "abort ssl ca-file",
            "abort ssl cert",
            "abort ssl crl-file",
            "add acl",
            "add map",
            "add server",
            "add ssl crt-list",
            "clear acl",
            "clear counters",
            "clear map",
            "clear table",
            "commit acl",
            "commit map",
            "commit ssl ca-file",
            "commit ssl cert",
            "commit ssl crl-file",
            "del acl",
            "del map",
            "del server",
            "del ssl ca-file",
            "del ssl cert",
            "del ssl crl-file",
            "del ssl crt-list",
            "disable dynamic-cookie backend",
            "disable frontend",
            "enable dynamic-cookie backend",
            "enable frontend",
            "get acl",
            "get map",
            "get var",
            "new ssl ca-file",
            "new ssl cert",
            "new ssl crlfile",
            "operator",
            "prepare acl",
            "prepare map",
            "set dynamic-cookie-key backend",
            "set map",
            "set maxconn frontend",
            "set maxconn global",
            "set maxconn server",
            "set profiling",
            "set rate-limit",
            "set severity-output",
            "set ssl ca-file",
            "set ssl cert",
            "set ssl crl-file",
            "set ssl ocsp-response",
            "set ssl tls-key",
            "set table",
            "set timeout",
            "show acl",
            "show activity",
            "show cache",
            "show cli level",
            "show cli sockets",
            "show env",
            "show errors",
            "show events",
            "show fd",
            "show libs",
            "show map",
            "show peers",
            "show pools",
            "show profiling",
            "show resolvers",
            "show schema json",
            "show servers conn",
            "show sess",
            "show ssl ca-file",
            "show ssl cert",
            "show ssl crl-file",
            "show ssl crt-list",
            "show ssl ocsp-response",
            "show ssl providers",
            "show startup-logs",
            "show table",
            "show tasks",
            "show threads",
            "show tls-keys",
            "show trace",
            "shutdown frontend",
            "shutdown session",
            "shutdown sessions server",
            "trace",
            "user");

    /**
     * Returns the HAProxy command that {@code words} starts with among those haprobe does not serve.
     *
     * @param words the command's words
     * @return the command's name, or null when HAProxy does not know it either
     */
    static String notServed(List<String> words) {
        String line = String.join(" ", words);
        for (String command : NOT_SERVED) {
            if (line.equals(command) || line.startsWith(command + ' ')) {
                return command;
            }
        }
        return null;
    }

    /** {@code help}'s reply. */
    static final String HELP = "The following commands are valid at this level:\n" + String.join("\n", HELP_LINES)
            + "\n";

    /** The reply to an empty command. */
    static final String EMPTY_COMMAND = "Unknown command. Please enter one of the following commands only:\n"
            + String.join("\n", HELP_LINES) + "\n";

    /**
     * Returns the reply to a command haprobe does not know: HAProxy's first line, the commands sharing the
     * command's first word (HAProxy picks its suggestions by a word similarity of its own), then {@code help},
     * {@code prompt} and {@code quit}.
     *
     * @param verb the command's first word
     * @return the reply, never null
     */
    static String unknownCommand(String verb) {
        StringBuilder out = new StringBuilder("Unknown command, but maybe one of the following ones is a better match:\n");
        int fixed = HELP_LINES.size() - 3;
        for (int i = 0; i < fixed; i++) {
            String line = HELP_LINES.get(i);
            if (!verb.isEmpty() && line.startsWith("  " + verb + ' ')) {
                out.append(line).append('\n');
            }
        }
        for (int i = fixed; i < HELP_LINES.size(); i++) {
            out.append(HELP_LINES.get(i)).append('\n');
        }
        return out.toString();
    }

    private static final int TYPE_FRONTEND = 1;
    private static final int TYPE_BACKEND = 2;
    private static final int TYPE_SERVER = 4;

    private final HaproxyConfig config;
    private final int globalMaxConn;
    private final ProcessLimits limits;
    private final Map<String, CheckedSection> sections = new HashMap<>();
    private final Map<String, Integer> ids = new HashMap<>();
    private final Scheduler clock;
    private final long pid;
    private long startNanos;
    private long startMillis;
    private final Map<String, FrontendTraffic> frontends;

    /**
     * Creates the reports of an engine.
     *
     * @param config   the configuration; never null
     * @param sections the engine's checked sections; never null
     * @param clock    the engine's scheduler (ages and uptime); never null
     * @param pid      the {@code pid} {@code show info} prints
     * @param frontends the request model of each frontend and listen section, by name (its FRONTEND row's
     *                  counters and {@code slim}); never null
     * @param limits   the process's threads and limits ({@code show info}'s Nbthread, Maxsock, Ulimit-n), its
     *                  {@code maxconn} among them ({@code show info}'s Maxconn, the default
     *                  {@code fullconn} of the BACKEND rows' {@code slim}); never null
     */
    StatsReport(HaproxyConfig config, List<CheckedSection> sections, Scheduler clock, long pid,
                Map<String, FrontendTraffic> frontends, ProcessLimits limits) {
        this.config = config;
        this.limits = limits;
        this.globalMaxConn = limits.maxConn();
        this.frontends = frontends;
        this.clock = clock;
        this.pid = pid;
        sections.forEach(section -> this.sections.put(section.name(), section));
        int next = 2;
        for (ProxyDeclaration declaration : config.declarations()) {
            ids.putIfAbsent(declaration.name() + '/' + declaration.hasBackend(), next++);
        }
    }

    /** Records the engine's start, the origin of uptime. */
    void started(long nanos) {
        startNanos = nanos;
        startMillis = clock.currentTimeMillis();
    }

    /**
     * Returns the {@code iid} of a backend or listen section.
     *
     * @param backend the section's name
     * @return its number, 0 when unknown
     */
    int proxyId(String backend) {
        return ids.getOrDefault(backend + "/true", 0);
    }

    /**
     * {@code show stat [{<iid>|<proxy>} <type> <sid>] [up|no-maint]} (stats.c): with a proxy and a type mask
     * (1 frontends, 2 backends, 4 servers) and optionally a server id, only those rows.
     */
    String showStat(String[] args) {
        StatDump dump = statDump(args);
        dump.write(Integer.MAX_VALUE);
        return dump.text();
    }

    /**
     * Starts a {@code show stat} that can be written a few server rows at a time, as HAProxy writes its dump a
     * buffer at a time between its other tasks: {@link #showStat} is this dump written at once.
     *
     * @param args the command's words, as {@link #showStat}
     * @return the dump, nothing written yet; done at once when the arguments only get an error's text
     */
    StatDump statDump(String[] args) {
        String proxyFilter = null;
        int typeMask = -1;
        int sidFilter = -1;
        boolean upOnly = false;
        boolean noMaint = false;
        List<String> words = new ArrayList<>();
        for (int i = 2; i < args.length && !args[i].isEmpty(); i++) {
            switch (args[i]) {
                case "up" -> upOnly = true;
                case "no-maint" -> noMaint = true;
                case "typed", "json", "desc" -> {
                    return new StatDump("haprobe does not implement 'show stat " + args[i] + "'.\n");
                }
                default -> words.add(args[i]);
            }
        }
        if (words.size() >= 3) {
            // stats.c applies the filter only when the proxy, the type and the server id are all given; the
            // proxy is a name, else a number (0, or a word, is no proxy; an unknown number matches nothing)
            proxyFilter = words.get(0);
            typeMask = (int) parseInt(words.get(1));
            sidFilter = (int) parseInt(words.get(2));
            if (!knownProxyName(proxyFilter) && parseInt(proxyFilter) == 0) {
                return new StatDump("No such proxy.\n");
            }
        }
        StatDump dump = new StatDump(proxyFilter, typeMask, sidFilter, upOnly, noMaint,
                proxyFilter == null ? wholeDumpChars() : 4096);
        dump.out.append(HEADER).append('\n');
        return dump;
    }

    /**
     * About the characters of a dump of every row: a whole dump is sized at once, as growing one of 100,000 servers
     * (25 MB) would double and copy it on the loop.
     */
    private int wholeDumpChars() {
        long rows = 2L * config.declarations().size();
        for (CheckedSection backend : sections.values()) {
            rows += backend.servers().size();
        }
        return (int) Math.min(1 << 27, HEADER.length() + 1 + rows * StatDump.ROW_CHARS);
    }

    /**
     * One {@code show stat} being written: the rows of the config's sections in order, a frontend row, the servers'
     * rows, the backend row. The rows of one {@link #write} carry the time it started, as each chunk of HAProxy's dump
     * carries its own. Not thread-safe: written on the engine's first loop (or the simulation's thread), as every
     * report.
     */
    final class StatDump {
        /** About the length of a server's row with its newline, 252 characters for a checked server at rest. */
        static final int ROW_CHARS = 260;

        private final String proxyFilter;
        private final int typeMask;
        private final int sidFilter;
        private final boolean upOnly;
        private final boolean noMaint;
        private long now;
        private final StringBuilder out;
        private final List<ProxyDeclaration> declarations;
        /** The next declaration to write. */
        private int next;
        /** The declaration being written (its frontend row is out) and the servers written of it, or null. */
        private ProxyDeclaration current;
        private CheckedSection section;
        private int iid;
        private int sid;
        private boolean done;

        private StatDump(String error) {
            this(null, -1, -1, false, false, error.length());
            out.append(error);
            done = true;
        }

        private StatDump(String proxyFilter, int typeMask, int sidFilter, boolean upOnly, boolean noMaint,
                int capacity) {
            this.proxyFilter = proxyFilter;
            this.typeMask = typeMask;
            this.sidFilter = sidFilter;
            this.upOnly = upOnly;
            this.noMaint = noMaint;
            this.declarations = config.declarations();
            this.out = new StringBuilder(capacity);
        }

        /**
         * Writes the next rows: those of at most {@code servers} servers (a server the filters leave out counts
         * too), and the frontend and backend rows around them.
         *
         * @param servers the most servers to go through, {@code >= 1}
         * @return true once the whole dump is written
         */
        boolean write(int servers) {
            now = clock.nanoTime();
            int budget = servers;
            while (!done) {
                if (current == null) {
                    if (next == declarations.size()) {
                        done = true;
                        break;
                    }
                    if (!open(declarations.get(next++))) {
                        continue;
                    }
                }
                List<ServerChecker> checkers = section.servers();
                while (sid < checkers.size()) {
                    if (budget-- == 0) {
                        return false;
                    }
                    ServerChecker server = checkers.get(sid++);
                    ServerHealth health = server.health();
                    boolean up = !health.maintenance()
                            && (health.state() == ServerState.UP || health.state() == ServerState.STARTING);
                    if (sidFilter >= 0 && sid != sidFilter || noMaint && health.maintenance() || upOnly && !up) {
                        continue;
                    }
                    line(out, serverRow(current, section, server, iid, sid, now));
                }
                if ((typeMask & TYPE_BACKEND) != 0) {
                    line(out, backendRow(current, section, iid, now));
                }
                current = null;
            }
            return true;
        }

        /** Starts a declaration: writes its frontend row; false when it has no rows to write beyond that. */
        private boolean open(ProxyDeclaration declaration) {
            iid = ids.get(declaration.name() + '/' + declaration.hasBackend());
            if (proxyFilter != null && !proxyFilter.equals("-1") && !proxyFilter.equals(declaration.name())
                    && (knownProxyName(proxyFilter) || parseInt(proxyFilter) != iid)) {
                return false;
            }
            CheckedSection backend = declaration.hasBackend() ? sections.get(declaration.name()) : null;
            if (declaration.hasBackend() && backend == null) {
                return false;
            }
            if (declaration.hasFrontend() && (typeMask & TYPE_FRONTEND) != 0) {
                line(out, frontendRow(declaration, iid));
            }
            if (backend == null) {
                return false;
            }
            current = declaration;
            section = backend;
            sid = (typeMask & TYPE_SERVER) != 0 ? 0 : backend.servers().size();
            return true;
        }

        /**
         * Returns the text written so far: the whole reply once {@link #write} returned true.
         *
         * @return the CSV, the header line first; never null
         */
        String text() {
            return out.toString();
        }
    }

    /** {@code show servers state [<backend>]} (server_state.c), format version 1. */
    String showServersState(String backend) {
        if (!backend.isEmpty() && !sections.containsKey(backend)) {
            return "Can't find backend.\n";
        }
        StringBuilder out = new StringBuilder(1024).append("1\n").append(SERVERS_STATE_HEADER).append('\n');
        long now = clock.nanoTime();
        for (ProxyDeclaration declaration : config.declarations()) {
            CheckedSection section = declaration.hasBackend() ? sections.get(declaration.name()) : null;
            if (section == null || !backend.isEmpty() && !backend.equals(declaration.name())) {
                continue;
            }
            int iid = proxyId(declaration.name());
            int sid = 0;
            for (ServerChecker server : section.servers()) {
                sid++;
                ServerHealth health = server.health();
                ServerConfig cfg = server.plan().config();
                boolean configured = server.plan().boot().checked();
                CheckOutcome last = health.lastOutcome();
                int checkState = configured ? 2 | (health.checked() ? 4 : 0) | (health.maintenance() ? 8 : 0) : 0;
                AgentHealth agent = health.agent();
                int agentState = agent == null ? 0 : 0x12 | (agent.enabled() ? 4 : 0);
                out.append(iid).append(' ').append(section.name()).append(' ').append(sid).append(' ')
                        .append(server.name()).append(' ').append(server.address()).append(' ')
                        .append(opState(health)).append(' ').append(adminState(health, cfg)).append(' ')
                        .append(health.weight()).append(' ').append(server.initialWeight()).append(' ')
                        .append(seconds(now - server.lastChangeNanos())).append(' ')
                        .append(last == null ? CheckStatus.INI.number() : last.status().number()).append(' ')
                        .append(last == null ? 0 : checkResult(last.status())).append(' ')
                        .append(health.counter().health()).append(' ').append(checkState).append(' ')
                        .append(agentState).append(" 0 0 - ").append(server.port()).append(" - ")
                        .append(cfg.check().tls().ssl() ? 1 : 0).append(' ')
                        .append(cfg.check().target().port()).append(' ')
                        .append(cfg.check().target().address() == null ? "-" : cfg.check().target().address())
                        .append(' ').append(cfg.agent().address() == null ? "-" : cfg.agent().address()).append(' ')
                        .append(cfg.agent().enabled() ? cfg.effectiveAgentPort() : 0).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code show backend}: {@code # name}, then each backend or listen section checked, in order. */
    String showBackend() {
        StringBuilder out = new StringBuilder("# name\n");
        for (ProxyDeclaration declaration : config.declarations()) {
            if (declaration.hasBackend() && sections.containsKey(declaration.name())) {
                out.append(declaration.name()).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code show info}: the fields of 2.6.12 in its order; what haprobe does not count is 0. */
    String showInfo() {
        long uptime = seconds(clock.nanoTime() - startNanos);
        String node = config.global().node();
        List<String> lines = new ArrayList<>(List.of(
                "Name: HAProxy", "Version: 2.6.12", "Release_date: 2023/03/10", "Nbthread: " + limits.threads(),
                "Nbproc: 1", "Process_num: 1", "Pid: " + pid, "Uptime: " + uptimeText(uptime), "Uptime_sec: " + uptime,
                "Memmax_MB: 0", "PoolAlloc_MB: 0", "PoolUsed_MB: 0", "PoolFailed: 0", "Ulimit-n: " + limits.ulimitN(),
                "Maxsock: " + limits.maxSock(), "Maxconn: " + globalMaxConn, "Hard_maxconn: " + globalMaxConn,
                "CurrConns: 0", "CumConns: 0", "CumReq: 0", "MaxSslConns: 0",
                "CurrSslConns: 0", "CumSslConns: 0", "Maxpipes: 0", "PipesUsed: 0", "PipesFree: 0", "ConnRate: 0",
                "ConnRateLimit: 0", "MaxConnRate: 0", "SessRate: 0", "SessRateLimit: 0", "MaxSessRate: 0",
                "SslRate: 0", "SslRateLimit: 0", "MaxSslRate: 0", "SslFrontendKeyRate: 0",
                "SslFrontendMaxKeyRate: 0", "SslFrontendSessionReuse_pct: 0", "SslBackendKeyRate: 0",
                "SslBackendMaxKeyRate: 0", "SslCacheLookups: 0", "SslCacheMisses: 0", "CompressBpsIn: 0",
                "CompressBpsOut: 0", "CompressBpsRateLim: 0", "Tasks: 0", "Run_queue: 0", "Idle_pct: 100",
                "node: " + (node == null ? "" : node), "Stopping: 0", "Jobs: 0", "Unstoppable Jobs: 0",
                "Listeners: 0", "ActivePeers: 0", "ConnectedPeers: 0", "DroppedLogs: 0", "BusyPolling: 0",
                "FailedResolutions: 0", "TotalBytesOut: 0", "TotalSplicdedBytesOut: 0", "BytesOutRate: 0",
                "DebugCommandsIssued: 0", "CumRecvLogs: 0", "Build info: 2.6.12 (haprobe)", "Memmax_bytes: 0",
                "PoolAlloc_bytes: 0", "PoolUsed_bytes: 0", "Start_time_sec: " + startMillis / 1000, "Tainted: 0"));
        return String.join("\n", lines) + "\n";
    }

    private String[] frontendRow(ProxyDeclaration declaration, int iid) {
        String[] f = empty();
        boolean http = declaration.mode().equals("http");
        f[0] = declaration.name();
        f[1] = "FRONTEND";
        zero(f, "scur", "smax", "stot", "bin", "bout", "dreq", "dresp", "ereq", "rate", "rate_lim", "rate_max",
                "req_rate", "req_rate_max", "req_tot", "comp_in", "comp_out", "comp_byp", "comp_rsp", "conn_rate",
                "conn_rate_max", "conn_tot", "dcon", "dses", "wrew", "eint");
        if (http) {
            zero(f, "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "intercepted",
                    "cache_lookups", "cache_hits");
        }
        FrontendTraffic traffic = frontends.get(declaration.name());
        if (traffic != null) {
            set(f, "slim", Integer.toString(traffic.maxConn()));
            set(f, "scur", Integer.toString(traffic.currentSessions()));
            set(f, "smax", Integer.toString(traffic.maxSessions()));
            set(f, "stot", Long.toString(traffic.totalSessions()));
            set(f, "conn_tot", Long.toString(traffic.totalSessions()));
            set(f, "req_tot", Long.toString(traffic.requestTotal()));
            if (http) {
                httpCounters(f, traffic::httpResponses);
            }
        }
        set(f, "status", "OPEN");
        set(f, "pid", "1");
        set(f, "iid", Integer.toString(iid));
        set(f, "sid", "0");
        set(f, "type", "0");
        set(f, "mode", declaration.mode());
        modules(f, true);
        return f;
    }

    private String[] serverRow(ProxyDeclaration declaration, CheckedSection section, ServerChecker server, int iid,
                               int sid, long now) {
        String[] f = empty();
        ServerHealth health = server.health();
        boolean http = declaration.mode().equals("http");
        boolean checkShown = health.checked() && !health.maintenance();
        f[0] = section.name();
        f[1] = server.name();
        zero(f, "qcur", "qmax", "scur", "smax", "stot", "bin", "bout", "dresp", "econ", "eresp", "wretr", "wredis",
                "lbtot", "rate", "rate_max", "cli_abrt", "srv_abrt", "qtime", "ctime", "rtime", "ttime", "wrew",
                "connect", "reuse", "srv_icur", "qtime_max", "ctime_max", "rtime_max", "ttime_max", "eint",
                "idle_conn_cur", "safe_conn_cur", "used_conn_cur");
        if (http) {
            zero(f, "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "req_tot");
        }
        ServerConfig cfg = server.plan().config();
        if (cfg.traffic().maxConn() > 0) {
            set(f, "slim", Integer.toString(cfg.traffic().maxConn()));
        }
        BackendTraffic model = section.requests();
        ServerTraffic requests = model == null ? null : model.server(server.name());
        if (requests != null) {
            counters(f, requests, http);
            if (health.state() == ServerState.STARTING) {
                set(f, "weight", Integer.toString(requests.csvWeight()));
                if (requests.throttle() >= 0) {
                    set(f, "throttle", Integer.toString(requests.throttle()));
                }
            }
        }
        set(f, "status", health.statusText());
        set(f, "weight", Integer.toString(server.effectiveWeight()));
        set(f, "uweight", Integer.toString(health.weight()));
        boolean backup = cfg.traffic().backup();
        set(f, "act", backup ? "0" : "1");
        set(f, "bck", backup ? "1" : "0");
        if (health.checked()) {
            set(f, "chkfail", Long.toString(server.failedChecks()));
            set(f, "chkdown", Long.toString(server.downTransitions()));
            set(f, "downtime", Long.toString(seconds(server.downtimeNanos(now))));
        }
        set(f, "lastchg", Long.toString(seconds(now - server.lastChangeNanos())));
        set(f, "pid", "1");
        set(f, "iid", Integer.toString(iid));
        set(f, "sid", Integer.toString(sid));
        set(f, "type", "2");
        set(f, "lastsess", "-1");
        CheckOutcome last = health.lastOutcome();
        CheckStatus status = last == null ? CheckStatus.INI : last.status();
        if (checkShown) {
            set(f, "check_status", (server.checkRunning() ? "* " : "") + status.tag());
            if (status.ordinal() >= CheckStatus.L57DATA.ordinal()) {
                set(f, "check_code", Integer.toString(last.code()));
            }
            if (status.ordinal() >= CheckStatus.CHECKED.ordinal()) {
                set(f, "check_duration", Long.toString(last.durationMillis()));
            }
            set(f, "check_desc", status.description());
            set(f, "last_chk", last == null ? "" : last.info());
            set(f, "check_rise", Integer.toString(health.counter().rise()));
            set(f, "check_fall", Integer.toString(health.counter().fall()));
            set(f, "check_health", Integer.toString(health.counter().health()));
        }
        AgentHealth agent = health.agent();
        if (agent != null && agent.enabled()) {
            CheckOutcome agentLast = agent.lastOutcome();
            CheckStatus agentStatus = agentLast == null ? CheckStatus.INI : agentLast.status();
            set(f, "agent_status", agentStatus.tag());
            if (agentStatus.ordinal() >= CheckStatus.L57DATA.ordinal()) {
                set(f, "agent_code", Integer.toString(agentLast.code()));
            }
            set(f, "agent_duration", Long.toString(agentLast == null ? 0 : agentLast.durationMillis()));
            set(f, "agent_desc", agentStatus.description());
            set(f, "last_agt", agentLast == null ? "" : agentLast.info());
            set(f, "agent_rise", "1");
            set(f, "agent_fall", "1");
            set(f, "agent_health", Integer.toString(agent.health()));
        }
        set(f, "addr", address(server.address(), server.port()));
        set(f, "mode", declaration.mode());
        set(f, "need_conn_est", health.checked() && !health.maintenance() ? "1" : "0");
        set(f, "-", "-");
        zero(f, "ssl_sess", "ssl_reused_sess", "ssl_failed_handshake");
        return f;
    }

    private String[] backendRow(ProxyDeclaration declaration, CheckedSection section, int iid, long now) {
        String[] f = empty();
        boolean http = declaration.mode().equals("http");
        f[0] = section.name();
        f[1] = "BACKEND";
        zero(f, "qcur", "qmax", "scur", "smax", "stot", "bin", "bout", "dreq", "dresp", "econ", "eresp", "wretr",
                "wredis", "lbtot", "rate", "rate_max", "req_tot", "cli_abrt", "srv_abrt",
                "comp_in", "comp_out", "comp_byp", "comp_rsp", "qtime", "ctime", "rtime", "ttime", "wrew", "connect",
                "reuse", "qtime_max", "ctime_max", "rtime_max", "ttime_max", "eint", "agg_server_status",
                "agg_server_check_status", "agg_check_status");
        if (http) {
            zero(f, "hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "cache_lookups",
                    "cache_hits");
        } else {
            f[COLUMNS.indexOf("req_tot")] = "";
        }
        set(f, "slim", Integer.toString(config.fullConn(section.proxy(), globalMaxConn)));
        BackendTraffic requests = section.requests();
        if (requests != null) {
            counters(f, requests, http);
        }
        int active = 0;
        int backup = 0;
        int activeWeight = 0;
        int firstBackupWeight = -1;
        for (ServerChecker server : section.servers()) {
            ServerHealth health = server.health();
            if (!health.usable()) {
                continue;
            }
            if (server.plan().config().traffic().backup()) {
                backup++;
                if (firstBackupWeight < 0) {
                    firstBackupWeight = server.effectiveWeight();
                }
            } else {
                active++;
                activeWeight += server.effectiveWeight();
            }
        }
        int weight = active > 0 ? activeWeight : Math.max(0, firstBackupWeight);
        set(f, "status", weight > 0 || section.servers().isEmpty() ? "UP" : "DOWN");
        set(f, "weight", Integer.toString(weight));
        set(f, "uweight", Integer.toString(weight));
        set(f, "act", Integer.toString(active));
        set(f, "bck", Integer.toString(backup));
        set(f, "chkdown", Long.toString(section.downTransitions()));
        set(f, "lastchg", Long.toString(seconds(now - section.lastChangeNanos())));
        set(f, "downtime", Long.toString(seconds(section.downtimeNanos(now))));
        set(f, "pid", "1");
        set(f, "iid", Integer.toString(iid));
        set(f, "sid", "0");
        set(f, "type", "1");
        set(f, "lastsess", "-1");
        set(f, "mode", declaration.mode());
        set(f, "algo", section.proxy().balance());
        modules(f, true);
        return f;
    }

    private static void modules(String[] f, boolean all) {
        set(f, "-", "-");
        int from = COLUMNS.indexOf("ssl_sess");
        for (int i = from; i < f.length; i++) {
            f[i] = all ? "0" : f[i];
        }
    }

    private static String address(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ':' + port;
    }

    private static int opState(ServerHealth health) {
        return switch (health.state()) {
            case DOWN -> 0;
            case STARTING -> 1;
            case UP -> 2;
            case NOLB -> 3;
        };
    }

    private static int adminState(ServerHealth health, ServerConfig cfg) {
        return (health.maintenance() ? 1 : 0) | (cfg.traffic().disabled() ? 4 : 0) | (health.drain() ? 8 : 0);
    }

    private static int checkResult(CheckStatus status) {
        return switch (status.result()) {
            case FAILED -> 2;
            case PASSED -> 3;
            case CONDPASS -> 4;
            case NEUTRAL -> 1;
            default -> 0;
        };
    }

    private boolean knownProxyName(String name) {
        for (ProxyDeclaration declaration : config.declarations()) {
            if (declaration.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Integer> columnIndex() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < COLUMNS.size(); i++) {
            index.putIfAbsent(COLUMNS.get(i), i);
        }
        return Map.copyOf(index);
    }

    private static String[] empty() {
        String[] fields = new String[COLUMNS.size()];
        Arrays.fill(fields, "");
        return fields;
    }

    /** The request model's counters of a server or BACKEND row. */
    private static void counters(String[] f, TrafficCounters counters, boolean http) {
        set(f, "qcur", Integer.toString(counters.queueLength()));
        set(f, "qmax", Integer.toString(counters.maxQueueLength()));
        set(f, "scur", Integer.toString(counters.currentSessions()));
        set(f, "smax", Integer.toString(counters.maxSessions()));
        set(f, "stot", Long.toString(counters.totalSessions()));
        set(f, "lbtot", Long.toString(counters.lbTotal()));
        set(f, "econ", Long.toString(counters.connectErrors()));
        set(f, "eresp", Long.toString(counters.responseErrors()));
        set(f, "wretr", Long.toString(counters.retries()));
        set(f, "wredis", Long.toString(counters.redispatches()));
        set(f, "cli_abrt", Long.toString(counters.clientAborts()));
        if (http) {
            httpCounters(f, counters::httpResponses);
            set(f, "req_tot", Long.toString(counters.requestTotal()));
        }
    }

    private static void httpCounters(String[] f, java.util.function.IntToLongFunction byClass) {
        set(f, "hrsp_1xx", Long.toString(byClass.applyAsLong(1)));
        set(f, "hrsp_2xx", Long.toString(byClass.applyAsLong(2)));
        set(f, "hrsp_3xx", Long.toString(byClass.applyAsLong(3)));
        set(f, "hrsp_4xx", Long.toString(byClass.applyAsLong(4)));
        set(f, "hrsp_5xx", Long.toString(byClass.applyAsLong(5)));
        set(f, "hrsp_other", Long.toString(byClass.applyAsLong(0)));
    }

    private static void zero(String[] fields, String... columns) {
        for (String column : columns) {
            set(fields, column, "0");
        }
    }

    private static void set(String[] fields, String column, String value) {
        Integer index = COLUMN_INDEX.get(column);
        if (index == null) {
            throw new IllegalArgumentException("column: " + column);
        }
        fields[index] = value;
    }

    /** One CSV line: fields separated by commas, a trailing comma; a field with a comma is quoted. */
    private static void line(StringBuilder out, String[] fields) {
        for (String field : fields) {
            if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0) {
                out.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                out.append(field);
            }
            out.append(',');
        }
        out.append('\n');
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(Math.max(0, nanos));
    }

    private static String uptimeText(long seconds) {
        return String.format("%dd %dh%02dm%02ds", seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60,
                seconds % 60);
    }

    private static long parseInt(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The process figures of {@code show info} that HAProxy 2.6.12 derives from the configuration, its threads and
     * the descriptor limit it boots with ({@code CheckPlanner.processLimits}).
     *
     * @param threads the threads HAProxy runs ({@code nbthread}, else one per processor): Nbthread, {@code >= 1}
     * @param maxConn the process's {@code maxconn}: Maxconn and Hard_maxconn, {@code >= 1}
     * @param maxSock the descriptors it counts on: Maxsock, {@code >= 1}
     * @param ulimitN the descriptor limit it sets ({@code ulimit-n}, else Maxsock): Ulimit-n, {@code >= 1}
     */
    record ProcessLimits(int threads, int maxConn, long maxSock, long ulimitN) {
    }
}
