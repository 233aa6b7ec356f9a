package io.haprobe.traffic;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * haprobe's picks equal real HAProxy 2.6.12's, request by request, for the sequences captured by
 * {@code src/test/resources/traffic/capture-picks.py} (the configuration of each is next to its picks, and is
 * read here by haprobe's own parser). Servers go to maintenance, come back and change weight at the same points
 * as in the capture ({@code cmd} lines).
 */
class LoadBalancerCaptureTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "roundrobin-weights-3-2-1",
            "roundrobin-weights-10-10-1",
            "roundrobin-maint-and-back",
            "roundrobin-set-weight",
            "roundrobin-churn",
            "static-rr-weights",
            "static-rr-weight-0",
            "first",
            "leastconn-sequential",
            "source-map-based",
            "source-consistent",
            "uri-map-based",
            "uri-whole-len-depth",
            "uri-consistent",
            "uri-consistent-djb2",
            "uri-map-based-wt6-avalanche",
            "uri-map-based-crc32",
            "hdr-host",
            "hdr-host-domain-only",
            "hdr-custom-consistent",
            "hdr-list-values",
            "consistent-weights-and-walk",
            "url-param",
            "backup-first-only",
            "backup-allbackups",
            "backup-static-rr",
            "backup-source-consistent",
            "backup-allbackups-consistent",
            "backup-allbackups-static-rr",
            "backup-leastconn-first",
            "first-maxconn-held",
            "leastconn-held",
            "roundrobin-maxconn-held",
            "static-rr-maxconn-held",
            "consistent-walk-maxconn-held",
            "map-walk-maxconn-held"})
    void picksTheSameServersAsHaproxy(String scenario) {
        List<List<String>> run = CapturedPicks.load(scenario).replay();

        assertThat(String.join("\n", run.get(1))).isEqualTo(String.join("\n", run.get(0)));
    }
}
