package io.haprobe.traffic;

import io.haprobe.config.HaproxyConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrontendTrafficTest {

    static final HaproxyConfig CONFIG = HaproxyConfig.parse("t.cfg", "defaults\n    mode http\n"
            + "frontend web\n    bind :80\n    maxconn 2\n    default_backend app\n"
            + "frontend other\n    bind :81\n    use_backend app\n"
            + "backend app\n    server s 127.0.0.1:8080\n");

    @Test
    void atMaxconnNewConnectionsWaitForASessionToEnd() {
        FrontendTraffic web = FrontendTraffic.of(CONFIG.frontends().get(0), 1000);

        assertThat(web.accept(0)).isTrue();
        assertThat(web.accept(0)).isTrue();
        assertThat(web.accept(0)).isFalse();
        assertThat(web.waiting()).isEqualTo(1);

        assertThat(web.release(200, 10)).isTrue();
        assertThat(web.release(503, 20)).isFalse();

        assertThat(web.currentSessions()).isEqualTo(1);
        assertThat(web.maxSessions()).isEqualTo(2);
        assertThat(web.totalSessions()).isEqualTo(3);
        assertThat(web.requestTotal()).isEqualTo(2);
        assertThat(web.httpResponses(2)).isEqualTo(1);
        assertThat(web.httpResponses(5)).isEqualTo(1);
        assertThat(web.backend()).isEqualTo("app");
    }

    @Test
    void aFrontendWithoutMaxconnTakesTheGlobalOne() {
        FrontendTraffic other = FrontendTraffic.of(CONFIG.frontends().get(1), 1000);

        assertThat(other.maxConn()).isEqualTo(1000);
        assertThat(other.backend()).isEqualTo("app");
        assertThatThrownBy(() -> other.release(200, 0)).isInstanceOf(IllegalStateException.class);
    }
}
