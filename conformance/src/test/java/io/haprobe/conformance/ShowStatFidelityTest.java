package io.haprobe.conformance;

import io.haprobe.engine.Simulation;
import io.haprobe.testkit.Scenario;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code show stat} of haprobe against the real HAProxy 2.6.12's, field by field: the configuration and the
 * reply captured from HAProxy 25 s after its start (docs/notes/runtime-oracle.md §0 and §1.1, copied into
 * {@code src/test/resources/runtime/}), replayed as a simulation whose scripts answer as those backends did.
 *
 * <p>Not compared, each for its reason: {@code check_duration} and {@code agent_duration} (real milliseconds
 * against virtual zero); the BACKEND rows' {@code h1_*} counters
 * (HAProxy counts its own health checks' connections there). {@code lastchg} and {@code downtime} may differ by
 * one second (HAProxy counts whole seconds of its wall clock). {@code slim} of the FRONTEND and BACKEND rows is
 * compared: HAProxy derived it from the 20,000 descriptors and 2 processors of the machine the capture was
 * taken on, which a simulation assumes.
 */
class ShowStatFidelityTest {

    private static final Set<String> REAL_TIME = Set.of("check_duration", "agent_duration");
    private static final Set<String> SECONDS = Set.of("lastchg", "downtime");

    @Test
    void everyRowAndFieldIsHaproxys() throws Exception {
        List<String> expected = lines("show-stat-2.6.12.csv");
        Scenario scenario = Scenario.parse(resource("show-stat-2.6.12.yaml"));
        String actual;
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runFor(scenario.duration());
            actual = simulation.engine().showStat();
        }
        List<String> actualLines = List.of(actual.split("\n", -1));
        assertThat(actual).endsWith(",\n").doesNotEndWith("\n\n");
        assertThat(actualLines.get(0)).isEqualTo(expected.get(0));
        List<String> columns = List.of(expected.get(0).substring(2).split(",", -1));
        assertThat(actualLines).hasSize(expected.size() + 1);
        List<String> differences = new ArrayList<>();
        for (int row = 1; row < expected.size(); row++) {
            String[] want = expected.get(row).split(",", -1);
            String[] got = actualLines.get(row).split(",", -1);
            assertThat(got).as("row %d: %s", row, actualLines.get(row)).hasSameSizeAs(want);
            for (int i = 0; i < want.length - 1; i++) {
                String column = columns.get(i);
                if (REAL_TIME.contains(column) && !want[i].isEmpty() && !got[i].isEmpty()
                        || want[1].equals("BACKEND") && column.startsWith("h1_")
                        || SECONDS.contains(column) && !want[i].isEmpty() && !got[i].isEmpty()
                        && Math.abs(Long.parseLong(want[i]) - Long.parseLong(got[i])) <= 1) {
                    continue;
                }
                if (!want[i].equals(got[i])) {
                    differences.add(want[0] + '/' + want[1] + ' ' + column + ": HAProxy '" + want[i]
                            + "', haprobe '" + got[i] + "'");
                }
            }
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void serversStateIsHaproxys() throws Exception {
        List<String> expected = lines("show-servers-state-2.6.12.txt");
        Scenario scenario = Scenario.parse(resource("show-stat-2.6.12.yaml"));
        String actual;
        try (Simulation simulation = scenario.simulation().build()) {
            simulation.runFor(java.time.Duration.ofSeconds(46));
            actual = simulation.engine().showServersState();
        }
        List<String> actualLines = new ArrayList<>(List.of(actual.split("\n", -1)));
        assertThat(actual).endsWith("\n").doesNotEndWith("\n\n");
        assertThat(actualLines.subList(0, 2)).isEqualTo(expected.subList(0, 2));
        assertThat(actualLines).hasSize(expected.size() + 1);
        for (int row = 2; row < expected.size(); row++) {
            String[] want = expected.get(row).split(" ");
            String[] got = actualLines.get(row).split(" ");
            // srv_time_since_last_change (9): HAProxy counts whole seconds of its wall clock
            want[9] = got[9];
            assertThat(String.join(" ", got)).isEqualTo(String.join(" ", want));
        }
    }

    private static List<String> lines(String name) throws IOException, URISyntaxException {
        List<String> lines = new ArrayList<>(Files.readAllLines(resource(name), StandardCharsets.UTF_8));
        while (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ShowStatFidelityTest.class.getResource("/runtime/" + name).toURI());
    }
}
