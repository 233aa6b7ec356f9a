package io.haprobe.config;

import java.util.List;

/**
 * The protocol versions and cipher suites a server's TLS checks offer (CFG §5.2 {@code ssl-min-ver},
 * {@code ssl-max-ver}, {@code ciphers}, {@code ciphersuites}; spec §6.2).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
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
 * @param minVersion   {@code ssl-min-ver}, or null
 * @param maxVersion   {@code ssl-max-ver}, or null
 * @param ciphers      {@code ciphers} as IANA suite names; never null, empty for the provider's defaults
 * @param cipherSuites {@code ciphersuites} (TLS 1.3); never null, empty for the provider's defaults
 */
public record TlsProtocols(TlsVersion minVersion, TlsVersion maxVersion, List<String> ciphers,
                           List<String> cipherSuites) {

    /** The provider's versions and suites. */
    public static final TlsProtocols DEFAULT = new TlsProtocols(null, null, List.of(), List.of());

    /**
     * Validates the components and copies the lists.
     *
     * @throws NullPointerException     if a list is null
     * @throws IllegalArgumentException if {@code minVersion} is above {@code maxVersion}
     */
    public TlsProtocols {
        ciphers = List.copyOf(ciphers);
        cipherSuites = List.copyOf(cipherSuites);
        if (minVersion != null && maxVersion != null && minVersion.compareTo(maxVersion) > 0) {
            throw new IllegalArgumentException("minVersion, maxVersion: " + minVersion.keyword() + ", "
                    + maxVersion.keyword() + " (expected: min <= max)");
        }
    }
}
