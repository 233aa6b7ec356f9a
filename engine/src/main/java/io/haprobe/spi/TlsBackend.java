package io.haprobe.spi;

import io.haprobe.config.TlsVersion;

import java.util.List;
import java.util.Objects;

/**
 * What a scripted TLS backend presents and accepts (spec §6.2 cases): its certificate, the names on it, the
 * SNI names it answers to, its protocol versions and ALPN protocols, and whether it requires a client
 * certificate.
 *
 * <table>
 *   <caption>Components</caption>
 *   <tr><th>component</th><th>meaning</th></tr>
 *   <tr><td>{@code certificate}</td><td>who issued the certificate, see {@link Issuer}</td></tr>
 *   <tr><td>{@code keyType}</td><td>RSA 2048 or ECDSA P-256</td></tr>
 *   <tr><td>{@code names}</td><td>the DNS names on the certificate (subject alternative names; the first is also
 *       the common name)</td></tr>
 *   <tr><td>{@code serverNames}</td><td>the SNI names it answers to: another SNI gets a fatal
 *       {@code unrecognized_name} alert; empty answers any SNI or none</td></tr>
 *   <tr><td>{@code minVersion}, {@code maxVersion}</td><td>the versions it accepts; null for the provider's</td></tr>
 *   <tr><td>{@code alpn}</td><td>the protocols it selects from, in its order of preference; empty ignores
 *       ALPN</td></tr>
 *   <tr><td>{@code clientCertificate}</td><td>it requires a client certificate issued by the simulation's CA</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param certificate       the issuer kind; never null
 * @param keyType           the key type; never null
 * @param names             the certificate's DNS names; never null, not empty
 * @param serverNames       the SNI names answered; never null
 * @param minVersion        the lowest version, or null
 * @param maxVersion        the highest version, or null
 * @param alpn              the ALPN protocols; never null
 * @param clientCertificate whether a client certificate is required
 */
public record TlsBackend(Issuer certificate, KeyType keyType, List<String> names, List<String> serverNames,
                         TlsVersion minVersion, TlsVersion maxVersion, List<String> alpn,
                         boolean clientCertificate) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException     if a component other than the versions is null
     * @throws IllegalArgumentException if {@code names} is empty or {@code minVersion} is above {@code maxVersion}
     */
    public TlsBackend {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(keyType, "keyType");
        names = List.copyOf(names);
        serverNames = List.copyOf(serverNames);
        alpn = List.copyOf(alpn);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("names: [] (expected: at least one DNS name)");
        }
        if (minVersion != null && maxVersion != null && minVersion.compareTo(maxVersion) > 0) {
            throw new IllegalArgumentException("minVersion, maxVersion: " + minVersion.keyword() + ", "
                    + maxVersion.keyword() + " (expected: min <= max)");
        }
    }

    /** Who issued a simulated server certificate. */
    public enum Issuer {
        /** The simulation's CA, the one every {@code ca-file} stands for: passes {@code verify required}. */
        TRUSTED("trusted"),
        /** Nobody: a self-signed certificate, unknown to {@code ca-file}. */
        SELF_SIGNED("self-signed"),
        /** Another CA, unknown to {@code ca-file}. */
        UNTRUSTED("untrusted"),
        /** The simulation's CA, but its validity ended yesterday. */
        EXPIRED("expired");

        private final String keyword;

        Issuer(String keyword) {
            this.keyword = keyword;
        }

        /**
         * Returns the name scenario files use.
         *
         * @return e.g. {@code self-signed}
         */
        public String keyword() {
            return keyword;
        }
    }

    /** The key of a simulated server certificate. */
    public enum KeyType {
        /** RSA 2048. */
        RSA,
        /** ECDSA on P-256. */
        EC
    }
}
