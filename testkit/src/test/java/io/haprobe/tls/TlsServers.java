package io.haprobe.tls;

import io.haprobe.config.TlsVersion;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.spi.TlsBackend;

import java.util.List;

/** What the scripted TLS backends of the live TLS tests present, named as the runbook's cases name them. */
final class TlsServers {

    private TlsServers() {
    }

    /** A certificate for {@code names} from the loopback backends' CA, any version, no ALPN. */
    static TlsBackend trusted(TlsBackend.KeyType keyType, String... names) {
        return new TlsBackend(TlsBackend.Issuer.TRUSTED, keyType, List.of(names), List.of(), null, null, List.of(),
                false);
    }

    /** A self-signed certificate for {@code names}. */
    static TlsBackend selfSigned(TlsBackend.KeyType keyType, String... names) {
        return new TlsBackend(TlsBackend.Issuer.SELF_SIGNED, keyType, List.of(names), List.of(), null, null,
                List.of(), false);
    }

    /** {@code server} accepting {@code version} only. */
    static TlsBackend only(TlsBackend server, TlsVersion version) {
        return new TlsBackend(server.certificate(), server.keyType(), server.names(), server.serverNames(), version,
                version, server.alpn(), server.clientCertificate());
    }

    /** {@code server} requiring a client certificate from the loopback backends' CA. */
    static TlsBackend requiringClientCertificate(TlsBackend server) {
        return new TlsBackend(server.certificate(), server.keyType(), server.names(), server.serverNames(),
                server.minVersion(), server.maxVersion(), server.alpn(), true);
    }

    /** {@code server} selecting from {@code protocols} by ALPN. */
    static TlsBackend alpn(TlsBackend server, String... protocols) {
        return new TlsBackend(server.certificate(), server.keyType(), server.names(), server.serverNames(),
                server.minVersion(), server.maxVersion(), List.of(protocols), server.clientCertificate());
    }

    /** Handshakes, then says nothing. */
    static Behaviour silent(TlsBackend server) {
        return new Behaviour.Tls(server, Delay.NONE, Behaviour.hang());
    }

    /** Handshakes, then answers an HTTP request with 200. */
    static Behaviour answering200(TlsBackend server) {
        return new Behaviour.Tls(server, Delay.NONE, Behaviour.http(200));
    }
}
