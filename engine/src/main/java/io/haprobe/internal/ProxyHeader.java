package io.haprobe.internal;

import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header a check sends before anything else with {@code send-proxy},
 * {@code send-proxy-v2} or {@code check-send-proxy} (spec §6.2; bytes captured from HAProxy 2.6.12):
 * version 1 names the check connection's own addresses, {@code PROXY TCP4 127.0.0.1 127.0.0.1 46910 19021\r\n};
 * version 2 is the {@code LOCAL} command with no address, as a check carries no client.
 *
 * <p>Stateless and thread-safe. Not API.
 */
public final class ProxyHeader {

    /** The v2 signature, then version 2 + command LOCAL, family UNSPEC, no address bytes. */
    private static final byte[] V2_LOCAL = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
            0x20, 0x00, 0x00, 0x00};
    private static final byte[] V1_UNKNOWN = "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);

    private ProxyHeader() {
    }

    /**
     * Returns the header of a check connection.
     *
     * @param version 1 or 2
     * @param local   the connection's local address; may be null (a simulated connection has none)
     * @param remote  the server's address; may be null or unresolved
     * @return the bytes to send first; a v1 header names {@code UNKNOWN} when either address is not a resolved
     *         IP address of the same family as the other
     * @throws IllegalArgumentException if {@code version} is not 1 or 2
     */
    public static byte[] of(int version, SocketAddress local, SocketAddress remote) {
        if (version == 2) {
            return V2_LOCAL.clone();
        }
        if (version != 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: 1 or 2)");
        }
        if (!(local instanceof InetSocketAddress src) || !(remote instanceof InetSocketAddress dst)
                || src.getAddress() == null || dst.getAddress() == null) {
            return V1_UNKNOWN.clone();
        }
        String family;
        if (src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address) {
            family = "TCP4";
        } else if (src.getAddress() instanceof Inet6Address && dst.getAddress() instanceof Inet6Address) {
            family = "TCP6";
        } else {
            return V1_UNKNOWN.clone();
        }
        return ("PROXY " + family + ' ' + NetUtil.toAddressString(src.getAddress()) + ' '
                + NetUtil.toAddressString(dst.getAddress()) + ' ' + src.getPort() + ' ' + dst.getPort() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
