package io.haprobe.diagnosis;

/**
 * The runbooks' root causes of a server that is not UP, each with the name haprobe prints ({@link #label()}).
 */
public enum Cause {
    /** The check's expectation rejects what the server answers (L7STS, L7RSP, a content mismatch). */
    CHECK_MISCONFIGURED("check-misconfigured"),
    /** Nothing listens at the checked address and port (L4CON refused), while another port the config names does. */
    PORT_MISMATCH("port-mismatch"),
    /** TLS on one side only, or a handshake that fails verification (L6RSP, L6TOUT, a plain check on a TLS port). */
    SSL_MISMATCH("ssl-mismatch"),
    /** A timeout (L4TOUT, L6TOUT, L7TOUT) while a probe with a longer timeout gets an answer. */
    TIMEOUT_TOO_LOW("timeout-too-low"),
    /** Refused on every port the config names, or UP then unreachable during the run (a crash). */
    BACKEND_DOWN("backend-down"),
    /** The SYN is never answered, or an ICMP unreachable, on every probe: a firewall or a route. */
    NETWORK_BLOCKED("network-blocked"),
    /** Checks that pass and fail intermittently with connect timeouts or refusals, or a saturated server. */
    RESOURCE_EXHAUSTION("resource-exhaustion"),
    /** Nothing above fits; the evidence says what was seen. */
    UNKNOWN("unknown");

    private final String label;

    Cause(String label) {
        this.label = label;
    }

    /**
     * Returns the name printed in text and JSON output, e.g. {@code check-misconfigured}.
     *
     * @return the label, never null
     */
    public String label() {
        return label;
    }
}
