package io.haprobe.runtime;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@link StatsSocketServer} listens: a UNIX socket path or a loopback TCP address, read from the text of
 * HAProxy's {@code stats socket} argument. Immutable; no name is resolved (so no DNS lookup happens).
 *
 * <p>Forms: {@code unix@PATH}; {@code ipv4@IP:PORT}, {@code ipv6@IP:PORT} and {@code ipv6@[IP]:PORT};
 * {@code IPV4:PORT}, {@code [IPV6]:PORT} and {@code localhost:PORT} (127.0.0.1); anything else is a filesystem
 * path, relative to the working directory unless absolute. The IP must be a loopback address; PORT 0 asks for an
 * ephemeral port.
 */
sealed interface StatsSocketAddress {

    /** {@code [IPV6]:PORT}, {@code IPV4:PORT}, {@code NAME:PORT}: a host part without '/' and a decimal port. */
    Pattern HOST_PORT = Pattern.compile("(\\[[^\\]/]*\\]|[^:/\\[\\]]*):(\\d{1,5})");
    Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * Reads an address.
     *
     * @param address the text, as for {@link StatsSocketServer#bind}
     * @return the address, never {@code null}
     * @throws NullPointerException if {@code address} is {@code null}
     * @throws IllegalArgumentException if it is empty, names a non-loopback or unknown host, a bad port or an
     *         invalid path
     */
    static StatsSocketAddress parse(String address) {
        if (address.isEmpty()) {
            throw new IllegalArgumentException("stats socket address: \"\" (expected: a UNIX socket path or "
                    + "a loopback IP:PORT)");
        }
        if (address.startsWith("unix@")) {
            return unix(address, address.substring("unix@".length()));
        }
        boolean ipv4 = address.startsWith("ipv4@");
        boolean ipv6 = address.startsWith("ipv6@");
        String rest = ipv4 || ipv6 ? address.substring(5) : address;
        if (ipv6 && !rest.startsWith("[")) {
            // HAProxy's ipv6@::1:9999 form: the port follows the last colon
            int colon = rest.lastIndexOf(':');
            rest = colon < 0 ? rest : "[" + rest.substring(0, colon) + "]" + rest.substring(colon);
        }
        Matcher m = HOST_PORT.matcher(rest);
        if (!m.matches()) {
            if (ipv4 || ipv6) {
                throw new IllegalArgumentException("stats socket address: " + address
                        + " (expected: " + address.substring(0, 5) + "IP:PORT)");
            }
            return unix(address, address);
        }
        return tcp(address, m.group(1), m.group(2), ipv4, ipv6);
    }

    private static StatsSocketAddress unix(String address, String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("stats socket address: " + address + " (expected: a path after unix@)");
        }
        try {
            return new Unix(Path.of(path).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("stats socket address: " + address + " (" + e.getReason() + ")", e);
        }
    }

    private static StatsSocketAddress tcp(String address, String host, String portText, boolean ipv4,
            boolean ipv6) {
        int port = Integer.parseInt(portText);
        if (port > 65535) {
            throw new IllegalArgumentException("stats socket address: " + address + ": port " + port
                    + " (expected: 0-65535)");
        }
        InetAddress ip;
        if (host.equals("localhost") && !ipv6) {
            ip = InetAddress.getLoopbackAddress();
        } else if (IPV4.matcher(host).matches() && !ipv6 || host.startsWith("[") && !ipv4) {
            // only literals: a dotted quad is read here, a bracketed IPv6 text is never looked up by getByName
            try {
                ip = host.startsWith("[") ? InetAddress.getByName(host) : InetAddress.getByAddress(ipv4(address, host));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("stats socket address: " + address + ": '" + host
                        + "' is not an IP address", e);
            }
        } else {
            throw new IllegalArgumentException("stats socket address: " + address + ": '" + host
                    + "' is not a loopback IP address (expected: 127.0.0.0/8, [::1] or localhost; the runtime API "
                    + "listens on loopback only)");
        }
        if (!ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("stats socket address: " + address + " is not a loopback address "
                    + "(expected: 127.0.0.0/8, [::1] or localhost; the runtime API listens on loopback only)");
        }
        return new Tcp(new InetSocketAddress(ip, port));
    }

    private static byte[] ipv4(String address, String host) {
        String[] parts = host.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255) {
                throw new IllegalArgumentException("stats socket address: " + address + ": '" + host
                        + "' is not an IP address");
            }
            bytes[i] = (byte) octet;
        }
        return bytes;
    }

    /** A UNIX socket at an absolute, normalized path. */
    record Unix(Path path) implements StatsSocketAddress {
    }

    /** A TCP listener on a loopback address; port 0 for an ephemeral port. */
    record Tcp(InetSocketAddress address) implements StatsSocketAddress {
    }
}
