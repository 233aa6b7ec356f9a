package io.haprobe.config;

/**
 * The mutable check settings of a {@code server} line while it is parsed, and of a section's
 * {@code default-server} preset (CFG §5.2 "Server and default-server options"). Starts with HAProxy's
 * defaults; {@link #copy()} gives the preset a new server or an inheriting section starts from.
 *
 * <p>Durations are nanoseconds of whole milliseconds; 0 for {@code fastInterNanos} and
 * {@code downInterNanos} means "use inter", 0 for {@code slowStartNanos} means off, 0 for
 * {@code checkPort} means the service port, null {@code checkAddress} means the server address.
 *
 * <p>Not thread-safe: owned by one parser.
 */
final class ServerSettings {

    boolean check;
    long interNanos = ServerConfig.DEFAULT_INTER_NANOS;
    long fastInterNanos;
    long downInterNanos;
    int rise = ServerConfig.DEFAULT_RISE;
    int fall = ServerConfig.DEFAULT_FALL;
    int checkPort;
    String checkAddress;
    boolean backup;
    boolean disabled;
    int weight = ServerConfig.DEFAULT_WEIGHT;
    int maxConn;
    long slowStartNanos;
    boolean agentCheck;
    int agentPort;
    long agentInterNanos = ServerConfig.DEFAULT_AGENT_INTER_NANOS;
    String agentSend;
    String agentAddress;

    /**
     * Returns an independent copy of these settings.
     *
     * @return a new instance with the same values
     */
    ServerSettings copy() {
        ServerSettings copy = new ServerSettings();
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
        copy.agentCheck = agentCheck;
        copy.agentPort = agentPort;
        copy.agentInterNanos = agentInterNanos;
        copy.agentSend = agentSend;
        copy.agentAddress = agentAddress;
        return copy;
    }

    /**
     * Builds the immutable server from these settings.
     *
     * @param name     the server name; never null
     * @param address  the address without the port; never null
     * @param port     the service port, 0 for none
     * @param location the place of the {@code server} keyword; never null
     * @return the server
     */
    ServerConfig toServer(String name, String address, int port, SourceLocation location) {
        return new ServerConfig(name, address, port, location, check, interNanos, fastInterNanos, downInterNanos,
                rise, fall, checkPort, checkAddress, backup, disabled, weight, maxConn, slowStartNanos, agentCheck,
                agentPort, agentInterNanos, agentSend, agentAddress);
    }
}
