package io.haprobe.conformance;

import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The live config: every address and port points at the player, and HAProxy gets its log, socket and thread. */
class LiveConfigTest {

    private static final String CFG = """
            global
                log stdout format raw local0
            defaults
                default-server ca-file /etc/ssl/ca.pem
            backend be
                option tcp-check
                tcp-check connect port 9999
                tcp-check send "two  spaces"
                server s1 db.example:6379 check agent-check agent-port 7000 crt client.pem
            """;
    private static final Map<String, Integer> PORTS = Map.of("be/s1", 40001, "be/s1:9999", 40002);
    private static final Path CA = Path.of("/tmp/p-ca.pem");
    private static final Path CRT = Path.of("/tmp/p-crt.pem");

    @Test
    void pointsEveryPortAtThePlayer() {
        assertThat(LiveConfig.rewrite(CFG, HaproxyConfig.parse("t.cfg", CFG), PORTS, CA, CRT)).isEqualTo("""
                global
                    log stdout format raw local0
                defaults
                    default-server ca-file /tmp/p-ca.pem
                backend be
                    option tcp-check
                    tcp-check connect port 40002
                    tcp-check send "two  spaces"
                    server s1 127.0.0.1:40001 check agent-check agent-port 40001 crt /tmp/p-crt.pem
                """);
    }

    @Test
    void givesHaproxyOneThreadASocketAndItsOwnLog() {
        assertThat(LiveConfig.forHaproxy(CFG, Path.of("/tmp/s.sock"))).isEqualTo("""
                global
                    nbthread 1
                    stats socket /tmp/s.sock level admin
                defaults
                    default-server ca-file /etc/ssl/ca.pem
                backend be
                    log stdout format raw local0
                    option tcp-check
                    tcp-check connect port 9999
                    tcp-check send "two  spaces"
                    server s1 db.example:6379 check agent-check agent-port 7000 crt client.pem
                """);
    }

    @Test
    void refusesWhatCannotPointAtOnePlayerPort() {
        String defaultPort = "defaults\n    default-server port 81\nbackend be\n    server s1 10.0.0.1:80 check\n";
        assertThatThrownBy(() -> LiveConfig.rewrite(defaultPort, HaproxyConfig.parse("t.cfg", defaultPort),
                Map.of("be/s1", 1), CA, CRT)).hasMessageContaining("'port' on default-server");

        String twoServers = "backend be\n    option tcp-check\n    tcp-check connect port 81\n"
                + "    server s1 10.0.0.1:80 check\n    server s2 10.0.0.2:80 check\n";
        assertThatThrownBy(() -> LiveConfig.rewrite(twoServers, HaproxyConfig.parse("t.cfg", twoServers),
                Map.of("be/s1", 1, "be/s2", 2), CA, CRT)).hasMessageContaining("backend be of 2 servers");
    }
}
