package io.haprobe.tls;

import io.haprobe.tls.internal.Pem;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys and certificates made in memory, as the simulation's PKI and the test kit's certificates use them. */
class CertificatesTest {

    private static final Instant NOW = Instant.now();

    @Test
    void aCaIssuesACertificateForItsNamesSignedWithItsKey() throws GeneralSecurityException {
        KeyPair caKey = Certificates.newKeyPair(Certificates.KeyType.EC);
        X509Certificate ca = Certificates.selfSigned(caKey, "test CA", List.of(), true, NOW,
                NOW.plus(Duration.ofDays(1)));
        KeyPair serverKey = Certificates.newKeyPair(Certificates.KeyType.RSA);

        X509Certificate server = Certificates.issued(serverKey.getPublic(), "srv.example", List.of("srv.example",
                "*.srv.example"), ca, caKey.getPrivate(), NOW, NOW.plus(Duration.ofDays(1)));

        server.verify(caKey.getPublic());
        assertThat(server.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(server.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList())
                .containsExactly("srv.example", "*.srv.example");
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(server.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void aValidityInThePastMakesAnExpiredCertificate() {
        KeyPair pair = Certificates.newKeyPair(Certificates.KeyType.EC);

        X509Certificate expired = Certificates.selfSigned(pair, "old", List.of("old"), false,
                NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(1)));

        assertThatThrownBy(() -> expired.checkValidity(Date.from(NOW))).isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void pemHoldsCertificatesAndKeysInOrderAndNothingElse() throws IOException {
        KeyPair pair = Certificates.newKeyPair(Certificates.KeyType.EC);
        X509Certificate certificate = Certificates.selfSigned(pair, "c", List.of("c"), false, NOW,
                NOW.plus(Duration.ofDays(1)));

        Pem.Contents read = Pem.read(Certificates.pem(List.of(certificate, pair.getPrivate())));

        assertThat(read.certificates()).containsExactly(certificate);
        assertThat(read.key()).isEqualTo(pair.getPrivate());
        assertThatThrownBy(() -> Certificates.pem(List.of("not a certificate")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("objects: a java.lang.String (expected: certificates and private keys)");
    }
}
