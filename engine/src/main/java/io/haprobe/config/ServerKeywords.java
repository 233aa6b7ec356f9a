package io.haprobe.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keywords of HAProxy 2.6 {@code server} and {@code default-server} lines (CFG §5.2) and how many
 * arguments each takes, so that keywords haprobe does not act on can be skipped with their arguments,
 * and typos can be told apart from real keywords.
 *
 * <p>Immutable and thread-safe.
 */
final class ServerKeywords {

    /** Keywords haprobe acts on, with their argument count. */
    static final Map<String, Integer> SUPPORTED = table(
            "check", 0, "no-check", 0, "inter", 1, "fastinter", 1, "downinter", 1, "rise", 1, "fall", 1,
            "port", 1, "addr", 1, "backup", 0, "no-backup", 0, "disabled", 0, "enabled", 0, "weight", 1,
            "maxconn", 1, "slowstart", 1, "agent-check", 0, "no-agent-check", 0, "agent-port", 1,
            "agent-inter", 1, "agent-send", 1, "agent-addr", 1,
            // the PROXY protocol header on checks (spec §6.2)
            "send-proxy", 0, "no-send-proxy", 0, "send-proxy-v2", 0, "no-send-proxy-v2", 0, "check-send-proxy", 0,
            "no-check-send-proxy", 0,
            // SSL/TLS on checks (spec §6.2)
            "ssl", 0, "no-ssl", 0, "check-ssl", 0, "no-check-ssl", 0, "verify", 1, "verifyhost", 1,
            "ca-file", 1, "crt", 1, "check-sni", 1, "sni", 1, "alpn", 1, "check-alpn", 1,
            "ssl-min-ver", 1, "ssl-max-ver", 1, "ciphers", 1, "ciphersuites", 1,
            // how the engine finds the address at start (InitAddr)
            "init-addr", 1,
            // where checks leave from (SourceAddress); usesrc/interface pairs are handled by the parser
            "source", 1,
            // the request model (io.haprobe.traffic: queues, persistence, on-marked-* actions)
            "minconn", 1, "maxqueue", 1, "cookie", 1, "id", 1, "on-marked-down", 1, "on-marked-up", 1);

    /**
     * HAProxy 2.6 keywords haprobe accepts but ignores, with their argument count.
     */
    static final Map<String, Integer> IGNORED = table(
            "allow-0rtt", 0, "check-proto", 1, "check-via-socks4", 0,
            "crl-file", 1, "error-limit", 1,
            "force-sslv3", 0, "force-tlsv10", 0, "force-tlsv11", 0, "force-tlsv12", 0, "force-tlsv13", 0,
            "log-proto", 1, "max-reuse", 1,
            "namespace", 1, "no-send-proxy-v2-ssl", 0, "no-send-proxy-v2-ssl-cn", 0,
            "no-ssl-reuse", 0, "no-sslv3", 0, "no-tfo", 0, "no-tls-tickets", 0, "no-tlsv10", 0,
            "no-tlsv11", 0, "no-tlsv12", 0, "no-tlsv13", 0, "non-stick", 0, "npn", 1,
            "observe", 1, "on-error", 1, "pool-low-conn", 1,
            "pool-max-conn", 1, "pool-purge-delay", 1, "proto", 1, "proxy-v2-options", 1, "redir", 1,
            "resolve-net", 1, "resolve-opts", 1, "resolve-prefer", 1, "resolvers", 1, "send-proxy-v2-ssl", 0,
            "send-proxy-v2-ssl-cn", 0,
            "socks4", 1, "ssl-reuse", 0, "stick", 0, "tcp-ut", 1, "tfo", 0, "tls-tickets", 0,
            "track", 1, "ws", 1);

    /**
     * Suggests the keyword closest to a misspelt one.
     *
     * @param word the unknown keyword; never null
     * @return the supported or known keyword at edit distance 1 or 2 (supported ones win ties), or null
     */
    static String suggest(String word) {
        List<String> keywords = new ArrayList<>(SUPPORTED.keySet());
        keywords.addAll(IGNORED.keySet());
        return Spelling.closest(word, keywords, 2);
    }

    private ServerKeywords() {
    }

    private static Map<String, Integer> table(Object... keywordsAndArities) {
        Map<String, Integer> table = new LinkedHashMap<>();
        for (int i = 0; i < keywordsAndArities.length; i += 2) {
            table.put((String) keywordsAndArities[i], (Integer) keywordsAndArities[i + 1]);
        }
        return Collections.unmodifiableMap(table);
    }
}
