package io.haprobe.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The arguments of keywords haprobe does not model but HAProxy 2.6.12 refuses when they are wrong, checked as
 * {@code haproxy -c} checks them: {@code log} targets, facilities and levels (CFG §3.1, §4.2 "log"),
 * {@code stats socket} levels, {@code bind} addresses, IP patterns of {@code src}/{@code dst} ACLs, the
 * argument counts of header actions, {@code redirect} forms, and the {@code resolvers} keywords. Each error
 * repeats HAProxy's words. Names are never resolved: a host name is taken as valid, where HAProxy would
 * resolve it.
 *
 * <p>Stateless and thread-safe.
 */
final class KeywordArguments {

    private static final Set<String> FACILITIES = Set.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");
    private static final Set<String> LEVELS = Set.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug");
    private static final Set<String> LOG_FORMATS = Set.of("local", "rfc3164", "rfc5424", "priority", "short",
            "timed", "iso", "raw");
    private static final Set<String> REDIRECT_WORDS = Set.of("code", "prefix", "location", "scheme", "set-cookie",
            "clear-cookie", "drop-query", "append-slash", "ignore-empty", "keep-query");
    private static final Set<String> REDIRECT_TAKES_VALUE = Set.of("code", "prefix", "location", "scheme",
            "set-cookie", "clear-cookie");
    /** Header actions and how many words they take before an optional condition. */
    private static final Map<String, Integer> HEADER_ACTIONS = Map.of("set-header", 2, "add-header", 2,
            "replace-header", 3, "replace-value", 3);
    private static final Set<String> HOLD_EVENTS = Set.of("nx", "other", "refused", "timeout", "valid",
            "obsolete");
    private static final Pattern PORT_RANGE = Pattern.compile("\\d+(-\\d+)?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})(\\.\\d{1,3}){0,3}(/\\d{1,2}|/[\\d.]+)?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/\\d{1,3})?");

    private KeywordArguments() {
    }

    /**
     * Checks a {@code log} line of {@code global} or of a proxy.
     *
     * @throws ConfigException as 2.6.12: "log : expects &lt;address&gt; and &lt;facility&gt; as arguments" (in a
     *                         proxy: "... or global as arguments"; {@code log nolog} of later versions too),
     *                         "unknown log facility", "unknown optional log level", "cannot handle unexpected
     *                         argument", "'global' is not supported for a global syslog server"
     */
    static void log(ParseContext in, List<ConfigToken> tokens, boolean global) {
        if (tokens.size() > 1 && tokens.get(1).is("global")) {
            if (global) {
                throw in.error(tokens.get(1), "log : 'global' is not supported for a global syslog server");
            }
            return;
        }
        int i = 2;
        while (i + 1 < tokens.size() && Set.of("len", "format", "sample").contains(tokens.get(i).text())) {
            ConfigToken option = tokens.get(i);
            if (option.is("format") && !LOG_FORMATS.contains(tokens.get(i + 1).text())) {
                throw in.error(tokens.get(i + 1), "log : unknown log format '" + tokens.get(i + 1).text() + "'");
            }
            i += 2;
        }
        if (tokens.size() <= i) {
            // 2.6.12's words, its two spaces in global included; "log nolog" (a later version's) lands here too
            throw in.error(tokens.get(0), global ? "log : expects <address> and <facility>  as arguments"
                    : "log : expects <address> and <facility> or global as arguments");
        }
        ConfigToken facility = tokens.get(i);
        if (!FACILITIES.contains(facility.text())) {
            throw in.error(facility, "log : unknown log facility '" + facility.text() + "'");
        }
        for (int level = i + 1; level < tokens.size(); level++) {
            ConfigToken word = tokens.get(level);
            if (level > i + 2) {
                throw in.error(word, "log : cannot handle unexpected argument '" + word.text() + "'");
            }
            if (!LEVELS.contains(word.text())) {
                throw in.error(word, "log : unknown optional " + (level == i + 1 ? "" : "minimum ") + "log level '"
                        + word.text() + "'");
            }
        }
    }

    /**
     * Checks a {@code stats} line of {@code global}.
     *
     * @throws ConfigException for an unknown sub-keyword or a bad {@code level}
     */
    static void globalStats(ParseContext in, List<ConfigToken> tokens) {
        ConfigToken word = in.argument(tokens, 1);
        if (!Set.of("socket", "maxconn", "bind-process", "timeout").contains(word.text())) {
            throw in.error(word, "'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got '"
                    + word.text() + "')");
        }
        if (!word.is("socket")) {
            in.argument(tokens, 2);
            return;
        }
        in.argument(tokens, 2);
        for (int i = 3; i < tokens.size(); i++) {
            if (tokens.get(i).is("level")) {
                if (i + 1 >= tokens.size()) {
                    throw in.error(tokens.get(i), "'stats socket' : ''level' : missing level'");
                }
                String level = tokens.get(i + 1).text();
                if (!Set.of("user", "operator", "admin").contains(level)) {
                    throw in.error(tokens.get(i + 1), "'stats socket' : ''level' only supports 'user', 'operator',"
                            + " and 'admin' (got '" + level + "')'");
                }
            }
        }
    }

    /**
     * Checks the addresses of a {@code bind} line: each comma-separated IP address needs a port after its colon.
     *
     * @throws ConfigException "'bind' : missing port specification in 'ADDR'"
     */
    static void bindAddresses(ParseContext in, ConfigToken addresses) {
        for (String address : addresses.text().split(",", -1)) {
            String bare = address;
            int at = address.indexOf('@');
            if (at >= 0) {
                String family = address.substring(0, at);
                if (!Set.of("ipv4", "ipv6", "udp", "udp4", "udp6", "quic4", "quic6", "tcp", "tcp4", "tcp6")
                        .contains(family)) {
                    continue; // unix@, abns@, fd@, sockpair@: no port
                }
                bare = address.substring(at + 1);
            } else if (address.startsWith("/")) {
                continue;
            }
            int colon = bare.lastIndexOf(':');
            // 2.6.12 reads the port with strtol: "1x" is port 1, only a missing port is refused
            if (colon < 0 || colon == bare.length() - 1) {
                throw in.error(addresses, "'bind' : missing port specification in '" + address + "'");
            }
        }
    }

    /**
     * Checks the patterns of an ACL on an IP fetch ({@code src}, {@code dst}): each must be an IPv4 or IPv6
     * address, optionally with a mask, unless flags ({@code -f}, {@code -m}...) change how they are read.
     *
     * @throws ConfigException "error detected while parsing ACL 'NAME' : 'X' is not a valid IPv4 or IPv6 address."
     */
    static void ipPatterns(ParseContext in, List<ConfigToken> tokens) {
        String fetch = tokens.get(2).text();
        if (!fetch.equals("src") && !fetch.equals("dst")) {
            return;
        }
        for (int i = 3; i < tokens.size(); i++) {
            String value = tokens.get(i).text();
            if (value.startsWith("-")) {
                return;
            }
            if (!IPV4.matcher(value).matches() && !IPV6.matcher(value).matches()) {
                throw in.error(tokens.get(i), "error detected while parsing ACL '" + tokens.get(1).text() + "' : '"
                        + value + "' is not a valid IPv4 or IPv6 address.");
            }
        }
    }

    /**
     * Checks the arguments of {@code http-request}, {@code http-response} and {@code http-after-response}
     * actions whose shape 2.6.12 enforces at parse time: header actions and {@code redirect}.
     *
     * @param proxy the section word and name, as in HAProxy's message ({@code frontend 'www'})
     * @throws ConfigException with HAProxy's reason
     */
    static void httpAction(ParseContext in, List<ConfigToken> tokens, String proxy) {
        ConfigToken action = tokens.get(1);
        int end = conditionStart(tokens);
        String rule = "error detected in " + proxy + " while parsing '" + tokens.get(0).text() + " " + action.text()
                + "' rule : ";
        Integer words = HEADER_ACTIONS.get(action.text());
        if (words != null) {
            int given = end - 2;
            if (given < words) {
                throw in.error(action, rule + "expects exactly " + words + " arguments.");
            }
            if (given > words) {
                throw in.error(tokens.get(2 + words), "'" + tokens.get(0).text() + " " + action.text()
                        + "' expects either 'if' or 'unless' followed by a condition but found '"
                        + tokens.get(2 + words).text() + "'.");
            }
        } else if (action.is("redirect")) {
            boolean target = false;
            for (int i = 2; i < end; i++) {
                ConfigToken word = tokens.get(i);
                if (!REDIRECT_WORDS.contains(word.text())) {
                    throw in.error(word, rule + "expects 'code', 'prefix', 'location', 'scheme', 'set-cookie',"
                            + " 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was '" + word.text()
                            + "').");
                }
                if (REDIRECT_TAKES_VALUE.contains(word.text())) {
                    if (i + 1 >= end) {
                        throw in.error(word, rule + "'" + word.text() + "' expects an argument.");
                    }
                    target |= Set.of("prefix", "location", "scheme").contains(word.text());
                    i++;
                }
            }
            if (!target) {
                throw in.error(action, rule + "redirect: missing redirect type (location, prefix or scheme).");
            }
        }
    }

    /**
     * Checks a line of a {@code resolvers} section: {@code nameserver <name> <addr>:<port>} and
     * {@code hold <event> <time>}.
     *
     * @throws ConfigException with HAProxy's reason
     */
    static void resolvers(ParseContext in, List<ConfigToken> tokens) {
        ConfigToken keyword = tokens.get(0);
        if (keyword.is("nameserver")) {
            if (tokens.size() < 3) {
                throw in.error(keyword, "'nameserver' expects <name> and <addr>[:<port>] as arguments.");
            }
            ConfigToken address = tokens.get(2);
            String text = address.text();
            if (!text.startsWith("/") && !text.contains("@")
                    && (text.lastIndexOf(':') < 0 || !PORT_RANGE.matcher(text.substring(text.lastIndexOf(':') + 1))
                    .matches())) {
                throw in.error(address, "'nameserver " + tokens.get(1).text() + "' : missing port specification in '"
                        + text + "'");
            }
        } else if (keyword.is("hold")) {
            if (tokens.size() < 3) {
                throw in.error(keyword, "'hold' expects an <event> and a <time> as arguments.");
            }
            if (!HOLD_EVENTS.contains(tokens.get(1).text())) {
                throw in.error(tokens.get(1), "'hold' expects 'nx', 'other', 'refused', 'timeout', 'valid' or"
                        + " 'obsolete' (got '" + tokens.get(1).text() + "')");
            }
            ConfigValues.parseTimeNanos(in, "hold", tokens.get(2), false);
        }
    }

    /**
     * Returns the index of a line's {@code if} or {@code unless}, or of its first empty word, or its size. HAProxy
     * 2.6's keyword parsers stop at the first empty argument ({@code ""}, or a variable expanding to nothing):
     * for them the line ends there.
     */
    static int conditionStart(List<ConfigToken> tokens) {
        for (int i = 1; i < tokens.size(); i++) {
            if (tokens.get(i).is("if") || tokens.get(i).is("unless") || tokens.get(i).text().isEmpty()) {
                return i;
            }
        }
        return tokens.size();
    }
}
