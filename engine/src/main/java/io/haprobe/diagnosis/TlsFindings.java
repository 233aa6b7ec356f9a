package io.haprobe.diagnosis;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What the certificate follow-up probe of a failing TLS check found: the version the server chose, the certificates
 * it presented (from a handshake that verified nothing) and why the configured check refuses them. The diagnosis
 * quotes the certificate (subject, issuer, subject alternative names, validity, self-signed or not) and picks the
 * fix by {@link #problem()}.
 *
 * <p>Immutable and thread-safe (the certificates are immutable values).
 *
 * @param protocol the negotiated version, e.g. {@code TLSv1.3}, or null when the handshake did not complete
 * @param chain    the server's certificates, leaf first; never null, empty when none arrived
 * @param problem  why the check's handshake fails; never null
 * @param detail   what the TLS stack said, or null
 */
public record TlsFindings(String protocol, List<X509Certificate> chain, Problem problem, String detail) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException if {@code chain} or {@code problem} is null
     */
    public TlsFindings {
        chain = List.copyOf(chain);
        Objects.requireNonNull(problem, "problem");
    }

    /** Why a check's TLS handshake fails, with the words the evidence uses. */
    public enum Problem {
        /** Nothing found against the configured settings. */
        NONE("nothing: the certificate passes the configured verification"),
        /** The chain does not lead to a CA of {@code ca-file}. */
        UNKNOWN_CA("unknown CA: the chain does not lead to a CA of 'ca-file'"),
        /** The certificate's {@code notAfter} is past. */
        EXPIRED("expired certificate"),
        /** The certificate's {@code notBefore} is ahead. */
        NOT_YET_VALID("certificate not valid yet"),
        /** The certificate does not carry the name the check expects. */
        NAME_MISMATCH("name mismatch"),
        /** No TLS version in common with {@code ssl-min-ver}/{@code ssl-max-ver}. */
        PROTOCOL_VERSION("protocol version"),
        /** The server requires a client certificate the check does not present. */
        CLIENT_CERTIFICATE_REQUIRED("client certificate required"),
        /** The port does not speak TLS. */
        NOT_TLS("the server does not speak TLS"),
        /** Another handshake failure. */
        HANDSHAKE("handshake failure");

        private final String text;

        Problem(String text) {
            this.text = text;
        }

        /**
         * Returns the words the evidence uses, e.g. {@code unknown CA: ...}.
         *
         * @return the text, never null
         */
        public String text() {
            return text;
        }
    }
}
