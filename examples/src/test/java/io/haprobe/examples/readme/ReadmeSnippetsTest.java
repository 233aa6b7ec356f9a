package io.haprobe.examples.readme;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the READMEs' Java from drifting: every {@code ```java} block of the repository's README.md and of
 * examples/README.md is, line for line, a region of a test of this module that compiles and runs. A region
 * lies between the comments {@code // README.md: begin} and {@code // README.md: end} (or
 * {@code // examples/README.md: ...}), its common indentation removed. To change a snippet, change the code,
 * run it, then copy the region into the README.
 *
 * <p>Reads the READMEs and sources from the module's directory (Maven's working directory for tests); writes
 * nothing.
 */
class ReadmeSnippetsTest {

    private static final Path SOURCES = Path.of("src/test/java/io/haprobe/examples");

    @Test
    void eachJavaBlockOfTheMainReadmeIsARegionOfATestThatRuns() throws IOException {
        assertJavaBlocks(Path.of("../README.md"), "README.md",
                "readme/EngineSnippetTest.java",
                "readme/JUnitSnippetTest.java",
                "readme/RuntimeApiSnippetTest.java");
    }

    @Test
    void eachJavaBlockOfTheExamplesReadmeIsARegionOfATestThatRuns() throws IOException {
        assertJavaBlocks(Path.of("README.md"), "examples/README.md",
                "WrongStatusRunbookTest.java");
    }

    @Test
    void theHaproxyCfgTheMainReadmeShowsIsTheOneItsSnippetsRead() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("../README.md"));
        int cat = readme.indexOf("$ cat haproxy.cfg");
        assertThat(cat).as("README.md shows '$ cat haproxy.cfg'").isNotNegative();
        List<String> shown = new ArrayList<>();
        for (String line : readme.subList(cat + 1, readme.size())) {
            if (line.startsWith("$ ")) {
                break;
            }
            shown.add(line);
        }
        while (!shown.isEmpty() && shown.get(shown.size() - 1).isBlank()) {
            shown.remove(shown.size() - 1);
        }

        assertThat(String.join("\n", shown) + "\n")
                .as("the haproxy.cfg of README.md against examples/haproxy.cfg")
                .isEqualTo(Files.readString(Path.of("haproxy.cfg")));
    }

    private static void assertJavaBlocks(Path readme, String label, String... sources) throws IOException {
        List<String> blocks = javaBlocks(Files.readAllLines(readme));
        assertThat(blocks)
                .as("%s has %d java blocks, and a region of %s for each (list a new block's twin here)",
                        label, blocks.size(), List.of(sources))
                .hasSize(sources.length);
        for (int i = 0; i < sources.length; i++) {
            Path source = SOURCES.resolve(sources[i]);
            assertThat(blocks.get(i))
                    .as("java block %d of %s against the '// %s: begin' region of %s", i + 1, label, label, source)
                    .isEqualTo(region(source, label));
        }
    }

    /** The text of each {@code ```java} block, without the fences, lines joined by {@code \n}. */
    private static List<String> javaBlocks(List<String> markdown) {
        List<String> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : markdown) {
            if (block == null) {
                if (line.strip().equals("```java")) {
                    block = new ArrayList<>();
                }
            } else if (line.strip().equals("```")) {
                blocks.add(String.join("\n", block));
                block = null;
            } else {
                block.add(line);
            }
        }
        assertThat(block).as("an unclosed java block").isNull();
        return blocks;
    }

    /** The one region of {@code source} marked for {@code label}, its common indentation removed. */
    private static String region(Path source, String label) throws IOException {
        List<String> lines = Files.readAllLines(source);
        int begin = indexOf(lines, "// " + label + ": begin");
        int end = indexOf(lines, "// " + label + ": end");
        assertThat(begin).as("'// %s: begin' in %s", label, source).isNotNegative();
        assertThat(end).as("'// %s: end' after its begin in %s", label, source).isGreaterThan(begin);
        String text = String.join("\n", lines.subList(begin + 1, end)).stripIndent();
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** The index of the first line that is {@code marker} after some indentation, or -1. */
    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        return -1;
    }
}
