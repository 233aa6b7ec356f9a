package io.haprobe.config;

/**
 * An SSL/TLS protocol version as {@code ssl-min-ver} and {@code ssl-max-ver} name it (CFG §5.2), in increasing
 * order, with the name Java's TLS implementations give it.
 *
 * <p>Immutable and thread-safe.
 */
public enum TlsVersion {

    /** {@code SSLv3}. */
    SSLV3("SSLv3", "SSLv3"),
    /** {@code TLSv1.0}. */
    TLSV1_0("TLSv1.0", "TLSv1"),
    /** {@code TLSv1.1}. */
    TLSV1_1("TLSv1.1", "TLSv1.1"),
    /** {@code TLSv1.2}. */
    TLSV1_2("TLSv1.2", "TLSv1.2"),
    /** {@code TLSv1.3}. */
    TLSV1_3("TLSv1.3", "TLSv1.3");

    private final String keyword;
    private final String protocolName;

    TlsVersion(String keyword, String protocolName) {
        this.keyword = keyword;
        this.protocolName = protocolName;
    }

    /**
     * Finds a version by the name HAProxy's configuration uses.
     *
     * @param keyword e.g. {@code TLSv1.2}; never null
     * @return the version, or null if HAProxy 2.6 knows no such name (it matches case-sensitively)
     */
    public static TlsVersion ofKeyword(String keyword) {
        for (TlsVersion version : values()) {
            if (version.keyword.equals(keyword)) {
                return version;
            }
        }
        return null;
    }

    /**
     * Returns the name HAProxy's configuration uses.
     *
     * @return e.g. {@code TLSv1.0}
     */
    public String keyword() {
        return keyword;
    }

    /**
     * Returns the protocol name of Java's {@code SSLEngine.setEnabledProtocols}.
     *
     * @return e.g. {@code TLSv1} for TLS 1.0
     */
    public String protocolName() {
        return protocolName;
    }
}
