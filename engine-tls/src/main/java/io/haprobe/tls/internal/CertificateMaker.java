package io.haprobe.tls.internal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Makes keys and X.509 certificates in memory with Bouncy Castle: CAs, server and client certificates with DNS
 * names, self-signed ones. Nothing touches the disk and nothing expires in the repository, because nothing is
 * committed.
 *
 * <p>Thread-safe.
 */
public final class CertificateMaker {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateMaker() {
    }

    /**
     * Makes a key pair.
     *
     * @param ec true for ECDSA on P-256, false for RSA 2048
     * @return the key pair
     */
    public static KeyPair newKeyPair(boolean ec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ec ? "EC" : "RSA", Providers.CRYPTO);
            if (ec) {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a " + (ec ? "P-256" : "RSA 2048") + " key", e);
        }
    }

    /**
     * Makes a certificate.
     *
     * @param commonName the subject's common name; never null
     * @param dnsNames   the subject alternative DNS names; never null, may be empty
     * @param subjectKey the subject's public key; never null
     * @param issuer     the issuer's certificate, or null for a self-signed one
     * @param issuerKey  the key that signs; never null (the subject's own private key when self-signed)
     * @param ca         whether the certificate may sign others
     * @param notBefore  the start of validity; never null
     * @param notAfter   the end of validity; never null
     * @return the certificate
     */
    public static X509Certificate certificate(String commonName, List<String> dnsNames, PublicKey subjectKey,
                                              X509Certificate issuer, PrivateKey issuerKey, boolean ca,
                                              Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(commonName, "commonName");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(
                issuer.getSubjectX500Principal().getEncoded());
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(64, RANDOM).abs().add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            if (!dnsNames.isEmpty()) {
                GeneralName[] names = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new);
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            JcaContentSignerBuilder signer = new JcaContentSignerBuilder(algorithm).setProvider(Providers.CRYPTO);
            return new JcaX509CertificateConverter().setProvider(Providers.CRYPTO)
                    .getCertificate(builder.build(signer.build(issuerKey)));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the certificate of " + commonName, e);
        }
    }
}
