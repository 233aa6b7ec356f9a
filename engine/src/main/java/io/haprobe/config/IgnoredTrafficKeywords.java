package io.haprobe.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The HAProxy 2.6 proxy keywords that change what happens to requests but that haprobe's traffic model does not
 * model; {@link ProxyTrafficParser} records each such line as an {@link UnmodelledTraffic}, which a simulation
 * turns into a warning when its traffic goes through the section. Decided keyword by keyword (and action by
 * action for rules); a keyword the model honours ({@code balance}, {@code hash-balance-factor}, {@code cookie},
 * {@code option persist}, {@code option redispatch}, {@code retries}, timeouts of queue and server, ...) is not
 * here.
 *
 * <table>
 *   <caption>what is recorded, and what is not and why</caption>
 *   <tr><th>keywords</th><th>recorded</th></tr>
 *   <tr><td>{@code http-request}, {@code http-response}, {@code http-after-response}, {@code tcp-request},
 *       {@code tcp-response}</td><td>every rule but those whose action only records (capture, variables,
 *       {@code track-sc*}, {@code sc-*} counters, maps and ACLs, log level, marks) and
 *       {@code inspect-delay}; response header rewrites are not recorded either</td></tr>
 *   <tr><td>{@code use-server}, {@code force-persist}, {@code ignore-persist}, {@code stick on|match|store-*},
 *       {@code persist rdp-cookie}</td><td>always: they choose the server ({@code stick-table} alone only
 *       declares a table and is not recorded)</td></tr>
 *   <tr><td>{@code redirect}, {@code monitor-uri}, {@code stats} (a stats page in the proxy)</td><td>always:
 *       HAProxy answers some requests itself</td></tr>
 *   <tr><td>{@code errorloc}, {@code errorloc302}, {@code errorloc303}</td><td>for 502, 503 and 504, the
 *       statuses the model gives</td></tr>
 *   <tr><td>{@code filter}</td><td>all but {@code compression} and {@code trace} (bodies and logs only),
 *       {@code cache} and {@code spoe} (which act through rules, recorded themselves)</td></tr>
 *   <tr><td>{@code http-reuse}</td><td>{@code aggressive} and {@code always}: the first request of a client can
 *       use another client's server connection, without a connect</td></tr>
 *   <tr><td>{@code retry-on}</td><td>all but {@code none}: layer 7 retries</td></tr>
 *   <tr><td>{@code rate-limit sessions}</td><td>always</td></tr>
 *   <tr><td>{@code option abortonclose}</td><td>always: the model is HAProxy without it</td></tr>
 *   <tr><td>not recorded</td><td>{@code option http-server-close}, {@code httpclose}, {@code http-keep-alive},
 *       {@code prefer-last-server}, {@code timeout client}, {@code timeout http-request},
 *       {@code timeout http-keep-alive}:
 *       each scenario request is a client connection of its own that sends the whole request at once, so they
 *       change nothing the model decides; {@code compression}, {@code errorfile}, {@code http-error},
 *       {@code option forwardfor}: bodies and headers the model does not carry</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
final class IgnoredTrafficKeywords {

    /** Rule actions that only record something: they change no verdict by themselves. */
    private static final Set<String> RECORDING_ACTIONS = Set.of("capture", "set-var", "set-var-fmt", "unset-var",
            "set-log-level", "track-sc0", "track-sc1", "track-sc2", "sc-inc-gpc", "sc-inc-gpc0", "sc-inc-gpc1",
            "sc-set-gpt", "sc-set-gpt0", "sc-add-gpc", "set-mark", "set-tos", "set-nice", "add-acl", "del-acl",
            "set-map", "del-map", "cache-store", "early-hint", "accept");
    private static final Set<String> RESPONSE_REWRITES = Set.of("set-header", "add-header", "del-header",
            "replace-header", "replace-value");
    private static final Set<String> RULES = Set.of("http-request", "http-response", "http-after-response",
            "tcp-request", "tcp-response", "use-server", "force-persist", "ignore-persist", "stick", "redirect",
            "errorloc", "errorloc302", "errorloc303", "filter", "stats");
    private static final Set<String> UNFILTERED = Set.of("compression", "trace", "cache", "spoe");

    private IgnoredTrafficKeywords() {
    }

    /**
     * Returns the keyword as {@link UnmodelledTraffic#keyword()} names it, for the lines this catalog decides on.
     *
     * @param tokens the line without a leading {@code no}; never null nor empty
     * @return the keyword, or null when the line's keyword is none of this catalog's
     */
    static String keyword(List<ConfigToken> tokens) {
        String first = tokens.get(0).text();
        String second = tokens.size() > 1 ? action(tokens.get(1).text()) : "";
        return switch (first) {
            case "http-request", "http-response", "http-after-response", "stick", "filter", "stats",
                    "rate-limit" -> first + " " + second;
            case "tcp-request", "tcp-response" -> second.equals("inspect-delay") || tokens.size() < 3 ? first + " "
                    + second : first + " " + second + " " + action(tokens.get(2).text());
            case "persist" -> "persist " + second;
            case "option" -> second.equals("abortonclose") ? "option abortonclose" : null;
            case "use-server", "force-persist", "ignore-persist", "redirect", "errorloc", "errorloc302",
                    "errorloc303", "http-reuse", "retry-on", "monitor-uri" -> first;
            default -> null;
        };
    }

    /**
     * Tells whether each line of this keyword adds to the section's list (rules), rather than replacing the
     * previous line and what the section inherited (settings).
     *
     * @param keyword the line's first word; never null
     * @return true for rules
     */
    static boolean accumulates(String keyword) {
        return RULES.contains(keyword);
    }

    /**
     * Returns what HAProxy 2.6 does with requests because of this line, that haprobe's traffic model does not.
     *
     * @param tokens the line without a leading {@code no}; never null nor empty
     * @return the effect, or null when the line changes nothing the model decides
     */
    static String effect(List<ConfigToken> tokens) {
        String first = tokens.get(0).text();
        String second = tokens.size() > 1 ? action(tokens.get(1).text()) : "";
        return switch (first) {
            case "http-request" -> RECORDING_ACTIONS.contains(second) ? null : "HAProxy 2.6 runs this rule on each"
                    + " request before load balancing: it can answer the request itself (deny, return, redirect,"
                    + " tarpit, auth), change what balancing and persistence read (path, headers, source), the"
                    + " queue priority or the timeouts; haprobe forwards each request as the scenario writes it";
            case "http-response", "http-after-response" -> RECORDING_ACTIONS.contains(second)
                    || RESPONSE_REWRITES.contains(second) ? null : "HAProxy 2.6 runs this rule on each response:"
                    + " it can replace the status the client gets (deny, return, redirect, set-status); haprobe"
                    + " counts the server's status";
            case "tcp-request", "tcp-response" -> tcpRule(tokens, first);
            case "use-server" -> "HAProxy 2.6 sends the requests this rule matches to the named server without load"
                    + " balancing; haprobe load-balances every request";
            case "force-persist" -> "HAProxy 2.6 keeps the requests this rule matches on their persistence cookie's"
                    + " server even when it is DOWN; haprobe load-balances them";
            case "ignore-persist" -> "HAProxy 2.6 load-balances the requests this rule matches even when they carry"
                    + " a server's persistence cookie; haprobe sends them to the cookie's server";
            case "stick" -> "HAProxy 2.6 sends a request to the server its stick table remembers for it; haprobe"
                    + " knows only cookie persistence and load-balances the request";
            case "persist" -> "HAProxy 2.6 sends a request to the server its RDP cookie names; haprobe"
                    + " load-balances it";
            case "redirect" -> "HAProxy 2.6 answers the requests this rule matches itself with a redirect, no server"
                    + " sees them; haprobe forwards them";
            case "monitor-uri" -> "HAProxy 2.6 answers requests for this path itself (200, or 503 with 'monitor"
                    + " fail'), no server sees them; haprobe forwards them";
            case "stats" -> "HAProxy 2.6 serves its statistics page itself for requests to the stats URI (default"
                    + " /haproxy?stats), no server sees them; haprobe forwards them";
            case "errorloc", "errorloc302", "errorloc303" -> second.matches("50[234]") ? "HAProxy 2.6 answers its"
                    + " own " + second + " with a redirect to this location (" + (first.equals("errorloc303")
                    ? "303" : "302") + "), which the client and the hrsp counters see; haprobe counts a " + second
                    : null;
            case "filter" -> UNFILTERED.contains(second) ? null : "HAProxy 2.6 runs this filter on the streams (a"
                    + " bandwidth limit slows transfers, fcgi-app speaks FastCGI to the servers); haprobe's requests"
                    + " go through no filter";
            case "http-reuse" -> second.equals("aggressive") || second.equals("always") ? "HAProxy 2.6 can send a"
                    + " client's first request over an idle server connection another client opened, without a"
                    + " connect (so without its failures, retries and Tc); haprobe connects for every request" : null;
            case "retry-on" -> second.equals("none") ? null : "HAProxy 2.6 also retries a request after these layer 7"
                    + " failures (response errors, timeouts, statuses), possibly on another server; haprobe retries"
                    + " connect failures only";
            case "rate-limit" -> "HAProxy 2.6 accepts at most this many new sessions per second, the others wait in"
                    + " the listener's backlog; haprobe accepts them at once";
            case "option" -> "HAProxy 2.6 aborts a queued or connecting request whose client closed; haprobe models"
                    + " HAProxy without it (the request keeps its place, its server still gets it)";
            default -> null;
        };
    }

    private static String tcpRule(List<ConfigToken> tokens, String first) {
        if (tokens.size() < 3 || tokens.get(1).is("inspect-delay") || RECORDING_ACTIONS.contains(action(
                tokens.get(2).text()))) {
            return null;
        }
        return first.equals("tcp-request") ? "HAProxy 2.6 runs this rule on each connection or request: it can"
                + " reject or drop it, or change what balancing reads (source); haprobe admits every request"
                : "HAProxy 2.6 runs this rule on each server response: it can reject it; haprobe counts the server's"
                + " status";
    }

    /** An action without its arguments in parentheses: {@code set-var(txn.x)} is {@code set-var}. */
    private static String action(String word) {
        int parenthesis = word.indexOf('(');
        return (parenthesis < 0 ? word : word.substring(0, parenthesis)).toLowerCase(Locale.ROOT);
    }
}
