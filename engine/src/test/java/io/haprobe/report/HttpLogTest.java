package io.haprobe.report;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The httplog line, byte for byte as HAProxy 2.6.12 printed it (captured with {@code log stdout format raw}). */
class HttpLogTest {

    @Test
    void servedRequest() {
        assertThat(HttpLog.format(new HttpLog.Fields("127.0.0.1", 39934, Instant.parse("2026-12-06T02:41:20.547Z"),
                "fe_main", "app", "web01", 0, 0, 0, 2, 2, 200, 526, "--", 1, 1, 0, 0, 0, false, 0, 0, "GET", "/")))
                .isEqualTo("127.0.0.1:39934 [06/Dec/2026:02:41:20.547] fe_main app/web01 0/0/0/2/2 200 526 - - ---- "
                        + "1/1/0/0/0 0/0 \"GET / HTTP/1.1\"");
    }

    @Test
    void refusedThreeTimes() {
        assertThat(HttpLog.format(new HttpLog.Fields("127.0.0.1", 39944, Instant.parse("2026-12-06T02:41:20.561Z"),
                "fe_main", "app", "web02", 0, 0, -1, -1, 3006, 503, 217, "SC", 1, 1, 0, 0, 3, false, 0, 0, "GET",
                "/x?y=1")))
                .isEqualTo("127.0.0.1:39944 [06/Dec/2026:02:41:20.561] fe_main app/web02 0/0/-1/-1/3006 503 217 - - "
                        + "SC-- 1/1/0/0/3 0/0 \"GET /x?y=1 HTTP/1.1\"");
    }

    @Test
    void noServerAndRedispatch() {
        assertThat(HttpLog.format(new HttpLog.Fields("127.0.0.1", 1, Instant.EPOCH, "fe", "be", null, 0, -1, -1, -1,
                1000, 503, 217, "sQ", 1, 1, 1, 0, 1, true, 2, 0, "GET", "/")))
                .isEqualTo("127.0.0.1:1 [01/Jan/1970:00:00:00.000] fe be/<NOSRV> 0/-1/-1/-1/1000 503 217 - - sQ-- "
                        + "1/1/1/0/+1 2/0 \"GET / HTTP/1.1\"");
    }
}
