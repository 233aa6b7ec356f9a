package io.haprobe.cli;

import io.haprobe.config.HaproxyConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the CLI needs around the runtime API's socket ({@code --stats-socket}): refusing the config's own
 * {@code stats socket} addresses, which belong to the HAProxy of the host, and describing the address bound.
 */
final class RuntimeSockets {

    private RuntimeSockets() {
    }

    /**
     * Refuses {@code wanted} when it names one of the config's {@code stats socket} addresses: binding there
     * would take the host HAProxy's socket away from it.
     *
     * @param wanted the {@code --stats-socket} value
     * @param config the configuration checked
     * @throws IllegalArgumentException naming both when they are the same
     */
    static void refuseConfigSocket(String wanted, HaproxyConfig config) {
        String key = key(wanted);
        for (String own : config.global().statsSockets()) {
            if (key.equals(key(own))) {
                throw new IllegalArgumentException("--stats-socket " + wanted + ": this is the 'stats socket "
                        + own + "' of " + config.file() + ", which belongs to the HAProxy of this host; "
                        + "give haprobe another path or 127.0.0.1:PORT");
            }
        }
    }

    /** Returns the bound address as a user types it: the path, or host:port. */
    static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ':' + inet.getPort();
        }
        return String.valueOf(address);
    }

    /** Returns socat's address for the bound socket: the path, or {@code TCP:host:port}. */
    static String socatAddress(SocketAddress address) {
        return address instanceof InetSocketAddress ? "TCP:" + describe(address) : describe(address);
    }

    /** Returns a short reason for a failed bind, without an exception's class name. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file that is not a socket is there";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String key(String address) {
        String text = address.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"unix@", "ipv4@", "ipv6@"}) {
            if (lower.startsWith(prefix)) {
                text = text.substring(prefix.length());
                break;
            }
        }
        if (text.startsWith("/") || text.startsWith(".") || text.indexOf(':') < 0) {
            return "unix:" + Path.of(text).toAbsolutePath().normalize();
        }
        return "inet:" + text.replace("localhost:", "127.0.0.1:").replace("[", "").replace("]", "");
    }
}
