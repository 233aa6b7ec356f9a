package io.haprobe.tls;

import io.haprobe.config.ConfigException;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.engine.HealthCheckEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ca-file} and {@code crt} are read when the engine is built, as HAProxy reads them at startup; errors
 * name the server's line, the keyword and the file. A relative path is read from the working directory, as
 * HAProxy 2.6.12 does (verified: {@code haproxy -c -f sub/r.cfg} with {@code ca-file ca2.pem} next to the config
 * fails unless run from that directory).
 */
class TlsFilesTest {

    private static final Instant NOW = Instant.now();
    private static final Duration WEEK = Duration.ofDays(7);

    @TempDir
    Path dir;

    @Test
    void aMissingCaFileIsAConfigErrorAtTheServerLine() {
        Path missing = dir.resolve("nothere.pem");
        assertThatThrownBy(() -> build("ssl verify required ca-file " + missing)).isInstanceOf(ConfigException.class)
                .hasMessage("live.cfg:2:3: ca-file: cannot read '" + missing + "' for server be/s (no such file)");
    }

    @Test
    void aRelativeCaFileIsReadFromTheWorkingDirectoryAndTheMessageSaysWhere() {
        Path cwd = Path.of("").toAbsolutePath();
        assertThatThrownBy(() -> build("ssl verify required ca-file no-such-dir/ca.pem"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("live.cfg:2:3: ca-file: cannot read 'no-such-dir/ca.pem' (read as " + cwd
                        + "/no-such-dir/ca.pem) for server be/s (no such file)");
    }

    @Test
    void aCaFileWithoutCertificatesIsAConfigError() throws IOException {
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "not PEM at all\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> build("ssl verify required ca-file " + key)).isInstanceOf(ConfigException.class)
                .hasMessage("live.cfg:2:3: ca-file: no certificate in '" + key + "' for server be/s (expected: a PEM"
                        + " bundle of CA certificates)");
    }

    @Test
    void aCrtWithoutKeyLooksForTheKeyInCrtDotKeyAsHaproxyDoes() throws IOException {
        // haproxy -c with a certificate-only crt: No Private Key found in '/tmp/tlsx/cli.pem.key'.
        KeyPair caKey = Certificates.newKeyPair(Certificates.KeyType.EC);
        X509Certificate ca = Certificates.selfSigned(caKey, "CA", List.of(), true, NOW, NOW.plus(WEEK));
        KeyPair clientKey = Certificates.newKeyPair(Certificates.KeyType.EC);
        X509Certificate client = Certificates.issued(clientKey.getPublic(), "c", List.of("c"), ca, caKey.getPrivate(),
                NOW, NOW.plus(WEEK));
        Path crt = dir.resolve("client.pem");
        Files.writeString(crt, Certificates.pem(List.of(client)));
        assertThatThrownBy(() -> build("ssl verify none crt " + crt)).isInstanceOf(ConfigException.class)
                .hasMessage("live.cfg:2:3: crt: no private key in '" + crt + "' nor in '" + crt + ".key' for server"
                        + " be/s");

        Files.writeString(dir.resolve("client.pem.key"), Certificates.pem(List.of(clientKey.getPrivate())));
        build("ssl verify none crt " + crt).close();
    }

    @Test
    void theFilesAreReadOnlyForServersWhoseChecksUseTls() {
        // ssl + port: plain checks, no TLS client to build (HAProxy would still load the server's context)
        build("ssl verify none port 8443 crt " + dir.resolve("nothere.pem")).close();
    }

    @Test
    void theCaFileMayHoldSeveralCertificates() throws IOException {
        X509Certificate first = Certificates.selfSigned(Certificates.newKeyPair(Certificates.KeyType.EC), "CA 1",
                List.of(), true, NOW, NOW.plus(WEEK));
        X509Certificate second = Certificates.selfSigned(Certificates.newKeyPair(Certificates.KeyType.RSA), "CA 2",
                List.of(), true, NOW, NOW.plus(WEEK));
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Certificates.pem(List.of(first, second)));
        assertThat(io.haprobe.tls.internal.Pem.read(Files.readString(bundle)).certificates())
                .containsExactly(first, second);
        build("ssl verify required ca-file " + bundle).close();
    }

    private static HealthCheckEngine build(String serverOptions) {
        return HealthCheckEngine.builder(HaproxyConfig.parse("live.cfg", "backend be\n  server s 127.0.0.1:443 check "
                + serverOptions + "\n")).build();
    }
}
