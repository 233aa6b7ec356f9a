package io.haprobe.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The mutable traffic settings of one {@code defaults}, {@code backend}, {@code listen} or {@code frontend}
 * section while it is read: the keywords of {@link ProxyTrafficSettings} and the frontend side
 * ({@code maxconn}, {@code default_backend}, {@code use_backend}). Inherited from {@code defaults} by
 * {@link #copy()}, as HAProxy's {@code init_new_proxy()}/{@code proxy_preset_defaults()} copy them.
 *
 * <p>Not thread-safe: one parser's.
 */
final class ProxyTrafficParser {

    long timeoutQueueNanos;
    long timeoutServerNanos;
    int retries = ProxyTrafficSettings.DEFAULT_RETRIES;
    int redispatchAfter;
    boolean allBackups;
    boolean persist;
    int fullConn;
    ProxyTrafficSettings.Cookie cookie;
    int maxConn;
    String defaultBackend;
    final List<String> useBackends = new ArrayList<>();
    /** The listening sockets of the section's {@code bind} lines (not inherited: defaults have none). */
    int listeners;
    /** The lines the traffic model ignores, this section's and those inherited, in file order. */
    final List<UnmodelledTraffic> unmodelled = new ArrayList<>();
    // the traffic log (TrafficLog): targets as written, null standing for 'log global'
    final List<TrafficLog.Target> logTargets = new ArrayList<>();
    TrafficLog.Format logFormat = TrafficLog.Format.NONE;
    ConfigToken logFormatToken;
    boolean dontLogNormal;
    boolean logSeparateErrors;

    /** Copies what a section inherits from its {@code defaults} ({@code use_backend} rules are not inherited). */
    ProxyTrafficParser copy() {
        ProxyTrafficParser copy = new ProxyTrafficParser();
        copy.timeoutQueueNanos = timeoutQueueNanos;
        copy.timeoutServerNanos = timeoutServerNanos;
        copy.retries = retries;
        copy.redispatchAfter = redispatchAfter;
        copy.allBackups = allBackups;
        copy.persist = persist;
        copy.fullConn = fullConn;
        copy.cookie = cookie;
        copy.maxConn = maxConn;
        copy.defaultBackend = defaultBackend;
        copy.unmodelled.addAll(unmodelled);
        copy.logTargets.addAll(logTargets);
        copy.logFormat = logFormat;
        copy.logFormatToken = logFormatToken;
        copy.dontLogNormal = dontLogNormal;
        copy.logSeparateErrors = logSeparateErrors;
        return copy;
    }

    ProxyTrafficSettings toSettings() {
        return new ProxyTrafficSettings(timeoutQueueNanos, timeoutServerNanos, retries, redispatchAfter, allBackups,
                persist, fullConn, cookie, unmodelled);
    }

    /**
     * Records a line that changes traffic in HAProxy 2.6 but not in haprobe's model ({@link IgnoredTrafficKeywords});
     * a setting (not a rule) replaces what an earlier line or the defaults section said, and its {@code no option}
     * form only removes it. Warns nothing: the line does not change health checks.
     *
     * @param tokens any line of the section; never null nor empty
     * @param in     the line's context; never null
     */
    void unmodelled(List<ConfigToken> tokens, ParseContext in) {
        ConfigToken first = tokens.get(0);
        List<ConfigToken> line = tokens;
        if (first.is("no") && tokens.size() > 1) {
            line = tokens.subList(1, tokens.size());
        }
        String keyword = IgnoredTrafficKeywords.keyword(line);
        if (keyword == null) {
            return;
        }
        if (!IgnoredTrafficKeywords.accumulates(line.get(0).text())) {
            unmodelled.removeIf(entry -> entry.keyword().equals(keyword));
        }
        String effect = line == tokens ? IgnoredTrafficKeywords.effect(line) : null;
        if (effect != null) {
            unmodelled.add(new UnmodelledTraffic(keyword, in.location(first), effect));
        }
    }

    /**
     * Reads {@code timeout queue} and {@code timeout server}.
     *
     * @return true if the timeout was one of them
     */
    boolean timeout(List<ConfigToken> tokens, ParseContext in) {
        ConfigToken which = tokens.get(1);
        if (which.is("queue")) {
            timeoutQueueNanos = ConfigValues.parseTimeNanos(in, "timeout queue", in.argument(tokens, 2), false);
            return true;
        }
        if (which.is("server")) {
            timeoutServerNanos = ConfigValues.parseTimeNanos(in, "timeout server", in.argument(tokens, 2), false);
            return true;
        }
        return false;
    }

    /**
     * Reads {@code option redispatch [N]}, {@code option allbackups}, {@code option persist} and their
     * {@code no option} forms.
     *
     * @return true if the option was one of them
     */
    boolean option(List<ConfigToken> tokens, boolean negated) {
        switch (tokens.get(1).text()) {
            case "httplog" -> logFormat(tokens.get(1), negated ? TrafficLog.Format.NONE
                    : tokens.size() > 2 && tokens.get(2).is("clf") ? TrafficLog.Format.HTTPLOG_CLF
                    : TrafficLog.Format.HTTPLOG);
            case "tcplog" -> logFormat(tokens.get(1), negated ? TrafficLog.Format.NONE : TrafficLog.Format.TCPLOG);
            case "dontlog-normal" -> dontLogNormal = !negated;
            case "log-separate-errors" -> logSeparateErrors = !negated;
            case "redispatch" -> redispatchAfter = negated ? 0
                    : tokens.size() > 2 ? (int) clamp(ConfigValues.atol(tokens.get(2).text())) : -1;
            case "allbackups" -> allBackups = !negated;
            case "persist" -> persist = !negated;
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads {@code retries}, {@code fullconn}, {@code cookie}, {@code maxconn}, {@code default_backend} and
     * {@code use_backend}.
     *
     * @return true if the keyword was one of them
     * @throws ConfigException with HAProxy 2.6.12's message when an argument is missing
     */
    boolean keyword(List<ConfigToken> tokens, ParseContext in) {
        ConfigToken keyword = tokens.get(0);
        switch (keyword.text()) {
            case "retries" -> retries = (int) Math.max(0, clamp(ConfigValues.atol(required(tokens, in,
                    "'retries' expects an integer argument (dispatch counts for one)."))));
            case "fullconn" -> fullConn = (int) Math.max(0, clamp(ConfigValues.atol(required(tokens, in,
                    "'fullconn' expects an integer argument."))));
            case "maxconn" -> maxConn = (int) Math.max(0, clamp(ConfigValues.atol(required(tokens, in,
                    "'maxconn' expects an integer argument."))));
            case "cookie" -> cookie = cookie(tokens, in);
            case "log" -> log(tokens);
            case "log-format" -> logFormat(keyword, TrafficLog.Format.CUSTOM);
            case "default_backend" -> defaultBackend = required(tokens, in, "'default_backend' expects a backend name.");
            case "use_backend" -> {
                String target = required(tokens, in, "'use_backend' expects a backend name.");
                if (tokens.size() > 2) {
                    in.warn(tokens.get(2), "'use_backend " + target + "' has a condition; ACL routing is not"
                            + " modelled: the traffic model ignores this rule and sends requests to the"
                            + " default_backend");
                } else {
                    useBackends.add(target);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the frontend keywords of a {@code frontend} section: {@code maxconn}, {@code default_backend},
     * {@code use_backend}.
     *
     * @return true if the keyword was one of them
     */
    boolean frontendKeyword(List<ConfigToken> tokens, ParseContext in) {
        return switch (tokens.get(0).text()) {
            case "maxconn", "default_backend", "use_backend", "log", "log-format" -> keyword(tokens, in);
            case "option" -> tokens.size() > 1 && option(tokens, false);
            case "no" -> tokens.size() > 2 && tokens.get(1).is("option") ? option(tokens.subList(1, tokens.size()),
                    true) : noLog(tokens);
            default -> false;
        };
    }

    /**
     * Reads {@code no log}: the section drops every log target it has so far.
     *
     * @return true if the line was {@code no log}
     */
    boolean noLog(List<ConfigToken> tokens) {
        if (tokens.size() < 2 || !tokens.get(1).is("log")) {
            return false;
        }
        logTargets.clear();
        return true;
    }

    /**
     * Builds the frontend side of the section, with {@code log global} replaced by the global section's targets,
     * and warns about a log format haprobe does not build.
     *
     * @param globalLogs the global section's {@code log} targets; never null
     * @param in         where warnings go; never null
     */
    FrontendConfig toFrontend(String name, boolean listen, SourceLocation location,
                              List<TrafficLog.Target> globalLogs, ParseContext in) {
        List<TrafficLog.Target> targets = new ArrayList<>();
        for (TrafficLog.Target target : logTargets) {
            if (target == null) {
                targets.addAll(globalLogs);
            } else {
                targets.add(target);
            }
        }
        TrafficLog log = logFormat == TrafficLog.Format.NONE && !dontLogNormal && !logSeparateErrors
                && targets.isEmpty() ? TrafficLog.NONE
                : new TrafficLog(logFormat, targets, dontLogNormal, logSeparateErrors);
        if (!targets.isEmpty() && logFormatToken != null && logFormat != TrafficLog.Format.HTTPLOG
                && logFormat != TrafficLog.Format.NONE) {
            in.warn(logFormatToken, (listen ? "proxy '" : "frontend '") + name + "' logs its requests with '"
                    + switch (logFormat) {
                        case TCPLOG -> "option tcplog";
                        case HTTPLOG_CLF -> "option httplog clf";
                        default -> "log-format";
                    } + "': not modelled, a simulation prints no log line for its requests (only 'option httplog'"
                    + " is)");
        }
        return new FrontendConfig(name, listen, location, maxConn, defaultBackend, useBackends, unmodelled, log,
                listeners);
    }

    /** Reads a {@code log} line (already checked by {@link KeywordArguments#log}). */
    private void log(List<ConfigToken> tokens) {
        if (tokens.size() > 1 && tokens.get(1).is("global")) {
            logTargets.add(null);
            return;
        }
        TrafficLog.Target target = target(tokens);
        if (target != null) {
            logTargets.add(target);
        }
    }

    /**
     * Reads the target of a {@code log} line of any section: {@code log <address> [len N] [format F] [sample R:S]
     * <facility> [level [minlevel]]}.
     *
     * @return the target, or null for {@code log global} or an incomplete line
     */
    static TrafficLog.Target target(List<ConfigToken> tokens) {
        if (tokens.size() < 3 || tokens.get(1).is("global")) {
            return null;
        }
        int i = 2;
        while (i + 1 < tokens.size() && (tokens.get(i).is("len") || tokens.get(i).is("format")
                || tokens.get(i).is("sample"))) {
            i += 2;
        }
        if (i >= tokens.size()) {
            return null;
        }
        String level = i + 1 < tokens.size() && TrafficLog.severity(tokens.get(i + 1).text()) >= 0
                ? tokens.get(i + 1).text() : null;
        return new TrafficLog.Target(tokens.get(1).text(), tokens.get(i).text(), level);
    }

    private void logFormat(ConfigToken token, TrafficLog.Format format) {
        logFormat = format;
        logFormatToken = token;
    }

    /**
     * Counts the listening sockets of a {@code bind} line, as HAProxy opens them: one per comma-separated address,
     * and one per port of a port range ({@code :8000-8009} is ten).
     *
     * @param tokens any line of the section; never null nor empty
     */
    void bind(List<ConfigToken> tokens) {
        if (!tokens.get(0).is("bind") || tokens.size() < 2) {
            return;
        }
        for (String address : tokens.get(1).text().split(",", -1)) {
            int colon = address.lastIndexOf(':');
            String port = colon < 0 ? "" : address.substring(colon + 1);
            int dash = port.indexOf('-');
            if (dash > 0 && port.substring(0, dash).matches("[0-9]{1,5}") && port.substring(dash + 1).matches(
                    "[0-9]{1,5}")) {
                listeners += Math.max(1, Integer.parseInt(port.substring(dash + 1))
                        - Integer.parseInt(port.substring(0, dash)) + 1);
            } else {
                listeners++;
            }
        }
    }

    private static String required(List<ConfigToken> tokens, ParseContext in, String message) {
        if (tokens.size() < 2 || tokens.get(1).text().isEmpty()) {
            throw in.error(tokens.get(0), message);
        }
        return tokens.get(1).text();
    }

    private static ProxyTrafficSettings.Cookie cookie(List<ConfigToken> tokens, ParseContext in) {
        String name = required(tokens, in, "'cookie' expects <cookie_name> as argument.");
        java.util.EnumSet<ProxyTrafficSettings.CookieMode> modes =
                java.util.EnumSet.noneOf(ProxyTrafficSettings.CookieMode.class);
        boolean indirect = false;
        for (int i = 2; i < tokens.size(); i++) {
            switch (tokens.get(i).text()) {
                case "rewrite" -> modes.add(ProxyTrafficSettings.CookieMode.REWRITE);
                case "insert" -> modes.add(ProxyTrafficSettings.CookieMode.INSERT);
                case "prefix" -> modes.add(ProxyTrafficSettings.CookieMode.PREFIX);
                case "indirect" -> indirect = true;
                case "domain", "maxidle", "maxlife", "attr" -> i++;
                default -> {
                    // nocache, postonly, preserve, httponly, secure, dynamic: no effect on the choice of server
                }
            }
        }
        if (indirect && modes.contains(ProxyTrafficSettings.CookieMode.REWRITE)) {
            throw in.error(tokens.get(0), "cookie 'rewrite' and 'indirect' modes are incompatible.");
        }
        if (modes.size() > 1) {
            throw in.error(tokens.get(0), "cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.");
        }
        ProxyTrafficSettings.CookieMode mode = modes.isEmpty() ? ProxyTrafficSettings.CookieMode.PASSIVE
                : modes.iterator().next();
        return new ProxyTrafficSettings.Cookie(name, mode);
    }

    private static long clamp(long value) {
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }
}
