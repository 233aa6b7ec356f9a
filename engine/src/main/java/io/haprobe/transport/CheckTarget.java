package io.haprobe.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where one server's checks go: the server's identity and its check address (the server's address and port,
 * or its {@code addr} and {@code port} keywords). A live transport connects to {@link #address()}; a
 * simulated one finds the scripted backend by {@link #backend()} and {@link #server()}. When {@link #source()}
 * is set, the probe socket binds there before connecting (CFG {@code source}), as HAProxy's checks do.
 *
 * @param backend the backend or listen section name; never null
 * @param server  the server name; never null
 * @param address the check address; never null. Resolved by a live transport, possibly unresolved
 *                ({@link InetSocketAddress#createUnresolved}) for a simulated one, which looks up no name
 * @param source  the local address and port (0: any) to bind before connecting, or null to let the kernel
 *                choose ({@code source} not set)
 */
public record CheckTarget(String backend, String server, InetSocketAddress address, InetSocketAddress source) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code backend}, {@code server} or {@code address} is null
     */
    public CheckTarget {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(address, "address");
    }

    /**
     * Returns this target with another check address and the same source.
     *
     * @param next the address; never null
     * @return a new target
     */
    public CheckTarget withAddress(InetSocketAddress next) {
        return new CheckTarget(backend, server, next, source);
    }

    /**
     * Returns the {@code backend/server} name HAProxy's logs use.
     *
     * @return e.g. {@code app_backend/web01}
     */
    public String id() {
        return backend + '/' + server;
    }
}
