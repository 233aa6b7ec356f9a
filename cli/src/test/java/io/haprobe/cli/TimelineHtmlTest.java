package io.haprobe.cli;

import io.haprobe.engine.HealthEvent;
import io.haprobe.engine.ServerSnapshot;
import io.haprobe.engine.Simulation;
import io.haprobe.engine.Timeline;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code haprobe simulate --html}: the page's lanes, bands, marks and titles, its escaping and determinism. */
class TimelineHtmlTest {

    static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples/scenarios");
    static final Path FLAPPING = EXAMPLES.resolve("flapping/scenario.yaml");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void drawsOneLanePerServerWithOneMarkPerCheckAndOneLineperTransition() {
        Scenario scenario = Scenario.parse(FLAPPING);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            Timeline timeline = simulation.timeline();
            List<ServerSnapshot> servers = simulation.engine().servers();
            String page = TimelineHtml.render("flapping", scenario.seed(), scenario.duration().toMillis(), servers,
                    timeline);

            assertThat(count(page, "<g class=\"lane\"")).isEqualTo(2);
            for (String server : List.of("app_backend/web01", "app_backend/web02")) {
                String lane = lane(page, server);
                int checks = timeline.checks(server).size();
                assertThat(checks).isGreaterThan(10);
                assertThat(lane).contains("data-checks=\"" + checks + "\"");
                assertThat(count(lane, "<rect class=\"check ")).isEqualTo(checks);
                assertThat(count(lane, "<g class=\"transition\"")).isEqualTo(timeline.transitions(server).size());
            }
            // web01 absorbs its failures (fall 3): one UP band; web02 flaps: UP, DOWN, UP, ... bands
            assertThat(count(lane(page, "app_backend/web01"), "<rect class=\"band ")).isEqualTo(1);
            assertThat(timeline.transitions("app_backend/web02")).isNotEmpty();
            assertThat(count(lane(page, "app_backend/web02"), "<rect class=\"band st-DOWN\""))
                    .isEqualTo(timeline.transitions("app_backend/web02").stream()
                            .filter(t -> t.to().word().equals("DOWN")).count());
            assertThat(lane(page, "app_backend/web02")).contains("class=\"check cs-L7STS\"", "class=\"check cs-L7OK\"");
        }
    }

    @Test
    void drainAndMaintenanceAreBandsOfTheirOwnAndReadyLeavesBoth() {
        Scenario scenario = Scenario.parse(EXAMPLES.resolve("drain-for-maintenance/scenario.yaml"));
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            String page = TimelineHtml.render("drain", 0, 40_000, simulation.engine().servers(),
                    simulation.timeline());

            assertThat(Pattern.compile("<rect class=\"band st-(\\w+)\"[^>]*><title>([^<]*)</title>")
                    .matcher(lane(page, "app_backend/web01")).results().map(r -> r.group(2)).toList())
                    .containsExactly("UP from t=0ms to t=5100ms", "DRAIN from t=5100ms to t=10100ms",
                            "MAINT from t=10100ms to t=25100ms", "UP from t=25100ms to t=40000ms");
            assertThat(count(page, "<path class=\"command\"")).isEqualTo(5);
            assertThat(page).contains("<title>t=5100ms &gt; set server app_backend/web01 state drain</title>");
        }
    }

    @Test
    void agentChecksAreDotsAndTheirAdminWordsAreBands() {
        Path file = EXAMPLES.getParent().getParent().resolve("conformance/scenarios/042-agent-admin-words.yaml");
        Scenario scenario = Scenario.parse(file);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            String page = TimelineHtml.render("agent", 0, 5_000, simulation.engine().servers(),
                    simulation.timeline());

            assertThat(Pattern.compile("<rect class=\"band st-(\\w+)\"").matcher(page).results()
                    .map(r -> r.group(1)).toList()).containsExactly("UP", "DRAIN", "UP", "MAINT", "UP");
            assertThat(count(page, "<circle class=\"agent ")).isEqualTo(5);
            assertThat(page).contains("<title>t=500ms agent check: L7OK");
        }
    }

    @Test
    void eachTransitionCarriesItsLogLineAsTitleAndEachCheckItsStatus() {
        Scenario scenario = Scenario.parse(FLAPPING);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            Timeline timeline = simulation.timeline();
            String page = TimelineHtml.render("flapping", 0, 40_000, simulation.engine().servers(), timeline);

            for (HealthEvent event : timeline.events()) {
                if (event instanceof HealthEvent.StateChanged change) {
                    assertThat(page).contains("<g class=\"transition\" data-from=\"" + change.from().word()
                            + "\" data-to=\"" + change.to().word() + "\"><title>"
                            + TimelineHtml.escape("t=" + timeline.millisOf(event) + "ms " + change.logMessage())
                            + "</title>");
                }
            }
            assertThat(page).contains("check: L7STS (Layer7 wrong status), code 503");
        }
    }

    @Test
    void headerLegendAndAxisSayWhatWasRun() {
        Scenario scenario = Scenario.parse(FLAPPING);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            String page = TimelineHtml.render("examples/flapping", 42, 40_000, simulation.engine().servers(),
                    simulation.timeline());

            assertThat(page).startsWith("<!DOCTYPE html>\n").endsWith("</html>\n")
                    .contains("<h1>haprobe simulate: examples/flapping</h1>",
                            "duration <span id=\"duration\">40s</span>", "seed <span id=\"seed\">42</span>",
                            "<ul class=\"legend\" id=\"legend\">", "<span class=\"sw st-MAINT\"></span>MAINT",
                            "<span class=\"sw cs-L7STS\"></span>L7STS", ">20s</text>", ">virtual time</text>")
                    .doesNotContain("http://", "https://", "<script", "<link", "@import", "url(")
                    .doesNotContainPattern("(?i)(20[0-9]{2}-[01][0-9]-[0-3][0-9])");
        }
    }

    @Test
    void sameScenarioAndSeedWriteTheSameBytes() throws IOException {
        Path first = dir.resolve("a.html");
        Path second = dir.resolve("b.html");

        assertThat(run("simulate", FLAPPING.toString(), "--html", first.toString())).isZero();
        assertThat(run("simulate", FLAPPING.toString(), "--html", second.toString())).isZero();

        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
    }

    @Test
    void writingTheFileIsSaidOnStandardErrorAndStandardOutputStaysTheSame() {
        Path page = dir.resolve("report.html");
        run("simulate", FLAPPING.toString());
        String without = out.toString();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);

        run("simulate", FLAPPING.toString(), "--html", page.toString());

        assertThat(out.toString()).isEqualTo(without);
        Scenario scenario = Scenario.parse(FLAPPING);
        int checks;
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            checks = simulation.timeline().checks("app_backend/web01").size()
                    + simulation.timeline().checks("app_backend/web02").size();
        }
        assertThat(err.toString()).isEqualTo("haprobe: wrote " + page + " (2 servers, " + checks + " checks)\n");
    }

    @Test
    void namesAndInfoStringsAreEscaped() throws IOException {
        Path scenario = dir.resolve("a<b>&'\".yaml");
        Files.writeString(scenario, """
                haproxy: |
                  defaults
                    mode http
                    timeout connect 1s
                  backend be
                    option httpchk
                    default-server inter 1s fall 1 rise 1
                    server s1 127.0.0.1:80 check
                duration: 5s
                servers:
                  be/s1:
                    - at: 0s
                      http: { status: 200 }
                    - at: 2s
                      http: { status: 503, reason: "<script>alert('x')</script> & \\"q\\"" }
                """);
        Path page = dir.resolve("report.html");

        int exit = run("simulate", scenario.toString(), "--html", page.toString());

        String html = Files.readString(page);
        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(html).contains("a&lt;b&gt;&amp;&#39;&quot;.yaml</h1>",
                        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
                .doesNotContain("<script", "a<b>");
    }

    @Test
    void escapeCoversMarkupQuotesAndControlCharacters() {
        assertThat(TimelineHtml.escape("a<b>&\"c'\u0001\n")).isEqualTo("a&lt;b&gt;&amp;&quot;c&#39;\uFFFD\n");
    }

    @Test
    void secondsDropTrailingZeros() {
        assertThat(TimelineHtml.seconds(40_000)).isEqualTo("40s");
        assertThat(TimelineHtml.seconds(1_500)).isEqualTo("1.5s");
        assertThat(TimelineHtml.seconds(250)).isEqualTo("0.25s");
        assertThat(TimelineHtml.seconds(0)).isEqualTo("0s");
    }

    @Test
    void aFileThatCannotBeWrittenIsAClearError() {
        int exit = run("simulate", FLAPPING.toString(), "--html", dir.resolve("no/such/dir/r.html").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--html: cannot write").doesNotContain("Exception");
    }

    @Test
    void aDurationOfZeroIsRefused() {
        assertThatThrownBy(() -> TimelineHtml.render("x", 0, 0, List.of(), new Timeline(0, List.of())))
                .hasMessage("durationMillis: 0 (expected: > 0)");
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The markup of one lane, from its {@code <g class="lane"} to the next lane or the axis. */
    static String lane(String page, String server) {
        Matcher m = Pattern.compile("<g class=\"lane\"[^>]*data-server=\"" + Pattern.quote(server)
                + "\".*?(?=<g class=\"lane\"|<g class=\"axis\")", Pattern.DOTALL).matcher(page);
        assertThat(m.find()).as("lane of " + server).isTrue();
        return m.group();
    }

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }
}
