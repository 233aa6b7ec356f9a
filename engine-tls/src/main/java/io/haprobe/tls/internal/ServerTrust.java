package io.haprobe.tls.internal;

import io.haprobe.spi.TlsEvent;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a check's TLS client judges the server's certificate, as HAProxy 2.6 does ({@code ssl_sock_srv_verifycbk}):
 * with {@code verify none}, not at all; with {@code verify required}, the chain must lead to a CA of
 * {@code ca-file}, then the certificate must carry the name the check expects: the SNI when one is sent, else
 * {@code verifyhost}, else no name is checked (verified on 2.6.12: SNI wins over {@code verifyhost}). A name matches
 * a DNS subject alternative name or a common name, ignoring case, with a {@code *.} wildcard standing for exactly
 * the first label.
 *
 * <p>Thread-safe.
 */
final class ServerTrust extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager chain;
    private final String verifyHost;
    private final Map<SSLEngine, String> sniByEngine;

    private ServerTrust(X509ExtendedTrustManager chain, String verifyHost, Map<SSLEngine, String> sniByEngine) {
        this.chain = chain;
        this.verifyHost = verifyHost;
        this.sniByEngine = sniByEngine;
    }

    /**
     * Returns the trust of {@code verify required}.
     *
     * @param authorities the CAs of {@code ca-file}; never null, not empty
     * @param verifyHost  {@code verifyhost}, or null
     * @param sniByEngine the SNI each engine sends, filled by the caller as it makes engines; never null
     * @return the trust manager
     */
    static X509ExtendedTrustManager verifying(List<X509Certificate> authorities, String verifyHost,
                                              Map<SSLEngine, String> sniByEngine) {
        return new ServerTrust(pkix(authorities), verifyHost, sniByEngine);
    }

    /**
     * Returns the trust of {@code verify none}: any certificate.
     *
     * @return the trust manager
     */
    static X509ExtendedTrustManager any() {
        return new ServerTrust(null, null, Map.of());
    }

    /**
     * Returns Bouncy Castle's PKIX chain validation against {@code authorities}, without any name check.
     *
     * @param authorities the trust anchors; never null
     * @return the trust manager
     */
    static X509ExtendedTrustManager pkix(List<X509Certificate> authorities) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX", Providers.JSSE);
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("no X.509 trust manager in " + Providers.JSSE.getName());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the trust store", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
            throws CertificateException {
        if (chain == null) {
            return;
        }
        chain.checkServerTrusted(certificates, authType, engine);
        String sni = sniByEngine.get(engine);
        String expected = sni != null ? sni : verifyHost;
        if (expected != null && !carriesName(certificates[0], expected)) {
            throw new NameMismatch(sni != null ? TlsEvent.CERTIFICATE_NOT_EXPECTED
                    : TlsEvent.CERTIFICATE_NOT_CONFIGURED, expected);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("check connections are engines, not sockets");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        throw new CertificateException("check connections are engines, not sockets");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a check is a client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a check is a client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
        throw new CertificateException("a check is a client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain == null ? new X509Certificate[0] : ((X509TrustManager) chain).getAcceptedIssuers();
    }

    /** Tells whether a certificate carries {@code name} as a DNS alternative name or a common name. */
    static boolean carriesName(X509Certificate certificate, String name) {
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0)) && matches((String) alternative.get(1), name)) {
                        return true;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable extension carries no name: the common names may still match
        }
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
            if (rdn.getFirst() != null && matches(IETFUtils.valueToString(rdn.getFirst().getValue()), name)) {
                return true;
            }
        }
        return false;
    }

    /** HAProxy's {@code ssl_sock_srv_hostcheck}: exact, or {@code *.rest} against a name whose first label goes. */
    static boolean matches(String pattern, String name) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        if (p.equals(n)) {
            return true;
        }
        if (!p.startsWith("*.")) {
            return false;
        }
        int dot = n.indexOf('.');
        return dot > 0 && p.substring(1).equals(n.substring(dot));
    }

    /** The certificate does not carry the name the check expects; {@link #info()} is HAProxy's text for it. */
    static final class NameMismatch extends CertificateException {

        private static final long serialVersionUID = 1L;

        private final String info;

        NameMismatch(String info, String expected) {
            super("the certificate does not carry the name '" + expected + "'");
            this.info = info;
        }

        String info() {
            return info;
        }
    }
}
