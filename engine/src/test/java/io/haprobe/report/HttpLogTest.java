package io.haprobe.report;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The httplog line, byte for byte as HAProxy 2.6.12 printed it (captured with {@code log stdout format raw}). */
class HttpLogTest {

    /** An httplog line field by field: %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc ... */
    private static final Pattern LINE = Pattern.compile("([0-9.]+):([0-9]+) \\[([^]]+)] (\\S+) ([^/]+)/(\\S+) "
            + "(-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+) (-?\\d+) (\\d+) - - (..)-- "
            + "(\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\+?)(\\d+) (\\d+)/(\\d+) \"(\\S+) (\\S+) HTTP/1.1\"");

    @Test
    void everyCapturedLineIsRebuiltFromItsFields() {
        int lines = 0;
        for (Map.Entry<String, List<String>> entry : HttpLogFixtures.cases().entrySet()) {
            for (String line : entry.getValue()) {
                if (line.startsWith("REPLY ")) {
                    continue;
                }
                String message = HttpLogFixtures.message(line);
                assertThat(HttpLog.format(fields(message))).as(entry.getKey()).isEqualTo(message);
                lines++;
            }
        }
        assertThat(lines).isEqualTo(24);
    }

    /** Reads a captured line's fields, as the simulation fills them. */
    private static HttpLog.Fields fields(String message) {
        Matcher m = LINE.matcher(message);
        assertThat(m.matches()).as(message).isTrue();
        java.time.format.DateTimeFormatter date = java.time.format.DateTimeFormatter
                .ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
        long accept = Instant.from(date.parse(m.group(3))).toEpochMilli();
        return new HttpLog.Fields(m.group(1), Integer.parseInt(m.group(2)), accept, m.group(4), m.group(5),
                m.group(6).equals("<NOSRV>") ? null : m.group(6), Long.parseLong(m.group(7)),
                Long.parseLong(m.group(8)), Long.parseLong(m.group(9)), Long.parseLong(m.group(10)),
                Long.parseLong(m.group(11)), Integer.parseInt(m.group(12)), Long.parseLong(m.group(13)), m.group(14),
                Integer.parseInt(m.group(15)), Integer.parseInt(m.group(16)), Integer.parseInt(m.group(17)),
                Integer.parseInt(m.group(18)), Integer.parseInt(m.group(20)), !m.group(19).isEmpty(),
                Integer.parseInt(m.group(21)), Integer.parseInt(m.group(22)), m.group(23), m.group(24));
    }

    @Test
    void servedRequest() {
        assertThat(HttpLog.format(new HttpLog.Fields("127.0.0.1", 39934, Instant.parse("2026-12-06T02:41:20.547Z").toEpochMilli(),
                "fe_main", "app", "web01", 0, 0, 0, 2, 2, 200, 526, "--", 1, 1, 0, 0, 0, false, 0, 0, "GET", "/")))
                .isEqualTo("127.0.0.1:39934 [06/Dec/2026:02:41:20.547] fe_main app/web01 0/0/0/2/2 200 526 - - ---- "
                        + "1/1/0/0/0 0/0 \"GET / HTTP/1.1\"");
    }

    @Test
    void refusedThreeTimes() {
        assertThat(HttpLog.format(new HttpLog.Fields("127.0.0.1", 39944, Instant.parse("2026-12-06T02:41:20.561Z").toEpochMilli(),
                "fe_main", "app", "web02", 0, 0, -1, -1, 3006, 503, 217, "SC", 1, 1, 0, 0, 3, false, 0, 0, "GET",
                "/x?y=1")))
                .isEqualTo("127.0.0.1:39944 [06/Dec/2026:02:41:20.561] fe_main app/web02 0/0/-1/-1/3006 503 217 - - "
                        + "SC-- 1/1/0/0/3 0/0 \"GET /x?y=1 HTTP/1.1\"");
    }

    @Test
    void noServerAndRedispatch() {
        assertThat(HttpLog.format(new HttpLog.Fields("127.0.0.1", 1, 0, "fe", "be", null, 0, -1, -1, -1,
                1000, 503, 217, "sQ", 1, 1, 1, 0, 1, true, 2, 0, "GET", "/")))
                .isEqualTo("127.0.0.1:1 [01/Jan/1970:00:00:00.000] fe be/<NOSRV> 0/-1/-1/-1/1000 503 217 - - sQ-- "
                        + "1/1/1/0/+1 2/0 \"GET / HTTP/1.1\"");
    }
}
