package io.haprobe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code haprobe validate}: every error HAProxy 2.6.12 reports, at its line, and its exit status. */
class ValidateCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aFileHaproxyAcceptsExits0EvenWithoutAListener() throws Exception {
        Path file = write("""
                global
                    maxconn 100
                defaults
                    mode http
                    timeout connect 5s
                backend api
                    balance roundrobin
                    option httpchk GET /health
                    server api1 127.0.0.1:8080 check
                """);

        assertThat(run("validate", "-f", file.toString())).isEqualTo(0);
        assertThat(out.toString()).isEqualTo(file + ": valid for HAProxy 2.6.12 (1 backend with 1 server,"
                + " 0 warnings)\n");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void keywordsThatChangeChecksButAreIgnoredAreWarnedWithFileLineAndExit0() throws Exception {
        Path file = write("""
                global
                    ssl-default-server-options ssl-min-ver TLSv1.3
                backend api
                    disabled
                    server api1 127.0.0.1:8080 check observe layer4 error-limit 5 on-error mark-down
                    server api2 127.0.0.1:8081 check track api/api1
                """);

        assertThat(run("validate", "-f", file.toString())).isEqualTo(0);
        assertThat(out.toString()).isEqualTo(file + ": valid for HAProxy 2.6.12 (1 backend with 2 servers,"
                + " 6 warnings)\n");
        assertThat(err.toString().lines().map(line -> line.replaceFirst(" but is ignored: .*", "")))
                .containsExactly(
                        "[WARNING] " + file + ":2:5: global keyword 'ssl-default-server-options' changes health checks",
                        "[WARNING] " + file + ":4:5: keyword 'disabled' changes health checks",
                        "[WARNING] " + file + ":5:38: server keyword 'observe' changes health checks",
                        "[WARNING] " + file + ":5:53: server keyword 'error-limit' changes health checks",
                        "[WARNING] " + file + ":5:67: server keyword 'on-error' changes health checks",
                        "[WARNING] " + file + ":6:38: server keyword 'track' changes health checks");
    }

    @Test
    void everyErrorIsPrintedAtItsLineAndTheExitIs1() throws Exception {
        // haproxy -c 2.6.12 reports lines 3 and 6, then the missing backend (line 5 here)
        Path file = write("""
                global
                    maxconn 100
                    tune.bufsiz 32768
                frontend web
                    default_backend nowhere
                    option httpchek GET /
                backend api
                    server api1 127.0.0.1:8080 check
                """);

        assertThat(run("validate", "-f", file.toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEqualTo(String.join("\n",
                "[ALERT] " + file + ":3:5: unknown keyword 'tune.bufsiz' in 'global' section; did you mean"
                        + " 'tune.bufsize' maybe ?",
                "[ALERT] " + file + ":6:12: unknown option 'httpchek'; did you mean 'httpchk' maybe ?",
                "[ALERT] " + file + ":5:21: Proxy 'web': unable to find required default_backend: 'nowhere'.",
                "haprobe: " + file + ": 3 errors, HAProxy 2.6.12 would not start with this file", ""));
    }

    @Test
    void checkRunsTheSameValidationFirst() throws Exception {
        Path file = write("backend b\n    option httpchek GET /\n    server s 127.0.0.1:1 check\n");

        assertThat(run("check", "-f", file.toString(), "--duration", "1s")).isEqualTo(1);
        assertThat(err.toString()).startsWith("[ALERT] " + file + ":2:12: unknown option 'httpchek'");
        assertThat(out.toString()).isEmpty();
    }

    private Path write(String text) throws Exception {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, text);
        return file;
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
