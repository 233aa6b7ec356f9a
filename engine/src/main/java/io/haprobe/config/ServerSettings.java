package io.haprobe.config;

import java.util.List;

/**
 * The mutable check settings of a {@code server} line while it is parsed, and of a section's
 * {@code default-server} preset (CFG §5.2 "Server and default-server options"). Starts with HAProxy's
 * defaults; {@link #copy()} gives the preset a new server or an inheriting section starts from.
 *
 * <p>Durations are nanoseconds of whole milliseconds; 0 for {@code fastInterNanos} and
 * {@code downInterNanos} means "use inter", 0 for {@code slowStartNanos} means off, 0 for
 * {@code checkPort} means the service port, null {@code checkAddress} means the server address. The SSL/TLS
 * fields are those of {@link TlsSettings}; lists are immutable and replaced, never changed in place.
 *
 * <p>Not thread-safe: owned by one parser.
 */
final class ServerSettings {

    boolean check;
    long interNanos = CheckTiming.DEFAULT_INTER_NANOS;
    long fastInterNanos;
    long downInterNanos;
    int rise = CheckTiming.DEFAULT_RISE;
    int fall = CheckTiming.DEFAULT_FALL;
    int checkPort;
    String checkAddress;
    boolean backup;
    boolean disabled;
    int weight = TrafficSettings.DEFAULT_WEIGHT;
    int maxConn;
    long slowStartNanos;
    int minConn;
    int maxQueue;
    String cookie;
    int id;
    boolean shutdownOnMarkedDown;
    boolean shutdownBackupsOnMarkedUp;
    boolean sendProxyV1;
    boolean sendProxyV2;
    boolean checkSendProxy;
    boolean agentCheck;
    int agentPort;
    long agentInterNanos = AgentCheck.DEFAULT_INTER_NANOS;
    String agentSend;
    String agentAddress;
    SourceAddress source = SourceAddress.NONE;
    /** The {@code init-addr} value and where it was written, or null (HAProxy's default {@code last,libc}). */
    ConfigToken initAddr;
    boolean ssl;
    Boolean checkSsl;
    Boolean verifyRequired;
    String verifyHost;
    String caFile;
    String crt;
    String checkSni;
    String sni;
    List<String> alpn = List.of();
    List<String> checkAlpn = List.of();
    TlsVersion minVersion;
    TlsVersion maxVersion;
    List<String> ciphers = List.of();
    List<String> cipherSuites = List.of();
    /**
     * The error of a {@code ciphers} value from which OpenSSL would select no suite, thrown for a server with an
     * SSL context as HAProxy refuses it there; or null.
     */
    ConfigException cipherError;
    /** The error of a {@code ciphersuites} value naming no TLS 1.3 suite, like {@link #cipherError}; or null. */
    ConfigException cipherSuiteError;

    /**
     * Returns an independent copy of these settings.
     *
     * @return a new instance with the same values
     */
    ServerSettings copy() {
        ServerSettings copy = new ServerSettings();
        copy.initAddr = initAddr;
        copy.check = check;
        copy.interNanos = interNanos;
        copy.fastInterNanos = fastInterNanos;
        copy.downInterNanos = downInterNanos;
        copy.rise = rise;
        copy.fall = fall;
        copy.checkPort = checkPort;
        copy.checkAddress = checkAddress;
        copy.backup = backup;
        copy.disabled = disabled;
        copy.weight = weight;
        copy.maxConn = maxConn;
        copy.slowStartNanos = slowStartNanos;
        copy.minConn = minConn;
        copy.maxQueue = maxQueue;
        copy.cookie = cookie;
        copy.id = id;
        copy.shutdownOnMarkedDown = shutdownOnMarkedDown;
        copy.shutdownBackupsOnMarkedUp = shutdownBackupsOnMarkedUp;
        copy.sendProxyV1 = sendProxyV1;
        copy.sendProxyV2 = sendProxyV2;
        copy.checkSendProxy = checkSendProxy;
        copy.agentCheck = agentCheck;
        copy.agentPort = agentPort;
        copy.agentInterNanos = agentInterNanos;
        copy.agentSend = agentSend;
        copy.agentAddress = agentAddress;
        copy.source = source;
        copy.ssl = ssl;
        copy.checkSsl = checkSsl;
        copy.verifyRequired = verifyRequired;
        copy.verifyHost = verifyHost;
        copy.caFile = caFile;
        copy.crt = crt;
        copy.checkSni = checkSni;
        copy.sni = sni;
        copy.alpn = alpn;
        copy.checkAlpn = checkAlpn;
        copy.minVersion = minVersion;
        copy.maxVersion = maxVersion;
        copy.ciphers = ciphers;
        copy.cipherSuites = cipherSuites;
        copy.cipherError = cipherError;
        copy.cipherSuiteError = cipherSuiteError;
        return copy;
    }

    /**
     * Builds the immutable server from these settings.
     *
     * @param name     the server name; never null
     * @param address  the address without the port; never null
     * @param port     the service port, 0 for none
     * @param location the place of the {@code server} keyword; never null
     * @param values   the parse's shared values: the server's parts equal to another server's are that server's
     *                 instances; never null
     * @return the server
     */
    ServerConfig toServer(String name, String address, int port, SourceLocation location, SharedValues values) {
        TlsSettings tls = values.of(new TlsSettings(ssl, checkSsl,
                values.of(new TlsVerification(verifyRequired, verifyHost, caFile)), crt,
                values.of(new TlsHello(checkSni, sni, alpn, checkAlpn)),
                values.of(new TlsProtocols(minVersion, maxVersion, ciphers, cipherSuites))));
        return ServerConfig.builder(name, address, port, location)
                .timing(values.of(new CheckTiming(interNanos, fastInterNanos, downInterNanos, rise, fall)))
                .check(values.of(new HealthCheck(check, values.of(new CheckAddress(checkAddress, checkPort)),
                        checkSendProxy, tls)))
                .agent(values.of(new AgentCheck(agentCheck, agentPort, agentInterNanos, agentSend, agentAddress)))
                .traffic(values.of(new TrafficSettings(weight, maxConn, slowStartNanos, backup, disabled,
                        ProxyProtocol.of(sendProxyV1, sendProxyV2), minConn, maxQueue, cookie, id,
                        shutdownOnMarkedDown, shutdownBackupsOnMarkedUp)))
                .initAddr(initAddr == null ? InitAddr.DEFAULT : InitAddr.parse(initAddr.text()))
                .source(source)
                .build();
    }
}
