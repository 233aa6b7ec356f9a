package io.haprobe.tls.internal;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The managers of an inspection engine: a trust manager that accepts any server certificate and records the chain,
 * a key manager that records whether the server asked for a client certificate (and presents the configured one),
 * and the PKIX judgement of a recorded chain against {@code ca-file}'s CAs.
 *
 * <p>Stateless helpers; the managers they make are confined to one engine's event loop.
 */
final class Inspecting {

    private Inspecting() {
    }

    /** Accepts any server certificate, recording the chain. */
    static X509ExtendedTrustManager trust(InspectionLayer.Inspection inspection) {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                inspection.chain = List.of(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
                inspection.chain = List.of(chain);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                inspection.chain = List.of(chain);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("an inspection is a client");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("an inspection is a client");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("an inspection is a client");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
    }

    /** Presents the configured client certificate (from {@code keys}, may be null), recording that it was asked. */
    static X509ExtendedKeyManager keys(KeyManager[] keys, InspectionLayer.Inspection inspection) {
        X509ExtendedKeyManager configured = null;
        if (keys != null) {
            for (KeyManager key : keys) {
                if (key instanceof X509ExtendedKeyManager extended) {
                    configured = extended;
                }
            }
        }
        X509ExtendedKeyManager delegate = configured;
        return new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                inspection.clientCertificateRequested = true;
                return delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine);
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                inspection.clientCertificateRequested = true;
                return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket);
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return delegate == null ? null : delegate.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return delegate == null ? null : delegate.getPrivateKey(alias);
            }
        };
    }

    /**
     * Validates {@code chain} against {@code authorities} with the JDK's PKIX validator, at a date inside the leaf's
     * validity (so an expired certificate of a trusted CA passes here) and without revocation checks.
     *
     * @return null when the chain leads to one of the authorities, else why not
     */
    static String pkixFailure(List<X509Certificate> chain, List<X509Certificate> authorities) {
        if (authorities.isEmpty()) {
            return "no CA to verify against";
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate authority : authorities) {
                anchors.add(new TrustAnchor(authority, null));
            }
            List<X509Certificate> path = new ArrayList<>();
            for (X509Certificate certificate : chain) {
                if (!authorities.contains(certificate)) {
                    path.add(certificate);
                }
            }
            if (path.isEmpty()) {
                return null;
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            X509Certificate leaf = path.get(0);
            parameters.setDate(new java.util.Date(leaf.getNotBefore().getTime()
                    + (leaf.getNotAfter().getTime() - leaf.getNotBefore().getTime()) / 2));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return null;
        } catch (GeneralSecurityException e) {
            return e.getMessage();
        }
    }
}
