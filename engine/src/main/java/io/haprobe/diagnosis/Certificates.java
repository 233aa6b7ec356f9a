package io.haprobe.diagnosis;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How the diagnosis quotes a certificate: subject, issuer, subject alternative names, validity and whether it is
 * self-signed, with the JDK's types only.
 *
 * <p>Stateless and thread-safe.
 */
final class Certificates {

    private Certificates() {
    }

    /**
     * Describes a certificate for the evidence, e.g. {@code subject 'CN=localhost', issuer 'CN=localhost'
     * (self-signed), SAN [DNS:localhost], valid 2026-12-05T00:00:00Z to 2027-12-05T00:00:00Z}.
     */
    static String describe(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        String issuer = certificate.getIssuerX500Principal().getName();
        return "subject '" + subject + "', issuer '" + issuer + "'" + (selfSigned(certificate) ? " (self-signed)"
                : " (not self-signed)") + ", SAN " + alternativeNames(certificate) + ", valid "
                + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant();
    }

    /** Tells whether the certificate is its own issuer and its signature verifies with its own key. */
    static boolean selfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** The subject alternative names as {@code DNS:name} and {@code IP:address}, in order. */
    static List<String> alternativeNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    Object type = alternative.get(0);
                    if (Integer.valueOf(2).equals(type)) {
                        names.add("DNS:" + alternative.get(1));
                    } else if (Integer.valueOf(7).equals(type)) {
                        names.add("IP:" + alternative.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension lists no name
        }
        return names;
    }

    /** The first DNS alternative name, else the subject's common name, else null. */
    static String firstName(X509Certificate certificate) {
        for (String name : alternativeNames(certificate)) {
            if (name.startsWith("DNS:")) {
                return name.substring(4);
            }
        }
        for (String part : certificate.getSubjectX500Principal().getName().split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return null;
    }
}
