package io.haprobe.config;

import java.util.Objects;

/**
 * A server's health check: whether it runs, where it connects and how (CFG §5.2 {@code check}, {@code addr},
 * {@code port}, {@code check-send-proxy}, {@code ssl}/{@code check-ssl} and the other SSL keywords; spec §2.1,
 * §6.2). When it runs is {@link CheckTiming}; what it sends and expects is the section's check program.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>default</th><th>HAProxy keyword</th><th>meaning</th></tr>
 *   <tr><td>{@code enabled}</td><td>false</td><td>{@code check} / {@code no-check}</td><td>health checks
 *       run</td></tr>
 *   <tr><td>{@code target}</td><td>{@link CheckAddress#SERVER}</td><td>{@code addr}, {@code port}</td>
 *       <td>where checks connect instead of the server's address and service port</td></tr>
 *   <tr><td>{@code sendProxy}</td><td>false</td><td>{@code check-send-proxy}</td><td>checks send a PROXY header
 *       whatever {@code addr} and {@code port} say; {@code no-check-send-proxy} only cancels it</td></tr>
 *   <tr><td>{@code tls}</td><td>{@link TlsSettings#NONE}</td><td>{@code ssl}, {@code check-ssl},
 *       {@code verify}, ...</td><td>the server's SSL settings, as its checks use them</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param enabled   {@code check}
 * @param target    {@code addr} and {@code port}; never null
 * @param sendProxy {@code check-send-proxy}
 * @param tls       the SSL/TLS keywords; never null
 */
public record HealthCheck(boolean enabled, CheckAddress target, boolean sendProxy, TlsSettings tls) {

    /** No {@code check} keyword, nor any other check keyword. */
    public static final HealthCheck DISABLED = new HealthCheck(false, CheckAddress.SERVER, false, TlsSettings.NONE);
    /** {@code check} alone: plain checks to the server's address and service port. */
    public static final HealthCheck ENABLED = new HealthCheck(true, CheckAddress.SERVER, false, TlsSettings.NONE);

    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code target} or {@code tls} is null
     */
    public HealthCheck {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(tls, "tls");
    }

    /**
     * Tells whether the checks run over TLS when their connect rule uses the server's settings (HAProxy's
     * "default" connect; spec §6.2).
     *
     * @return true for {@code ssl} without {@code addr}/{@code port}/{@code no-check-ssl}, or for
     *         {@code check-ssl}
     */
    public boolean usesTls() {
        return tls.checkUsesTls(target.isSet());
    }
}
