package io.haprobe.spi;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What an inspection handshake ({@link TlsClient#newInspectionHandler}) learned about a server's TLS: the version
 * it chose, the certificates it presented, and why the server's configured check would refuse them. Fired once as
 * a user event by the inspection handler. Only {@code java.security.cert} types cross this SPI.
 *
 * <p>Immutable and thread-safe.
 *
 * @param protocol the negotiated version (e.g. {@code TLSv1.3}), or null when the handshake did not complete
 * @param chain    the server's certificates, leaf first; never null, empty when none arrived
 * @param problem  why the configured check's handshake fails, {@link Problem#NONE} when nothing was found;
 *                 never null
 * @param detail   what the TLS stack said, for the evidence (e.g. {@code No trusted certificate found}), or null
 */
public record TlsPeer(String protocol, List<X509Certificate> chain, Problem problem, String detail) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if {@code chain} or {@code problem} is null
     */
    public TlsPeer {
        chain = List.copyOf(chain);
        Objects.requireNonNull(problem, "problem");
    }

    /** Why a check's TLS handshake fails, as far as the inspection can tell. */
    public enum Problem {
        /** Nothing found: with the configured settings the certificate passes. */
        NONE,
        /** {@code verify required}: the chain does not lead to a CA of {@code ca-file} (self-signed, another CA). */
        UNKNOWN_CA,
        /** {@code verify required}: the certificate's validity ended ({@code notAfter} is past). */
        EXPIRED,
        /** {@code verify required}: the certificate is not valid yet ({@code notBefore} is ahead). */
        NOT_YET_VALID,
        /** {@code verify required}: the certificate does not carry the SNI name, or {@code verifyhost}'s. */
        NAME_MISMATCH,
        /** The server chose a version outside {@code ssl-min-ver}..{@code ssl-max-ver}, or refused every one. */
        PROTOCOL_VERSION,
        /** The server asked for a client certificate and the check has none ({@code crt}), or refused it. */
        CLIENT_CERTIFICATE_REQUIRED,
        /** The server does not speak TLS on that port. */
        NOT_TLS,
        /** The handshake failed for another reason; {@link #detail()} says what the TLS stack reported. */
        HANDSHAKE
    }
}
