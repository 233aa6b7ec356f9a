package io.haprobe.tls.internal;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM text in and out: the CA bundles of {@code ca-file}, the certificate and key of {@code crt}, and the PEM
 * written for tests. What a text holds is reported as values; reading files and wording errors is the caller's
 * job.
 *
 * <p>Thread-safe.
 */
public final class Pem {

    private Pem() {
    }

    /**
     * Reads every certificate and the first private key of a PEM text. Other blocks (CRLs, parameters) are
     * skipped.
     *
     * @param text the PEM text; never null
     * @return what was found
     * @throws IOException if a block is malformed or the key is encrypted (HAProxy would ask for a passphrase)
     */
    public static Contents read(String text) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        PrivateKey key = null;
        JcaX509CertificateConverter certificateConverter = new JcaX509CertificateConverter()
                .setProvider(Providers.CRYPTO);
        JcaPEMKeyConverter keyConverter = new JcaPEMKeyConverter().setProvider(Providers.CRYPTO);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object block; (block = parser.readObject()) != null; ) {
                if (block instanceof X509CertificateHolder holder) {
                    certificates.add(certificateConverter.getCertificate(holder));
                } else if (key == null && block instanceof PEMKeyPair pair) {
                    key = keyConverter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (key == null && block instanceof PrivateKeyInfo info) {
                    key = keyConverter.getPrivateKey(info);
                } else if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("the private key is encrypted (expected: an unencrypted key)");
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IOException("malformed PEM data: " + e.getMessage(), e);
        }
        return new Contents(List.copyOf(certificates), key);
    }

    /**
     * Writes objects as PEM blocks.
     *
     * @param objects certificates and keys, in order; never null
     * @return the PEM text
     */
    public static String write(List<?> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * What a PEM text holds.
     *
     * @param certificates the certificates, in file order; never null
     * @param key          the first private key, or null
     */
    public record Contents(List<X509Certificate> certificates, PrivateKey key) {
    }
}
