package io.haprobe.tls;

import io.haprobe.tls.internal.CertificateMaker;
import io.haprobe.tls.internal.Pem;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Makes keys and X.509 certificates in memory, and writes them as PEM, the form HAProxy's {@code ca-file} and
 * {@code crt} read. The simulation's PKI (the certificates of scripted TLS backends) is made with it, and so are
 * the test certificates of {@code io.haprobe:haprobe-testkit} ({@code io.haprobe.testkit.TestCertificates}), so
 * that certificates are made by one piece of code. Nothing touches the disk and nothing is committed, so nothing
 * expires in a repository.
 *
 * <p>Keys are RSA 2048 or ECDSA on P-256, drawn from a {@link SecureRandom}; certificates are X.509 v3 signed with
 * SHA-256, with a random positive 64-bit serial number. A CA certificate ({@code ca} true) carries basic constraints
 * CA:true and the key usages keyCertSign, cRLSign and digitalSignature; any other one CA:false, digitalSignature and
 * keyEncipherment, and the extended key usages serverAuth and clientAuth, so it serves as a server certificate (a
 * scripted backend) and as a client certificate ({@code crt}). The work is done by Bouncy Castle's provider, passed
 * as an instance, never installed; no Bouncy Castle type appears here.
 *
 * <pre>{@code
 * KeyPair caKey = Certificates.newKeyPair(Certificates.KeyType.EC);
 * Instant now = Instant.now();
 * X509Certificate ca = Certificates.selfSigned(caKey, "test CA", List.of(), true, now, now.plus(Duration.ofDays(7)));
 * KeyPair serverKey = Certificates.newKeyPair(Certificates.KeyType.RSA);
 * X509Certificate server = Certificates.issued(serverKey.getPublic(), "app.internal", List.of("app.internal"),
 *         ca, caKey.getPrivate(), now, now.plus(Duration.ofDays(7)));
 * Files.writeString(caFile, Certificates.pem(List.of(ca)));
 * }</pre>
 *
 * <p>Thread-safe; every method may be called from any thread.
 */
public final class Certificates {

    private Certificates() {
    }

    /**
     * Makes a key pair. An RSA key takes up to a few hundred milliseconds; an EC key about a millisecond.
     *
     * @param keyType the algorithm; never null
     * @return a new key pair
     * @throws NullPointerException  if {@code keyType} is null
     * @throws IllegalStateException if the provider cannot make the key
     */
    public static KeyPair newKeyPair(KeyType keyType) {
        return CertificateMaker.newKeyPair(Objects.requireNonNull(keyType, "keyType") == KeyType.EC);
    }

    /**
     * Makes a self-signed certificate: a CA's, or a server's set up without a CA.
     *
     * @param pair       the subject's keys, the private one signs; never null
     * @param commonName the subject's (and issuer's) common name; never null
     * @param dnsNames   the subject alternative DNS names; never null, may be empty
     * @param ca         whether the certificate may sign others
     * @param notBefore  the start of validity; never null
     * @param notAfter   the end of validity; never null, may be in the past (an expired certificate)
     * @return the certificate
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the provider cannot sign
     */
    public static X509Certificate selfSigned(KeyPair pair, String commonName, List<String> dnsNames, boolean ca,
                                             Instant notBefore, Instant notAfter) {
        return CertificateMaker.certificate(commonName, Objects.requireNonNull(dnsNames, "dnsNames"), pair.getPublic(),
                null, pair.getPrivate(), ca, Objects.requireNonNull(notBefore, "notBefore"),
                Objects.requireNonNull(notAfter, "notAfter"));
    }

    /**
     * Makes a certificate signed by a CA, valid for server and client use.
     *
     * @param subjectKey the subject's public key; never null
     * @param commonName the subject's common name; never null
     * @param dnsNames   the subject alternative DNS names; never null, may be empty
     * @param issuer     the CA's certificate, whose subject becomes the issuer; never null
     * @param issuerKey  the CA's private key, which signs; never null
     * @param notBefore  the start of validity; never null
     * @param notAfter   the end of validity; never null, may be in the past (an expired certificate)
     * @return the certificate
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the provider cannot sign
     */
    public static X509Certificate issued(PublicKey subjectKey, String commonName, List<String> dnsNames,
                                         X509Certificate issuer, PrivateKey issuerKey, Instant notBefore,
                                         Instant notAfter) {
        return CertificateMaker.certificate(commonName, Objects.requireNonNull(dnsNames, "dnsNames"),
                Objects.requireNonNull(subjectKey, "subjectKey"), Objects.requireNonNull(issuer, "issuer"),
                Objects.requireNonNull(issuerKey, "issuerKey"), false, Objects.requireNonNull(notBefore, "notBefore"),
                Objects.requireNonNull(notAfter, "notAfter"));
    }

    /**
     * Writes certificates and keys as PEM blocks, in order: a CA bundle for {@code ca-file}, or a certificate chain
     * then its key for {@code crt}.
     *
     * @param objects {@link X509Certificate}s and {@link PrivateKey}s; never null
     * @return the PEM text, one block per object
     * @throws NullPointerException     if {@code objects} or one of them is null
     * @throws IllegalArgumentException if an object is neither a certificate nor a private key
     */
    public static String pem(List<?> objects) {
        for (Object object : objects) {
            if (!(Objects.requireNonNull(object, "object") instanceof X509Certificate || object instanceof PrivateKey)) {
                throw new IllegalArgumentException("objects: a " + object.getClass().getName() + " (expected: "
                        + "certificates and private keys)");
            }
        }
        return Pem.write(objects);
    }

    /** The algorithm of a key. */
    public enum KeyType {
        /** RSA, 2048 bits. */
        RSA,
        /** ECDSA on the P-256 curve ({@code secp256r1}). */
        EC
    }
}
