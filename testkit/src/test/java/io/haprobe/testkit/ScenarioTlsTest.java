package io.haprobe.testkit;

import io.haprobe.config.ConfigException;
import io.haprobe.config.TlsVersion;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.spi.TlsBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code tls:} behaviour of scenario files: what it means, and the exact message of every mistake. Running
 * TLS scenarios needs {@code haprobe-engine-tls}; the engine's {@code TlsProviderMissingTest} shows what the engine
 * alone says.
 */
class ScenarioTlsTest {

    private static final String HEAD = """
            duration: 10s
            haproxy: |
              backend be
                server s 10.0.0.1:443 check ssl verify none
            servers:
              be/s:
                - at: 0s
            """;

    @TempDir
    Path dir;

    @Test
    void readsEveryTlsKey() {
        Behaviour behaviour = behaviour("""
                      tls:
                        certificate: self-signed
                        key: ec
                        names: [app.internal, "*.app.internal"]
                        sni: app.internal
                        min-version: TLSv1.2
                        max-version: TLSv1.3
                        alpn: [h2, http/1.1]
                        client-certificate: required
                        delay: 20ms
                        then: {http: {status: 503}}
                """);

        assertThat(behaviour).isEqualTo(new Behaviour.Tls(new TlsBackend(TlsBackend.Issuer.SELF_SIGNED,
                TlsBackend.KeyType.EC, List.of("app.internal", "*.app.internal"), List.of("app.internal"),
                TlsVersion.TLSV1_2, TlsVersion.TLSV1_3, List.of("h2", "http/1.1"), true), new Delay(20_000_000L,
                20_000_000L), Behaviour.http(503)));
    }

    @Test
    void tlsTrueIsATrustedRsaServerForLocalhostThatSaysNothing() {
        assertThat(behaviour("      tls: true\n")).isEqualTo(Behaviour.tls(Behaviour.hang()));
        assertThat(behaviour("      tls: {}\n")).isEqualTo(Behaviour.tls(Behaviour.hang()));
    }

    @Test
    void tlsBackendsCanTakeTurnsInASequence() {
        assertThat(behaviour("      sequence: [{tls: {certificate: expired}}, {tls: true}]\n"))
                .isInstanceOf(Behaviour.Sequence.class);
    }

    @Test
    void mistakesNameTheNode() {
        assertError("      tls: {certificate: bogus}\n", "scenario.yaml:8:26: certificate: 'bogus' (expected:"
                + " trusted, self-signed, untrusted or expired)");
        assertError("      tls: {key: dsa}\n", "scenario.yaml:8:18: key: 'dsa' (expected: rsa or ec)");
        assertError("      tls: {max-version: TLSv1.4}\n", "scenario.yaml:8:26: max-version: 'TLSv1.4' (expected:"
                + " SSLv3, TLSv1.0, TLSv1.1, TLSv1.2 or TLSv1.3)");
        assertError("      tls: {min-version: TLSv1.3, max-version: TLSv1.2}\n", "scenario.yaml:8:48: max-version:"
                + " 'TLSv1.2' is below min-version TLSv1.3 (expected: min-version <= max-version)");
        assertError("      tls: {then: {refuse: true}}\n", "scenario.yaml:8:20: unknown behaviour over TLS 'refuse'"
                + " (expected: one of http, tcp, hang, close, reset)");
        assertError("      tls: {then: {}}\n", "scenario.yaml:8:19: then: nothing (expected: one of http, tcp, hang,"
                + " close, reset)");
        assertError("      tls: {client-certificate: maybe}\n", "scenario.yaml:8:33: client-certificate: 'maybe'"
                + " (expected: required or none)");
        assertError("      tls: {names: []}\n", "scenario.yaml:8:20: names: [] (expected: at least one DNS name)");
        assertError("      tls: {cert: trusted}\n", "scenario.yaml:8:13: unknown tls key 'cert' (expected: one of"
                + " certificate, key, names, sni, min-version, max-version, alpn, client-certificate, delay, then)");
    }

    private Behaviour behaviour(String phase) {
        return Scenario.parse("scenario.yaml", HEAD + phase, dir).scripts().get("be/s").phases().get(0).behaviour();
    }

    private void assertError(String phase, String message) {
        assertThatThrownBy(() -> Scenario.parse("scenario.yaml", HEAD + phase, dir))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }
}
