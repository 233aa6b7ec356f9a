package io.haprobe.live;

import io.haprobe.ServerState;
import io.haprobe.config.HaproxyConfig;
import io.haprobe.diagnosis.Cause;
import io.haprobe.diagnosis.Diagnosis;
import io.haprobe.engine.Diagnoses;
import io.haprobe.engine.HealthCheckEngine;
import io.haprobe.sim.Behaviour;
import io.haprobe.sim.Delay;
import io.haprobe.sim.ServerScript;
import io.haprobe.spi.TlsBackend;
import io.haprobe.testkit.LoopbackBackends;
import io.haprobe.transport.NettyProbeTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every cause the diagnosis names, against real loopback servers: the engine runs the checks until the server is
 * DOWN, then {@link Diagnoses#live} runs the follow-up probes over the same transport.
 *
 * <p>{@code network-blocked} uses a blackhole backend (a listener whose accept queue is full, so the SYN is never
 * answered): dropping SYNs by source address needs root and a firewall tool (there is no iptables here).
 */
@Tag("live")
class LiveDiagnosisTest {

    private static final String SERVER = "app_backend/web01";

    @TempDir
    Path dir;

    private LoopbackBackends backends;
    private NettyProbeTransport transport;
    private HealthCheckEngine engine;
    private final Diagnoses.Recorder recorder = new Diagnoses.Recorder();

    @AfterEach
    void closeEverything() {
        if (engine != null) {
            engine.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (backends != null) {
            backends.close();
        }
    }

    private LoopbackBackends serve(Map<String, ServerScript> scripts) {
        LoopbackBackends.Builder builder = LoopbackBackends.builder().strict(false);
        scripts.forEach(builder::script);
        backends = builder.bind();
        backends.start();
        return backends;
    }

    private int serve(Behaviour behaviour) {
        return serve(Map.of(SERVER, ServerScript.of(behaviour))).port(SERVER);
    }

    /** Runs {@code cfg} until web01 is DOWN (within {@code atMost}), then diagnoses with a 3 s long probe. */
    private Diagnosis diagnose(String cfg, Duration atMost) {
        transport = NettyProbeTransport.create();
        engine = HealthCheckEngine.builder(parse(cfg)).transport(transport)
                .listener(recorder).build();
        engine.start();
        await().atMost(atMost).pollInterval(Duration.ofMillis(10)).until(() ->
                engine.server("app_backend", "web01").orElseThrow().state() == ServerState.DOWN);
        engine.close();
        List<Diagnosis> diagnoses = Diagnoses.live(engine, recorder.timeline(engine.startNanos()), transport,
                Duration.ofSeconds(3));
        assertThat(diagnoses).hasSize(1);
        return diagnoses.get(0);
    }

    /** Writes the config to a file, as the CLI reads it, so that fixes quote its lines. */
    private HaproxyConfig parse(String cfg) {
        try {
            return HaproxyConfig.parse(Files.writeString(dir.resolve("haproxy.cfg"), cfg));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cfg(String backendLines, String serverLine) {
        return "defaults\n    mode http\n    timeout connect 1s\nbackend app_backend\n" + backendLines
                + "    " + serverLine + "\n";
    }

    @Test
    void checkMisconfigured() {
        int port = serve(new Behaviour.Http(204, "No Content", Map.of(), "", Delay.NONE));
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n    http-check expect status 200\n",
                "server web01 127.0.0.1:" + port + " check inter 200ms fall 2"), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.CHECK_MISCONFIGURED);
        assertThat(d.evidence().get(0)).startsWith("127.0.0.1:" + port + " answered 204 \"No Content\" (L7STS)");
        assertThat(d.evidence().get(1)).isEqualTo("rejected by 'http-check expect status 200' ("
                + dir.resolve("haproxy.cfg") + ":6:5)");
        assertThat(d.fix().before()).isEqualTo("http-check expect status 200");
        assertThat(d.fix().after()).isEqualTo("http-check expect status 204");
    }

    @Test
    void notFoundProbesTheOtherConfiguredPathsAndProposesTheOneThatAnswers() throws IOException {
        // a real HTTP server: /ready answers 200, every other path 404 (the JDK server's answer for no context)
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 8);
        java.util.List<String> asked = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        http.createContext("/", exchange -> {
            asked.add(exchange.getRequestURI().getPath());
            int status = exchange.getRequestURI().getPath().equals("/ready") ? 200 : 404;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        http.start();
        try {
            int port = http.getAddress().getPort();
            String cfg = cfg("    option httpchk GET /healthz\n", "server web01 127.0.0.1:" + port
                    + " check inter 1s fall 2") + "backend other\n    option httpchk GET /ready\n"
                    + "    server o1 127.0.0.1:" + LiveConfigs.closedPort() + "\n"
                    + "backend third\n    option httpchk\n    http-check send meth GET uri /status\n"
                    + "    server t1 127.0.0.1:" + LiveConfigs.closedPort() + "\n";
            Diagnosis d = diagnose(cfg, Duration.ofSeconds(8));

            assertThat(d.cause()).isEqualTo(Cause.CHECK_MISCONFIGURED);
            assertThat(d.evidence()).anyMatch(e -> e.startsWith("the same check with '/ready' (another check's path in"
                    + " the config): L7OK 200") && e.endsWith(", the server serves it"));
            assertThat(d.evidence()).anyMatch(e -> e.startsWith("the same check with '/status' (another check's path "
                    + "in the config): L7STS 404"));
            assertThat(d.fix().before()).isEqualTo("option httpchk GET /healthz");
            assertThat(d.fix().after()).isEqualTo("option httpchk GET /ready");
            assertThat(asked).as("probes only the server's own address, with the config's paths")
                    .containsOnly("/healthz", "/ready", "/status");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void portMismatch() throws IOException {
        int service = serve(Behaviour.http(200));
        int closed = LiveConfigs.closedPort();
        Diagnosis d = diagnose(cfg("", "server web01 127.0.0.1:" + service + " check port " + closed
                + " inter 200ms fall 2"), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.PORT_MISMATCH);
        assertThat(d.evidence()).contains("127.0.0.1:" + service + ": accepts connections");
        assertThat(d.fix().before()).isEqualTo("server web01 127.0.0.1:" + service + " check port " + closed
                + " inter 200ms fall 2");
        assertThat(d.fix().after()).isEqualTo("server web01 127.0.0.1:" + service + " check port " + service
                + " inter 200ms fall 2");
    }

    @Test
    void backendDownWhenEveryNamedPortRefuses() throws IOException {
        int closed = LiveConfigs.closedPort();
        int alsoClosed = LiveConfigs.closedPort();
        Diagnosis d = diagnose(cfg("", "server web01 127.0.0.1:" + closed + " check port " + alsoClosed
                + " inter 200ms fall 2"), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
        assertThat(d.evidence().get(0)).startsWith("127.0.0.1:" + alsoClosed + " refused the connection (L4CON)");
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("127.0.0.1:" + closed + ": L4CON \"Connection refused\""));
        assertThat(d.fix().changesConfig()).isFalse();
        assertThat(d.fix().summary()).startsWith("start the service on 127.0.0.1:" + alsoClosed);
    }

    @Test
    void backendDownAfterACrash() {
        int port = serve(Map.of(SERVER, ServerScript.builder().at(Duration.ZERO, Behaviour.http(200))
                .at(Duration.ofMillis(1000), Behaviour.refuse()).build())).port(SERVER);
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n",
                "server web01 127.0.0.1:" + port + " check inter 200ms fall 2"), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
        assertThat(d.evidence()).anyMatch(e -> e.matches("the server was UP until \\d+ms into the run, then "
                + "refused: it crashed or was stopped"));
        assertThat(d.fix().summary()).startsWith("restart the service on 127.0.0.1:" + port);
    }

    @Test
    void aCrashTheServerRecoveredFromIsDiagnosedAtItsDownTransition() {
        int port = serve(Map.of(SERVER, ServerScript.builder().at(Duration.ZERO, Behaviour.http(200))
                .at(Duration.ofMillis(800), Behaviour.refuse())
                .at(Duration.ofMillis(1800), Behaviour.http(200)).build())).port(SERVER);
        transport = NettyProbeTransport.create();
        engine = HealthCheckEngine.builder(parse(cfg("    option httpchk GET /health\n",
                "server web01 127.0.0.1:" + port + " check inter 100ms fall 2 rise 2"))).transport(transport)
                .listener(recorder).build();
        engine.start();
        await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(10)).until(() ->
                recorder.timeline(engine.startNanos()).transitions(SERVER).size() >= 2);
        engine.close();
        io.haprobe.engine.Timeline timeline = recorder.timeline(engine.startNanos());

        List<io.haprobe.diagnosis.TransitionDiagnosis> transitions = Diagnoses.transitions(engine.config(), timeline);

        assertThat(Diagnoses.live(engine, timeline, null)).as("UP at the end").isEmpty();
        io.haprobe.diagnosis.TransitionDiagnosis first = transitions.get(0);
        long downAt = timeline.transitions(SERVER).get(0).atMillis();
        long upAt = timeline.transitions(SERVER).get(1).atMillis();
        assertThat(first.downAtMillis()).isEqualTo(downAt);
        assertThat(first.recoveredAtMillis()).isEqualTo(upAt);
        Diagnosis d = first.diagnosis();
        assertThat(d.cause()).isEqualTo(Cause.BACKEND_DOWN);
        assertThat(d.evidence().get(0)).matches("DOWN at t=" + downAt + "ms \\(failing since t=\\d+ms\\), UP again at t="
                + upAt + "ms");
        assertThat(d.evidence()).contains("the server was UP until " + downAt + "ms into the run, then refused: it "
                + "crashed or was stopped");
        assertThat(d.fix().summary()).isEqualTo("find why the service on 127.0.0.1:" + port + " stopped (its logs, "
                + "the OOM killer); it answered again at t=" + upAt + "ms");
    }

    @Test
    void timeoutTooLow() {
        int port = serve(new Behaviour.Http(200, null, Map.of(), "", Delay.of(Duration.ofMillis(800))));
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n    timeout check 300ms\n",
                "server web01 127.0.0.1:" + port + " check inter 300ms fall 2"), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.TIMEOUT_TOO_LOW);
        assertThat(d.evidence()).contains("the timeout that applied: timeout check 300ms");
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("a follow-up check with a long timeout got L7OK 200"));
        assertThat(d.fix().before()).isEqualTo("timeout check 300ms");
        assertThat(d.fix().after()).matches("timeout check \\d+ms");
        assertThat(Long.parseLong(d.fix().after().replaceAll("\\D", ""))).isBetween(1600L, 3000L);
    }

    @Test
    void networkBlockedWhenTheSynIsNeverAnswered() {
        int port = serve(Behaviour.blackhole());
        Diagnosis d = diagnose(cfg("", "server web01 127.0.0.1:" + port + " check inter 300ms fall 2"),
                Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.NETWORK_BLOCKED);
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("a follow-up connect with a long timeout got no answer "
                + "either (L4TOUT"));
        assertThat(d.evidence()).contains("the checks leave from 127.0.0.1 (no 'source' is set: the host's address "
                + "for the route to 127.0.0.1)");
        assertThat(d.fix().after()).isEqualTo("server web01 127.0.0.1:" + port
                + " check inter 300ms fall 2 source <allowed-address>");
    }

    @Test
    void networkBlockedNamesTheAddressTheKernelChoseForTheProbeSocket() throws IOException {
        // SYNs to 127.0.0.3 are dropped (a full accept queue); the kernel sends them from 127.0.0.1, not 127.0.0.3
        try (Blackhole blackhole = new Blackhole("127.0.0.3")) {
            transport = NettyProbeTransport.create();
            engine = HealthCheckEngine.builder(parse(cfg("", "server web01 127.0.0.3:" + blackhole.port()
                    + " check inter 300ms fall 2"))).transport(transport).listener(recorder).build();
            engine.start();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() ->
                    engine.server("app_backend", "web01").orElseThrow().state() == ServerState.DOWN);
            engine.close();

            Diagnosis d = Diagnoses.live(engine, recorder.timeline(engine.startNanos()), transport, false).get(0);

            assertThat(transport.lastSource("app_backend", "web01")).get()
                    .extracting(java.net.InetSocketAddress::getHostString).isEqualTo("127.0.0.1");
            assertThat(d.cause()).isEqualTo(Cause.NETWORK_BLOCKED);
            assertThat(d.evidence()).contains("the checks leave from 127.0.0.1 (no 'source' is set: the host's "
                    + "address for the route to 127.0.0.3)");
            assertThat(d.fix().summary()).startsWith("allow 127.0.0.1 on the backend's firewall");
        }
    }

    @Test
    void networkBlockedNamesTheConfiguredSource() throws IOException {
        try (Blackhole blackhole = new Blackhole("127.0.0.3")) {
            transport = NettyProbeTransport.create();
            engine = HealthCheckEngine.builder(parse(cfg("", "server web01 127.0.0.3:" + blackhole.port()
                    + " check inter 300ms fall 2 source 127.0.0.2"))).transport(transport).listener(recorder).build();
            engine.start();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() ->
                    engine.server("app_backend", "web01").orElseThrow().state() == ServerState.DOWN);
            engine.close();

            Diagnosis d = Diagnoses.live(engine, recorder.timeline(engine.startNanos()), transport, false).get(0);

            assertThat(d.cause()).isEqualTo(Cause.NETWORK_BLOCKED);
            assertThat(d.evidence()).contains("the checks leave from 127.0.0.2 ('source')");
            assertThat(d.fix().summary()).isEqualTo("allow 127.0.0.2 to reach 127.0.0.3:" + blackhole.port()
                    + " on the backend's firewall, or set 'source' to an address it allows");
        }
    }

    @Test
    void resourceExhaustionWhenChecksPassAndFailByTurns() {
        int port = serve(Map.of(SERVER, ServerScript.builder().at(Duration.ZERO, Behaviour.http(200))
                .at(Duration.ofMillis(700), Behaviour.refuse())
                .at(Duration.ofMillis(1400), Behaviour.http(200))
                .at(Duration.ofMillis(2100), Behaviour.refuse()).build())).port(SERVER);
        transport = NettyProbeTransport.create();
        engine = HealthCheckEngine.builder(parse(cfg("    option httpchk GET /health\n",
                "server web01 127.0.0.1:" + port + " check inter 150ms fall 2 rise 2"))).transport(transport)
                .listener(recorder).build();
        engine.start();
        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(10)).until(() ->
                transport.scheduler().nanoTime() - engine.startNanos() > Duration.ofMillis(2600).toNanos()
                        && engine.server("app_backend", "web01").orElseThrow().state() == ServerState.DOWN);
        engine.close();
        Diagnosis d = Diagnoses.live(engine, recorder.timeline(engine.startNanos()), transport,
                Duration.ofSeconds(3)).get(0);

        assertThat(d.cause()).isEqualTo(Cause.RESOURCE_EXHAUSTION);
        assertThat(d.evidence().get(0)).containsPattern("127.0.0.1:" + port + " passed \\d+ and failed \\d+ of "
                + "\\d+ checks, alternating, with connect timeouts or refusals \\(\\d+x L4CON\\)");
        assertThat(d.fix().after()).endsWith(" maxconn 100");
    }

    @Test
    void sslMismatchWhenTheCaDoesNotVerifyTheCertificate() throws IOException {
        int port = serve(Behaviour.tls(Behaviour.http(200)));
        Path notTheCa = backends.writeCrtFile(dir.resolve("server.pem"));
        // 'timeout check 3s': the follow-up handshakes get 3 s instead of 'inter', which a loaded machine can miss
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n    timeout check 3s\n", "server web01 127.0.0.1:"
                + port + " check inter 300ms fall 2 ssl verify required ca-file " + notTheCa), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence().get(0)).contains("L6RSP \"SSL handshake failure\"");
        assertThat(d.evidence()).contains("a follow-up handshake with 'verify none': passes (L7OK 200 in "
                + d.evidence().stream().filter(e -> e.startsWith("a follow-up handshake with 'verify none': "))
                .findFirst().orElseThrow().replaceAll(".* in (\\d+ms)\\)$", "$1") + ")");
        assertThat(d.fix().after()).endsWith(" ca-file <issuing-ca.pem>");
        assertThat(d.evidence()).anyMatch(e -> e.matches("the server presents subject 'CN=localhost', issuer '[^']+'"
                + " \\(not self-signed\\), SAN \\[DNS:localhost.*], valid \\S+ to \\S+, over TLSv1.3"));
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: unknown CA: the chain does not "
                + "lead to a CA of 'ca-file' ("));
    }

    private static Behaviour tls(TlsBackend.Issuer issuer, List<String> names, boolean clientCertificate) {
        return new Behaviour.Tls(new TlsBackend(issuer, TlsBackend.KeyType.RSA, names, List.of(), null, null,
                List.of(), clientCertificate), Delay.NONE, Behaviour.http(200));
    }

    @Test
    void sslMismatchOfASelfSignedCertificateSaysSo() throws IOException {
        int port = serve(tls(TlsBackend.Issuer.SELF_SIGNED, List.of("localhost"), false));
        Path ca = backends.writeCaFile(dir.resolve("ca.pem"));
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n", "server web01 127.0.0.1:" + port
                + " check inter 300ms fall 2 ssl verify required ca-file " + ca), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("the server presents subject 'CN=localhost', issuer "
                + "'CN=localhost' (self-signed), SAN [DNS:localhost"));
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: unknown CA"));
        assertThat(d.fix().summary()).contains("it is self-signed");
        assertThat(d.fix().after()).endsWith(" ca-file <issuing-ca.pem>");
    }

    @Test
    void sslMismatchOfAnExpiredCertificateAsksToRenewIt() throws IOException {
        int port = serve(tls(TlsBackend.Issuer.EXPIRED, List.of("localhost"), false));
        Path ca = backends.writeCaFile(dir.resolve("ca.pem"));
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n", "server web01 127.0.0.1:" + port
                + " check inter 300ms fall 2 ssl verify required ca-file " + ca), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.matches("why verification fails: expired certificate \\(notAfter "
                + "\\S+ is past\\)"));
        assertThat(d.fix().changesConfig()).isFalse();
        assertThat(d.fix().summary()).startsWith("renew the server's certificate (it expired on ");
    }

    @Test
    void sslMismatchOfANameProposesANameTheCertificateCarries() throws IOException {
        int port = serve(tls(TlsBackend.Issuer.TRUSTED, List.of("web01.internal"), false));
        Path ca = backends.writeCaFile(dir.resolve("ca.pem"));
        String line = "server web01 127.0.0.1:" + port + " check inter 300ms fall 2 ssl verify required ca-file " + ca
                + " check-sni app.internal";
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n", line), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence().get(0)).contains("different from the expected one");
        assertThat(d.evidence()).contains("why verification fails: name mismatch (the certificate does not carry "
                + "'app.internal' (the SNI, 'check-sni'))");
        assertThat(d.fix().before()).isEqualTo(line);
        assertThat(d.fix().after()).isEqualTo(line.replace("check-sni app.internal", "check-sni web01.internal"));
    }

    @Test
    void sslMismatchOfAMissingClientCertificateProposesCrt() throws IOException {
        int port = serve(tls(TlsBackend.Issuer.TRUSTED, List.of("localhost"), true));
        Path ca = backends.writeCaFile(dir.resolve("ca.pem"));
        String line = "server web01 127.0.0.1:" + port + " check inter 300ms fall 2 ssl verify required ca-file " + ca;
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n", line), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: client certificate required"));
        assertThat(d.fix().after()).isEqualTo(line + " crt <client-cert.pem>");
    }

    @Test
    void sslAgainstAPlainPortIsSeenAsNotTls() {
        int port = serve(new Behaviour.Tcp("SSH-2.0-OpenSSH_9.2\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                Delay.NONE, false, true));
        String line = "server web01 127.0.0.1:" + port + " check inter 300ms fall 2 ssl verify none";
        Diagnosis d = diagnose(cfg("", line), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: the server does not speak TLS"));
        assertThat(d.fix().after()).isEqualTo("server web01 127.0.0.1:" + port + " check inter 300ms fall 2 verify none");
    }

    @Test
    void sslMismatchWhenTheTlsVersionsDoNotMeet() throws IOException {
        int port = serve(Behaviour.tls(Behaviour.http(200)));
        Path ca = backends.writeCaFile(dir.resolve("ca.pem"));
        // inter 1s: the follow-up checks take the server's inter as their timeout, and four TLS probes share the CPU
        String line = "server web01 127.0.0.1:" + port + " check inter 1s fall 2 ssl verify required ca-file "
                + ca + " ssl-max-ver TLSv1.1";
        Diagnosis d = diagnose(cfg("    option httpchk GET /health\n", line), Duration.ofSeconds(5));

        assertThat(d.cause()).isEqualTo(Cause.SSL_MISMATCH);
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("a follow-up handshake with 'verify none': fails"));
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("a follow-up handshake with 'verify none' and any TLS "
                + "version: passes"));
        assertThat(d.fix().before()).isEqualTo(line);
        assertThat(d.fix().after()).isEqualTo(line.replace(" ssl-max-ver TLSv1.1", ""));
        assertThat(d.evidence()).anyMatch(e -> e.startsWith("why verification fails: protocol version (the server "
                + "chose TLSv1.3, the check allows "));
    }

    /**
     * A listener on {@code host} whose accept queue is full, so the kernel drops further SYNs (Linux queues
     * backlog + 1 handshaken connections): the checks' connects are never answered.
     */
    private static final class Blackhole implements AutoCloseable {
        private final java.nio.channels.ServerSocketChannel listener;
        private final List<java.nio.channels.SocketChannel> fillers = new java.util.ArrayList<>();

        Blackhole(String host) throws IOException {
            listener = java.nio.channels.ServerSocketChannel.open();
            listener.bind(new java.net.InetSocketAddress(host, 0), 1);
            for (int i = 0; i < 3; i++) {
                java.nio.channels.SocketChannel filler = java.nio.channels.SocketChannel.open();
                fillers.add(filler);
                filler.configureBlocking(false);
                filler.connect(listener.getLocalAddress());
            }
        }

        int port() throws IOException {
            return ((java.net.InetSocketAddress) listener.getLocalAddress()).getPort();
        }

        @Override
        public void close() throws IOException {
            for (java.nio.channels.SocketChannel filler : fillers) {
                filler.close();
            }
            listener.close();
        }
    }
}
