package io.haprobe.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HAProxy 2.6 keywords haprobe accepts without acting on them although they change what a health check
 * decides, when it runs, or the state it leads to; each one gets a {@link ConfigWarning} at its token, so that
 * {@code haprobe validate}, {@code check} and {@code simulate} say loudly where haprobe's verdict may differ from
 * HAProxy's. Keywords haprobe honours (e.g. {@code source}, {@code init-addr}, {@code ssl-server-verify}) are not
 * here; neither are the traffic model's ({@code balance}, {@code maxconn}, {@code slowstart}, queues, cookies,
 * {@code retries}, ...), which do not change checks.
 *
 * <table>
 *   <caption>what each keyword does in HAProxy 2.6 that haprobe does not</caption>
 *   <tr><th>where</th><th>keywords</th><th>effect on checks</th></tr>
 *   <tr><td>server, default-server</td><td>{@code observe}, {@code on-error}, {@code error-limit}</td>
 *       <td>passive health (spec §11): traffic errors mark the server DOWN (HANA) or pull checks forward</td></tr>
 *   <tr><td>server</td><td>{@code track}</td><td>no check of its own: the state follows another server</td></tr>
 *   <tr><td>server, default-server</td><td>{@code resolvers}, {@code resolve-prefer}, {@code resolve-net},
 *       {@code resolve-opts}</td><td>the checked address changes with DNS at run time</td></tr>
 *   <tr><td>server, default-server</td><td>{@code check-via-socks4}, {@code namespace}, {@code tfo},
 *       {@code proto}, {@code check-proto}</td><td>how the check connects and which protocol it speaks</td></tr>
 *   <tr><td>server, default-server</td><td>{@code crl-file}, {@code force-tlsv1x}, {@code no-tlsv1x},
 *       {@code send-proxy-v2-ssl}, {@code send-proxy-v2-ssl-cn}, {@code proxy-v2-options}</td>
 *       <td>the TLS handshake's verdict and the PROXY header of the check</td></tr>
 *   <tr><td>defaults, backend, listen</td><td>{@code disabled}, {@code load-server-state-from-file}</td>
 *       <td>no checks at all; servers booting in a saved state</td></tr>
 *   <tr><td>global</td><td>{@code ssl-default-server-options}, {@code ssl-default-server-ciphers},
 *       {@code ssl-default-server-ciphersuites}</td><td>every TLS check's versions and ciphers</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
final class IgnoredCheckKeywords {

    private static final Map<String, String> SERVER = new LinkedHashMap<>();
    private static final Map<String, String> PROXY = new LinkedHashMap<>();
    private static final Map<String, String> GLOBAL = new LinkedHashMap<>();

    static {
        String passive = " (passive health, 'observe'/'error-limit'/'on-error'); haprobe sees no traffic";
        SERVER.put("observe", "HAProxy 2.6 also counts the errors of the server's traffic and, after 'error-limit' of"
                + " them, fails a check (HANA) that can mark the server DOWN" + passive);
        SERVER.put("on-error", "with 'observe', HAProxy 2.6 runs this action after 'error-limit' traffic errors"
                + " (fail-check, sudden-death or mark-down lower the health, fastinter pulls the next check forward)"
                + passive);
        SERVER.put("error-limit", "with 'observe', HAProxy 2.6 fails a check (HANA) after this many consecutive"
                + " traffic errors" + passive);
        SERVER.put("track", "HAProxy 2.6 gives a tracking server no check of its own: its state follows the tracked"
                + " server's (lines end 'via <backend>/<server>'); haprobe checks the server on its own");
        String dns = "; haprobe resolves the name once, at start, with the system resolver";
        SERVER.put("resolvers", "HAProxy 2.6 re-resolves the server's name at run time with these DNS resolvers, so"
                + " the checked address can change (or the server go into maintenance when the name vanishes)" + dns);
        SERVER.put("resolve-prefer", "HAProxy 2.6 prefers this address family when it resolves the name at run time,"
                + " which decides the address checks go to" + dns);
        SERVER.put("resolve-net", "HAProxy 2.6 prefers addresses in these networks when it resolves the name at run"
                + " time, which decides the address checks go to" + dns);
        SERVER.put("resolve-opts", "HAProxy 2.6 changes how run-time DNS answers are used (duplicate addresses,"
                + " families), which decides the address checks go to" + dns);
        SERVER.put("check-via-socks4", "HAProxy 2.6 sends the health checks through the server's 'socks4' proxy;"
                + " haprobe connects to the server directly");
        SERVER.put("namespace", "HAProxy 2.6 connects to the server, checks included, from this network namespace;"
                + " haprobe connects from its own, where the route and the firewall may differ");
        SERVER.put("tfo", "HAProxy 2.6 opens the server's connections, checks included, with TCP Fast Open (the"
                + " first bytes ride on the SYN); haprobe's checks do a plain handshake");
        SERVER.put("proto", "HAProxy 2.6 uses this multiplexer for the checks too unless 'check-proto' is set (e.g."
                + " h2: HTTP checks over HTTP/2); haprobe's HTTP checks speak HTTP/1.x");
        SERVER.put("check-proto", "HAProxy 2.6 speaks this protocol on the check connections (e.g. h2: HTTP checks"
                + " over HTTP/2); haprobe's HTTP checks speak HTTP/1.x");
        SERVER.put("crl-file", "HAProxy 2.6 fails the TLS check's verification for a certificate revoked in this"
                + " CRL; haprobe does not read it, so a revoked certificate passes");
        String versions = "; haprobe offers its default versions (use 'ssl-min-ver'/'ssl-max-ver', which it honours)";
        for (String version : List.of("10", "11", "12", "13")) {
            String name = "TLSv1." + version.charAt(1);
            SERVER.put("force-tlsv" + version, "HAProxy 2.6 offers only " + name + " in the TLS check's handshake"
                    + versions);
            SERVER.put("no-tlsv" + version, "HAProxy 2.6 leaves " + name + " out of the TLS check's handshake"
                    + versions);
        }
        String proxyV2 = "; a check without 'port'/'addr' inherits it (spec §6.2), haprobe sends no such header";
        SERVER.put("send-proxy-v2-ssl", "HAProxy 2.6 sends a PROXY v2 header with TLS fields" + proxyV2);
        SERVER.put("send-proxy-v2-ssl-cn", "HAProxy 2.6 sends a PROXY v2 header with TLS fields and the client"
                + " certificate's CN" + proxyV2);
        SERVER.put("proxy-v2-options", "HAProxy 2.6 adds these TLVs to the PROXY v2 header its checks inherit;"
                + " haprobe's header has none");
        PROXY.put("disabled", "HAProxy 2.6 does not start a disabled backend or listen section, so it checks none of"
                + " its servers (verified on 2.6.12); haprobe checks them");
        PROXY.put("load-server-state-from-file", "HAProxy 2.6 boots each server in the state a previous HAProxy"
                + " saved (DOWN, maintenance, another weight or address); haprobe boots every server as a fresh"
                + " HAProxy does");
        String tls = "; haprobe ignores it (set 'ssl-min-ver'/'ssl-max-ver'/'ciphers'/'ciphersuites' on the"
                + " server lines instead, which it honours)";
        GLOBAL.put("ssl-default-server-options", "HAProxy 2.6 applies these TLS options (versions, tickets) to every"
                + " server's TLS checks" + tls);
        GLOBAL.put("ssl-default-server-ciphers", "HAProxy 2.6 offers only these TLSv1.2 ciphers in every server's"
                + " TLS checks" + tls);
        GLOBAL.put("ssl-default-server-ciphersuites", "HAProxy 2.6 offers only these TLSv1.3 cipher suites in every"
                + " server's TLS checks" + tls);
    }

    private IgnoredCheckKeywords() {
    }

    /**
     * Returns the warning for a {@code server}/{@code default-server} keyword haprobe ignores, when it changes
     * checks in HAProxy 2.6.
     *
     * @param keyword  the keyword; never null
     * @param argument its first argument, or null when it takes none
     * @return the warning's text, or null when the keyword (with this argument) does not change checks
     */
    static String server(String keyword, String argument) {
        if (keyword.equals("observe") && "none".equals(argument)) {
            return null;
        }
        String effect = SERVER.get(keyword);
        return effect == null ? null : "server keyword '" + keyword + "' changes health checks but is ignored: "
                + effect;
    }

    /**
     * Returns the warning for a {@code defaults}/{@code backend}/{@code listen} keyword haprobe ignores, when it
     * changes checks in HAProxy 2.6.
     *
     * @param tokens the line; never null nor empty
     * @return the warning's text, or null
     */
    static String proxy(List<ConfigToken> tokens) {
        String keyword = tokens.get(0).text();
        if (keyword.equals("load-server-state-from-file")
                && (tokens.size() < 2 || tokens.get(1).text().toLowerCase(Locale.ROOT).equals("none"))) {
            return null;
        }
        String effect = PROXY.get(keyword);
        return effect == null ? null : "keyword '" + keyword + "' changes health checks but is ignored: " + effect;
    }

    /**
     * Returns the warning for a {@code global} keyword haprobe ignores, when it changes checks in HAProxy 2.6.
     *
     * @param keyword the keyword; never null
     * @return the warning's text, or null
     */
    static String global(String keyword) {
        String effect = GLOBAL.get(keyword);
        return effect == null ? null : "global keyword '" + keyword + "' changes health checks but is ignored: "
                + effect;
    }
}
