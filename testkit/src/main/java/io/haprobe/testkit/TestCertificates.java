package io.haprobe.testkit;

import io.haprobe.tls.Certificates;
import io.haprobe.tls.Certificates.KeyType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Certificates made in memory for tests and examples: CAs, server and client certificates with DNS names,
 * self-signed and expired ones, written as the PEM files {@code ca-file} and {@code crt} read. Nothing is
 * committed, so nothing expires in a repository: make them when the test starts. The keys and certificates come
 * from engine-tls's {@link Certificates}, which also makes the simulation's; this class adds validity periods, chains
 * and files.
 *
 * <pre>{@code
 * TestCertificates.Authority ca = TestCertificates.authority("test CA");
 * TestCertificates.Identity server = ca.issue(Certificates.KeyType.EC, "app.internal");
 * Path caFile = ca.writePem(tempDir.resolve("ca.pem"));   // for "ca-file"
 * // serve with server.key() and server.chain(), e.g. Netty's SslContextBuilder.forServer(key, chain)
 * }</pre>
 *
 * <p>Validity: from a day before creation to seven days after, or, for {@link Authority#issueExpired}, from
 * thirty days before to a day before. Thread-safe; values are immutable.
 */
public final class TestCertificates {

    private static final Duration DAY = Duration.ofDays(1);

    private TestCertificates() {
    }

    /**
     * Makes a CA with an ECDSA P-256 key.
     *
     * @param name its common name; never null
     * @return the authority
     */
    public static Authority authority(String name) {
        return authority(name, KeyType.EC);
    }

    /**
     * Makes a CA.
     *
     * @param name    its common name; never null
     * @param keyType its key; never null
     * @return the authority
     * @throws NullPointerException if an argument is null
     */
    public static Authority authority(String name, KeyType keyType) {
        Objects.requireNonNull(name, "name");
        KeyPair pair = Certificates.newKeyPair(keyType);
        Instant now = Instant.now();
        X509Certificate certificate = Certificates.selfSigned(pair, name, List.of(), true, now.minus(DAY),
                now.plus(DAY.multipliedBy(7)));
        return new Authority(new Identity(pair.getPrivate(), List.of(certificate)));
    }

    /**
     * Makes a self-signed certificate, as a backend set up without a CA presents.
     *
     * @param keyType  its key; never null
     * @param dnsNames its DNS names (the first is also its common name); at least one
     * @return the identity
     * @throws IllegalArgumentException if no name is given
     */
    public static Identity selfSigned(KeyType keyType, String... dnsNames) {
        List<String> names = names(dnsNames);
        KeyPair pair = Certificates.newKeyPair(keyType);
        Instant now = Instant.now();
        return new Identity(pair.getPrivate(), List.of(Certificates.selfSigned(pair, names.get(0), names, false,
                now.minus(DAY), now.plus(DAY.multipliedBy(7)))));
    }

    private static List<String> names(String... dnsNames) {
        if (dnsNames.length == 0) {
            throw new IllegalArgumentException("dnsNames: [] (expected: at least one name)");
        }
        return List.of(dnsNames);
    }

    /**
     * A private key and its certificate chain (leaf first).
     *
     * @param key   the private key; never null
     * @param chain the certificates, leaf first; never null, not empty
     */
    public record Identity(PrivateKey key, List<X509Certificate> chain) {

        /**
         * Validates and copies the components.
         *
         * @throws NullPointerException     if a component is null
         * @throws IllegalArgumentException if the chain is empty
         */
        public Identity {
            Objects.requireNonNull(key, "key");
            chain = List.copyOf(chain);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("chain: [] (expected: at least the leaf certificate)");
            }
        }

        /**
         * Returns the leaf certificate.
         *
         * @return the first certificate of the chain
         */
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /**
         * Writes the chain then the key as one PEM file, the form HAProxy's {@code crt} reads.
         *
         * @param file the file to write; never null
         * @return {@code file}
         * @throws IOException if it cannot be written
         */
        public Path writePem(Path file) throws IOException {
            List<Object> objects = new ArrayList<>(chain);
            objects.add(key);
            Files.writeString(file, Certificates.pem(objects), StandardCharsets.US_ASCII);
            return file;
        }
    }

    /** A certificate authority that issues certificates. */
    public static final class Authority {

        private final Identity identity;

        private Authority(Identity identity) {
            this.identity = identity;
        }

        /**
         * Returns the CA's certificate.
         *
         * @return the certificate
         */
        public X509Certificate certificate() {
            return identity.certificate();
        }

        /**
         * Issues a certificate valid now, for server and client use.
         *
         * @param keyType  its key; never null
         * @param dnsNames its DNS names (the first is also its common name); at least one
         * @return the identity; its chain is the certificate then this CA's
         * @throws IllegalArgumentException if no name is given
         */
        public Identity issue(KeyType keyType, String... dnsNames) {
            Instant now = Instant.now();
            return issue(keyType, now.minus(DAY), now.plus(DAY.multipliedBy(7)), dnsNames);
        }

        /**
         * Issues a certificate whose validity ended yesterday.
         *
         * @param keyType  its key; never null
         * @param dnsNames its DNS names; at least one
         * @return the identity
         * @throws IllegalArgumentException if no name is given
         */
        public Identity issueExpired(KeyType keyType, String... dnsNames) {
            Instant now = Instant.now();
            return issue(keyType, now.minus(DAY.multipliedBy(30)), now.minus(DAY), dnsNames);
        }

        /**
         * Writes the CA's certificate as PEM, the form HAProxy's {@code ca-file} reads.
         *
         * @param file the file to write; never null
         * @return {@code file}
         * @throws IOException if it cannot be written
         */
        public Path writePem(Path file) throws IOException {
            Files.writeString(file, Certificates.pem(List.of(certificate())), StandardCharsets.US_ASCII);
            return file;
        }

        private Identity issue(KeyType keyType, Instant from, Instant to, String... dnsNames) {
            List<String> names = names(dnsNames);
            KeyPair pair = Certificates.newKeyPair(keyType);
            X509Certificate certificate = Certificates.issued(pair.getPublic(), names.get(0), names,
                    identity.certificate(), identity.key(), from, to);
            return new Identity(pair.getPrivate(), List.of(certificate, identity.certificate()));
        }
    }
}
