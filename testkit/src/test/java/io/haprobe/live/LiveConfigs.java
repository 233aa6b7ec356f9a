package io.haprobe.live;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** haproxy.cfg texts for live tests: one backend {@code app_backend} with one server {@code web01}. */
final class LiveConfigs {

    private LiveConfigs() {
    }

    /**
     * Builds a config whose backend {@code app_backend} has {@code backendLines} and the server line
     * {@code server web01 127.0.0.1:<port> check <serverOptions>}.
     *
     * @param port          the server's port
     * @param serverOptions words after {@code check}, e.g. {@code inter 300ms}
     * @param backendLines  section lines before the server, e.g. {@code option httpchk GET /health}
     * @return the config text
     */
    static String appBackend(int port, String serverOptions, String... backendLines) {
        StringBuilder cfg = new StringBuilder()
                .append("global\n")
                .append("    log stdout format raw local0\n")
                .append("defaults\n")
                .append("    mode http\n")
                .append("backend app_backend\n");
        for (String line : backendLines) {
            cfg.append("    ").append(line).append('\n');
        }
        return cfg.append("    server web01 127.0.0.1:").append(port).append(" check ").append(serverOptions)
                .append('\n').toString();
    }

    /**
     * Returns a loopback port nobody listens on: bound once, then released.
     *
     * @return the port
     * @throws IOException if no port can be bound
     */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
