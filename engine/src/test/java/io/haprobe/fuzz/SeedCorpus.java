package io.haprobe.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds fuzzing seeds in the repository the tests run in: files by glob, {@code haproxy: |} blocks of scenario
 * files, Java text blocks and Markdown code blocks. Build output ({@code target}) and {@code .git} are skipped.
 *
 * <p>Stateless and thread-safe.
 */
public final class SeedCorpus {

    private static final Pattern STRING_LITERAL = Pattern.compile("\"([^\"\\\\\\n]*)\"");

    private SeedCorpus() {
    }

    /**
     * Finds the repository root: the nearest directory, from the working directory (a module's directory under
     * Surefire) upwards, that holds both {@code pom.xml} and {@code conformance/scenarios}.
     *
     * @return the root, or empty when the tests run outside the repository
     */
    public static Optional<Path> repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("conformance/scenarios"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /**
     * Lists the files under {@code root} whose path relative to it matches a glob, in path order.
     *
     * @param root the directory to search; never null
     * @param glob a {@link java.nio.file.FileSystem#getPathMatcher glob}, e.g. {@code **}{@code /*.cfg}; never null
     * @return the files; empty if none
     * @throws UncheckedIOException if the tree cannot be walked
     */
    public static List<Path> files(Path root, String glob) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !root.relativize(p).toString().matches("(.*/)?(target|\\.git)/.*"))
                    .filter(p -> matcher.matches(root.relativize(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a file as UTF-8, malformed bytes replaced.
     *
     * @param file the file; never null
     * @return its text
     * @throws UncheckedIOException if it cannot be read
     */
    public static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Extracts the literal blocks of a YAML key, {@code key: |} followed by more indented lines, dedented.
     *
     * @param yaml the YAML text; never null
     * @param key  the key, e.g. {@code haproxy}; never null
     * @return the blocks in file order
     */
    public static List<String> literalBlocks(String yaml, String key) {
        List<String> blocks = new ArrayList<>();
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].strip();
            if (!trimmed.startsWith(key + ":") || !trimmed.substring(key.length() + 1).strip().startsWith("|")) {
                continue;
            }
            int keyIndent = indent(lines[i]);
            List<String> block = new ArrayList<>();
            int j = i + 1;
            while (j < lines.length && (lines[j].isBlank() || indent(lines[j]) > keyIndent)) {
                block.add(lines[j]);
                j++;
            }
            blocks.add(dedent(block));
            i = j - 1;
        }
        return blocks;
    }

    /**
     * Extracts Java text blocks ({@code """} ... {@code """}), dedented; escapes are left as written.
     *
     * @param java the Java source; never null
     * @return the blocks in file order
     */
    public static List<String> textBlocks(String java) {
        List<String> blocks = new ArrayList<>();
        int at = 0;
        while (true) {
            int open = java.indexOf("\"\"\"\n", at);
            if (open < 0) {
                return blocks;
            }
            int close = java.indexOf("\"\"\"", open + 4);
            if (close < 0) {
                return blocks;
            }
            blocks.add(dedent(List.of(java.substring(open + 4, close).split("\n", -1))));
            at = close + 3;
        }
    }

    /**
     * Extracts the fenced code blocks ({@code ```}) of a Markdown text, whatever their language.
     *
     * @param markdown the Markdown text; never null
     * @return the blocks in file order
     */
    public static List<String> fencedBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                if (block == null) {
                    block = new StringBuilder();
                } else {
                    blocks.add(block.toString());
                    block = null;
                }
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    /**
     * Extracts the plain string literals of a Java source that match a pattern whole, e.g. a parser's keywords.
     *
     * @param java    the Java source; never null
     * @param pattern the regular expression a literal's contents must match; never null
     * @return the distinct matching literals in file order
     */
    public static List<String> stringLiterals(String java, String pattern) {
        Pattern wanted = Pattern.compile(pattern);
        Matcher literal = STRING_LITERAL.matcher(java);
        Set<String> found = new LinkedHashSet<>();
        while (literal.find()) {
            String value = literal.group(1);
            if (wanted.matcher(value).matches()) {
                found.add(value);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Turns texts into UTF-8 seeds, dropping duplicates and keeping the order.
     *
     * @param texts the texts; never null
     * @return the seeds
     */
    public static List<byte[]> utf8(List<String> texts) {
        return texts.stream().distinct().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static String dedent(List<String> lines) {
        int common = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                common = Math.min(common, indent(line));
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(Math.min(common, line.length()))).append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }
}
