package io.haprobe.tls;

import io.haprobe.config.HaproxyConfig;
import io.haprobe.diagnosis.Cause;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.engine.Simulation;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.spi.TlsBackend;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The certificate evidence of {@code ssl-mismatch} on virtual time: the simulation's scripted TLS backends present
 * real certificates (self-signed, expired, another name, a client certificate required), and the diagnosis' TLS
 * inspection through {@code engine-tls} quotes them and names why verification fails.
 */
class TlsDiagnosisSimulatedTest {

    private static Diagnosis diagnose(String serverOptions, Behaviour behaviour) {
        HaproxyConfig config = HaproxyConfig.parse("haproxy.cfg", """
                backend be
                    option httpchk GET /health
                    server s1 10.0.0.1:8443 check inter 1s fall 2 %s
                """.formatted(serverOptions));
        try (Simulation simulation = Simulation.builder(config).script("be/s1", ServerScript.of(behaviour)).build()) {
            simulation.runFor(Duration.ofSeconds(5));
            List<Diagnosis> diagnoses = simulation.diagnoses(true);
            assertThat(diagnoses).hasSize(1);
            return diagnoses.get(0);
        }
    }

    private static Behaviour tls(TlsBackend.Issuer issuer, String name, boolean clientCertificate) {
        return new Behaviour.Tls(new TlsBackend(issuer, TlsBackend.KeyType.EC, List.of(name), List.of(), null, null,
                List.of(), clientCertificate), Delay.NONE, Behaviour.http(200));
    }

    @Test
    void anExpiredCertificateIsQuotedWithItsDatesAndRenewed() {
        Diagnosis d = diagnose("ssl verify required ca-file /etc/ca.pem",
                tls(TlsBackend.Issuer.EXPIRED, "app.internal", false));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.matches("the server presents subject 'CN=app.internal', issuer "
                + "'CN=haprobe simulation ca' \\(not self-signed\\), SAN \\[DNS:app.internal], valid \\S+ to \\S+, over "
                + "TLSv1.3"));
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: expired certificate (notAfter "));
        assertThat(d.fix().summary()).startsWith("renew the server's certificate");
    }

    @Test
    void aCertificateFromAnotherCaIsAnUnknownCa() {
        Diagnosis d = diagnose("ssl verify required ca-file /etc/ca.pem",
                tls(TlsBackend.Issuer.UNTRUSTED, "app.internal", false));

        assertThat(d.evidence()).anyMatch(e -> e.contains("(not self-signed)"));
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: unknown CA"));
        assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:8443 check ca-file <issuing-ca.pem>");
    }

    @Test
    void aServerRequiringAClientCertificateGetsCrt() {
        Diagnosis d = diagnose("ssl verify required ca-file /etc/ca.pem",
                tls(TlsBackend.Issuer.TRUSTED, "app.internal", true));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: client certificate required"));
        assertThat(d.fix().after()).endsWith(" crt <client-cert.pem>");
    }

    @Test
    void verifyhostNamesTheNameTheCertificateCarries() {
        Diagnosis d = diagnose("ssl verify required ca-file /etc/ca.pem verifyhost app.internal",
                tls(TlsBackend.Issuer.TRUSTED, "api.internal", false));

        assertThat(d.evidence()).contains("why verification fails: name mismatch (the certificate does not carry "
                + "'app.internal' ('verifyhost'))");
        // the config is no file: the fix rebuilds the server line from the parsed values
        assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:8443 check check-sni api.internal");
    }

    @Test
    void sslAgainstAPlainBannerIsNotTls() {
        Diagnosis d = diagnose("ssl verify none", new Behaviour.Tcp("SSH-2.0-OpenSSH_9.2\r\n"
                .getBytes(StandardCharsets.US_ASCII), Delay.NONE, false, true));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: the server does not speak TLS"));
        assertThat(d.fix().after()).isEqualTo("server s1 10.0.0.1:8443 check no-check-ssl");
    }
}
