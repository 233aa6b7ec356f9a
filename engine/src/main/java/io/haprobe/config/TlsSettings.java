package io.haprobe.config;

import java.util.Objects;

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
 *   <tr><td>{@code verification}</td><td>{@link TlsVerification#DEFAULT}</td><td>{@code verify},
 *       {@code verifyhost}, {@code ca-file}</td><td>how the server's certificate is verified</td></tr>
 *   <tr><td>{@code crt}</td><td>null</td><td>{@code crt} (with {@code crt-base})</td><td>PEM client certificate
 *       and key (or the key in {@code <crt>.key})</td></tr>
 *   <tr><td>{@code hello}</td><td>{@link TlsHello#NONE}</td><td>{@code check-sni}, {@code sni}, {@code alpn},
 *       {@code check-alpn}</td><td>the names and protocols a ClientHello may announce</td></tr>
 *   <tr><td>{@code protocols}</td><td>{@link TlsProtocols#DEFAULT}</td><td>{@code ssl-min-ver},
 *       {@code ssl-max-ver}, {@code ciphers}, {@code ciphersuites}</td><td>versions and suites</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param ssl          {@code ssl}
 * @param checkSsl     true for {@code check-ssl}, false for {@code no-check-ssl}, null when neither was given
 * @param verification {@code verify}, {@code verifyhost}, {@code ca-file}; never null
 * @param crt          {@code crt} with {@code crt-base} applied to a relative path, or null
 * @param hello        {@code check-sni}, {@code sni}, {@code alpn}, {@code check-alpn}; never null
 * @param protocols    {@code ssl-min-ver}, {@code ssl-max-ver}, {@code ciphers}, {@code ciphersuites}; never null
 */
public record TlsSettings(boolean ssl, Boolean checkSsl, TlsVerification verification, String crt, TlsHello hello,
                          TlsProtocols protocols) {

    /** A server line without any SSL keyword: plain checks. */
    public static final TlsSettings NONE = new TlsSettings(false, null, TlsVerification.DEFAULT, null, TlsHello.NONE,
            TlsProtocols.DEFAULT);

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code verification}, {@code hello} or {@code protocols} is null
     */
    public TlsSettings {
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(hello, "hello");
        Objects.requireNonNull(protocols, "protocols");
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
        return verification.required() != null ? verification.required() : global.sslServerVerifyRequired();
    }
}
