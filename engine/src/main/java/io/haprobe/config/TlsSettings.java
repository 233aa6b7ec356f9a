package io.haprobe.config;

import java.util.List;

/**
 * The SSL/TLS settings of one {@code server} line (CFG §5.2, spec §6.2), after {@code default-server} settings
 * were applied. They decide whether the server's checks run over TLS and how that TLS client behaves.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code ssl}</td><td>false</td><td>{@code ssl} / {@code no-ssl}</td><td>the server's traffic uses TLS;
 *       its checks too unless {@code port} or {@code addr} is set (spec §6.2)</td></tr>
 *   <tr><td>{@code checkSsl}</td><td>null (follow {@code ssl})</td><td>{@code check-ssl} / {@code no-check-ssl}
 *       </td><td>true forces TLS on checks, false forces plain checks</td></tr>
 *   <tr><td>{@code verifyRequired}</td><td>null (global {@code ssl-server-verify}, itself {@code required})</td>
 *       <td>{@code verify none|required}</td><td>verify the server's certificate chain against {@code caFile}</td></tr>
 *   <tr><td>{@code verifyHost}</td><td>null</td><td>{@code verifyhost} / {@code no-verifyhost}</td>
 *       <td>the name the certificate must carry when no SNI is sent</td></tr>
 *   <tr><td>{@code caFile}</td><td>null</td><td>{@code ca-file} (with {@code ca-base})</td><td>PEM bundle of the
 *       trusted CAs; a relative path is relative to the working directory, as HAProxy reads it</td></tr>
 *   <tr><td>{@code crt}</td><td>null</td><td>{@code crt} (with {@code crt-base})</td><td>PEM client certificate
 *       and key (or the key in {@code <crt>.key})</td></tr>
 *   <tr><td>{@code checkSni}</td><td>null (no SNI)</td><td>{@code check-sni}</td><td>the SNI of check
 *       connections; also the name the certificate must carry</td></tr>
 *   <tr><td>{@code sni}</td><td>null</td><td>{@code sni}</td><td>kept as written; checks do not use it
 *       (spec §6.2, verified)</td></tr>
 *   <tr><td>{@code alpn}</td><td>empty</td><td>{@code alpn}</td><td>also offered by checks without
 *       {@code check-alpn} (spec §6.2, verified)</td></tr>
 *   <tr><td>{@code checkAlpn}</td><td>empty</td><td>{@code check-alpn}</td><td>the ALPN of check connections</td></tr>
 *   <tr><td>{@code minVersion}, {@code maxVersion}</td><td>null (the provider's)</td>
 *       <td>{@code ssl-min-ver}, {@code ssl-max-ver}</td><td>protocol bounds</td></tr>
 *   <tr><td>{@code ciphers}</td><td>empty (the provider's)</td><td>{@code ciphers}</td><td>TLS 1.2 and older
 *       suites, mapped from OpenSSL names to IANA names</td></tr>
 *   <tr><td>{@code cipherSuites}</td><td>empty (the provider's)</td><td>{@code ciphersuites}</td><td>TLS 1.3
 *       suites</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param ssl            {@code ssl}
 * @param checkSsl       true for {@code check-ssl}, false for {@code no-check-ssl}, null when neither was given
 * @param verifyRequired true for {@code verify required}, false for {@code verify none}, null when not given
 * @param verifyHost     {@code verifyhost}, or null
 * @param caFile         {@code ca-file} with {@code ca-base} applied to a relative path, or null
 * @param crt            {@code crt} with {@code crt-base} applied to a relative path, or null
 * @param checkSni       {@code check-sni}, or null
 * @param sni            {@code sni} as written (a sample expression), or null
 * @param alpn           {@code alpn} protocols in order; never null
 * @param checkAlpn      {@code check-alpn} protocols in order; never null
 * @param minVersion     {@code ssl-min-ver}, or null
 * @param maxVersion     {@code ssl-max-ver}, or null
 * @param ciphers        {@code ciphers} as IANA suite names; never null, empty for the provider's defaults
 * @param cipherSuites   {@code ciphersuites} (TLS 1.3); never null, empty for the provider's defaults
 */
public record TlsSettings(
        boolean ssl,
        Boolean checkSsl,
        Boolean verifyRequired,
        String verifyHost,
        String caFile,
        String crt,
        String checkSni,
        String sni,
        List<String> alpn,
        List<String> checkAlpn,
        TlsVersion minVersion,
        TlsVersion maxVersion,
        List<String> ciphers,
        List<String> cipherSuites) {

    /** A server line without any SSL keyword: plain checks. */
    public static final TlsSettings NONE = new TlsSettings(false, null, null, null, null, null, null, null,
            List.of(), List.of(), null, null, List.of(), List.of());

    /**
     * Validates the components and copies the lists.
     *
     * @throws NullPointerException     if a list is null
     * @throws IllegalArgumentException if {@code minVersion} is above {@code maxVersion}
     */
    public TlsSettings {
        alpn = List.copyOf(alpn);
        checkAlpn = List.copyOf(checkAlpn);
        ciphers = List.copyOf(ciphers);
        cipherSuites = List.copyOf(cipherSuites);
        if (minVersion != null && maxVersion != null && minVersion.compareTo(maxVersion) > 0) {
            throw new IllegalArgumentException("minVersion, maxVersion: " + minVersion.keyword() + ", "
                    + maxVersion.keyword() + " (expected: min <= max)");
        }
    }

    /**
     * Tells whether the server's checks use TLS (spec §6.2): with neither {@code port} nor {@code addr} they
     * follow {@code ssl} unless {@code check-ssl} or {@code no-check-ssl} says otherwise; with either of them
     * they are plain unless {@code check-ssl} is given.
     *
     * @param ownCheckAddress whether the server has {@code port} or {@code addr}
     * @return true if the check connection (HAProxy's "default" connect) uses TLS
     */
    public boolean checkUsesTls(boolean ownCheckAddress) {
        if (Boolean.TRUE.equals(checkSsl)) {
            return true;
        }
        return !ownCheckAddress && checkSsl == null && ssl;
    }

    /**
     * Tells whether HAProxy builds an SSL context for the server: it does for {@code ssl} and
     * {@code check-ssl} (and for any server of a backend with {@code tcp-check connect ssl}).
     *
     * @return true for {@code ssl} or {@code check-ssl}
     */
    public boolean hasContext() {
        return ssl || Boolean.TRUE.equals(checkSsl);
    }

    /**
     * Returns whether the certificate chain is verified, with the global default applied.
     *
     * @param global the global settings; never null
     * @return {@code verify} if given, else the global {@code ssl-server-verify}
     */
    public boolean verifies(GlobalSettings global) {
        return verifyRequired != null ? verifyRequired : global.sslServerVerifyRequired();
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
