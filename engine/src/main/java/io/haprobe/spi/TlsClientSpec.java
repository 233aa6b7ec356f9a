package io.haprobe.spi;

import io.haprobe.config.SourceLocation;
import io.haprobe.config.TlsSettings;

import java.util.Objects;

/**
 * What a {@link TlsSupport} needs to prepare the TLS client of one server.
 *
 * @param backend  the backend or listen name; never null
 * @param server   the server name; never null
 * @param location the server line, for error messages; never null
 * @param settings the server's SSL/TLS keywords; never null
 * @param verify   whether the certificate chain is verified ({@code verify}, else global {@code ssl-server-verify})
 */
public record TlsClientSpec(String backend, String server, SourceLocation location, TlsSettings settings,
                            boolean verify) {

    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public TlsClientSpec {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * Returns the {@code backend/server} name HAProxy's messages use.
     *
     * @return e.g. {@code app_backend/web01}
     */
    public String id() {
        return backend + '/' + server;
    }
}
