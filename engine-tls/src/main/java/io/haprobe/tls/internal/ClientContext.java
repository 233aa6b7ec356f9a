package io.haprobe.tls.internal;

import io.haprobe.config.ConfigException;
import io.haprobe.config.TlsProtocols;
import io.haprobe.config.TlsSettings;
import io.haprobe.config.TlsVersion;
import io.haprobe.spi.TlsClient;
import io.haprobe.spi.TlsClientSpec;
import io.haprobe.spi.TlsPeer;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The TLS client of one server's checks: HAProxy's per-server SSL context, on Bouncy Castle's JSSE provider. It
 * holds the trust ({@code verify}, {@code ca-file}, {@code verifyhost}), the client certificate ({@code crt}),
 * the versions ({@code ssl-min-ver}, {@code ssl-max-ver}; HAProxy 2.6's defaults TLSv1.2 to TLSv1.3) and the
 * suites ({@code ciphers}, {@code ciphersuites}), and makes one engine per check connection with its SNI and ALPN.
 * No engine asks for an SNI on its own: a check without {@code check-sni} sends none, as HAProxy.
 *
 * <p>Thread-safe.
 */
public final class ClientContext implements TlsClient {

    private static final char[] NO_PASSWORD = new char[0];

    private final SSLContext context;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final Map<SSLEngine, String> sniByEngine;
    private final TlsClientSpec spec;
    private final List<X509Certificate> authorities;
    private final PrivateKey clientKey;
    private final List<X509Certificate> clientChain;

    private ClientContext(SSLContext context, String[] protocols, String[] cipherSuites,
                          Map<SSLEngine, String> sniByEngine, TlsClientSpec spec, List<X509Certificate> authorities,
                          PrivateKey clientKey, List<X509Certificate> clientChain) {
        this.context = context;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.sniByEngine = sniByEngine;
        this.spec = spec;
        this.authorities = List.copyOf(authorities);
        this.clientKey = clientKey;
        this.clientChain = List.copyOf(clientChain);
    }

    /**
     * Builds the client of a server from its settings, trusting {@code authorities} and presenting
     * {@code clientKey} with {@code clientChain}.
     *
     * @param spec        the server; never null
     * @param authorities the CAs to trust when the spec verifies; never null
     * @param clientKey   the client key, or null for none
     * @param clientChain the client certificate chain; never null, empty for none
     * @return the client
     * @throws ConfigException if no protocol version or no suite is left
     */
    public static ClientContext of(TlsClientSpec spec, List<X509Certificate> authorities, PrivateKey clientKey,
                                   List<X509Certificate> clientChain) {
        TlsSettings settings = spec.settings();
        Map<SSLEngine, String> sniByEngine = Collections.synchronizedMap(new WeakHashMap<>());
        X509ExtendedTrustManager trust = spec.verify()
                ? ServerTrust.verifying(authorities, settings.verification().host(), sniByEngine)
                : ServerTrust.any();
        try {
            SSLContext context = SSLContext.getInstance("TLS", Providers.JSSE);
            context.init(clientKey == null ? null : keyManagers(clientKey, clientChain), new TrustManager[] {trust},
                    new SecureRandom());
            return new ClientContext(context, protocols(spec, context), cipherSuites(spec, context), sniByEngine,
                    spec, authorities, clientKey, clientChain);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(spec.location(), "cannot set up TLS for server " + spec.id() + ": "
                    + e.getMessage());
        }
    }

    @Override
    public ChannelHandler newHandler(String sni, List<String> alpn) {
        return new CheckTlsLayer(new SslHandler(newEngine(sni, alpn)));
    }

    /**
     * Makes the inspection handler: a fresh context that trusts any certificate and records it, records whether
     * the server asks for a client certificate (presenting the configured {@code crt}, if any), and offers every
     * version the provider has; then {@link #judge} compares what was seen with this client's settings.
     */
    @Override
    public ChannelHandler newInspectionHandler(String sni, List<String> alpn) {
        InspectionLayer.Inspection inspection = new InspectionLayer.Inspection();
        try {
            SSLContext open = SSLContext.getInstance("TLS", Providers.JSSE);
            KeyManager[] keys = clientKey == null ? null : keyManagers(clientKey, clientChain);
            open.init(new KeyManager[] {Inspecting.keys(keys, inspection)},
                    new TrustManager[] {Inspecting.trust(inspection)}, new SecureRandom());
            SSLEngine engine = open.createSSLEngine();
            engine.setUseClientMode(true);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setProtocols(open.getSupportedSSLParameters().getProtocols());
            parameters.setEndpointIdentificationAlgorithm(null);
            SNIServerName name = sni == null ? null : sniName(sni);
            if (name != null) {
                parameters.setServerNames(List.of(name));
            }
            if (!alpn.isEmpty()) {
                parameters.setApplicationProtocols(alpn.toArray(String[]::new));
            }
            engine.setSSLParameters(parameters);
            return new InspectionLayer(new SslHandler(engine), inspection, (seen, failure) -> judge(seen, failure,
                    sni));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the TLS inspection of " + spec.id(), e);
        }
    }

    /**
     * Judges an inspection as this client's checks would: the version first (it is negotiated first), then with
     * {@code verify required} the chain against {@code ca-file} (at a date inside the certificate's validity, so
     * that trust and time are told apart), the validity dates, and the name (the SNI, else {@code verifyhost}).
     */
    private TlsPeer judge(InspectionLayer.Inspection seen, Throwable failure, String sni) {
        List<X509Certificate> chain = seen.chain;
        if (failure != null) {
            String detail = String.valueOf(failure.getMessage());
            if (seen.clientCertificateRequested) {
                return new TlsPeer(null, chain, TlsPeer.Problem.CLIENT_CERTIFICATE_REQUIRED, detail);
            }
            if (chain.isEmpty() && InspectionLayer.notTls(failure)) {
                return new TlsPeer(null, chain, TlsPeer.Problem.NOT_TLS, detail);
            }
            boolean version = detail.toLowerCase(java.util.Locale.ROOT).contains("protocol_version");
            return new TlsPeer(null, chain, version ? TlsPeer.Problem.PROTOCOL_VERSION : TlsPeer.Problem.HANDSHAKE,
                    detail);
        }
        String protocol = seen.protocol;
        if (seen.clientCertificateRequested && clientKey == null) {
            return new TlsPeer(protocol, chain, TlsPeer.Problem.CLIENT_CERTIFICATE_REQUIRED,
                    "the server asked for a client certificate");
        }
        if (protocol != null && !Arrays.asList(protocols).contains(protocol)) {
            return new TlsPeer(protocol, chain, TlsPeer.Problem.PROTOCOL_VERSION, "the server chose " + protocol
                    + ", the check allows " + String.join(", ", protocols));
        }
        if (!spec.verify() || chain.isEmpty()) {
            return new TlsPeer(protocol, chain, TlsPeer.Problem.NONE, null);
        }
        X509Certificate leaf = chain.get(0);
        String untrusted = Inspecting.pkixFailure(chain, authorities);
        if (untrusted != null) {
            return new TlsPeer(protocol, chain, TlsPeer.Problem.UNKNOWN_CA, untrusted);
        }
        java.util.Date now = new java.util.Date();
        if (now.after(leaf.getNotAfter())) {
            return new TlsPeer(protocol, chain, TlsPeer.Problem.EXPIRED, "notAfter " + leaf.getNotAfter().toInstant()
                    + " is past");
        }
        if (now.before(leaf.getNotBefore())) {
            return new TlsPeer(protocol, chain, TlsPeer.Problem.NOT_YET_VALID, "notBefore "
                    + leaf.getNotBefore().toInstant() + " is ahead");
        }
        String expected = sni != null ? sni : spec.settings().verification().host();
        if (expected != null && !ServerTrust.carriesName(leaf, expected)) {
            return new TlsPeer(protocol, chain, TlsPeer.Problem.NAME_MISMATCH, "the certificate does not carry '"
                    + expected + "'" + (sni != null ? " (the SNI, 'check-sni')" : " ('verifyhost')"));
        }
        return new TlsPeer(protocol, chain, TlsPeer.Problem.NONE, null);
    }

    /**
     * Makes the client engine of one connection.
     *
     * @param sni  the SNI, or null
     * @param alpn the ALPN protocols; never null
     * @return the engine, in client mode
     */
    SSLEngine newEngine(String sni, List<String> alpn) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols);
        if (cipherSuites != null) {
            parameters.setCipherSuites(cipherSuites);
        }
        parameters.setEndpointIdentificationAlgorithm(null);
        if (sni != null) {
            SNIServerName name = sniName(sni);
            parameters.setServerNames(name == null ? List.of() : List.of(name));
            sniByEngine.put(engine, sni);
        }
        if (!alpn.isEmpty()) {
            parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** The SNI as sent; a name Java refuses (e.g. an IP literal) is not sent, but still checked against. */
    private static SNIServerName sniName(String sni) {
        try {
            return new SNIHostName(sni.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("crt", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX", Providers.JSSE);
        factory.init(store, NO_PASSWORD);
        return factory.getKeyManagers();
    }

    /** The versions from {@code ssl-min-ver} (TLSv1.2 by default) to {@code ssl-max-ver} the provider supports. */
    private static String[] protocols(TlsClientSpec spec, SSLContext context) {
        TlsProtocols settings = spec.settings().protocols();
        TlsVersion min = settings.minVersion() != null ? settings.minVersion() : TlsVersion.TLSV1_2;
        TlsVersion max = settings.maxVersion() != null ? settings.maxVersion() : TlsVersion.TLSV1_3;
        if (min.compareTo(max) > 0) {
            // only one bound given, beyond HAProxy's default of the other: HAProxy moves the other bound too
            if (settings.minVersion() == null) {
                min = max;
            } else {
                max = min;
            }
        }
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        List<String> chosen = new ArrayList<>();
        for (TlsVersion version : TlsVersion.values()) {
            if (version.compareTo(min) >= 0 && version.compareTo(max) <= 0
                    && supported.contains(version.protocolName())) {
                chosen.add(version.protocolName());
            }
        }
        if (chosen.isEmpty()) {
            throw new ConfigException(spec.location(), "server " + spec.id() + ": no SSL/TLS version from "
                    + min.keyword() + " to " + max.keyword() + " is supported by the TLS provider (expected: TLSv1.2"
                    + " or TLSv1.3)");
        }
        return chosen.toArray(String[]::new);
    }

    /** {@code ciphers} for TLS 1.2 and older, {@code ciphersuites} for TLS 1.3, each defaulting to the provider's. */
    private static String[] cipherSuites(TlsClientSpec spec, SSLContext context) {
        TlsProtocols settings = spec.settings().protocols();
        if (settings.ciphers().isEmpty() && settings.cipherSuites().isEmpty()) {
            return null;
        }
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
        List<String> defaults = Arrays.asList(context.getDefaultSSLParameters().getCipherSuites());
        List<String> chosen = new ArrayList<>();
        List<String> tls13 = settings.cipherSuites().isEmpty()
                ? defaults.stream().filter(ClientContext::isTls13).toList() : settings.cipherSuites();
        List<String> older = settings.ciphers().isEmpty()
                ? defaults.stream().filter(s -> !isTls13(s)).toList() : settings.ciphers();
        for (String suite : tls13) {
            if (supported.contains(suite)) {
                chosen.add(suite);
            }
        }
        for (String suite : older) {
            if (supported.contains(suite)) {
                chosen.add(suite);
            }
        }
        if (chosen.isEmpty()) {
            throw new ConfigException(spec.location(), "server " + spec.id() + ": none of the suites of ciphers/"
                    + "ciphersuites is supported by the TLS provider");
        }
        return chosen.toArray(String[]::new);
    }

    private static boolean isTls13(String suite) {
        return suite.startsWith("TLS_") && !suite.contains("_WITH_") && !suite.endsWith("_SCSV");
    }
}
