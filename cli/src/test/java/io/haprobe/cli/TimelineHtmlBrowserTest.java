package io.haprobe.cli;

import io.haprobe.engine.Simulation;
import io.haprobe.engine.Timeline;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page of {@code haprobe simulate --html}, loaded in a real browser: headless Chromium (Debian's
 * {@code chromium} package) parses it, and the DOM it dumps has one lane per server with every check mark and
 * transition. Skipped when chromium is not on the PATH, except under {@code CI=true} (.ci/run installs it).
 */
@Tag("browser")
class TimelineHtmlBrowserTest {

    private static final long BROWSER_TIMEOUT_SECONDS = 60;

    private static Path chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        Optional<Path> found = onPath("chromium", "chromium-browser");
        if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
            fail("the --html browser test needs chromium on the PATH (.ci/run installs Debian's package)");
        }
        assumeTrue(found.isPresent(), "chromium is not installed: browser test skipped");
        chromium = found.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"flapping", "drain-for-maintenance", "backup-takeover"})
    void chromiumRendersOneLanePerServerWithEveryCheckMarkAndTransition(String example) throws Exception {
        Path scenarioFile = TimelineHtmlTest.EXAMPLES.resolve(example).resolve("scenario.yaml");
        Path page = dir.resolve("report.html");
        StringWriter err = new StringWriter();
        Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "simulate", scenarioFile.toString(), "--html", page.toString());
        assertThat(err.toString()).contains("haprobe: wrote " + page);

        String dom = chromium(page, "--dump-dom", dir.resolve("dom.html"));

        Scenario scenario = Scenario.parse(scenarioFile);
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runUntil(scenario.duration());
            Timeline timeline = simulation.timeline();
            List<String> servers = simulation.engine().servers().stream().map(s -> s.id()).toList();
            assertThat(Pattern.compile("<g class=\"lane\"[^>]*data-server=\"([^\"]*)\"").matcher(dom).results()
                    .map(r -> r.group(1)).toList()).as("lanes in Chromium's DOM").isEqualTo(servers);
            for (String server : servers) {
                String lane = TimelineHtmlTest.lane(dom, server);
                assertThat(TimelineHtmlTest.count(lane, "<rect class=\"check ")).as("check marks of " + server)
                        .isEqualTo(timeline.checks(server).size());
                assertThat(TimelineHtmlTest.count(lane, "<g class=\"transition\"")).as("transitions of " + server)
                        .isGreaterThanOrEqualTo(timeline.transitions(server).size());
            }
            assertThat(dom).contains("<svg id=\"timeline\"", "<ul class=\"legend\" id=\"legend\">");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"flapping"})
    void chromiumPaintsThePage(String example) throws Exception {
        Path page = dir.resolve("report.html");
        Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true), "simulate",
                TimelineHtmlTest.EXAMPLES.resolve(example).resolve("scenario.yaml").toString(), "--html",
                page.toString());
        Path png = dir.resolve("shot.png");

        chromium(page, "--screenshot=" + png, dir.resolve("screenshot.log"));

        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
        ByteBuffer header = ByteBuffer.wrap(bytes, 16, 8);
        assertThat(header.getInt()).as("width").isEqualTo(1300);
        assertThat(header.getInt()).as("height").isEqualTo(400);
    }

    /** Runs chromium headless on {@code page} with {@code mode}, its stdout to {@code output}; returns stdout. */
    private String chromium(Path page, String mode, Path output) throws IOException, InterruptedException {
        Path profile = dir.resolve("profile");
        ProcessBuilder builder = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile, "--window-size=1300,400", mode,
                page.toUri().toString())
                .redirectOutput(output.toFile())
                .redirectError(dir.resolve("chromium.err").toFile());
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process process = builder.start();
        try {
            boolean exited = process.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(exited).as("chromium exited within " + BROWSER_TIMEOUT_SECONDS + "s").isTrue();
            assertThat(process.exitValue()).as(() -> "chromium's exit status; stderr:\n" + read(dir.resolve(
                    "chromium.err"))).isZero();
        } finally {
            stop(process);
        }
        return read(output);
    }

    /** Stops chromium and its helpers by PID, waiting a bounded time. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static Optional<Path> onPath(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(names)
                .flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
