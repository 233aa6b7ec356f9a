package io.haprobe.config;

import java.util.List;

/**
 * The server names and application protocols a server's TLS checks may announce in their ClientHello
 * (CFG §5.2 {@code check-sni}, {@code sni}, {@code alpn}, {@code check-alpn}; spec §6.2).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code checkSni}</td><td>null (no SNI)</td><td>{@code check-sni}</td><td>the SNI of check
 *       connections; also the name the certificate must carry</td></tr>
 *   <tr><td>{@code sni}</td><td>null</td><td>{@code sni}</td><td>kept as written; checks do not use it
 *       (spec §6.2, verified)</td></tr>
 *   <tr><td>{@code alpn}</td><td>empty</td><td>{@code alpn}</td><td>also offered by checks without
 *       {@code check-alpn} (spec §6.2, verified)</td></tr>
 *   <tr><td>{@code checkAlpn}</td><td>empty</td><td>{@code check-alpn}</td><td>the ALPN of check connections</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param checkSni  {@code check-sni}, or null
 * @param sni       {@code sni} as written (a sample expression), or null
 * @param alpn      {@code alpn} protocols in order; never null
 * @param checkAlpn {@code check-alpn} protocols in order; never null
 */
public record TlsHello(String checkSni, String sni, List<String> alpn, List<String> checkAlpn) {

    /** No name and no protocol. */
    public static final TlsHello NONE = new TlsHello(null, null, List.of(), List.of());

    /**
     * Copies the lists.
     *
     * @throws NullPointerException if a list is null
     */
    public TlsHello {
        alpn = List.copyOf(alpn);
        checkAlpn = List.copyOf(checkAlpn);
    }

    /**
     * Returns the ALPN a check's default connection offers: {@code check-alpn}, else the server's {@code alpn}
     * (spec §6.2: the server's SSL context carries it).
     *
     * @return the protocols; empty for no ALPN
     */
    public List<String> checkAlpnOrServer() {
        return checkAlpn.isEmpty() ? alpn : checkAlpn;
    }
}
