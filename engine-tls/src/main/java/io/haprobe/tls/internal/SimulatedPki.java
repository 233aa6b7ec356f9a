package io.haprobe.tls.internal;

import io.haprobe.config.TlsVersion;
import io.haprobe.spi.TlsBackend;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsServerEndpoint;
import io.haprobe.spi.TlsSimulation;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The certificates of one simulation, made in memory on first use: the CA every {@code ca-file} stands for, the
 * client certificate every {@code crt} stands for, another CA for untrusted certificates, and each scripted
 * backend's certificate. Server SSL contexts are made once per distinct {@link TlsBackend}.
 *
 * <p>Not thread-safe: confined to the simulation's thread.
 */
public final class SimulatedPki implements TlsSimulation {

    private static final char[] NO_PASSWORD = new char[0];
    private static final Duration DAY = Duration.ofDays(1);

    /**
     * The validity dates' reference: today at 00:00 UTC, so that certificates made the same day carry the same
     * dates and a simulation's output (the diagnosis quotes them) is the same bytes on every run that day.
     */
    private final Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    private final Map<String, Identity> identities = new HashMap<>();
    private final Map<TlsBackend, SSLContext> serverContexts = new HashMap<>();

    /** Creates an empty PKI; keys are made when first needed. */
    public SimulatedPki() {
    }

    @Override
    public TlsClient newClient(TlsClientSpec spec) {
        Identity client = spec.settings().crt() == null ? null : identity("client");
        return ClientContext.of(spec, List.of(identity("ca").chain().get(0)), client == null ? null : client.key(),
                client == null ? List.of() : client.chain());
    }

    @Override
    public TlsServerEndpoint newServerEndpoint(TlsBackend backend) {
        SSLEngine engine = serverContexts.computeIfAbsent(backend, this::serverContext).createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols(backend));
        parameters.setNeedClientAuth(backend.clientCertificate());
        if (!backend.serverNames().isEmpty()) {
            StringBuilder names = new StringBuilder("(?i)");
            for (String name : backend.serverNames()) {
                names.append(names.length() > 4 ? "|" : "").append(Pattern.quote(name));
            }
            parameters.setSNIMatchers(List.<SNIMatcher>of(SNIHostName.createSNIMatcher(names.toString())));
        }
        if (!backend.alpn().isEmpty()) {
            parameters.setApplicationProtocols(backend.alpn().toArray(String[]::new));
        }
        engine.setSSLParameters(parameters);
        return new EnginePump(engine);
    }

    @Override
    public String authorityPem() {
        return Pem.write(List.of(authority()));
    }

    @Override
    public String clientCertificatePem() {
        Identity client = identity("client");
        List<Object> objects = new ArrayList<>(client.chain());
        objects.add(client.key());
        return Pem.write(objects);
    }

    /**
     * Returns the simulation's CA certificate, the one every {@code ca-file} stands for.
     *
     * @return the certificate
     */
    X509Certificate authority() {
        return identity("ca").chain().get(0);
    }

    private SSLContext serverContext(TlsBackend backend) {
        Identity server = serverIdentity(backend);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", server.key(), NO_PASSWORD, server.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX", Providers.JSSE);
            keys.init(store, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS", Providers.JSSE);
            context.init(keys.getKeyManagers(), new TrustManager[] {ServerTrust.pkix(
                    List.of(identity("ca").chain().get(0)))}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the simulated TLS backend " + backend, e);
        }
    }

    /** The versions a backend accepts: its bounds, else every version the provider enables by default. */
    private static String[] protocols(TlsBackend backend) {
        TlsVersion min = backend.minVersion() != null ? backend.minVersion() : TlsVersion.TLSV1_2;
        TlsVersion max = backend.maxVersion() != null ? backend.maxVersion() : TlsVersion.TLSV1_3;
        List<String> chosen = new ArrayList<>();
        for (TlsVersion version : TlsVersion.values()) {
            if (version.compareTo(min) >= 0 && version.compareTo(max) <= 0) {
                chosen.add(version.protocolName());
            }
        }
        return chosen.toArray(String[]::new);
    }

    private Identity serverIdentity(TlsBackend backend) {
        String key = backend.certificate() + " " + backend.keyType() + " " + backend.names();
        Identity known = identities.get(key);
        if (known != null) {
            return known;
        }
        boolean ec = backend.keyType() == TlsBackend.KeyType.EC;
        KeyPair pair = CertificateMaker.newKeyPair(ec);
        List<String> names = backend.names();
        X509Certificate certificate = switch (backend.certificate()) {
            case TRUSTED -> issued(names, pair, identity("ca"), now.minus(DAY), now.plus(DAY.multipliedBy(30)));
            case EXPIRED -> issued(names, pair, identity("ca"), now.minus(DAY.multipliedBy(30)), now.minus(DAY));
            case UNTRUSTED -> issued(names, pair, identity("other-ca"), now.minus(DAY), now.plus(DAY.multipliedBy(30)));
            case SELF_SIGNED -> CertificateMaker.certificate(names.get(0), names, pair.getPublic(), null,
                    pair.getPrivate(), false, now.minus(DAY), now.plus(DAY.multipliedBy(30)));
        };
        Identity identity = new Identity(pair.getPrivate(), List.of(certificate));
        identities.put(key, identity);
        return identity;
    }

    private X509Certificate issued(List<String> names, KeyPair pair, Identity issuer, Instant from, Instant to) {
        return CertificateMaker.certificate(names.get(0), names, pair.getPublic(), issuer.chain().get(0),
                issuer.key(), false, from, to);
    }

    /** The simulation's CA ({@code ca}), the untrusted one ({@code other-ca}) and the client ({@code client}). */
    private Identity identity(String role) {
        Identity known = identities.get(role);
        if (known != null) {
            return known;
        }
        KeyPair pair = CertificateMaker.newKeyPair(true);
        Identity identity = switch (role) {
            case "ca", "other-ca" -> new Identity(pair.getPrivate(), List.of(CertificateMaker.certificate(
                    "haprobe simulation " + role, List.of(), pair.getPublic(), null, pair.getPrivate(), true,
                    now.minus(DAY), now.plus(DAY.multipliedBy(365)))));
            default -> {
                Identity ca = identity("ca");
                yield new Identity(pair.getPrivate(), List.of(CertificateMaker.certificate("haprobe simulated check",
                        List.of(), pair.getPublic(), ca.chain().get(0), ca.key(), false, now.minus(DAY),
                        now.plus(DAY.multipliedBy(30)))));
            }
        };
        identities.put(role, identity);
        return identity;
    }

    /** A key with its certificate chain. */
    private record Identity(PrivateKey key, List<X509Certificate> chain) {
    }
}
