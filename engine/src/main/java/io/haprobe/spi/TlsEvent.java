package io.haprobe.spi;

import java.util.Objects;

/**
 * What the TLS layer of a check connection reports to the check above it, as a user event: the handshake
 * completed, or TLS failed with HAProxy's text for the error (spec §3.1, §6.2).
 *
 * <table>
 *   <caption>Failure texts (HAProxy's {@code conn_err_code_str})</caption>
 *   <tr><th>constant</th><th>when</th></tr>
 *   <tr><td>{@link #HANDSHAKE_FAILURE}</td><td>any handshake failure: an unknown CA, an alert, a peer that does
 *       not speak TLS, a close or reset during the handshake</td></tr>
 *   <tr><td>{@link #CERTIFICATE_NOT_CONFIGURED}</td><td>the certificate does not carry the {@code verifyhost}
 *       name</td></tr>
 *   <tr><td>{@link #CERTIFICATE_NOT_EXPECTED}</td><td>the certificate does not carry the SNI name</td></tr>
 *   <tr><td>{@link #FATAL_ERROR}</td><td>a TLS error after the handshake, such as a server alert</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param handshakeDone whether this reports the handshake's completion
 * @param failure       the failure text, or null for a completed handshake
 */
public record TlsEvent(boolean handshakeDone, String failure) {

    /** HAProxy's text for a failed handshake. */
    public static final String HANDSHAKE_FAILURE = "SSL handshake failure";
    /** HAProxy's text for a certificate without the {@code verifyhost} name. */
    public static final String CERTIFICATE_NOT_CONFIGURED =
            "Server presented an SSL certificate different from the configured one";
    /** HAProxy's text for a certificate without the SNI name. */
    public static final String CERTIFICATE_NOT_EXPECTED =
            "Server presented an SSL certificate different from the expected one";
    /** HAProxy's text for a TLS error on an established connection. */
    public static final String FATAL_ERROR = "SSL fatal error";

    /** The handshake completed. */
    public static final TlsEvent ESTABLISHED = new TlsEvent(true, null);

    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if it is both a completion and a failure, or neither
     */
    public TlsEvent {
        if (handshakeDone == (failure != null)) {
            throw new IllegalArgumentException("handshakeDone, failure: " + handshakeDone + ", " + failure
                    + " (expected: a completion without failure text, or a failure with one)");
        }
    }

    /**
     * Returns a failure.
     *
     * @param failure HAProxy's text, e.g. {@link #HANDSHAKE_FAILURE}; never null
     * @return the event
     */
    public static TlsEvent failed(String failure) {
        return new TlsEvent(false, Objects.requireNonNull(failure, "failure"));
    }
}
