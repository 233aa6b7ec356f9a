package io.haprobe.runtime;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exposition against HAProxy 2.6.12's own: the capture of docs/notes (runtime-oracle.md §1.1 CSV and §3 info,
 * runtime-oracle-metrics.txt) and a lab capture of one instant (resources next to this class). Each deliberate
 * difference is listed where it is allowed, with its reason.
 */
class PrometheusExpositionTest {

    /** Families whose value is a count or a time since an event: in the notes, the CSV (§1.1, 25 s after start)
     * and the /metrics body (§8, 456 s after start, after the admin experiments of §5 and §7) are seven minutes
     * apart, so these values differ between the two captures, not between HAProxy and haprobe. */
    private static final List<String> HISTORY = List.of("haproxy_server_check_failures_total",
            "haproxy_server_check_up_down_total", "haproxy_server_check_last_change_seconds",
            "haproxy_server_downtime_seconds_total", "haproxy_backend_check_up_down_total",
            "haproxy_backend_check_last_change_seconds", "haproxy_backend_downtime_seconds_total");

    @Test
    void notesCaptureHasTheSameFamiliesHelpTypesAndLabelsInTheSameOrder() throws IOException {
        Exposition haproxy = Exposition.parse(Files.readString(Path.of("../docs/notes/runtime-oracle-metrics.txt")));
        Exposition ours = Exposition.parse(PrometheusExposition.render(notesShowStat(), notesShowInfo()));

        assertThat(ours.names()).hasSize(187).isEqualTo(haproxy.names());
        for (String name : haproxy.names()) {
            assertThat(ours.family(name).help()).as(name).isEqualTo(haproxy.family(name).help());
            assertThat(ours.family(name).type()[0]).as(name).isEqualTo(haproxy.family(name).type()[0]);
            assertThat(List.copyOf(ours.family(name).samples().keySet())).as(name)
                    .isEqualTo(List.copyOf(haproxy.family(name).samples().keySet()));
        }
    }

    @Test
    void notesCaptureHasTheSameValuesButForTheCaptureTimes() throws IOException {
        Exposition haproxy = Exposition.parse(Files.readString(Path.of("../docs/notes/runtime-oracle-metrics.txt")));
        Exposition ours = Exposition.parse(PrometheusExposition.render(notesShowStat(), notesShowInfo()));

        List<String> differences = differences(haproxy, ours).stream()
                // the process's counters and gauges moved in the seven minutes between the captures
                .filter(d -> !d.startsWith("haproxy_process_"))
                // the frontend serving /metrics counts the scrape itself (1 session, 1 request); the CSV had none
                .filter(d -> !d.contains("{proxy=\"prom\"}"))
                .filter(d -> HISTORY.stream().noneMatch(d::startsWith))
                .toList();

        assertThat(differences).isEmpty();
        assertThat(differences(haproxy, ours)).filteredOn(d -> d.startsWith("haproxy_process_"))
                .noneMatch(d -> d.startsWith("haproxy_process_build_info") || d.startsWith("haproxy_process_nbthread")
                        || d.startsWith("haproxy_process_start_time_seconds"));
    }

    @Test
    void labCaptureOfTheSameInstantMatchesButForTheScrapeAndWhatTheCsvDoesNotCarry() throws IOException {
        // lab-haproxy.cfg under HAProxy 2.6.12: show stat, show info, then GET /metrics, within one second; it adds
        // a tcp backend and a tcp listen (no HTTP families), maxconn/maxqueue, and servers in MAINT after being
        // checked (m1), NOLB before their first check (n1, INI), DRAIN (dr1) and in slowstart (ss, throttle 13)
        Exposition haproxy = Exposition.parse(resource("lab-metrics.txt"));
        Exposition ours = Exposition.parse(PrometheusExposition.render(resource("lab-show-stat.csv"),
                resource("lab-show-info.txt")));

        List<String> differences = differences(haproxy, ours).stream()
                // the scrape counts itself in the process's connections, requests, rates, tasks and bytes out,
                // and in the sessions and requests of the frontend serving /metrics: show info and show stat
                // were read just before it
                .filter(d -> !d.startsWith("haproxy_process_"))
                .filter(d -> !d.contains("{proxy=\"prom\"}"))
                .toList();

        assertThat(differences).containsExactly(
                // bx/m1 was checked, then put in MAINT: its check is paused, so the CSV's check_status is empty;
                // HAProxy still counts its last status (L7OK) in the backend's agg_check_status ...
                "haproxy_backend_agg_check_status{proxy=\"bx\",state=\"L7OK\"} 4 vs 3",
                // ... and still exports its last check duration, which the CSV leaves empty in MAINT
                "haproxy_server_check_duration_seconds samples: missing {proxy=\"bx\",server=\"m1\"}");
        assertThat(differences(haproxy, ours)).filteredOn(d -> d.startsWith("haproxy_process_"))
                .allMatch(d -> List.of("current_connections", "connections_total", "requests_total",
                        "current_connection_rate", "current_session_rate", "current_tasks", "bytes_out_total",
                        "bytes_out_rate", "pool_allocated_bytes", "pool_used_bytes").stream()
                        .anyMatch(f -> d.startsWith("haproxy_process_" + f + " ")));
    }

    @Test
    void serverStatesFollowTheExportersMappingOfEveryStatusText() {
        assertThat(PrometheusExposition.serverState("UP")).isEqualTo("UP");
        assertThat(PrometheusExposition.serverState("UP 1/3")).isEqualTo("UP");
        assertThat(PrometheusExposition.serverState("no check")).isEqualTo("UP");
        assertThat(PrometheusExposition.serverState("DOWN")).isEqualTo("DOWN");
        assertThat(PrometheusExposition.serverState("DOWN 1/2")).isEqualTo("DOWN");
        assertThat(PrometheusExposition.serverState("DOWN (agent)")).isEqualTo("DOWN");
        assertThat(PrometheusExposition.serverState("MAINT")).isEqualTo("MAINT");
        assertThat(PrometheusExposition.serverState("MAINT (via be/s1)")).isEqualTo("MAINT");
        assertThat(PrometheusExposition.serverState("MAINT (resolution)")).isEqualTo("MAINT");
        assertThat(PrometheusExposition.serverState("DRAIN")).isEqualTo("DRAIN");
        assertThat(PrometheusExposition.serverState("DRAIN 1/3")).isEqualTo("DRAIN");
        assertThat(PrometheusExposition.serverState("DRAIN (agent)")).isEqualTo("DRAIN");
        assertThat(PrometheusExposition.serverState("NOLB")).isEqualTo("NOLB");
        assertThat(PrometheusExposition.serverState("NOLB 2/3")).isEqualTo("NOLB");
    }

    @Test
    void aCheckInProgressCountsAsItsLastStatusAndEmptyFieldsAreNan() {
        String csv = "# pxname,svname,slim,status,type,check_status,check_code,check_duration,mode,\n"
                + "\"b,\"\"x\"\"\",s1,,UP 2/3,2,* L4CON,,12,tcp,\r\n\n";

        String text = PrometheusExposition.render(csv, "");

        assertThat(text).contains("haproxy_server_check_status{proxy=\"b,\\\"x\\\"\",server=\"s1\",state=\"L4CON\"} 1\n")
                .contains("haproxy_server_check_code{proxy=\"b,\\\"x\\\"\",server=\"s1\"} 0\n")
                .contains("haproxy_server_check_duration_seconds{proxy=\"b,\\\"x\\\"\",server=\"s1\"} 0.012000\n")
                .contains("haproxy_server_limit_sessions{proxy=\"b,\\\"x\\\"\",server=\"s1\"} NaN\n")
                .contains("haproxy_server_status{proxy=\"b,\\\"x\\\"\",server=\"s1\",state=\"UP\"} 1\n")
                .contains("haproxy_process_uptime_seconds NaN\n")
                .doesNotContain("haproxy_process_build_info{")
                .doesNotContain("haproxy_server_http_responses_total{")
                .endsWith("haproxy_server_uweight{proxy=\"b,\\\"x\\\"\",server=\"s1\"} NaN\n");
    }

    static List<String> differences(Exposition expected, Exposition actual) {
        List<String> out = new ArrayList<>();
        if (!expected.names().equals(actual.names())) {
            out.add("names: " + expected.names() + " vs " + actual.names());
        }
        for (String name : expected.names()) {
            Exposition.Family e = expected.family(name);
            Exposition.Family a = actual.family(name);
            if (a == null) {
                continue;
            }
            if (!e.help().equals(a.help())) {
                out.add(name + " HELP: " + e.help() + " vs " + a.help());
            }
            if (!e.type()[0].equals(a.type()[0])) {
                out.add(name + " TYPE");
            }
            for (String labels : e.samples().keySet()) {
                if (!a.samples().containsKey(labels)) {
                    out.add(name + " samples: missing " + labels);
                }
            }
            for (String labels : a.samples().keySet()) {
                if (!e.samples().containsKey(labels)) {
                    out.add(name + " samples: extra " + labels);
                }
            }
            for (Map.Entry<String, String> s : e.samples().entrySet()) {
                String got = a.samples().get(s.getKey());
                if (got != null && !got.equals(s.getValue())) {
                    out.add(name + s.getKey() + " " + s.getValue() + " vs " + got);
                }
            }
        }
        return out;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = PrometheusExpositionTest.class.getResourceAsStream(name)) {
            return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** §1.1 of docs/notes/runtime-oracle.md: the first fenced block after the heading, {@code cat -A}'s $ dropped. */
    static String notesShowStat() throws IOException {
        return fencedBlockAfter("### 1.1 ");
    }

    static String notesShowInfo() throws IOException {
        return fencedBlockAfter("## 3. `show info`");
    }

    private static String fencedBlockAfter(String heading) throws IOException {
        String notes = Files.readString(Path.of("../docs/notes/runtime-oracle.md"));
        int at = notes.indexOf(heading);
        int open = notes.indexOf("```\n", at) + 4;
        int close = notes.indexOf("```\n", open);
        return notes.substring(open, close).replaceAll("(?m)\\$$", "");
    }
}
