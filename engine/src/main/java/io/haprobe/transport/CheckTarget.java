package io.haprobe.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where one server's checks go: the server's identity and its check address (the server's address and port,
 * or its {@code addr} and {@code port} keywords). A live transport connects to {@link #address()}; a
 * simulated one finds the scripted backend by {@link #backend()} and {@link #server()}.
 *
 * @param backend the backend or listen section name; never null
 * @param server  the server name; never null
 * @param address the check address; never null. Resolved by a live transport, possibly unresolved
 *                ({@link InetSocketAddress#createUnresolved}) for a simulated one, which looks up no name
 */
public record CheckTarget(String backend, String server, InetSocketAddress address) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public CheckTarget {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(address, "address");
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
